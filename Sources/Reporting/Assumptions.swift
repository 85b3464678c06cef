public import Foundation
import Yams

/// The business-case inputs a user can edit: prices and fees, never measured figures.
///
/// Shipped defaults live in `Resources/assumptions.yaml`; `--assumptions FILE` (YAML or JSON, same keys)
/// overrides any of them. Every report prints the values it used.
public struct Assumptions: Codable, Sendable, Hashable {
    public var currency: String
    /// Proprietary office-suite licence per seat per year.
    public var licencePricePerSeatPerYear: Double
    /// One-time migration cost per seat moved to an open office suite.
    public var migrationCostPerSeat: Double
    /// One-time training cost per seat moved.
    public var trainingCostPerSeat: Double
    /// OS2 membership per authority per year.
    public var os2MembershipPerYear: Double
    /// Experience-group fee per authority per year.
    public var experienceGroupFeePerYear: Double
    /// Hours to rebuild (or retire) one macro-bearing template or workbook in a move to ODF.
    public var hoursPerMacroTemplateOrWorkbook: Double
    /// Cost of one such hour (staff or consultant).
    public var hourlyRate: Double
    /// Where the figures come from (printed with them).
    public var source: String

    public init(
        currency: String = "DKK", licencePricePerSeatPerYear: Double, migrationCostPerSeat: Double,
        trainingCostPerSeat: Double, os2MembershipPerYear: Double = 25_000, experienceGroupFeePerYear: Double = 20_000,
        hoursPerMacroTemplateOrWorkbook: Double = 8, hourlyRate: Double = 750, source: String
    ) {
        self.currency = currency
        self.licencePricePerSeatPerYear = licencePricePerSeatPerYear
        self.migrationCostPerSeat = migrationCostPerSeat
        self.trainingCostPerSeat = trainingCostPerSeat
        self.os2MembershipPerYear = os2MembershipPerYear
        self.experienceGroupFeePerYear = experienceGroupFeePerYear
        self.hoursPerMacroTemplateOrWorkbook = hoursPerMacroTemplateOrWorkbook
        self.hourlyRate = hourlyRate
        self.source = source
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case currency, source
        case licencePricePerSeatPerYear = "licence_price_per_seat_per_year"
        case migrationCostPerSeat = "migration_cost_per_seat"
        case trainingCostPerSeat = "training_cost_per_seat"
        case os2MembershipPerYear = "os2_membership_per_year"
        case experienceGroupFeePerYear = "experience_group_fee_per_year"
        case hoursPerMacroTemplateOrWorkbook = "hours_per_macro_template_or_workbook"
        case hourlyRate = "hourly_rate"
    }

    /// The shipped defaults.
    public static func defaults() throws -> Assumptions {
        guard let url = Bundle.module.url(forResource: "assumptions", withExtension: "yaml", subdirectory: "Resources")
        else { throw ReportError.missingResource("assumptions.yaml") }
        return try parse(Data(contentsOf: url), file: "assumptions.yaml", base: nil)
    }

    /// Reads a user file (YAML or JSON; JSON is YAML) over the defaults: keys it leaves out keep their default.
    public static func load(_ url: URL) throws -> Assumptions {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReportError.unreadableInput(file: url.path, reason: error.localizedDescription)
        }
        return try parse(data, file: url.lastPathComponent, base: try defaults())
    }

    /// Parses assumptions; with a `base`, missing keys are taken from it; unknown keys and non-numbers are errors.
    public static func parse(_ data: Data, file: String, base: Assumptions?) throws -> Assumptions {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReportError.invalidAssumptions(file: file, key: nil, reason: "not UTF-8 text")
        }
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw ReportError.invalidAssumptions(file: file, key: nil, reason: "\(error)")
        }
        guard let map = node as? [String: Any] else {
            throw ReportError.invalidAssumptions(file: file, key: nil, reason: "expected a mapping of keys to values")
        }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let stray = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw ReportError.invalidAssumptions(
                file: file, key: stray, reason: "unknown key (known: \(known.sorted().joined(separator: ", ")))")
        }
        func number(_ key: CodingKeys, _ fallback: Double?) throws -> Double {
            switch map[key.rawValue] {
            case let value as Int: return try nonNegative(Double(value), key)
            case let value as Double: return try nonNegative(value, key)
            case nil:
                if let fallback { return fallback }
                throw ReportError.invalidAssumptions(file: file, key: key.rawValue, reason: "missing")
            case let other?:
                throw ReportError.invalidAssumptions(file: file, key: key.rawValue, reason: "not a number: \(other)")
            }
        }
        func nonNegative(_ value: Double, _ key: CodingKeys) throws -> Double {
            guard value.isFinite, value >= 0 else {
                throw ReportError.invalidAssumptions(file: file, key: key.rawValue, reason: "must be 0 or more")
            }
            return value
        }
        func string(_ key: CodingKeys, _ fallback: String?) throws -> String {
            if let value = map[key.rawValue] { return "\(value)" }
            if let fallback { return fallback }
            throw ReportError.invalidAssumptions(file: file, key: key.rawValue, reason: "missing")
        }
        return Assumptions(
            currency: try string(.currency, base?.currency),
            licencePricePerSeatPerYear: try number(.licencePricePerSeatPerYear, base?.licencePricePerSeatPerYear),
            migrationCostPerSeat: try number(.migrationCostPerSeat, base?.migrationCostPerSeat),
            trainingCostPerSeat: try number(.trainingCostPerSeat, base?.trainingCostPerSeat),
            os2MembershipPerYear: try number(.os2MembershipPerYear, base?.os2MembershipPerYear),
            experienceGroupFeePerYear: try number(.experienceGroupFeePerYear, base?.experienceGroupFeePerYear),
            hoursPerMacroTemplateOrWorkbook: try number(
                .hoursPerMacroTemplateOrWorkbook, base?.hoursPerMacroTemplateOrWorkbook),
            hourlyRate: try number(.hourlyRate, base?.hourlyRate),
            source: try string(.source, base.map { _ in file } ?? nil))
    }
}
