/// Everything that can go wrong building or writing a report.
public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A shipped resource is missing (a packaging fault).
    case missingResource(String)
    /// An input file (submission, evidence, assumptions) could not be read.
    case unreadableInput(file: String, reason: String)
    /// The assumptions file has a bad or unknown key.
    case invalidAssumptions(file: String, key: String?, reason: String)
    /// A submission file is not a valid submission.
    case invalidSubmission(file: String, reason: String)
    /// A usage-evidence line could not be read.
    case invalidEvidence(file: String, line: Int, reason: String)
    /// `--scope` names nothing known.
    case unknownScope(input: String, reason: String?)
    /// No submission or evidence for the requested period.
    case noData(period: String?)
    /// `--compare-to` names the report's own period (given, or the newest in the data).
    case comparedWithItself(period: String)
    /// A format name not among html, odt, ods, pdf, md, csv, json.
    case unknownFormat(String)
    /// Writing an output file failed.
    case writeFailed(file: String, reason: String)
    /// LibreOffice (`soffice`) is not installed, so no PDF.
    case libreOfficeMissing
    /// LibreOffice ran but produced no PDF.
    case pdfConversionFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case .missingResource(let name): return "Report resource '\(name)' is missing (packaging fault)."
        case .unreadableInput(let file, let reason): return "\(file): cannot read: \(reason)"
        case .invalidAssumptions(let file, let key, let reason):
            return "\(file)\(key.map { ": key '\($0)'" } ?? ""): \(reason)"
        case .invalidSubmission(let file, let reason): return "\(file): not a valid submission: \(reason)"
        case .invalidEvidence(let file, let line, let reason): return "\(file), line \(line): \(reason)"
        case .unknownScope(let text, let reason):
            return "Unknown scope '\(text)'\(reason.map { ": \($0)" } ?? "")\n"
                + "Use national, region:CODE (e.g. region:1084) or a municipality or region by code, name or alias."
        case .noData(let period):
            return "No submissions or evidence to report on\(period.map { " for \($0)" } ?? "")."
        case .comparedWithItself(let period):
            return "--compare-to \(period) is the report's own period (the newest in the data): give an earlier "
                + "period, or --period."
        case .unknownFormat(let name):
            return "Unknown format '\(name)': use html, odt, ods, pdf, md, csv or json."
        case .writeFailed(let file, let reason): return "\(file): cannot write: \(reason)"
        case .libreOfficeMissing:
            return "PDF needs LibreOffice: install it (apt-get install libreoffice-writer-nogui) "
                + "or leave pdf out of --format. The ODT holds the same report."
        case .pdfConversionFailed(let file, let reason): return "\(file): LibreOffice produced no PDF: \(reason)"
        }
    }
}
