import CompoundFileKit
import Foundation
import TestSupport
import Testing

/// Property set streams read through libgsf (`gsf_doc_meta_data_read_from_msole`), on hand-made streams whose every
/// byte the test decides, and the guards in front of libgsf 1.14.50's reader.
@Suite struct PropertySetTests {
    /// One property: id, type word and the value's bytes (padded here to 4).
    struct Property {
        var id: UInt32
        var type: UInt32
        var value: [UInt8]
    }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    static let summaryFormatID: [UInt8] = [
        0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9,
    ]

    /// A property set stream with one summary section ([MS-OLEPS] 2.20-2.21).
    static func propertySet(_ properties: [Property]) -> [UInt8] {
        var values: [UInt8] = []
        var table: [UInt8] = []
        let tableSize = 8 + properties.count * 8
        for property in properties {
            table += le32(property.id) + le32(UInt32(tableSize + values.count))
            var value = le32(property.type) + property.value
            while value.count % 4 != 0 { value.append(0) }
            values += value
        }
        let section = le32(UInt32(tableSize + values.count)) + le32(UInt32(properties.count)) + table
        var stream: [UInt8] = [0xFE, 0xFF, 0x00, 0x00, 0x05, 0x01, 0x02, 0x00] + [UInt8](repeating: 0, count: 16)
        stream += le32(1) + summaryFormatID + le32(48)
        return stream + section + values
    }

    static func text(_ string: String) -> [UInt8] {
        let bytes = Array(string.utf8) + [0]
        return le32(UInt32(bytes.count)) + bytes
    }

    static let codePage1252 = Property(id: 1, type: 2, value: [0xE4, 0x04])

    /// A compound file holding `stream` as `\u{5}SummaryInformation`, padded with zeros to 4,096 bytes (the builder
    /// writes no mini stream); bytes after the section are not read.
    static func file(with stream: [UInt8]) throws(CompoundFileError) -> CompoundFile {
        let padded = stream + [UInt8](repeating: 0, count: max(0, 4096 - stream.count))
        let builder = CompoundFileBuilder(
            entries: [
                CompoundFileBuilder.Entry(name: "Root Entry", type: 5, child: 1),
                CompoundFileBuilder.Entry(
                    name: "\u{5}SummaryInformation", type: 2, start: 0, size: UInt32(padded.count)),
            ],
            streamData: padded)
        return try CompoundFile(bytes: builder.bytes())
    }

    static let summary = ["\u{5}SummaryInformation"]

    @Test func textsCountsAndDatesAreRead() throws {
        // 2009-06-02T23:49:00Z as a FILETIME: (seconds since 1970 + 11,644,473,600) × 10^7.
        let created = (UInt64(1_243_986_540) + 11_644_473_600) * 10_000_000
        let stream = Self.propertySet([
            Self.codePage1252,
            Property(id: 18, type: 0x1E, value: Self.text("Microsoft Word 8.0")),
            Property(id: 14, type: 3, value: Self.le32(7)),
            Property(id: 12, type: 0x40, value: Self.le64(created)),
            Property(id: 13, type: 0x40, value: Self.le64(0)),
        ])
        let set = try Self.file(with: stream).readPropertySet(at: Self.summary)
        #expect(set.texts[PropertySet.Name.generator] == "Microsoft Word 8.0")
        #expect(set.integers[PropertySet.Name.pageCount] == 7)
        #expect(set.fileTimes[PropertySet.createdID] == created)
        // 0 stays 0 here (libgsf's own timestamp would say 2009-04-22): the reader maps it to "no date".
        #expect(set.fileTimes[PropertySet.lastSavedID] == 0)
    }

    /// Windows-1252 bytes are converted by libgsf from the set's code page: 0xE9 is "é".
    @Test func textsAreConvertedFromTheCodePage() throws {
        let bytes: [UInt8] = [0x43, 0x61, 0x66, 0xE9, 0x00]
        let stream = Self.propertySet([
            Self.codePage1252, Property(id: 2, type: 0x1E, value: Self.le32(UInt32(bytes.count)) + bytes),
        ])
        let set = try Self.file(with: stream).readPropertySet(at: Self.summary)
        #expect(set.texts[PropertySet.Name.title] == "Café")
    }

    /// A stream longer than the prefix read (a thumbnail after the other properties, as LibreOffice's .ppt has
    /// 430 KiB of it) is cut to the properties that end in the prefix; a long stream of two sections is refused.
    @Test func longStreamsAreCutToTheirFirstProperties() throws {
        let thumbnail = Self.le32(UInt32(200_000)) + [UInt8](repeating: 0xFF, count: 200_000)
        let stream = Self.propertySet([
            Self.codePage1252, Property(id: 18, type: 0x1E, value: Self.text("Microsoft PowerPoint")),
            Property(id: 17, type: 0x47, value: thumbnail),
        ])
        #expect(stream.count > CompoundFile.propertySetPrefixBytes)
        let set = try Self.file(with: stream).readPropertySet(at: Self.summary)
        #expect(set.texts[PropertySet.Name.generator] == "Microsoft PowerPoint")
        var twoSections = stream
        twoSections[24] = 2
        do {
            _ = try Self.file(with: twoSections).readPropertySet(at: Self.summary)
            Issue.record("read a long stream of two sections")
        } catch {
            guard case .badPropertySet = error else {
                Issue.record("\(error)")
                return
            }
        }
    }

