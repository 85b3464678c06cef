public import ArgumentParser
import OverblikModel

/// The `overblik` root command. Each subcommand lives in its own file (`ScanCommand.swift`, ...).
public struct OverblikCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "overblik",
        abstract: "Overview of Danish public authorities' document and software estates: ODF, office suites, OS2.",
        discussion: """
            Scan file shares and import software inventories, classify them against the product catalog, \
            keep them in an estate store, export privacy-safe submissions, compile them nationally and \
            report to decision-makers.

            Examples:
              overblik scan /srv/share --organisation "Aarhus Kommune"
              overblik import sccm-export.csv --organisation 751
              overblik export --organisation 751 --period 2026 --output aarhus-2026.json
              overblik compile submissions/*.json --store national.sqlite
              overblik report --store national.sqlite --format html,odt,ods --output-dir reports/
            """,
        version: ToolInfo.version,
        subcommands: [
            ScanCommand.self, ImportCommand.self, ExportCommand.self, SubmissionCommand.self, CompileCommand.self,
            StatusCommand.self, AuthoritiesCommand.self, ClassifyCommand.self, CatalogCommand.self, ReportCommand.self,
            ReclassifyCommand.self, ValidateCommand.self,
        ]
    )

    public init() {}
}

/// What the `overblik` executable runs; keeps the executable free of ArgumentParser details.
public enum Entrypoint {
    public static func main() async {
        await OverblikCommand.main()
    }
}
