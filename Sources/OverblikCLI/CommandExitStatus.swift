public import ArgumentParser
import Catalog
import Foundation
import Geography
import OverblikModel
import InventoryImport
import OfficeDocuments
import Reporting
import Store
import Submissions

/// Every command's exit status, decided in this one place from the error the command threw (the numbers are
/// sysexits.h's). Libraries throw their typed errors; a command lets them through; ``Entrypoint`` prints the
/// message and exits with the status below. `ValidationError` is for bad arguments only.
///
/// | status | when |
/// |---|---|
/// | 0 | the command did its work (a scan whose files failed to read still did: they are recorded) |
/// | 1 | it ran, but part of its work failed and was reported: files rejected or not imported, no PDF, an empty export refused, catalog errors |
/// | 64 | bad arguments: `ValidationError`, an unknown option or value (`EX_USAGE`) |
/// | 65 | an input file is not what it must be: a submission, the assumptions, an evidence header (`EX_DATAERR`) |
/// | 66 | an input cannot be read: a scan root, an evidence or submission file, no store at the path (`EX_NOINPUT`) |
/// | 70 | a resource shipped with Overblik is missing: a packaging fault (`EX_SOFTWARE`) |
/// | 73 | an output cannot be written (`EX_CANTCREAT`) |
/// | 74 | the estate store failed: cannot be opened, a statement failed (`EX_IOERR`) |
public enum CommandExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    case partialFailure = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case software = 70
    case cannotCreate = 73
    case ioError = 74

    /// The status for an error a command threw; nil for the errors swift-argument-parser reports itself
    /// (`ValidationError`, `ExitCode`, `CleanExit`, unknown options) and for unknown errors.
    public init?(classifying error: any Error) {
        switch error {
        case is StoreError: self = .ioError
        case is DurableFile.Failure: self = .cannotCreate
        case let error as CommandError: self = error.status
        case let error as ScanError:
            switch error {
            case .unreadableRoot: self = .noInput
            case .sinkFailed: self = .cannotCreate
            // The reader is made from the catalog the --catalog arguments name.
            case .readerUnavailable: self = .usage
            }
        case let error as ReportError: self = Self.status(error)
        case let error as ImportError:
            if case .unreadableFile = error { self = .noInput } else { self = .dataError }
        case is SubmissionError: self = .dataError
        case is GeographyError: self = .software
        default: return nil
        }
    }

    private static func status(_ error: ReportError) -> CommandExitStatus {
        switch error {
        case .unknownScope, .unknownFormat, .comparedWithItself: .usage
        case .invalidAssumptions, .invalidSubmission, .invalidEvidence: .dataError
        case .unreadableInput, .noData: .noInput
        case .writeFailed: .cannotCreate
        case .libreOfficeMissing, .pdfConversionFailed: .partialFailure
        case .missingResource: .software
        }
    }

    /// The exit code `overblik` ends with after `error`, as ``Entrypoint`` decides it.
    public static func exitCode(for error: any Error) -> ExitCode {
        if let status = CommandExitStatus(classifying: error) { return ExitCode(status.rawValue) }
        return OverblikCommand.exitCode(for: error)
    }
}

/// Failures of the commands themselves, beside those of the libraries.
enum CommandError: Error, Sendable, CustomStringConvertible {
    /// An output file (records, a submission) cannot be written.
    case cannotWrite(path: String, reason: String)
    /// `--store` (or its default) names a SQLite file that does not exist, for a command that only reads.
    case noStore(path: String)

    var status: CommandExitStatus {
        switch self {
        case .cannotWrite: .cannotCreate
        case .noStore: .noInput
        }
    }

    var description: String {
        switch self {
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .noStore(let path):
            "No estate store at \(path). Give --store (or set OVERBLIK_STORE), or run scan/import/compile first."
        }
    }
}
