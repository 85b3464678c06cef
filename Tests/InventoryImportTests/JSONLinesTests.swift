import Foundation
import InventoryImport
import OverblikModel
import Testing

/// The hand-written JSON line writer says exactly what `SoftwareRecord`'s `Codable` form says.
@Suite struct JSONLinesTests {
    static let tricky: [String] = [
        "plain", "", "say \"hi\"", "back\\slash\\", "C:\\Program Files\\LibreOffice\\",
        String((0..<32).map { Character(Unicode.Scalar(UInt8($0))) }), "del\u{7F}", "Rådhus æøå ÆØÅ", "Ελληνικά",
        "日本語のソフト", "emoji 🎉👩‍💻🇩🇰", "line\u{2028}sep\u{2029}para", "nul\u{0}inside", "/slash/", "\u{FEFF}bom",
        "tab\there\r\nnewline", String(repeating: "ø\"\\", count: 300),
    ]

    static func record(_ text: String, index: Int) -> SoftwareRecord {
        SoftwareRecord(
            organisation: index % 3 == 0 ? nil : 101 + index, source: "src \(text).csv", line: index * 977,
            host: index % 2 == 0 ? nil : "h:\(text)", title: text, publisher: index % 4 == 0 ? nil : text,
            version: text, package: index % 5 == 0 ? nil : text, platform: text, installCount: index * -3 + 7,
            installDate: index % 2 == 0 ? nil : Date(timeIntervalSince1970: Double(index) * 86_400 * 397 - 1e9),
            classification: Classification(
                product: text, version: index % 2 == 0 ? text : nil, versionLine: text,
                component: index % 3 == 0 ? nil : text, countsAsInstallation: index % 2 == 0, rule: text))
    }

    @Test func fastLinesDecodeToTheRecordAndMatchTheCodableForm() throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        for (index, text) in Self.tricky.enumerated() {
            let record = Self.record(text, index: index)
            var bytes: [UInt8] = []
            JSONLines.append(record, to: &bytes)
            // One line, ending in a newline, with no raw control character inside.
            #expect(bytes.last == 0x0A)
            #expect(!bytes.dropLast().contains { $0 < 0x20 })
            let line = Data(bytes.dropLast())
            let decoded = try JSONLines.decoder().decode(SoftwareRecord.self, from: line)
            #expect(decoded == record, "\(text.debugDescription)")
            // The same JSON value as JSONEncoder's output (key order and escaping style aside).
            let fast = try #require(try JSONSerialization.jsonObject(with: line) as? NSDictionary)
            let codable = try #require(
                try JSONSerialization.jsonObject(with: encoder.encode(record)) as? NSDictionary)
            #expect(fast == codable, "\(text.debugDescription)")
        }
    }
}
