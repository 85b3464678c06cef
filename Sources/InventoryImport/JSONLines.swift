public import OverblikModel
public import Foundation

/// Writes records as JSON lines, fast: the same keys and values as `SoftwareRecord`'s `Codable` form
/// (dates as ISO 8601), written by hand because a million lines through `JSONEncoder` take seconds.
public enum JSONLines {
    /// Appends one record and a newline to `out`.
    ///
    /// The line is written through a raw pointer into scratch space sized for the worst case (every byte
    /// escaped as `\\u00XX`) and appended to `out` once: one append per record instead of one per token.
    public static func append(_ record: SoftwareRecord, to out: inout [UInt8]) {
        let classification = record.classification
        // Summed field by field: an array of the twelve strings would cost an allocation and a retain and
        // release of each string on every line.
        var textBytes = record.source.utf8.count + record.title.utf8.count + classification.product.utf8.count
        textBytes += classification.rule.utf8.count + (record.host?.utf8.count ?? 0)
        textBytes += (record.publisher?.utf8.count ?? 0) + (record.version?.utf8.count ?? 0)
        textBytes += (record.package?.utf8.count ?? 0) + (record.platform?.utf8.count ?? 0)
        textBytes += (classification.version?.utf8.count ?? 0) + (classification.versionLine?.utf8.count ?? 0)
        textBytes += classification.component?.utf8.count ?? 0
        // Keys and punctuation (< 300 bytes), three integers, a date, every text byte escaped six-fold.
        write(capacity: 512 + 6 * textBytes, to: &out) { w in
            w.raw(#"{"organisation":"#)
            if let organisation = record.organisation { w.int(organisation) } else { w.raw("null") }
            w.raw(#","source":"#)
            w.string(record.source)
            w.raw(#","line":"#)
            w.int(record.line)
            w.raw(#","host":"#)
            w.optional(record.host)
            w.raw(#","title":"#)
            w.string(record.title)
            w.raw(#","publisher":"#)
            w.optional(record.publisher)
            w.raw(#","version":"#)
            w.optional(record.version)
            w.raw(#","package":"#)
            w.optional(record.package)
            w.raw(#","platform":"#)
            w.optional(record.platform)
            w.raw(#","install_count":"#)
            w.int(record.installCount)
            if let date = record.installDate {
                w.raw(#","install_date":"#)
                w.date(date)
            }
            w.raw(#","product":"#)
            w.string(classification.product)
            w.raw(#","product_version":"#)
            w.optional(classification.version)
            w.raw(#","version_line":"#)
            w.optional(classification.versionLine)
            w.raw(#","component":"#)
            w.optional(classification.component)
            w.raw(#","counts_as_installation":"#)
            w.raw(classification.countsAsInstallation ? "true" : "false")
            w.raw(#","rule":"#)
            w.string(classification.rule)
            w.raw("}\n")
        }
    }

    /// Writes one line through a ``RawWriter`` into scratch space of `capacity` bytes (the caller's worst
    /// case) and appends it to `out` at once.
    @inline(__always)
    private static func write(capacity: Int, to out: inout [UInt8], _ body: (inout RawWriter) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var w = RawWriter(base: buffer.baseAddress!)
            body(&w)
            precondition(w.count <= capacity, "JSON line larger than its bound")
            out.append(contentsOf: UnsafeBufferPointer(start: buffer.baseAddress!, count: w.count))
        }
    }

    /// Writes JSON tokens at a raw pointer; the caller guarantees the space.
    private struct RawWriter {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        init(base: UnsafeMutablePointer<UInt8>) { self.base = base }

        @inline(__always) mutating func byte(_ value: UInt8) {
            base[count] = value
            count += 1
        }

        @inline(__always) mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { source in
                (base + count).update(from: source.baseAddress!, count: source.count)
                count += source.count
            }
        }

        /// `"yyyy-mm-ddThh:mm:ssZ"` (what `JSONDecoder`'s `.iso8601` strategy reads), digit by digit.
        mutating func date(_ date: Date) {
            let parts = UTCCivilTime(date)
            byte(0x22)
            fixed(parts.year, 4)
            byte(0x2D)
            fixed(parts.month, 2)
            byte(0x2D)
            fixed(parts.day, 2)
            byte(0x54)
            fixed(parts.secondsOfDay / 3600, 2)
            byte(0x3A)
            fixed(parts.secondsOfDay / 60 % 60, 2)
            byte(0x3A)
            fixed(parts.secondsOfDay % 60, 2)
            byte(0x5A)
            byte(0x22)
        }

        /// `value` in exactly `width` digits (negative values as zeros, as the ISO writer does).
        mutating func fixed(_ value: Int, _ width: Int) {
            var value = max(0, value)
            var index = count + width - 1
            while index >= count {
                base[index] = 0x30 + UInt8(value % 10)
                value /= 10
                index -= 1
            }
            count += width
        }

        mutating func int(_ value: Int) {
            if value >= 0 && value < 10 {
                byte(0x30 + UInt8(value))
                return
            }
            var magnitude = value.magnitude
            if value < 0 { byte(0x2D) }
            // At most 20 digits: written backwards into place, then the position moves past them.
            var length = 0
            var probe = magnitude
            repeat {
                length += 1
                probe /= 10
            } while probe > 0
            var index = count + length - 1
            repeat {
                base[index] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
                index -= 1
            } while magnitude > 0
            count += length
        }

        mutating func optional(_ text: String?) {
            if let text { string(text) } else { raw("null") }
        }

        mutating func string(_ text: String) {
            byte(0x22)
            // Read in place (a `var` copy to call `withUTF8` costs a retain and release per string).
            if text.utf8.withContiguousStorageIfAvailable({ escaped($0) }) == nil {
                var copy = text
                copy.withUTF8 { escaped($0) }
            }
            byte(0x22)
        }

        /// The UTF-8 bytes of a JSON string's content, escaped.
        mutating func escaped(_ bytes: UnsafeBufferPointer<UInt8>) {
            var runStart = 0
            for index in 0..<bytes.count {
                let value = bytes[index]
                guard value < 0x20 || value == 0x22 || value == 0x5C else { continue }
                if runStart < index {
                    (base + count).update(from: bytes.baseAddress! + runStart, count: index - runStart)
                    count += index - runStart
                }
                runStart = index + 1
                byte(0x5C)
                switch value {
                case 0x22: byte(0x22)
                case 0x5C: byte(0x5C)
                case 0x0A: byte(0x6E)
                case 0x0D: byte(0x72)
                case 0x09: byte(0x74)
                default:
                    byte(0x75)
                    byte(0x30)
                    byte(0x30)
                    byte(JSONLines.hex[Int(value >> 4)])
                    byte(JSONLines.hex[Int(value & 0x0F)])
                }
            }
            if runStart < bytes.count {
                (base + count).update(from: bytes.baseAddress! + runStart, count: bytes.count - runStart)
                count += bytes.count - runStart
            }
        }
    }

    /// Appends one usage declaration (its `Codable` form, with `"record":"usage"` to tell it from software lines).
    public static func append(_ declaration: UsageDeclaration, to out: inout [UInt8]) {
        var textBytes = declaration.product.utf8.count + declaration.relation.rawValue.utf8.count
        textBytes += (declaration.date?.utf8.count ?? 0) + (declaration.evidence?.utf8.count ?? 0)
        textBytes += declaration.evidenceKind.rawValue.utf8.count + (declaration.source?.utf8.count ?? 0)
        // Keys and punctuation (< 200 bytes), two integers, every text byte escaped six-fold.
        write(capacity: 256 + 6 * textBytes, to: &out) { w in
            w.raw(#"{"record":"usage","organisation":"#)
            w.int(declaration.organisation)
            w.raw(#","product":"#)
            w.string(declaration.product)
            w.raw(#","relation":"#)
            w.string(declaration.relation.rawValue)
            w.raw(#","date":"#)
            w.optional(declaration.date)
            w.raw(#","evidence":"#)
            w.optional(declaration.evidence)
            w.raw(#","evidence_kind":"#)
            w.string(declaration.evidenceKind.rawValue)
            w.raw(#","source":"#)
            w.optional(declaration.source)
            w.raw(#","line":"#)
            if let line = declaration.line { w.int(line) } else { w.raw("null") }
            w.raw("}\n")
        }
    }

    /// A decoder for these lines (ISO 8601 dates).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    fileprivate static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
