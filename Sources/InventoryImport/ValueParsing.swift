public import Foundation

/// Numbers and dates as inventory exports write them, including Danish locale forms.
public enum ValueParsing {
    /// An install count: `251`, `1.234` or `1 234` (Danish thousands), `12,0` (Danish decimal), `3.0`.
    /// Nil for anything that is not a non-negative whole number.
    public static func installCount(_ text: String) -> Int? {
        var digits = text.trimmedField
        if digits.isEmpty { return nil }
        if let value = Int(digits) { return value >= 0 ? value : nil }
        digits.removeAll { $0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" }
        // A trailing decimal part of zeros: `12,0`, `12.00`.
        if let separator = digits.lastIndex(where: { $0 == "," || $0 == "." }) {
            let fraction = digits[digits.index(after: separator)...]
            if !fraction.isEmpty && fraction.count <= 2 && fraction.allSatisfy({ $0 == "0" }) {
                digits = String(digits[..<separator])
            }
        }
        // Thousands groups: 1.234.567 or 1,234,567 (groups of exactly three digits).
        for separator in [".", ","] where digits.contains(separator) {
            let groups = digits.split(separator: Character(separator), omittingEmptySubsequences: false)
            guard groups.count > 1, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return nil }
            digits = groups.joined()
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        return value
    }

    /// A calendar day from the forms exports use: `2011-10-04 00:00:00`, `20210724`, `2025/04/20 00:00:00`,
    /// `01-03-2021` / `01.03.2021` / `18/04/2017` (day first, the Danish and European default; month first
    /// only when the day cannot be a month), ISO 8601 with time. Returned as midnight UTC.
    public static func date(_ text: String) -> Date? {
        guard let (year, month, day) = dayComponents(text.utf8) else { return nil }
        return Date(timeIntervalSince1970: Double(daysFromCivil(year, month, day)) * 86_400)
    }

    /// ``date(_:)`` of text given as its UTF-8 (or other ASCII-compatible) bytes.
    static func date(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard let (year, month, day) = dayComponents(bytes) else { return nil }
        return Date(timeIntervalSince1970: Double(daysFromCivil(year, month, day)) * 86_400)
    }

    /// The same day as `yyyy-mm-dd`, or nil.
    public static func isoDay(_ text: String) -> String? {
        guard let (year, month, day) = dayComponents(text.utf8) else { return nil }
        return String(format: "%04d-%02d-%02d", year, month, day)
    }

    static func dayComponents<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> (Int, Int, Int)? {
        // Up to three numbers and their digit counts, in fixed slots (no array allocation per call).
        var numbers = (0, 0, 0)
        var widths = (0, 0, 0)
        var parts = 0
        func keep(_ number: Int, _ digits: Int) {
            switch parts {
            case 0: (numbers.0, widths.0) = (number, digits)
            case 1: (numbers.1, widths.1) = (number, digits)
            default: (numbers.2, widths.2) = (number, digits)
            }
            parts += 1
        }
        var current = 0
        var width = 0
        var separator: UInt8 = 0
        var started = false
        for byte in bytes {
            if byte == 0x20 || byte == 0x09 {
                if started { break }  // the time part follows
                continue
            }
            started = true
            if byte >= 0x30 && byte <= 0x39 {
                current = current * 10 + Int(byte - 0x30)
                width += 1
                if width > 8 { return nil }
            } else if byte == 0x2D || byte == 0x2E || byte == 0x2F {
                guard width > 0, separator == 0 || separator == byte, parts < 2 else { return nil }
                separator = byte
                keep(current, width)
                current = 0
                width = 0
            } else if byte == 0x54 && parts == 2 {
                break  // ISO 8601 `T`
            } else {
                return nil
            }
        }
        guard width > 0 else { return nil }
        keep(current, width)
        var year = 0
        var month = 0
        var day = 0
        if parts == 1 && widths.0 == 8 {
            year = numbers.0 / 10_000
            month = numbers.0 / 100 % 100
            day = numbers.0 % 100
        } else if parts == 3 {
            if widths.0 == 4 {
                (year, month, day) = numbers
            } else if widths.2 == 4 && widths.0 <= 2 && widths.1 <= 2 {
                year = numbers.2
                if numbers.0 > 12 || numbers.1 <= 12 {
                    (day, month) = (numbers.0, numbers.1)
                } else {
                    (month, day) = (numbers.0, numbers.1)
                }
            } else {
                return nil
            }
        } else {
            return nil
        }
        guard (1900...2200).contains(year), (1...12).contains(month), (1...daysIn(month, year)).contains(day) else {
            return nil
        }
        return (year, month, day)
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm): no Calendar on the hot path.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension String {
    /// Whitespace and newlines trimmed from both ends; returns `self` unchanged (no copy, no bridging to
    /// NSString) in the common case where there is nothing to trim — this runs on every field.
    var trimmedField: String {
        guard let first = utf8.first, let last = utf8.last else { return self }
        @inline(__always) func isPlainByte(_ byte: UInt8) -> Bool {
            byte > 0x20 && byte < 0x80  // printable ASCII: not whitespace
        }
        if isPlainByte(first) && isPlainByte(last) { return self }
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
