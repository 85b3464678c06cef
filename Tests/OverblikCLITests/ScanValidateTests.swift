import Foundation
import TestSupport
import Testing

/// `overblik scan --validate`: every ODF record carries the verdict `overblik validate --level extended` gives the
/// same file (the real binary, whose RELAX NG workers are the binary itself); other records carry none.
@Suite struct ScanValidateTests {
    static func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func odfRecordsCarryTheValidatorsVerdict() async throws {
        let binary = try overblikBinary()
        let folders = [Fixtures.url("validation").path, Fixtures.url("documents/corpus").path]
        let scan = try await runBinary(binary, ["scan", "--no-store", "--validate", "--format", "jsonl"] + folders)
        #expect(scan.status == 0, "\(scan.stderr)")
        let validate = try await runBinary(binary, ["validate", "--level", "extended", "--format", "jsonl"] + folders)
        var verdicts: [String: String] = [:]
        for object in try Self.lines(validate.stdout) where object["type"] as? String == "document" {
            verdicts[try #require(object["path"] as? String)] = object["verdict"] as? String
        }
        let records = try Self.lines(scan.stdout).filter { $0["path"] != nil }
        var odf = 0
        for record in records {
            let path = try #require(record["path"] as? String)
            let failed = record["error"].map { !($0 is NSNull) } ?? false
            if record["family"] as? String == "odf" && !failed {
                odf += 1
                #expect(record["conformance"] as? String == verdicts[path], "\(path)")
            } else {
                #expect(record["conformance"] == nil, "\(path)")
            }
        }
        #expect(odf >= 30)
        #expect(Set(verdicts.values).isSuperset(of: ["conforming", "extended-conforming", "not-conforming"]))
    }
}
