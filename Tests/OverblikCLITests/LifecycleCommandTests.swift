import ArgumentParser
import Foundation
import OfficeDocuments
import OverblikCLI
import OverblikModel
import Store
import Testing
import TestSupport
import Submissions

/// The defects of issue 12, each on real inputs through the commands a user runs, each checked against a
/// fresh store loaded once with the final state (docs/usage/lifecycle.md).
@Suite(.tags(.store, .slow)) struct LifecycleCommandTests {
    func run(_ arguments: [String]) async throws { try await runOverblik(arguments) }

    /// The figures of `export` (created time, digest and data dates left out: the oracle's are other).
    struct Figures: Equatable {
        var documents: [Submission.DocumentCount]
        var errors: [Submission.ErrorCount]
        /// What matters in a move to ODF (the stored features), by feature, family, format and year.
        var readiness: Submission.Readiness?
        var hosts: Int
        var installations: [Submission.InstallationCount]
        var catalog: CatalogStamp
    }

    func export(store: String, extra: [String] = []) async throws -> Figures {
        let output = try Fixtures.temporaryDirectory("export").appendingPathComponent("submission.json").path
        try await run(
            ["export", "--organisation", "751", "--store", store, "--output", output] + extra)
        let body = try decodeSubmission(Data(contentsOf: URL(fileURLWithPath: output))).body
        return Figures(
            documents: body.documents.counts, errors: body.documents.errors, readiness: body.documents.readiness,
            hosts: body.installations.hosts, installations: body.installations.counts, catalog: body.catalog)
    }

    func freshStore(_ name: String) throws -> String {
        try Fixtures.temporaryDirectory(name).appendingPathComponent("store.sqlite").path
    }

    /// The lines of a text file, whatever its line ends (`\r\n` is one `Character` in Swift).
    func lines(of file: URL) throws -> [String] {
        try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
    }

    /// Next quarter's export of the same hosts: every third line gone (software removed), and Apache
    /// OpenOffice 4.1.15 replaced by LibreOffice 25.2 where it remains (a move).
    func nextQuarter(of file: URL, into directory: URL) throws -> URL {
        var lines = try lines(of: file)
        let header = lines.removeFirst()
        var kept: [String] = []
        for (index, line) in lines.enumerated() where index % 3 != 2 {
            kept.append(
                line.replacingOccurrences(of: ",apache,openoffice,4.1.15,", with: ",libreoffice,libreoffice,25.2.3.2,"))
        }
        let url = directory.appendingPathComponent("next-quarter-" + file.lastPathComponent)
        try ([header] + kept).joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    @Test func aNewerInventoryOfTheSameHostsReplacesTheOlderOneInEitherImportOrder() async throws {
        let directory = try Fixtures.temporaryDirectory("reimport")
        let first = Fixtures.url("inventory/defender-csv/DeviceTvmSoftwareInventory.constructed.csv")
        let second = try nextQuarter(of: first, into: directory)
        let quarter = [first.path, "--observed", "2026-09-30"]
        let nextQuarter = [second.path, "--observed", "2026-12-01"]

        let stepwise = try freshStore("reimport-stepwise")
        try await run(["import"] + quarter + ["--organisation", "751", "--store", stepwise])
        let before = try await export(store: stepwise)
        try await run(["import"] + nextQuarter + ["--organisation", "751", "--store", stepwise])
        // The same file again adds nothing.
        try await run(["import"] + quarter + ["--organisation", "751", "--store", stepwise])
        let after = try await export(store: stepwise)

        let oracle = try freshStore("reimport-oracle")
        try await run(["import"] + nextQuarter + ["--organisation", "751", "--store", oracle])
        #expect(after == (try await export(store: oracle)))
        // The files differ, so the figures must too: hosts moved from Apache OpenOffice to LibreOffice.
        #expect(before.installations.contains { $0.product == "apache-openoffice" })
        #expect(after.installations != before.installations)
        #expect(after.hosts == before.hosts)

        // Imported the other way round, the quarter observed later still wins.
        let reversed = try freshStore("reimport-reversed")
        try await run(["import"] + nextQuarter + ["--organisation", "751", "--store", reversed])
        try await run(["import"] + quarter + ["--organisation", "751", "--store", reversed])
        #expect(after == (try await export(store: reversed)))
    }

    @Test func aNewerAggregateExportReplacesTheOlderOne() async throws {
        let directory = try Fixtures.temporaryDirectory("aggregate")
        let first = Fixtures.url("inventory/intune-csv/AppInvAggregate.constructed.csv")
        // Next month's aggregate: every device count halved, the last application gone.
        var lines = try lines(of: first)
        lines.removeLast()
        let halved = lines.enumerated().map { index, line -> String in
            guard index > 0, let match = line.range(of: #""(\d+)","Windows""#, options: .regularExpression) else {
                return line
            }
            let count = Int(line[match].dropFirst().prefix { $0.isNumber })!
            return line.replacingCharacters(in: match, with: "\"\(count / 2)\",\"Windows\"")
        }
        let second = directory.appendingPathComponent("AppInvAggregate-next.csv")
        try halved.joined(separator: "\n").write(to: second, atomically: true, encoding: .utf8)

        let stepwise = try freshStore("aggregate-stepwise")
        try await run(["import", first.path, "--observed", "2026-10-01", "--organisation", "751", "--store", stepwise])
        try await run(["import", second.path, "--observed", "2026-11-01", "--organisation", "751", "--store", stepwise])
        let oracle = try freshStore("aggregate-oracle")
        try await run(["import", second.path, "--observed", "2026-11-01", "--organisation", "751", "--store", oracle])
        let figures = try await export(store: stepwise)
        #expect(!figures.installations.isEmpty)
        #expect(figures == (try await export(store: oracle)))
    }

    @Test func aNewerKITOSExportReplacesTheOlderOnesDeclarations() async throws {
        let directory = try Fixtures.temporaryDirectory("kitos")
        let first = Fixtures.url("inventory/kitos/IT-Systemer-Overblik.constructed.csv")
        // Next quarter's export: OS2rollekatalog is no longer in it, the rest is declared again.
        var lines = try lines(of: first)
        let before = lines.count
        lines.removeAll { $0.contains(";OS2rollekatalog;") }
        #expect(lines.count == before - 1)
        let second = directory.appendingPathComponent("IT-Systemer-Overblik-next.csv")
        try lines.joined(separator: "\r\n").write(to: second, atomically: true, encoding: .utf8)

        func usage(_ store: String) async throws -> [UsageDeclaration] {
            let output = try Fixtures.temporaryDirectory("kitos-export").appendingPathComponent("s.json").path
            try await run(["export", "--organisation", "751", "--store", store, "--output", output])
            return try decodeSubmission(Data(contentsOf: URL(fileURLWithPath: output))).body.usage
        }
        let stepwise = try freshStore("kitos-stepwise")
        try await run(["import", first.path, "--observed", "2026-06-30", "--organisation", "751", "--store", stepwise])
        let earlier = try await usage(stepwise)
        #expect(earlier.contains { $0.product == "os2rollekatalog" })
        try await run(["import", second.path, "--observed", "2026-09-30", "--organisation", "751", "--store", stepwise])
        let oracle = try freshStore("kitos-oracle")
        try await run(["import", second.path, "--observed", "2026-09-30", "--organisation", "751", "--store", oracle])
        let now = try await usage(stepwise)
        #expect(!now.contains { $0.product == "os2rollekatalog" })
        #expect(now == (try await usage(oracle)))
        #expect(now.count == earlier.count - 1)
    }

    /// One folder per machine, each export under its tool's usual name (`Uninstall.reg`, winget's `packages.json`),
    /// overwritten by next month's export: real exports of other machines stand in for a machine's later lists.
    /// Imported one file at a time in a seeded order, with re-imports of the same file and late imports of an
    /// older month, the store ends as one loaded once with the final files.
    @Test(arguments: [UInt64(11), 12, 13])
    func perMachineExportsUnderOneNameKeepEveryMachineWhateverTheOrder(_ seed: UInt64) async throws {
        let reg = "inventory/windows-reg/"
        let winget = "inventory/winget-export/"
        /// A fixture, and whether a line end is added at its end: a store takes the same bytes once per
        /// organisation, so two machines' exports must differ by at least that (the records do not change).
        typealias Export = (fixture: String, amended: Bool)
        // machine, file name, October's export, November's export
        let machines: [(String, String, Export, Export)] = [
            (
                "pc-a", "Uninstall.reg", (reg + "glpi-agent-mssql_engine-Uninstall.reg", false),
                (reg + "glpi-agent-mssql-Uninstall.reg", false)
            ),
            (
                "pc-b", "Uninstall.reg", (reg + "glpi-agent-mssql-Uninstall.reg", true),
                (reg + "glpi-agent-10_russian-Uninstall.reg", false)
            ),
            (
                "pc-c", "packages.json", (winget + "buddhiko1-system-app.winget-export.json", false),
                (winget + "Shresht7-Configs-packages.winget-export.json", false)
            ),
            (
                "pc-d", "packages.json", (winget + "Shresht7-Configs-packages.winget-export.json", true),
                (winget + "buddhiko1-system-app.winget-export.json", true)
            ),
        ]
        let months = ["2026-10-01", "2026-11-01"]
        func place(_ machine: (String, String, Export, Export), month: Int, in root: URL) throws -> URL {
            let folder = root.appendingPathComponent(machine.0)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent(machine.1)
            let export = month == 0 ? machine.2 : machine.3
            var bytes = try Data(contentsOf: Fixtures.url(export.fixture))
            // regedit writes UTF-16 LE.
            if export.amended { bytes += machine.1.hasSuffix(".reg") ? Data([0x0D, 0, 0x0A, 0]) : Data([0x0A]) }
            try bytes.write(to: file)
            return file
        }

        // Each machine's October export before its November one; machines interleaved, some files imported
        // twice, and some October exports imported again after November's (observed earlier: they change nothing).
        var generator = SeededGenerator(seed: seed)
        var steps: [(Int, Int)] = []
        var pending = machines.indices.map { [($0, 0), ($0, 1)] }
        while pending.contains(where: { !$0.isEmpty }) {
            let machine = pending.indices.filter { !pending[$0].isEmpty }.randomElement(using: &generator)!
            let step = pending[machine].removeFirst()
            steps.append(step)
            if Bool.random(using: &generator) { steps.append(step) }
        }
        for machine in machines.indices where Bool.random(using: &generator) { steps.append((machine, 0)) }

        let collection = try Fixtures.temporaryDirectory("per-machine").appendingPathComponent("inventar")
        let stepwise = try freshStore("per-machine-stepwise")
        for (machine, month) in steps {
            let file = try place(machines[machine], month: month, in: collection)
            try await run(
                ["import", file.path, "--observed", months[month], "--organisation", "751", "--store", stepwise])
        }
        let figures = try await export(store: stepwise)

        // The oracle: November's files, imported once, from another place with the same shape.
        let final = try Fixtures.temporaryDirectory("per-machine-final").appendingPathComponent("inventar")
        let files = try machines.map { try place($0, month: 1, in: final).path }
        let oracle = try freshStore("per-machine-oracle")
        try await run(["import"] + files + ["--observed", "2026-11-01", "--organisation", "751", "--store", oracle])
        #expect(figures == (try await export(store: oracle)))
        #expect(figures.hosts == machines.count)
        // November's winget exports: Microsoft.Teams on pc-c, Microsoft.Office on pc-d.
        #expect(figures.installations.contains { $0.product == "microsoft-teams" && $0.hosts == 1 })
        #expect(figures.installations.contains { $0.product == "microsoft-365-apps" && $0.hosts == 1 })
    }

    func documentTree(_ name: String) throws -> URL {
        let tree = try Fixtures.temporaryDirectory(name).appendingPathComponent("share")
        let borgerservice = tree.appendingPathComponent("Borgerservice")
        try FileManager.default.createDirectory(at: borgerservice, withIntermediateDirectories: true)
        let corpus = Fixtures.url("documents/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0 != "README.md" }
            .sorted()
        for (index, name) in names.enumerated() {
            let folder = index % 2 == 0 ? tree : borgerservice
            try FileManager.default.copyItem(
                at: corpus.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        // Real producers' files with macros, signatures, embedded objects, ActiveX and data connections: their
        // features are stored and exported, and must come out the same however the tree was scanned.
        var index = 0
        for source in ["libreoffice", "poi", "zipfile"] {
            let folder = Fixtures.url("features/\(source)")
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            where name.contains(".") && !name.hasSuffix(".bin") {
                let target = index % 2 == 0 ? tree : borgerservice
                try FileManager.default.copyItem(
                    at: folder.appendingPathComponent(name), to: target.appendingPathComponent("\(source)-\(name)"))
                index += 1
            }
        }
        return tree
    }

    @Test func aSubfolderScannedAfterItsParentCountsEachFileOnceAndItsDeletionsShow() async throws {
        let tree = try documentTree("nested")
        let borgerservice = tree.appendingPathComponent("Borgerservice")
        let stepwise = try freshStore("nested-stepwise")
        try await run(["scan", tree.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        try await run(["scan", borgerservice.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        let files = try FileManager.default.subpathsOfDirectory(atPath: tree.path).filter {
            !$0.hasSuffix("Borgerservice")
        }.count
        let figures = try await export(store: stepwise)
        #expect(figures.documents.reduce(0) { $0 + $1.count } + figures.errors.reduce(0) { $0 + $1.count } == files)
        let features = Set(figures.readiness?.counts.map(\.feature) ?? [])
        #expect(features.isSuperset(of: [.vba, .basic, .scripts, .activeX, .dataConnections, .signed, .customUI]))

        // A file deleted in the subfolder is gone after a scan of the subfolder alone.
        let victim = try #require(
            try FileManager.default.contentsOfDirectory(atPath: borgerservice.path).sorted().first)
        try FileManager.default.removeItem(at: borgerservice.appendingPathComponent(victim))
        try await run(["scan", borgerservice.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        // And the parent's rescan finds the subfolder's files unchanged, not new.
        try await run(["scan", tree.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        let scans = try await SQLiteEstateStore(path: stepwise).scans(organisation: 751)
        #expect(scans.first?.new == 0 && scans.first?.deleted == 0)

        let oracle = try freshStore("nested-oracle")
        try await run(["scan", tree.path, "--organisation", "751", "--store", oracle, "--format", "summary"])
        #expect(try await export(store: stepwise) == (try await export(store: oracle)))
    }

    /// Names a file system tells apart and Swift's `String` does not: `Café` spelled with U+00E9 and with
    /// `e` + U+0301 (both side by side on a share used from Windows and from macOS), and names that start with a
    /// combining mark, which Swift joins to the `/` before them.
    @Test func namesSwiftTextTakesForEqualAreStoredAsTheFilesTheyAre() async throws {
        let tree = try Fixtures.temporaryDirectory("twins").appendingPathComponent("share")
        let culture = tree
        let precomposed = culture.appendingPathComponent("Caf\u{E9}")
        let decomposed = culture.appendingPathComponent("Cafe\u{301}")
        let other = tree.appendingPathComponent("Borgerservice")
        for folder in [precomposed, decomposed, other] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let corpus = Fixtures.url("documents/corpus")
        let sources = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter { $0 != "README.md" }
            .sorted().prefix(3)
        for (index, name) in sources.enumerated() {
            let source = corpus.appendingPathComponent(name)
            // The same file under the same name in both twins.
            let twin = corpus.appendingPathComponent(sources.first!)
            try FileManager.default.copyItem(at: twin, to: precomposed.appendingPathComponent("doc\(index).odt"))
            try FileManager.default.copyItem(at: twin, to: decomposed.appendingPathComponent("doc\(index).odt"))
            let marked = "\u{301}\(index)-\(name)"
            try FileManager.default.copyItem(at: source, to: tree.appendingPathComponent(marked))
            try FileManager.default.copyItem(at: source, to: other.appendingPathComponent(marked))
        }
        // The file system holds both spellings as two folders.
        let twins = try FileManager.default.contentsOfDirectory(atPath: culture.path).filter { $0.hasPrefix("Caf") }
        #expect(Set(twins.map { Array($0.utf8) }).count == 2 && Set(twins).count == 1)
        let files = try FileManager.default.subpathsOfDirectory(atPath: tree.path).filter {
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: tree.appendingPathComponent($0).path, isDirectory: &isFolder)
            return !isFolder.boolValue
        }.count
        #expect(files == 4 * sources.count)

        let stepwise = try freshStore("twins-stepwise")
        try await run(["scan", tree.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        let first = try await export(store: stepwise)
        #expect(first.documents.reduce(0) { $0 + $1.count } + first.errors.reduce(0) { $0 + $1.count } == files)
        // Each twin scanned alone finds its own files unchanged and takes nothing from the other.
        for folder in [decomposed, precomposed, precomposed, decomposed, other, tree] {
            try await run(["scan", folder.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
            let scan = try #require(try await SQLiteEstateStore(path: stepwise).scans(organisation: 751).first)
            #expect(scan.new == 0 && scan.deleted == 0, "scan of \(folder.lastPathComponent)")
        }
        let oracle = try freshStore("twins-oracle")
        try await run(["scan", tree.path, "--organisation", "751", "--store", oracle, "--format", "summary"])
        #expect(try await export(store: stepwise) == (try await export(store: oracle)))
    }

    @Test func aShareScannedThroughALinkAndDirectlyCountsEachFileOnce() async throws {
        let tree = try documentTree("linked")
        let link = tree.deletingLastPathComponent().appendingPathComponent("fællesdrev-link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: tree)
        let stepwise = try freshStore("linked-stepwise")
        try await run(["scan", link.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        try await run(["scan", tree.path, "--organisation", "751", "--store", stepwise, "--format", "summary"])
        let oracle = try freshStore("linked-oracle")
        try await run(["scan", tree.path, "--organisation", "751", "--store", oracle, "--format", "summary"])
        #expect(try await export(store: stepwise) == (try await export(store: oracle)))
        let scans = try await SQLiteEstateStore(path: stepwise).scans(organisation: 751)
        #expect(scans.first?.new == 0)
    }

    @Test func brokenFilesCountAsErrorsNotAsWhatTheirNameSays() async throws {
        let tree = try Fixtures.temporaryDirectory("broken").appendingPathComponent("share")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Fixtures.url("documents/corpus/tika__testODTStyles2.odt"), to: tree.appendingPathComponent("real.odt"))
        try Data().write(to: tree.appendingPathComponent("empty.odt"))
        var generator = SeededGenerator(seed: 500)
        try Data((0..<500).map { _ in UInt8.random(in: 0...255, using: &generator) })
            .write(to: tree.appendingPathComponent("random.odt"))
        let store = try freshStore("broken-store")
        let summary = try Fixtures.temporaryDirectory("broken-out").appendingPathComponent("summary.txt").path
        try await run(["scan", tree.path, "--no-store", "--format", "summary", "--output", summary])
        let text = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(text.contains("ODF share: 100.0% of 1 office documents"))
        try await run(["scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary"])
        let figures = try await export(store: store)
        #expect(figures.documents.reduce(0) { $0 + $1.count } == 1)
        #expect(figures.errors.reduce(0) { $0 + $1.count } == 2)
    }

    @Test func theCatalogStampAlwaysDescribesEveryFigure() async throws {
        let tree = try documentTree("catalog")
        let userCatalog = try Fixtures.temporaryDirectory("catalog-yaml").appendingPathComponent("ours.yaml")
        // Our own LibreOffice build: every LibreOffice generator counts as it.
        try """
        version: "ours-1"
        products:
          - id: our-office
            name: Our Office
            kind: office-suite
            vendor: Us
            licence: MPL-2.0
            open_source: true
            generator:
              - id: all
                pattern: '^LibreOffice/(?<version>\\d+(?:\\.\\d+)*)'
                priority: 90
        """.write(to: userCatalog, atomically: true, encoding: .utf8)
        let store = try freshStore("catalog-store")
        try await run(["scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary"])
        let shipped = try await export(store: store)
        // An unchanged rescan with another catalog classifies the stored rows again.
        try await run(
            [
                "scan", tree.path, "--organisation", "751", "--store", store, "--format", "summary", "--catalog",
                userCatalog.path,
            ])
        // Export with the shipped catalog in force is refused: the store's figures follow another one.
        await #expect(throws: (any Error).self) { _ = try await export(store: store) }
        let ours = try await export(store: store, extra: ["--catalog", userCatalog.path])
        #expect(ours.catalog.version.hasSuffix("@ours-1"))
        #expect(ours.documents.contains { $0.suite == "our-office" })
        #expect(!ours.documents.contains { $0.suite == "libreoffice" })
        let oracle = try freshStore("catalog-oracle")
        try await run(
            [
                "scan", tree.path, "--organisation", "751", "--store", oracle, "--format", "summary", "--catalog",
                userCatalog.path,
            ])
        #expect(ours == (try await export(store: oracle, extra: ["--catalog", userCatalog.path])))
        // Back to the shipped catalog: reclassify, and the figures are the first export's again.
        try await run(["reclassify", "--store", store])
        #expect(try await export(store: store) == shipped)
        #expect(shipped.documents.contains { $0.suite == "libreoffice" })
    }

    /// The real binary's `--format summary` on standard output, and its exit status.
    func summary(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = try overblikBinary()
        process.arguments = arguments + ["--format", "summary"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = await pipe.readAll()
        await process.ended()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aRescanSummaryDescribesTheStoredEstateAndSaysWhatWasRead() async throws {
        let tree = try Fixtures.temporaryDirectory("rescan-summary").appendingPathComponent("share")
        try FileManager.default.copyItem(at: Fixtures.url("documents"), to: tree)
        let store = try freshStore("rescan-summary-store")
        let scan = ["scan", tree.path, "--organisation", "751", "--store", store]
        let first = try await summary(scan)
        let rescan = try await summary(scan)
        // Everything below the first line is the stored estate (the same after a rescan that read nothing), up to
        // the features of the files this run read, which the store does not keep yet.
        let estate = { (text: String) -> [Substring] in
            text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().filter { !$0.hasPrefix("Store ") }
                .prefix { !$0.hasPrefix("Features of the ") }.map { $0 }
        }
        let body = { (text: String) in
            text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().filter { !$0.hasPrefix("Store ") }
        }
        #expect(estate(first) == body(rescan))
        let candidates = try FileManager.default.subpathsOfDirectory(atPath: tree.path).filter {
            DocumentScannerNames.isCandidate($0)
        }
        let files = candidates.count
        // The features are those of the files read without an error (the reader alone says which).
        let reader = DocumentReader(classifier: nil)
        let readable = candidates.filter { reader.read(path: tree.appendingPathComponent($0).path).error == nil }.count
        #expect(
            first.contains("Features of the \(readable) files read in this run") && !rescan.contains("Features of the"))
        #expect(rescan.hasPrefix("Scanned \(files) files in "))
        #expect(rescan.contains(": 0 read, \(files) unchanged and not read again. The store holds \(files) files"))
        // The stored estate's read errors are listed, not "Errors: none".
        #expect(rescan.contains("Errors by kind"))
        // Without the store, the same tree gives the same figures.
        let plain = try await summary(["scan", tree.path, "--no-store"])
        #expect(body(plain) == body(first))
    }
}

/// Which names `scan` reads (its walker's own test, by path).
enum DocumentScannerNames {
    static func isCandidate(_ path: String) -> Bool {
        OfficeDocuments.DocumentScanner.isCandidate(path: "/" + path)
    }
}
