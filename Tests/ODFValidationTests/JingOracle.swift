import Dispatch
import Foundation
import ODFValidation
import OverblikModel
import Synchronization
import TestSupport

/// Jing's verdict on one part, from `scripts/jing-oracle.py` (Python zipfile + ElementTree + `jing -i`).
struct JingVerdict: Decodable {
    var document: String
    var part: String
    var version: String
    var strict: Bool?
    /// Valid after the oracle's own removal of foreign content; `nil` for the manifest.
    var extended: Bool?
}

/// Runs the oracle and Overblik on the same documents and lines up their per-part verdicts.
enum JingComparison {
    struct Disagreement: Hashable, CustomStringConvertible {
        var document: String
        var part: String
        var level: ConformanceLevel
        var jing: Bool
        var overblik: Bool
        var description: String { "\(document) \(part) [\(level)]: Jing \(jing), Overblik \(overblik)" }
    }

    struct Outcome {
        var compared: [ConformanceLevel: Int] = [:]
        var disagreements: [Disagreement] = []
        var missing: [String] = []
        /// Checks that ended past the time limit ("document part [level]"): no verdict to compare.
        var notChecked: [String] = []

        func agreement(_ level: ConformanceLevel) -> Double {
            let total = compared[level] ?? 0
            let wrong = disagreements.filter { $0.level == level }.count
            return total == 0 ? 0 : Double(total - wrong) / Double(total)
        }
    }

    static func oracle(_ files: [URL]) async throws -> [JingVerdict] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let schemas = Fixtures.repositoryRoot.appendingPathComponent("Sources/ODFValidation/Resources/schemas")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/jing-oracle.py")
        process.arguments = ["python3", script.path, "--schemas", schemas.path] + files.map(\.path)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = await output.readAll()
        await process.ended()
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(JingVerdict.self, from: Data($0))
        }
    }

    static func overblik(_ files: [URL], timeLimit: Duration, engine: RelaxNGEngine) -> [String: ValidationReport] {
        let validator = ODFValidator(
            level: .extended, schemas: ODFSchemaSet(engine: engine), schemaTimeLimit: timeLimit)
        let reports = Mutex([String: ValidationReport]())
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            guard let report = try? validator.validate(path: files[index].path) else { return }
            reports.withLock { $0[files[index].path] = report }
        }
        return reports.withLock { $0 }
    }

    static func compare(
        _ files: [URL], engine: RelaxNGEngine, timeLimit: Duration = .seconds(60)
    ) async throws
        -> Outcome
    {
        let verdicts = try await oracle(files)
        // The validations may wait on RELAX NG worker processes (libxml2): on a thread of their own, not the test's.
        let reports = try await DedicatedThread.run { overblik(files, timeLimit: timeLimit, engine: engine) }
        var outcome = Outcome()
        for verdict in verdicts {
            guard let report = reports[verdict.document],
                let part = report.parts.first(where: { $0.part == verdict.part }), let jingStrict = verdict.strict
            else {
                outcome.missing.append("\(verdict.document) \(verdict.part)")
                continue
            }
            let name = (verdict.document as NSString).lastPathComponent
            guard let validAsIs = part.validAsIs else {
                outcome.notChecked.append("\(name) \(verdict.part) [strict]")
                continue
            }
            outcome.compared[.strict, default: 0] += 1
            if jingStrict != validAsIs {
                outcome.disagreements.append(
                    Disagreement(
                        document: name, part: verdict.part, level: .strict, jing: jingStrict, overblik: validAsIs))
            }
            guard let jingFiltered = verdict.extended, verdict.version >= "1.2" else { continue }
            if !validAsIs && part.notChecked != nil {
                outcome.notChecked.append("\(name) \(verdict.part) [extended]")
                continue
            }
            let jingExtended = jingStrict || jingFiltered
            let ours = validAsIs || (part.validWithoutForeignContent ?? false)
            outcome.compared[.extended, default: 0] += 1
            if jingExtended != ours {
                outcome.disagreements.append(
                    Disagreement(
                        document: name, part: verdict.part, level: .extended, jing: jingExtended, overblik: ours))
            }
        }
        return outcome
    }

    /// ODF files under `folder`, recursively.
    static func documents(in folder: URL) -> [URL] {
        let extensions: Set<String> = [
            "odt", "ott", "ods", "ots", "odp", "otp", "odg", "otg", "odc", "odf", "odi", "odb", "odm", "fodt", "fods",
            "fodp", "fodg",
        ]
        let found =
            FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        return found.filter { extensions.contains($0.pathExtension.lowercased()) }.sorted { $0.path < $1.path }
    }
}

extension ODFValidator {
    /// ``validate(path:)`` on a thread of its own: it waits on a RELAX NG worker process, which a test must not do
    /// on a thread of Swift's cooperative pool (see Tests/TestSupport/ChildWaits.swift).
    func validateOnOwnThread(path: String) async throws -> ValidationReport {
        let validator = self
        return try await DedicatedThread.run { try validator.validate(path: path) }
    }
}
