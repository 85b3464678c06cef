import Catalog
import Foundation
import ODFValidation
import OverblikModel

/// Counts for the summary of `overblik validate`.
struct ValidationSummary {
    var total = 0
    var failures = 0
    var byVerdict: [String: Int] = [:]
    var byVersion: [String: Int] = [:]
    var bySuite: [String: [String: Int]] = [:]

    mutating func add(_ outcome: ValidationOutcome, suite: String, passes: Bool) {
        total += 1
        if !passes { failures += 1 }
        let verdict: String
        switch outcome.result {
        case .success(let report):
            verdict = report.verdict.rawValue
            byVersion[report.declaredVersion ?? "none", default: 0] += 1
        case .failure:
            verdict = "unreadable"
            byVersion["none", default: 0] += 1
        }
        byVerdict[verdict, default: 0] += 1
        bySuite[suite, default: [:]][verdict, default: 0] += 1
    }
}

/// Renders reports and the summary as text or JSON lines.
struct ValidationOutput {
    var format: ValidateCommand.Format
    var level: ConformanceLevel
    var classifier: Classifier

    /// The producing suite (catalog product id) from `meta:generator`; `unknown` without one.
    func suite(of outcome: ValidationOutcome) -> String {
        guard case .success(let report) = outcome.result, let generator = report.generator else { return "unknown" }
        return classifier.classify(generator: generator).product
    }

    /// Whether the outcome passes at this level.
    func passes(_ outcome: ValidationOutcome) -> Bool {
        guard case .success(let report) = outcome.result else { return false }
        return report.verdict == .conforming || (level == .extended && report.verdict == .extendedConforming)
    }

    func render(_ outcome: ValidationOutcome) -> String {
        switch format {
        case .text: return text(outcome)
        case .jsonl: return jsonLine(outcome)
        }
    }

    private func text(_ outcome: ValidationOutcome) -> String {
        switch outcome.result {
        case .failure(let error): return "\(outcome.path): error: \(error.description)\n"
        case .success(let report):
            var line = "\(outcome.path): \(report.verdict.rawValue)"
            line += " (ODF \(report.declaredVersion ?? "?"), \(suite(of: outcome)))\n"
            for problem in report.problems {
                let place = problem.part.isEmpty ? "" : "\(problem.part):\(problem.line):\(problem.column): "
                line += "  \(place)[\(problem.code.rawValue)] \(problem.message)\n"
            }
            if !report.encryptedParts.isEmpty {
                line += "  note: encrypted parts not checked: \(report.encryptedParts.joined(separator: ", "))\n"
            }
            return line
        }
    }

    func render(_ summary: ValidationSummary) -> String {
        switch format {
        case .jsonl:
            return Self.jsonLine([
                "type": "summary", "level": level.rawValue, "files": summary.total, "failing": summary.failures,
                "by_verdict": summary.byVerdict, "by_odf_version": summary.byVersion, "by_suite": summary.bySuite,
            ])
        case .text:
            var text =
                "\nValidated \(summary.total) files at the \(level.rawValue) level; \(summary.failures) do not pass.\n"
            text += "By verdict:\n" + Self.rows(summary.byVerdict)
            text += "By ODF version:\n" + Self.rows(summary.byVersion)
            text += "By producing suite:\n"
            for (suite, verdicts) in summary.bySuite.sorted(by: { $0.key < $1.key }) {
                let parts = verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                text += "  \(suite): \(parts.joined(separator: ", "))\n"
            }
            return text
        }
    }

    private static func rows(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)\n" }.joined()
    }

    static func jsonLine(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// `scan --validate`: each ODF file's verdict at the extended level (which still tells conforming apart from
/// extended-conforming), from the same validator as `overblik validate`.
struct ODFConformanceCheck: DocumentConformanceChecking {
    let validator = ODFValidator(level: .extended)

    func conformance(ofDocumentAt path: String) -> DocumentConformance {
        guard let report = try? validator.validate(path: path) else { return .unreadable }
        switch report.verdict {
        case .conforming: return .conforming
        case .extendedConforming: return .extendedConforming
        case .notConforming: return .notConforming
        case .unknownVersion: return .unknownVersion
        case .notChecked: return .notChecked
        }
    }
}
