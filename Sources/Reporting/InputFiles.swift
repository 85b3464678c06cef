public import Catalog
public import Foundation
public import Geography
import InventoryImport
public import OverblikModel
public import Submissions

/// Reads report inputs from files: submissions (JSON) and usage evidence (TSV or JSON lines).
public enum ReportInputFiles {
    /// Reads one submission file with the Store's verifier (schema, digest over the body, organisation code).
    public static func readSubmission(_ url: URL, verifier: SubmissionVerifier) throws -> Submission {
        do {
            return try verifier.verify(fileAt: url)
        } catch {
            throw ReportError.invalidSubmission(file: url.lastPathComponent, reason: "\(error)")
        }
    }

    /// Reads usage evidence: JSON lines of ``UsageDeclaration``, or the public-evidence TSV (`product_id,
    /// municipality_or_region, code, relation, date_or_year, evidence_url`) with InventoryImport's reader of that
    /// format (as `overblik import --input-format usage-evidence` reads it). Lines that cannot be read are
    /// returned as diagnostics, not thrown; a file that cannot be read at all throws.
    public static func readEvidence(
        _ url: URL, directory: AuthorityDirectory, catalog: ProductCatalog
    ) throws -> (declarations: [UsageDeclaration], diagnostics: [Diagnostic]) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ReportError.unreadableInput(file: url.path, reason: "not readable UTF-8 text")
        }
        if url.pathExtension == "jsonl" || text.hasPrefix("{") {
            return readDeclarationLines(text, file: url.lastPathComponent)
        }
        var options = ImportOptions(
            hostPseudonymiser: HostPseudonymiser(key: []),  // evidence names no hosts
            resolveOrganisation: { directory.lookup($0)?.code })
        options.inputFormat = .usageEvidence
        let read = try InventoryImporter(classifier: CatalogClassifier(catalog: catalog), options: options)
            .importFile(at: url)
        return (read.declarations, read.report.diagnostics)
    }

    /// One ``UsageDeclaration`` (its JSON form) a line; blank lines are skipped.
    static func readDeclarationLines(_ text: String, file: String) -> ([UsageDeclaration], [Diagnostic]) {
        var declarations: [UsageDeclaration] = []
        var diagnostics: [Diagnostic] = []
        let decoder = JSONDecoder()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                declarations.append(try decoder.decode(UsageDeclaration.self, from: Data(line.utf8)))
            } catch {
                diagnostics.append(
                    Diagnostic(.warning, .unreadableLine, file: file, line: index + 1, message: "\(error)"))
            }
        }
        return (declarations, diagnostics)
    }
}
