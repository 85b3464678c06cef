public import ArgumentParser
import Foundation
import Geography

/// `overblik authorities`: Denmark's 98 municipalities and 5 regions with their codes.
public struct AuthoritiesCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "authorities",
        abstract: "List Denmark's 98 municipalities and 5 regions (codes, official names, regions).",
        discussion: """
            Examples:
              overblik authorities
              overblik authorities --region 1082
              overblik authorities --region Midtjylland --format json
            """)

    @Option(help: "Only this region and its municipalities: region code (1081-1085) or name.")
    public var region: String?

    @Option(help: "Output format: text or json.")
    public var format: OutputFormat = .text

    public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        case text, json
    }

    public init() {}

    public func run() async throws {
        let directory = AuthorityDirectory.denmark
        var selection = directory.all.sorted()
        if let region {
            let found: Authority
            do {
                found = try directory.resolve(region)
            } catch {
                throw ValidationError(error.description)
            }
            guard found.kind == .region else {
                throw ValidationError("\(found.name) is a municipality, not a region; give a region code 1081-1085.")
            }
            selection = [found] + directory.municipalities(inRegion: found.code).sorted()
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(selection), as: UTF8.self))
        case .text:
            print(
                "Code  " + "Name".padding(toLength: 30, withPad: " ", startingAt: 0)
                    + "Short name".padding(toLength: 20, withPad: " ", startingAt: 0)
                    + "Kind".padding(toLength: 14, withPad: " ", startingAt: 0) + "Region")
            for authority in selection {
                let regionName = directory.authority(code: authority.regionCode)?.name ?? ""
                print(
                    String(authority.code).padding(toLength: 6, withPad: " ", startingAt: 0)
                        + authority.name.padding(toLength: 30, withPad: " ", startingAt: 0)
                        + authority.shortName.padding(toLength: 20, withPad: " ", startingAt: 0)
                        + authority.kind.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0) + regionName)
            }
            let municipalities = selection.filter { $0.kind == .municipality }.count
            let regions = selection.count - municipalities
            print("\(municipalities) municipalities, \(regions) region\(regions == 1 ? "" : "s")")
        }
    }
}
