import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// The fields the Swift reader produces for every fixture equal those of the independent Python reader
/// (`scripts/independent-reader.py`, zipfile + ElementTree, olefile), committed as `fixtures/documents/expected.jsonl`.
@Suite struct ExpectedFieldsTests {
    static let expectedFile = Fixtures.url("documents/expected.jsonl")

    static func expectedLines() -> [String] {
        guard let text = try? String(contentsOf: expectedFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// The record in the independent reader's shape, each value rendered as text: same keys, dates as whole
    /// seconds, warning kinds sorted, statistics as sorted `name=value` pairs, `null` for absent values.
    static func comparable(_ record: DocumentRecord, path: String) -> [String: String] {
        func seconds(_ date: Date?) -> String {
            date.map { String(Int($0.timeIntervalSince1970.rounded(.down))) } ?? "null"
        }
        return [
            "path": path, "family": record.family.rawValue, "container": record.container.rawValue,
            "format": record.format, "mimetype": record.mimetype ?? "null", "odf_version": record.odfVersion ?? "null",
            "manifest_version": record.manifestVersion ?? "null", "generator": record.generator ?? "null",
            "application": record.application ?? "null", "app_version": record.appVersion ?? "null",
            "encrypted": record.encrypted ? "true" : "false", "created": seconds(record.created),
            "meta_modified": seconds(record.metaModified),
            "editing_cycles": record.editingCycles.map(String.init) ?? "null",
            "editing_duration": record.editingDuration ?? "null",
            "statistics": record.statistics.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ","),
            "language": record.language ?? "null", "template": record.template ?? "null",
            "warnings": record.warnings.map(\.kind.rawValue).sorted().joined(separator: ","),
            "error": record.error?.rawValue ?? "null",
        ]
    }

    static func normalised(_ json: [String: Any]) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in json {
            switch value {
            case is NSNull: result[key] = "null"
            case let number as NSNumber where key == "encrypted": result[key] = number.boolValue ? "true" : "false"
            case let number as NSNumber: result[key] = String(number.intValue)
            case let text as String: result[key] = text
            case let list as [String]: result[key] = list.sorted().joined(separator: ",")
            case let map as [String: Any]:
                result[key] = map.map { "\($0.key)=\(($0.value as? NSNumber)?.intValue ?? -1)" }.sorted()
                    .joined(separator: ",")
            default: result[key] = "\(value)"
            }
        }
        return result
    }

    @Test func expectationsCoverEveryFixture() throws {
        let lines = Self.expectedLines()
        #expect(lines.count >= 60)
        var onDisk: [String] = []
        let root = Fixtures.url("documents").path
        let folders = try FileManager.default.contentsOfDirectory(atPath: root).filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: root + "/" + $0, isDirectory: &isFolder) && isFolder.boolValue
        }
        #expect(folders.count >= 5)
        for folder in folders {
            let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("documents/\(folder)").path)
            onDisk += names.filter { $0 != "README.md" && !$0.hasSuffix(".tsv") }.map { "\(folder)/\($0)" }
        }
        let expectedPaths = try lines.map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(object["path"] as? String)
        }
        #expect(Set(expectedPaths) == Set(onDisk))
    }

    @Test(arguments: expectedLines())
    func swiftReaderAgreesWithIndependentReader(line: String) throws {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let expected = Self.normalised(json)
        let path = try #require(json["path"] as? String)
        let record = DocumentReader(classifier: nil).read(path: Fixtures.url("documents/" + path).path)
        let actual = Self.comparable(record, path: path)
        for key in expected.keys.sorted() {
            #expect(actual[key] == expected[key], "\(path): \(key)")
        }
        #expect(Set(actual.keys) == Set(expected.keys))
    }

    /// The committed expectations are what the independent reader says today (python3 is a test dependency).
    @Test func independentReaderStillProducesTheCommittedExpectations() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", Fixtures.repositoryRoot.appendingPathComponent("scripts/independent-reader.py").path,
            Fixtures.url("documents").path, "--relative-to", Fixtures.url("documents").path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = await pipe.readAll()
        await process.ended()
        #expect(process.terminationStatus == 0, "python3 scripts/independent-reader.py failed")
        let produced = String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(produced == Self.expectedLines())
    }
}
