import Catalog
import OverblikModel
import Foundation
import ODFValidation
import TestSupport
import Testing

@testable import OverblikCLI

/// `overblik validate --format jsonl` writes each document's line itself; Foundation's `JSONSerialization`, which it
/// used before, is the oracle: every fixture's line parses to the object the old dictionary gave, at both levels,
/// and an unreadable file's line too.
@Suite struct ValidateJSONLineTests {
    /// The document object as the command built it for `JSONSerialization`.
    static func expected(_ outcome: ValidationOutcome, _ output: ValidationOutput) -> [String: Any] {
        var object: [String: Any] = ["type": "document", "path": outcome.path, "suite": output.suite(of: outcome)]
        switch outcome.result {
        case .failure(let error):
            object["verdict"] = "unreadable"
            object["error"] = error.description
        case .success(let report):
            object["verdict"] = report.verdict.rawValue
            object["odf_version"] = report.declaredVersion ?? NSNull()
            object["media_type"] = report.mediaType ?? NSNull()
            object["generator"] = report.generator ?? NSNull()
            object["flat"] = report.isFlat
            object["encrypted_parts"] = report.encryptedParts
            object["parts"] = report.parts.map {
                [
                    "part": $0.part, "schema": $0.schema, "valid": $0.validAsIs.map { $0 as Any } ?? NSNull(),
                    "valid_without_foreign": $0.validWithoutForeignContent.map { $0 as Any } ?? NSNull(),
                    "not_checked": $0.notChecked.map { $0 as Any } ?? NSNull(),
                ] as [String: Any]
            }
            object["problems"] = report.problems.map {
                [
                    "code": $0.code.rawValue, "part": $0.part, "line": $0.line, "column": $0.column,
                    "message": $0.message,
                ]
            }
        }
        object["passes"] = output.passes(outcome)
        return object
    }

    @Test(arguments: [ConformanceLevel.strict, .extended])
    func everyFixtureLineParsesToTheObjectJSONSerializationWasGiven(_ level: ConformanceLevel) async throws {
        let files =
            try ["validation", "documents/corpus", "documents/generated", "documents/damaged"].flatMap {
                try FileManager.default.contentsOfDirectory(at: Fixtures.url($0), includingPropertiesForKeys: nil)
                    .filter { $0.pathExtension != "md" }
            } + [Fixtures.url("documents/damaged").appendingPathComponent("no-such-file.odt")]
        #expect(files.count >= 80)
        let validator = ODFValidator(level: level)
        let outcomes = try await DedicatedThread.run {
            ValidationRun.run(files.map(\.path), jobs: 2, validator: validator)
        }
        let output = ValidationOutput(
            format: .jsonl, level: level, classifier: Classifier(catalog: try ProductCatalog.bundled()))
        var problems = 0
        for outcome in outcomes {
            let line = output.jsonLine(outcome)
            #expect(line.hasSuffix("}\n") && line.utf8.filter { $0 == 0x0A }.count == 1, "\(outcome.path)")
            let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? NSDictionary
            #expect(parsed == Self.expected(outcome, output) as NSDictionary, "\(outcome.path): \(line)")
            if case .success(let report) = outcome.result { problems += report.problems.count }
        }
        #expect(outcomes.contains { if case .failure = $0.result { true } else { false } })
        #expect(problems > 50)
    }
}
