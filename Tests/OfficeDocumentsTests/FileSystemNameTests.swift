@testable import FileSystemNames
import Testing
#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// Names that are not UTF-8 survive the trip through a Swift string: decoding then turning back gives the same
/// bytes for every byte string (so no two names become one), and UTF-8 names stay exactly as they are.
struct FileSystemNameTests {
    /// Random names weighted towards what breaks decoders: high bytes, lead bytes without continuations,
    /// 0xF4 sequences near the escape range, and plain UTF-8.
    static func randomName(_ generator: inout SeededGenerator) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("æ".utf8), Array("ø".utf8), [0xE6], [0xF8], [0xC3], [0x80], [0xFF], [0xF4, 0x8F],
            [0xF4, 0x8F, 0xBA, 0x80], [0xF4, 0x8F, 0xBB, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xED, 0xA0, 0x80],
            Array("\u{10FE80}".utf8), Array("😀".utf8), Array(".odt".utf8),
        ]
        return (0..<Int.random(in: 1...8, using: &generator)).flatMap { _ in
            pieces[Int.random(in: 0..<pieces.count, using: &generator)]
        }
    }

    @Test func everyByteStringComesBackUnchanged() {
        var generator = SeededGenerator(seed: 383)
        var seen: [String: [UInt8]] = [:]
        for _ in 0..<20_000 {
            let name = Self.randomName(&generator)
            let decoded = FileSystemName.decode(name)
            #expect(Array(FileSystemName.systemBytes(decoded).dropLast()) == name, "\(name)")
            if let other = seen[decoded] { #expect(other == name, "two names, one string: \(other) and \(name)") }
            seen[decoded] = name
            FileSystemName.withSystemPath(decoded) { path in
                #expect(
                    Array(UnsafeBufferPointer(start: path, count: strlen(path)).map { UInt8(bitPattern: $0) }) == name)
            }
        }
        #expect(seen.count > 5_000)
    }

    @Test func utf8NamesAreLeftAsTheyAre() {
        for name in ["café.odt", "Økonomi/Budget 2026.ods", "报告.docx", "😀.odt", ""] {
            #expect(FileSystemName.decode(Array(name.utf8)) == name)
            #expect(FileSystemName.displayed(name) == name)
        }
        // Latin-1 "æ" shows as the replacement character to a person, and opens as the byte it is.
        let latin1 = FileSystemName.decode([0x64, 0xE6, 0x72])
        #expect(FileSystemName.displayed(latin1) == "d\u{FFFD}r")
        #expect(FileSystemName.systemBytes(latin1) == [0x64, 0xE6, 0x72, 0])
    }
}
