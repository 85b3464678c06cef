import Foundation
import OverblikModel
import TestSupport
import Testing

@testable import InventoryImport

/// Repeated CSV field values are handed out as one shared `String`: the values must be exactly what decoding
/// each field gives, whatever repeats, collides or is replaced in the interner's fixed table.
@Suite struct FieldInterningTests {
    @Test func internedStringsEqualTheirBytesThroughReplacementsAndCollisions() {
        var interner = FieldInterner()
        var decodes = 0
        func intern(_ text: String) -> String {
            Array(text.utf8).withUnsafeBufferPointer { bytes in
                interner.string(for: bytes) { decoded in
                    decodes += 1
                    return String(decoding: decoded, as: UTF8.self)
                }
            }
        }
        // More distinct values than slots: every slot is replaced several times over.
        let values = (0..<(FieldInterner.slotCount * 3)).map { "Program number \($0) (x64) æøå" }
        for round in 0..<2 {
            for value in values where round == 0 || value.hasSuffix("7) (x64) æøå") {
                #expect(intern(value) == value)
            }
        }
        // A value seen again right away is not decoded again; short and long values are decoded every time.
        decodes = 0
        #expect(intern("LibreOffice 24.2.7.2 (x64)") == "LibreOffice 24.2.7.2 (x64)")
        #expect(intern("LibreOffice 24.2.7.2 (x64)") == "LibreOffice 24.2.7.2 (x64)")
        #expect(decodes == 1)
        let long = String(repeating: "Microsoft Visual C++ Redistributable ", count: 5)
        #expect(intern(long) == long)
        #expect(intern(long) == long)
        #expect(intern("7-Zip") == "7-Zip")
        #expect(intern("") == "")
        #expect(decodes == 5)
        // Values that differ only in one byte, or only in length, never share a String.
        #expect(intern("Vendor AAAAAAAAAAAAAAAA1") == "Vendor AAAAAAAAAAAAAAAA1")
        #expect(intern("Vendor AAAAAAAAAAAAAAAA2") == "Vendor AAAAAAAAAAAAAAAA2")
        #expect(intern("Vendor AAAAAAAAAAAAAAAA") == "Vendor AAAAAAAAAAAAAAAA")
    }

    /// A CSV whose long fields repeat in an irregular order, with more distinct values than the interner has
    /// slots, Windows-1252 bytes and over-long fields: every record carries exactly its own line's values.
    @Test func csvRecordsKeepTheirOwnValues() throws {
        var bytes = Array("Netbios_Name0,ARPDisplayName0,ProductVersion0,Publisher0,SoftwareCode0\n".utf8)
        var expected: [(title: String, publisher: String, package: String)] = []
        var generator = SeededGenerator(seed: 20_261_124)
        for line in 0..<20_000 {
            let titleNumber = Int(generator.next() % 9_000)
            let title = "Application \(titleNumber) Professional Edition"
            let publisher =
                line % 50 == 0 ? "Kommunernes F\u{E6}lles IT-Center A/S" : "Publisher \(titleNumber % 300) Ltd."
            let package =
                line % 997 == 0 ? String(repeating: "{LONG-CODE-\(line)}", count: 12) : "{\(titleNumber)-0000-CODE}"
            bytes += Array("PC-\(line / 40),\(title),1.\(titleNumber % 7),".utf8)
            // The Danish publisher is written in Windows-1252 (æ = 0xE6): decoded per field, then shared.
            bytes += publisher.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            bytes += Array(",\(package)\n".utf8)
            expected.append((title, publisher, package))
        }
        let result = try makeImporter().importFile(at: try temporaryFile("interning.csv", bytes))
        #expect(result.records.count == expected.count)
        #expect(result.records.map(\.title) == expected.map(\.title))
        #expect(result.records.map(\.publisher) == expected.map(\.publisher))
        #expect(result.records.map(\.package) == expected.map(\.package))
    }

    /// Install dates are parsed from the field's bytes without making a String: the same days as
    /// `ValueParsing.date` on the text, and nil for the same non-dates (including non-ASCII bytes).
    @Test func csvDatesMatchTheTextParser() throws {
        let texts = [
            "2011-10-04 00:00:00", "20210724", "2025/04/20 00:00:00", "01-03-2021", "01.03.2021", "18/04/2017",
            "12/31/2020", "2024-02-29T10:00:00Z", " 2019-06-05", "2023-02-30", "1970-00-01", "n.d.", "99999999",
            "2019-06-05 \u{E6}", "2019\u{E6}06-05",
        ]
        var text = "Netbios_Name0,ARPDisplayName0,InstallDate0\n"
        for (index, date) in texts.enumerated() { text += "PC-1,Program \(index),\(date)\n" }
        let result = try makeImporter().importFile(at: try temporaryFile("dates.csv", text: text))
        #expect(result.records.map(\.installDate) == texts.map { ValueParsing.date($0) })
        #expect(result.records.compactMap(\.installDate).count == 10)
    }
}
