public import OverblikModel
public import Foundation

/// Writes records as JSON lines, fast: the same keys and values as `SoftwareRecord`'s `Codable` form
/// (dates as ISO 8601), written by hand because a million lines through `JSONEncoder` take seconds.
public enum JSONLines {
    /// Appends one record and a newline to `out`.
    public static func append(_ record: SoftwareRecord, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"organisation":"#.utf8)
        if let organisation = record.organisation { appendInt(organisation, to: &out) } else { appendNull(&out) }
        key("source", &out)
        appendString(record.source, to: &out)
        key("line", &out)
        appendInt(record.line, to: &out)
        key("host", &out)
        appendOptional(record.host, to: &out)
        key("title", &out)
        appendString(record.title, to: &out)
        key("publisher", &out)
        appendOptional(record.publisher, to: &out)
        key("version", &out)
        appendOptional(record.version, to: &out)
        key("package", &out)
        appendOptional(record.package, to: &out)
        key("platform", &out)
        appendOptional(record.platform, to: &out)
        key("install_count", &out)
        appendInt(record.installCount, to: &out)
        if let date = record.installDate {
            key("install_date", &out)
            appendISO8601(date, to: &out)
        }
        let classification = record.classification
        key("product", &out)
        appendString(classification.product, to: &out)
        key("product_version", &out)
        appendOptional(classification.version, to: &out)
        key("version_line", &out)
        appendOptional(classification.versionLine, to: &out)
        key("component", &out)
        appendOptional(classification.component, to: &out)
        key("counts_as_installation", &out)
        out.append(contentsOf: (classification.countsAsInstallation ? "true" : "false").utf8)
        key("rule", &out)
        appendString(classification.rule, to: &out)
        out.append(contentsOf: "}\n".utf8)
    }

    /// Appends one usage declaration (its `Codable` form, with `"record":"usage"` to tell it from software lines).
    public static func append(_ declaration: UsageDeclaration, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"record":"usage","organisation":"#.utf8)
        appendInt(declaration.organisation, to: &out)
        key("product", &out)
        appendString(declaration.product, to: &out)
        key("relation", &out)
        appendString(declaration.relation.rawValue, to: &out)
        key("date", &out)
        appendOptional(declaration.date, to: &out)
        key("evidence", &out)
        appendOptional(declaration.evidence, to: &out)
        key("evidence_kind", &out)
        appendString(declaration.evidenceKind.rawValue, to: &out)
        key("source", &out)
        appendOptional(declaration.source, to: &out)
        key("line", &out)
        if let line = declaration.line { appendInt(line, to: &out) } else { appendNull(&out) }
        out.append(contentsOf: "}\n".utf8)
    }

    /// A decoder for these lines (ISO 8601 dates).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    @inline(__always)
    private static func key(_ name: StaticString, _ out: inout [UInt8]) {
        out.append(0x2C)
        out.append(0x22)
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(0x22)
        out.append(0x3A)
    }

    private static func appendNull(_ out: inout [UInt8]) { out.append(contentsOf: "null".utf8) }

    private static func appendOptional(_ text: String?, to out: inout [UInt8]) {
        if let text { appendString(text, to: &out) } else { appendNull(&out) }
    }

    private static func appendInt(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(0x30 + UInt8(value))
            return
        }
        out.append(contentsOf: String(value).utf8)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
                if runStart < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                runStart = index + 1
                switch byte {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                case 0x09: out.append(contentsOf: [0x5C, 0x74])
                default:
                    out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            if runStart < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
        out.append(0x22)
    }

    /// `"yyyy-mm-ddThh:mm:ssZ"` written digit by digit (no formatter on the hot path).
    static func appendISO8601(_ date: Date, to out: inout [UInt8]) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var remainder = seconds % 86_400
        if remainder < 0 {
            remainder += 86_400
            days -= 1
        }
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            let value = max(0, value)
            while divisor > 0 {
                out.append(0x30 + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        out.append(0x22)
        digits(year, 4)
        out.append(0x2D)
        digits(month, 2)
        out.append(0x2D)
        digits(day, 2)
        out.append(0x54)
        digits(remainder / 3600, 2)
        out.append(0x3A)
        digits(remainder / 60 % 60, 2)
        out.append(0x3A)
        digits(remainder % 60, 2)
        out.append(contentsOf: "Z\"".utf8)
    }
}