    /// A value nested VT_VARIANT in VT_VARIANT 10,000 times would nest as many C calls in libgsf: refused first.
    @Test func deeplyNestedVariantsAreRefused() throws {
        var nested: [UInt8] = []
        for _ in 0..<10_000 { nested += Self.le32(0x0C) }
        let stream = Self.propertySet([Self.codePage1252, Property(id: 2, type: 0x0C, value: nested)])
        #expect(CompoundFile.propertySetPrefixBytes > stream.count)
        do {
            _ = try Self.file(with: stream).readPropertySet(at: Self.summary)
            Issue.record("read a 10,000-deep variant")
        } catch {
            guard case .badPropertySet(_, let detail) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(detail.contains("nested"))
        }
        // A thumbnail (VT_CF) full of such words nests nothing: it is read (a metafile's records are full of 0x0C).
        var metafile = Self.le32(UInt32(4 + 40_000)) + Self.le32(3)
        for _ in 0..<10_000 { metafile += Self.le32(0x0C) }
        let thumbnail = Self.propertySet([
            Self.codePage1252, Property(id: 17, type: 0x47, value: metafile),
            Property(id: 18, type: 0x1E, value: Self.text("Microsoft PowerPoint")),
        ])
        let withThumbnail = try Self.file(with: thumbnail).readPropertySet(at: Self.summary)
        #expect(withThumbnail.texts[PropertySet.Name.generator] == "Microsoft PowerPoint")
        // A few levels, as real vectors of variants have, are read.
        let shallow = Self.propertySet([
            Self.codePage1252, Property(id: 2, type: 0x0C, value: Self.le32(0x1E) + Self.text("nested")),
        ])
        let read = try Self.file(with: shallow).readPropertySet(at: Self.summary)
        #expect(read.texts[PropertySet.Name.title] == "nested")
    }

    /// A dictionary (property 0), last in the stream, whose entry claims 20 UTF-16 characters where 4 bytes are
    /// left: libgsf 1.14.50 checks the count against bytes, not characters (upstream issue 41), and reads 36 bytes
    /// past the stream's end, here into the zeroed copy. The read ends, and the other properties are there.
    @Test func overlongDictionaryEntriesEndWithoutACrash() throws {
        let dictionary = Self.le32(5) + Self.le32(20) + [0x41, 0x00, 0x42, 0x00]
        // A blob fills the stream to exactly 4,096 bytes (the builder's smallest), so the dictionary ends it.
        func stream(filler: Int) -> [UInt8] {
            Self.propertySet([
                Property(id: 1, type: 2, value: [0xB0, 0x04]),  // code page 1200: two bytes a character
                Property(id: 14, type: 3, value: Self.le32(3)),
                Property(
                    id: 0x20, type: 0x41, value: Self.le32(UInt32(filler)) + [UInt8](repeating: 0x41, count: filler)),
                Property(id: 0, type: 1, value: dictionary),  // the type word of a dictionary is its entry count
            ])
        }
        let stream = stream(filler: 4096 - stream(filler: 0).count)
        #expect(stream.count == 4096 && Array(stream.suffix(4)) == [0x41, 0x00, 0x42, 0x00])
        let set = try Self.file(with: stream).readPropertySet(at: Self.summary)
        #expect(set.integers[PropertySet.Name.pageCount] == 3)
    }

    @Test(arguments: [
        [UInt8](repeating: 0x41, count: 64),
        [0xFE, 0xFF, 0x00, 0x00, 0x05, 0x01, 0x03, 0x00] + [UInt8](repeating: 0, count: 56),
        [0xFE, 0xFF, 0x07, 0x00] + [UInt8](repeating: 0, count: 60),
    ])
    func notAPropertySetIsATypedError(_ stream: [UInt8]) throws {
        do {
            _ = try Self.file(with: stream).readPropertySet(at: Self.summary)
            Issue.record("read \(stream.prefix(8)) as a property set")
        } catch {
            guard case .badPropertySet = error else {
                Issue.record("\(error)")
                return
            }
        }
    }

    @Test func missingStreamIsNoSuchStream() throws {
        let file = try Self.file(with: Self.propertySet([Self.codePage1252]))
        #expect(throws: CompoundFileError.noSuchStream(path: "\u{5}DocumentSummaryInformation")) {
            try file.readPropertySet(at: ["\u{5}DocumentSummaryInformation"])
        }
    }

    /// Seeded random bytes over a valid stream (header, section table, values): a typed error or a value, never a
    /// crash; the FILETIMEs read are only those whose type word survived.
    @Test func seededDamageIsATypedErrorOrAValue() throws {
        let created = (UInt64(1_243_986_540) + 11_644_473_600) * 10_000_000
        let original = Self.propertySet([
            Self.codePage1252, Property(id: 18, type: 0x1E, value: Self.text("Microsoft Excel")),
            Property(id: 4, type: 0x1E, value: Self.text("someone")),
            Property(id: 12, type: 0x40, value: Self.le64(created)),
            Property(id: 0x1000, type: 0x101E, value: Self.le32(2) + Self.text("a") + Self.text("b")),
        ])
        var random = SeededGenerator(seed: 0xC0FF_EE16)
        var read = 0
        var refused = 0
        for _ in 0..<600 {
            var stream = original
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                stream[Int.random(in: 0..<stream.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            do {
                _ = try Self.file(with: stream).readPropertySet(at: Self.summary)
                read += 1
            } catch {
                guard case .badPropertySet = error else {
                    Issue.record("\(error)")
                    continue
                }
                refused += 1
            }
        }
        #expect(read > 0 && refused > 0)
    }
}
