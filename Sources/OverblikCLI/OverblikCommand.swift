public import ArgumentParser
import Catalog
import Foundation
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

            Exit status (sysexits.h): 0 done; 1 done, but part of the work failed and was reported (a file \
            rejected or not imported, no PDF, an empty export refused); 64 bad arguments; 65 an input file is \
            not what it must be; 66 an input cannot be read; 70 a shipped resource is missing; 73 an output \
            cannot be written; 74 the estate store failed.
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
    /// Commands that classify with the catalog, and so load it: a scan or import that reads anything, `classify`,
    /// `reclassify` and `catalog`.
    static let commandsLoadingTheCatalog: Set<String> = [
        ScanCommand.configuration.commandName, ImportCommand.configuration.commandName,
        ClassifyCommand.configuration.commandName, ReclassifyCommand.configuration.commandName,
        CatalogCommand.configuration.commandName,
    ].reduce(into: []) { names, name in if let name { names.insert(name) } }

    public static func main() async {
        // Loading the shipped catalog takes about as long as parsing the command line and the other steps before
        // the first file is read: for these commands it starts now, beside them. A scan that turns out to find
        // every file unchanged does not need it, which costs it that thread's work (a few ms) and no waiting.
        if let name = CommandLine.arguments.dropFirst().first, commandsLoadingTheCatalog.contains(name) {
            ProductCatalog.startLoadingBundled()
        }
        do {
            var command = try OverblikCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // The library's own errors: their message, and the status CommandExitStatus gives them.
            if let status = CommandExitStatus(classifying: error) {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                OverblikCommand.exit(withError: ExitCode(status.rawValue))
            }
            OverblikCommand.exit(withError: error)
        }
    }
}
