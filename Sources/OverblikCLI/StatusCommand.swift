public import ArgumentParser
import Foundation
import Geography
import OverblikModel
public import Store

/// `overblik status`: which of the 103 authorities have submitted, and who is missing.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show, for all 98 municipalities and 5 regions, who has submitted for which period.",
        discussion: """
            Examples:
              overblik status --store national.sqlite
              overblik status --period 2025 --store national.sqlite
              overblik status --store national.sqlite --format json > status.json
            """)

    @Option(help: "The period to check (default: the newest period in the store).")
    public var period: String?

    @Option(help: "Output format: text or json (one object per authority, for scripts and dashboards).")
    public var format: AuthoritiesCommand.OutputFormat = .text

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() async throws {
        let store = try await storeOptions.open(create: false)
        let status = try await SubmissionStatus.build(store: store, period: period)
        try await store.close()
        if format == .json {
            print(try Self.json(status))
            return
        }
        let directory = AuthorityDirectory.denmark
        guard let selected = status.period else {
            print("No submissions in the store yet: all \(status.entries.count) authorities are missing.")
            return
        }
        let municipalities = status.entries.filter { $0.authority.kind == .municipality }
        let regions = status.entries.filter { $0.authority.kind == .region }
        let reported = { (entries: [SubmissionStatus.Entry]) in
            entries.filter { $0.submission(for: selected) != nil }.count
        }
        print(
            "Period \(selected): \(reported(municipalities)) of \(municipalities.count) municipalities and "
                + "\(reported(regions)) of \(regions.count) regions have submitted.")
        if status.periods.count > 1 || !status.periods.contains(selected) {
            print("Periods in the store: \(status.periods.joined(separator: ", "))")
        }
        print("")
        print(
            "Code  Authority".padding(toLength: 40, withPad: " ", startingAt: 0)
                + "Region".padding(toLength: 14, withPad: " ", startingAt: 0)
                + "\(selected)".padding(
                    toLength: 14, withPad: " ", startingAt: 0) + "Other periods")
        for entry in status.entries {
            let authority = entry.authority
            let region = directory.authority(code: authority.regionCode)?.shortName ?? ""
            let state: String
            if let submission = entry.submission(for: selected) {
                state = ISODate.day(submission.body.created) + (entry.superseded > 0 ? "*" : "")
            } else {
                state = "missing"
            }
            let others = entry.submissions.keys.filter { $0 != selected }.sorted().joined(separator: " ")
            print(
                "\(String(authority.code).padding(toLength: 6, withPad: " ", startingAt: 0))"
                    + authority.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                    + region.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + state.padding(toLength: 14, withPad: " ", startingAt: 0) + others)
        }
        let missing = status.missing
        print("")
        if missing.isEmpty {
            print("Nobody is missing for \(selected).")
        } else {
            print(
                "Missing for \(selected) (\(missing.count)): " + missing.map(\.authority.name).joined(separator: ", "))
        }
        if status.entries.contains(where: { $0.superseded > 0 }) {
            print("* a newer submission replaced an earlier one for this period (the earlier one is kept as history)")
        }
    }

    /// The status as JSON: the period, every authority with its submission state, and the missing codes.
    public static func json(_ status: SubmissionStatus) throws -> String {
        struct Row: Encodable {
            var code: Int
            var name: String
            var kind: String
            var region: Int
            /// Creation time of the current submission for the period (ISO 8601), or nil when missing.
            var submitted: String?
            var digest: String?
            var superseded: Int
            var otherPeriods: [String]

            // Missing authorities say `null` rather than leaving the keys out: every row has the same shape.
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(code, forKey: .code)
                try container.encode(name, forKey: .name)
                try container.encode(kind, forKey: .kind)
                try container.encode(region, forKey: .region)
                try container.encode(submitted, forKey: .submitted)
                try container.encode(digest, forKey: .digest)
                try container.encode(superseded, forKey: .superseded)
                try container.encode(otherPeriods, forKey: .otherPeriods)
            }

            enum CodingKeys: String, CodingKey {
                case code, name, kind, region, submitted, digest, superseded, otherPeriods
            }
        }
        struct Document: Encodable {
            var period: String?
            var periods: [String]
            var submitted: Int
            var missing: [Int]
            var authorities: [Row]
        }
        let rows = status.entries.map { entry in
            let current = entry.submission(for: status.period)
            return Row(
                code: entry.authority.code, name: entry.authority.name, kind: entry.authority.kind.rawValue,
                region: entry.authority.regionCode, submitted: current.map { ISODate.timestamp($0.body.created) },
                digest: current?.digest, superseded: entry.superseded,
                otherPeriods: entry.submissions.keys.filter { $0 != status.period }.sorted())
        }
        let document = Document(
            period: status.period, periods: status.periods, submitted: status.submitted.count,
            missing: status.missing.map(\.authority.code), authorities: rows)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }
}
