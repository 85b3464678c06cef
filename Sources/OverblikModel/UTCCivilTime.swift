public import Foundation

/// A date's calendar fields in UTC, whole seconds rounded down, computed without Calendar or a formatter.
///
/// The fast JSON writers (scan and import jsonl) use it to write dates exactly as
/// `JSONEncoder.DateEncodingStrategy.iso8601` does, at a fraction of the cost.
public struct UTCCivilTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    /// Seconds since midnight UTC, 0..<86400.
    public var secondsOfDay: Int

    public init(_ date: Date) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        var days = seconds / 86_400
        var remainder = seconds % 86_400
        if remainder < 0 {
            remainder += 86_400
            days -= 1
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        secondsOfDay = remainder
    }
}

/// Dates as ISO 8601 text in UTC, whole seconds: the one date formatter of the package (what
/// `ISO8601DateFormatter` and `JSONEncoder`'s `.iso8601` write, without their cost).
public enum ISODate {
    /// `2026-11-30`.
    public static func day(_ date: Date) -> String {
        let civil = UTCCivilTime(date)
        return digits(civil.year, 4) + "-" + digits(civil.month, 2) + "-" + digits(civil.day, 2)
    }

    /// `2026-11-30T08:05:09Z`.
    public static func timestamp(_ date: Date) -> String {
        let seconds = UTCCivilTime(date).secondsOfDay
        return day(date) + "T" + digits(seconds / 3600, 2) + ":" + digits(seconds / 60 % 60, 2) + ":"
            + digits(seconds % 60, 2) + "Z"
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
