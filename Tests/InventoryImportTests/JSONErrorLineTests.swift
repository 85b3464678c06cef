import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// A JSON inventory that is not JSON names the line where it breaks. Oracle: the line the test broke it at.
@Suite struct JSONErrorLineTests {
    /// Real exports that are JSON as they stand (ones that need repairs would report their own first problem).
    static let fixtures = [
        "inventory/cyclonedx/cyclonedx-py-7.5.0-python-env.cdx.json",
        "inventory/glpi-json/inventory_format-computer_1.json",
        "inventory/glpi-json/inventory_format-computer_1_partial_softs.json",
        "inventory/spdx/spdx-spec-SPDXJSONExample-v2.3.spdx.json",
        "inventory/winget-export/buddhiko1-system-app.winget-export.json",
    ]

    /// Offsets where a value starts outside any string (the first byte after a `:`, `[` or `,` and its blanks).
    static func valueStarts(_ bytes: [UInt8]) -> [Int] {
        var starts: [Int] = []
        var inString = false
        var escaped = false
        var afterSeparator = false
        for (offset, byte) in bytes.enumerated() {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            let isBlank = byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
            if afterSeparator && !isBlank {
                starts.append(offset)
                afterSeparator = false
            }
            if byte == UInt8(ascii: "\"") { inString = true }
            if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: ",") {
                afterSeparator = true
            }
        }
        return starts
    }

    @Test(arguments: fixtures)
    func aStrayCharacterIsReportedAtItsLine(_ fixture: String) throws {
        let original = try [UInt8](Data(contentsOf: Fixtures.url(fixture)))
        try #require(
            (try? JSONSerialization.jsonObject(with: Data(original))) != nil, "\(fixture) is JSON as it stands")
        let name = URL(fileURLWithPath: fixture).lastPathComponent
        let starts = Self.valueStarts(original)
        var generator = SeededGenerator(seed: UInt64(fixture.utf8.count))
        for _ in 0..<12 {
            let offset = starts.randomElement(using: &generator)!
            var broken = original
            // `@` starts no JSON value, and none of the importer's repairs removes it.
            broken.insert(UInt8(ascii: "@"), at: offset)
            let line = 1 + original[..<offset].count { $0 == 0x0A }
            let url = try temporaryFile(name, broken)
            #expect {
                try makeImporter().importFile(at: url)
            } throws: { error in
                guard case .malformed(let file, _, let reported, _)? = error as? ImportError else { return false }
                return file == url.path && reported == line
                    && (error as? ImportError)?.description.contains("line \(line):") == true
            }
        }
    }

    @Test func theLineIsTheOffsetsLineAndNoneWithoutAnOffset() {
        let text = Array("{\n\"a\": 1,\n\"b\": x\n}".utf8)
        #expect(JSONErrorLine.line(in: text, message: "Invalid value around character 15.") == 3)
        #expect(JSONErrorLine.line(in: text, message: "Invalid value around character 0.") == 1)
        #expect(JSONErrorLine.line(in: text, message: "Unexpected end of file during JSON parse.") == nil)
        #expect(
            JSONErrorLine.line(in: text, message: "Invalid UTF-8 sequence 2 bytes starting from character 10.") == 3)
    }
}
