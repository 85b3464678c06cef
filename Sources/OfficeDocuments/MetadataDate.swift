public import Foundation

/// Parses the ISO 8601 date-times office documents write (`2024-03-01T10:20:30`, with optional fraction,
/// `Z` or `±hh:mm`; a bare date is midnight). No zone means UTC: ODF writers store local time without a zone,
/// and the year is what aggregation needs. Hand-rolled because `DateFormatter` is slow and locale-bound.
public enum MetadataDate {
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D })
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let byte = bytes[index + offset]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = 0.0
        if index < bytes.count && (bytes[index] == 0x54 || bytes[index] == 0x20) {  // 'T' or ' '
            index += 1
            guard let hour = number(2), expect(0x3A), let minute = number(2), hour < 25, minute < 60 else {
                return nil
            }
            var second = 0
            if expect(0x3A) {
                guard let value = number(2), value < 61 else { return nil }
                second = value
            }
            seconds = Double(hour * 3600 + minute * 60 + second)
            if expect(0x2E) || expect(0x2C) {
                var scale = 0.1
                while index < bytes.count, bytes[index] >= 0x30 && bytes[index] <= 0x39 {
                    seconds += Double(bytes[index] - 0x30) * scale
                    scale /= 10
                    index += 1
                }
            }
            if expect(0x5A) {  // 'Z'
            } else if index < bytes.count && (bytes[index] == 0x2B || bytes[index] == 0x2D) {
                let sign = bytes[index] == 0x2B ? 1.0 : -1.0
                index += 1
                guard let offsetHours = number(2) else { return nil }
                _ = expect(0x3A)
                let offsetMinutes = number(2) ?? 0
                seconds -= sign * Double(offsetHours * 3600 + offsetMinutes * 60)
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: Double(days) * 86_400 + seconds)
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
