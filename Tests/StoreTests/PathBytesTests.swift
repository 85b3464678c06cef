import Foundation
@testable import OverblikModel
import TestSupport
import Testing

/// Paths are compared as bytes with `memcmp`; the oracle is the byte-by-byte comparison of the UTF-8 views it
/// replaced. Paths are drawn from parts that tell bytes from text: a combining mark that Swift joins to the `/`
/// before it, two spellings of one visible name, non-ASCII and empty parts, and Foundation-bridged strings
/// (whose UTF-8 is not stored contiguously).
@Suite struct PathBytesTests {
    static let parts = ["", "/", "srv", "a", "café", "cafe\u{301}", "\u{301}x.odt", "Økonomi", "d0001", "f.odt", "👩‍👩‍👧"]

    static func randomPath(_ generator: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...5, using: &generator)
        let path = (0..<count).map { _ in parts.randomElement(using: &generator)! }.joined(separator: "/")
        // Bridged: the same text behind an NSString, read through Foundation's UTF-16 storage.
        return Bool.random(using: &generator) ? String(NSString(string: path)) : path
    }

    @Test func comparisonsEqualTheByteByByteComparisons() {
        var generator = SeededGenerator(seed: 0x5041_5448)
        for round in 0..<20_000 {
            let path = Self.randomPath(&generator)
            // Half the time the other path is a prefix of this one, so that equal prefixes are common.
            let other =
                Bool.random(using: &generator)
                ? Self.randomPath(&generator)
                : String(
                    decoding: path.utf8.prefix(Int.random(in: 0...path.utf8.count, using: &generator)), as: UTF8.self)
            #expect(
                path.hasPathPrefix(other) == path.utf8.starts(with: other.utf8),
                "round \(round): \(Array(path.utf8)) has prefix \(Array(other.utf8))")
            #expect(
                path.isSamePath(other) == path.utf8.elementsEqual(other.utf8),
                "round \(round): \(Array(path.utf8)) is \(Array(other.utf8))")
            let count = Int.random(in: 0...path.utf8.count, using: &generator)
            let lastSlash = path.utf8.lastIndex(of: UInt8(ascii: "/")).map {
                path.utf8.distance(from: path.utf8.startIndex, to: $0)
            }
            #expect(path.lastSlashOffset == lastSlash, "round \(round): last slash of \(Array(path.utf8))")
            #expect(
                path.hasPathBytes(count, equalTo: other)
                    == (other.utf8.count == count && path.utf8.prefix(count).elementsEqual(other.utf8)),
                "round \(round): first \(count) bytes of \(Array(path.utf8)) are \(Array(other.utf8))")
        }
    }

    @Test func textEqualButBytesDifferent() {
        #expect("café" == "cafe\u{301}")
        #expect(!"café".isSamePath("cafe\u{301}"))
        #expect("/srv/\u{301}x.odt".hasPathPrefix("/srv/"))
        #expect(!"/srv".hasPathPrefix("/srv/"))
        #expect("/srv/a/f.odt".hasPathBytes(6, equalTo: "/srv/a"))
        #expect(!"/srv/a/f.odt".hasPathBytes(5, equalTo: "/srv/a"))
    }

    /// A document's year by arithmetic (1583–9999) and by Foundation's calendar elsewhere equals the calendar's
    /// year everywhere: dates around each year's turn, around the two bounds, and anywhere from −10¹¹ s to 10¹² s.
    @Test func aDocumentsYearIsTheUTCCalendarsYear() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var generator = SeededGenerator(seed: 0x5945_4152)
        let bounds = [DocumentRecord.firstGregorianSecond, DocumentRecord.yearTenThousandSecond, 0, -1, 1]
        var seconds: [Double] = bounds.flatMap { [$0 - 0.5, $0, $0 + 0.5, $0 - 86_400, $0 + 86_400] }
        for _ in 0..<20_000 {
            seconds.append(Double.random(in: -1e11...1e12, using: &generator))
            // Near the turn of a year between 1500 and 2100.
            let year = Int.random(in: 1500...2100, using: &generator)
            let turn = calendar.date(from: DateComponents(year: year, month: 1, day: 1))!.timeIntervalSince1970
            seconds.append(turn + Double.random(in: -2...2, using: &generator))
        }
        for second in seconds {
            let date = Date(timeIntervalSince1970: second)
            var record = DocumentRecord(
                path: "/a.odt", family: .odf, container: .zip, format: "odt", size: 1, modified: date)
            #expect(record.year == calendar.component(.year, from: date), "\(second)")
            record.created = Date(timeIntervalSince1970: 0)
            #expect(record.year == 1970)
        }
    }
}
