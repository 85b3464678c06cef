public import Foundation
public import Geography
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

    /// Reads usage evidence: the public-evidence TSV (`product_id, municipality_or_region, code, relation,
    /// date_or_year, evidence_url`) or JSON lines of ``UsageDeclaration``. Lines that cannot be read are
    /// returned as diagnostics, not thrown.
    public static func readEvidence(
        _ url: URL, directory: AuthorityDirectory
    ) throws -> (
        declarations: [UsageDeclaration], diagnostics: [Diagnostic]
    ) {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw ReportError.unreadableInput(file: url.path, reason: "not readable UTF-8 text")
        }
        let file = url.lastPathComponent
        var declarations: [UsageDeclaration] = []
        var diagnostics: [Diagnostic] = []
        func unreadable(_ line: Int, _ reason: String) -> Diagnostic {
            Diagnostic(.warning, .unreadableLine, file: file, line: line, message: reason)
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if url.pathExtension == "jsonl" || lines.first?.hasPrefix("{") == true {
            let decoder = JSONDecoder()
            for (index, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    declarations.append(try decoder.decode(UsageDeclaration.self, from: Data(line.utf8)))
                } catch {
                    diagnostics.append(unreadable(index + 1, "\(error)"))
                }
            }
            return (declarations, diagnostics)
        }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        else { return ([], []) }
        func column(_ names: String...) -> Int? { header.firstIndex { names.contains($0.lowercased()) } }
        guard let productColumn = column("product_id", "product"),
            let codeColumn = column("code", "organisation"),
            let relationColumn = column("relation")
        else {
            throw ReportError.invalidEvidence(
                file: file, line: 1, reason: "header needs product_id, code and relation columns")
        }
        let nameColumn = column("municipality_or_region", "name")
        let dateColumn = column("date_or_year", "date")
        let evidenceColumn = column("evidence_url", "evidence")
        for (index, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            func field(_ column: Int?) -> String? {
                guard let column, column < fields.count, !fields[column].isEmpty else { return nil }
                return fields[column]
            }
            guard let product = field(productColumn), let relationText = field(relationColumn) else {
                diagnostics.append(unreadable(index + 1, "missing product or relation"))
                continue
            }
            guard let relation = UsageRelation(rawValue: relationText) else {
                diagnostics.append(unreadable(index + 1, "unknown relation '\(relationText)'"))
                continue
            }
            let authority =
                field(codeColumn).flatMap { try? directory.resolve($0) }
                ?? field(nameColumn).flatMap { try? directory.resolve($0) }
            guard let authority else {
                diagnostics.append(
                    unreadable(index + 1, "unknown authority '\(field(codeColumn) ?? field(nameColumn) ?? "")'"))
                continue
            }
            declarations.append(
                UsageDeclaration(
                    organisation: authority.code, product: product, relation: relation, date: field(dateColumn),
                    evidence: field(evidenceColumn), evidenceKind: .publicEvidence, source: file, line: index + 1))
        }
        return (declarations, diagnostics)
    }
}
