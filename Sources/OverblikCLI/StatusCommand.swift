public import ArgumentParser
import Foundation
import Geography
import OverblikModel
import Store

/// `overblik status`: which of the 103 authorities have submitted, and who is missing.
public struct StatusCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show, for all 98 municipalities and 5 regions, who has submitted for which period.",
        discussion: """
            Examples:
              overblik status --store national.sqlite
              overblik status --period 2025 --store national.sqlite
            """)

    @Option(help: "The period to check (default: the newest period in the store).")
    public var period: String?

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() async throws {
        let store = try await storeOptions.open(create: false)
        let status = try await SubmissionStatus.build(store: store, period: period)
        try await store.close()
        let directory = AuthorityDirectory.denmark
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
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
                state = formatter.string(from: submission.body.created) + (entry.superseded > 0 ? "*" : "")
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
}
