import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// Independent counts from the whole document (Foundation's JSON parser), never from the importer.
enum JSONOracle {
    static func object(_ url: URL) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    }

    /// Software records of a document in the format named: SPDX packages and CycloneDX components (nested too)
    /// that are a machine's software (``SBOMImportTests/expected(_:format:)``), GLPI `content.softwares`, winget
    /// `Sources[].Packages`, osquery rows.
    static func count(_ root: Any, format: InputFormat) -> Int {
        switch format {
        case .spdx, .cyclonedx:
            return SBOMImportTests.expected((root as? [String: Any]) ?? [:], format: format).records
        case .glpiJSON:
            let content = (root as? [String: Any])?["content"] as? [String: Any]
            return (content?["softwares"] as? [Any])?.count ?? 0
        case .wingetExport:
            let sources = (root as? [String: Any])?["Sources"] as? [[String: Any]] ?? []
            return sources.reduce(0) { $0 + (($1["Packages"] as? [Any])?.count ?? 0) }
        case .osquery: return (root as? [Any])?.count ?? 0
        default: return -1
        }
    }

    /// Every entry an SBOM lists (records and skipped ones); for the other formats, ``count(_:format:)``.
    static func entries(_ root: Any, format: InputFormat) -> Int {
        switch format {
        case .spdx, .cyclonedx: return SBOMImportTests.expected((root as? [String: Any]) ?? [:], format: format).all
        default: return count(root, format: format)
        }
    }

    /// JSON text of `value` with every object's keys in the order `order` gives (a leaf through Foundation, so
    /// strings, numbers, booleans and null are written as Foundation writes them).
    static func serialise(
        _ value: Any, indent: Bool, order: (_ keys: [String], _ path: [String]) -> [String],
        padding: (_ path: [String]) -> [(String, String)], path: [String] = []
    ) throws -> String {
        let newline = indent ? "\n" : ""
        if let object = value as? [String: Any] {
            var parts: [String] = []
            for (key, text) in padding(path) { parts.append(try leaf(key) + ":" + text) }
            for key in order(object.keys.sorted(), path) {
                parts.append(
                    try leaf(key) + ":"
                        + serialise(object[key]!, indent: indent, order: order, padding: padding, path: path + [key]))
            }
            // Padding comes first: before whatever key tells the format.
            return "{" + newline + parts.joined(separator: "," + newline) + newline + "}"
        }
        if let array = value as? [Any] {
            let parts = try array.map {
                try serialise($0, indent: indent, order: order, padding: padding, path: path + ["[]"])
            }
            return "[" + newline + parts.joined(separator: "," + newline) + newline + "]"
        }
        return try leaf(value)
    }

    static func leaf(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
    }
}

@Suite struct JSONFormatDetectionTests {
    @Test func spdxWhoseVersionKeyIsBeyondSixtyFourKilobytesIsSPDX() throws {
        let url = Fixtures.url("inventory/spdx/bom-shelter-microsoft-sbom-tool.spdx.json")
        // The premise: Microsoft's sbom-tool writes `files` first, so `spdxVersion` lies past a 64 KB prefix.
        let bytes = try Data(contentsOf: url)
        let offset = try #require(bytes.range(of: Data("\"spdxVersion\"".utf8))).lowerBound
        #expect(offset > 65_536)
        let result = try makeImporter().importFile(at: url)
        #expect(result.report.format == .spdx)
        #expect(result.records.count == JSONOracle.count(try JSONOracle.object(url), format: .spdx))
        #expect(result.report.unreadableLines == 0)
    }

    @Test func trivysAlphabeticalKeysPutSpdxVersionLastAndStillReadAsSPDX() throws {
        let url = Fixtures.url("inventory/spdx/bom-shelter-microsoft-sbom-tool.spdx.json")
        let root = try JSONOracle.object(url)
        // Trivy writes every object's keys in alphabetical order: `spdxVersion` is the document's last key.
        let text = try JSONOracle.serialise(root, indent: true, order: { keys, _ in keys }, padding: { _ in [] })
        #expect(text.range(of: "\"spdxVersion\"")!.lowerBound > text.range(of: "\"packages\"")!.lowerBound)
        let result = try makeImporter().importFile(at: try temporaryFile("trivy-order.spdx.json", text: text))
        #expect(result.report.format == .spdx)
        #expect(result.records.count == JSONOracle.count(root, format: .spdx))
    }

    @Test func glpiSoftwaresAfterAMegabyteOfProcessesIsGLPI() throws {
        let url = Fixtures.url("inventory/glpi-json/inventory_format-computer_1.json")
        var root = try #require(try JSONOracle.object(url) as? [String: Any])
        var content = try #require(root["content"] as? [String: Any])
        // The agent writes `content` keys alphabetically: `processes` (large on a real machine) precedes `softwares`.
        content["processes"] = (0..<14_000).map { index -> [String: Any] in
            ["cmd": "/usr/lib/process-\(index) --option value --another \(index)", "pid": index, "user": "root"]
        }
        root["content"] = content
        let text = try JSONOracle.serialise(root, indent: true, order: { keys, _ in keys }, padding: { _ in [] })
        #expect(text.utf8.count > 1 << 20)  // beyond the first chunk, so the second scan decides
        let result = try makeImporter().importFile(at: try temporaryFile("glpi-processes.json", text: text))
        #expect(result.report.format == .glpiJSON)
        #expect(result.records.count == JSONOracle.count(root, format: .glpiJSON))
    }

    @Test(arguments: [
        ("inventory/glpi-json/inventory_format-computer_2.json", "GLPI agent JSON"),
        ("inventory/glpi-json/inventory_format-printer_1.json", "itemtype Printer"),
        ("inventory/spdx/spdx-examples-example11-sbom.spdx3.json", "SPDX 3 JSON-LD"),
    ])
    func jsonThatIsNoClaimedFormatIsRefusedSayingWhatItIs(path: String, words: String) throws {
        let url = Fixtures.url(path)
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .notAnInventory(let file, let what) = error as? ImportError else { return false }
            return file == url.path && what.contains(words)
        }
    }

    @Test func aJSONObjectWithANameKeyIsNotOsquery() throws {
        // Before, any JSON with a "name" key was read as an osquery results log, line by line, into nothing.
        let url = try temporaryFile("package.json", text: "{\n  \"name\": \"left-pad\",\n  \"license\": \"WTFPL\"\n}\n")
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .notAnInventory(_, let what) = error as? ImportError else { return false }
            return what.contains("top-level keys name, license")
        }
    }

    @Test func aPrettyPrintedResultsLogEntryIsOsquery() throws {
        let text = """
            {
              "name": "pack_software_programs",
              "hostIdentifier": "AAB-PC0001",
              "calendarTime": "Mon Dec  7 10:00:00 2026 UTC",
              "snapshot": [
                {"name": "LibreOffice 24.2.7.2", "version": "24.2.7.2"},
                {"name": "7-Zip 23.01 (x64)", "version": "23.01"}
              ]
            }
            """
        let result = try makeImporter { $0.includeHostNames = true }
            .importFile(at: try temporaryFile("entry.json", text: text))
        #expect(result.report.format == .osquery)
        #expect(result.records.map(\.title) == ["LibreOffice 24.2.7.2", "7-Zip 23.01 (x64)"])
        #expect(result.records.map(\.host) == ["AAB-PC0001", "AAB-PC0001"])
    }

    @Test func aFileWithOnlyUnreadableLinesFailsInsteadOfImportingAsEmpty() throws {
        // An SPDX document forced to be read as an osquery log: every line is unreadable, no record.
        let url = Fixtures.url("inventory/spdx/spdx-spec-SPDXJSONExample-v2.3.spdx.json")
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).count
        #expect {
            try makeImporter { $0.inputFormat = .osquery }.importFile(at: url)
        } throws: { error in
            guard case .nothingReadable(let file, let format, let count, let first, _) = error as? ImportError
            else { return false }
            return file == url.path && format == "osquery" && count == lines && first == 1
        }
        // One readable line among unreadable ones is an import with diagnostics, as before.
        let mixed = try temporaryFile(
            "mixed.log",
            text: "{\"hostIdentifier\":\"h\",\"columns\":{\"name\":\"GIMP\",\"version\":\"3.0\"}}\nnot json\n")
        let result = try makeImporter().importFile(at: mixed)
        #expect(result.records.count == 1)
        #expect(result.report.unreadableLines == 1)
    }

    /// Real documents with their keys shuffled at every level and padding (up to past the first 1 MB chunk)
    /// before the telling keys: the format and the record count stay those of the document as published.
    @Test func detectionDoesNotDependOnKeyOrderOrPadding() throws {
        let documents: [(String, InputFormat)] = [
            ("inventory/spdx/bom-shelter-microsoft-sbom-tool.spdx.json", .spdx),
            ("inventory/spdx/spdx-spec-SPDXJSONExample-v2.3.spdx.json", .spdx),
            ("inventory/glpi-json/inventory_format-computer_1.json", .glpiJSON),
            ("inventory/cyclonedx/cyclonedx-py-7.5.0-python-env.cdx.json", .cyclonedx),
            ("inventory/cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.json", .cyclonedx),
            ("inventory/winget-export/buddhiko1-system-app.winget-export.json", .wingetExport),
            ("inventory/osquery-json/programs.constructed.json", .osquery),
        ]
        var generator = SeededGenerator(seed: 16_2026)
        let importer = try makeImporter()
        for (path, format) in documents {
            let url = Fixtures.url(path)
            let root = try JSONOracle.object(url)
            let expected = JSONOracle.count(root, format: format)
            let original = try importer.importFile(at: url)
            #expect(original.report.format == format, "\(path)")
            #expect(original.records.count == expected, "\(path)")
            let entries = JSONOracle.entries(root, format: format)
            #expect(original.records.count + original.report.skipped.values.reduce(0, +) == entries, "\(path)")
            for round in 0..<4 {
                let padBytes = [0, 70_000, 300_000, 1_100_000].randomElement(using: &generator)!
                let indent = Bool.random(using: &generator)
                var shuffler = generator
                generator = SeededGenerator(seed: generator.next())
                let text = try JSONOracle.serialise(
                    root, indent: indent,
                    order: { keys, _ in keys.shuffled(using: &shuffler) },
                    padding: { path in
                        // Before the root's keys and before `content`'s (where GLPI keeps `softwares`).
                        guard padBytes > 0, path.isEmpty || path == ["content"] else { return [] }
                        let entry = #"{"cmd":"/usr/sbin/padding --with some arguments","pid":1234,"user":"root"}"#
                        let list =
                            "["
                            + Array(repeating: entry, count: padBytes / entry.utf8.count / 2)
                            .joined(separator: ",") + "]"
                        return [("x_padding", list)]
                    })
                let copy = try temporaryFile("shuffled-\(round)-" + url.lastPathComponent, text: text)
                let result = try importer.importFile(at: copy)
                #expect(result.report.format == format, "\(path) round \(round), padding \(padBytes)")
                #expect(result.records.count == expected, "\(path) round \(round), padding \(padBytes)")
                #expect(result.report.skipped == original.report.skipped, "\(path) round \(round)")
            }
        }
    }
}

@Suite struct PackageListAndXMLFormatTests {
    @Test func theAgentsTabSeparatedRPMListIsReadAsRPM() throws {
        let url = Fixtures.url("inventory/rpm/glpi-agent-rpm-queryformat.tsv")
        let rows = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        let result = try makeImporter().importFile(at: url)
        #expect(result.report.format == .rpm)
        #expect(result.report.variant == "rpm-queryformat")
        #expect(result.records.map(\.title) == rows.map { $0[0] })
        #expect(result.records.map(\.version) == rows.map { $0[2] })
        #expect(result.records.map(\.publisher) == rows.map { $0[5] })
        #expect(
            result.records.map(\.installDate) == rows.map { Date(timeIntervalSince1970: TimeInterval(Int($0[3])!)) })
    }

    @Test func dpkgListIsDetectedAndOnlyInstalledRowsCount() throws {
        let url = Fixtures.url("inventory/dpkg/Divineleo2001-dpkg-l.excerpt.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("ii ") }
        let result = try makeImporter().importFile(at: url)
        #expect(result.report.format == .dpkgList)
        // Multi-arch packages are listed as `name:arch`; the package name is the part before the colon.
        #expect(
            result.records.map(\.title) == rows.map { String($0.split(separator: " ")[1].split(separator: ":")[0]) })
        #expect(result.records.map(\.version) == rows.map { String($0.split(separator: " ")[2]) })
        #expect(result.records.allSatisfy { $0.platform == "linux" })

        // The same listing with some packages removed (`rc`) or never installed (`un`): still records, but
        // not installations.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var changed: [String: String] = [:]
        var generator = SeededGenerator(seed: 5)
        for index in lines.indices where lines[index].hasPrefix("ii ") && Int.random(in: 0..<4, using: &generator) == 0
        {
            let state = Bool.random(using: &generator) ? "rc" : "un"
            lines[index] = state + lines[index].dropFirst(2)
            changed[String(lines[index].split(separator: " ")[1].split(separator: ":")[0])] = state
        }
        #expect(!changed.isEmpty)
        let derived = try makeImporter().importFile(
            at: try temporaryFile("dpkg-l-derived.txt", text: lines.joined(separator: "\n")))
        #expect(derived.report.format == .dpkgList)
        #expect(derived.records.count == rows.count)
        for record in derived.records {
            let state = changed[record.title]
            #expect(record.classification.rule.hasSuffix("+dpkg:not-installed") == (state != nil), "\(record.title)")
            if state != nil { #expect(!record.classification.countsAsInstallation) }
        }
        let rcCount = changed.values.filter { $0 == "rc" }.count
        #expect(derived.report.notInstalled["deinstall ok config-files"] ?? 0 == rcCount)
    }

    @Test func dpkgListFromBeforeTheArchitectureColumnAndItsNoneVersions() throws {
        // dpkg before 1.16.2 printed `||/ Name Version Description`, and `un` rows have the version `<none>`.
        let text = try String(
            contentsOf: Fixtures.url("inventory/dpkg/Divineleo2001-dpkg-l.excerpt.txt"), encoding: .utf8)
        var rows: [(name: String, version: String)] = []
        var lines: [String] = []
        for line in text.split(separator: "\n").map(String.init) {
            let words = line.split(separator: " ").map(String.init)
            if line.hasPrefix("||/") {
                lines.append("||/ Name           Version        Description")
            } else if line.hasPrefix("ii ") {
                let name = String(words[1].split(separator: ":")[0])
                let none = rows.count % 7 == 3
                rows.append((name, none ? "" : words[2]))
                lines.append(
                    (none ? "un  " : "ii  ") + name + "  " + (none ? "<none>" : words[2]) + "  "
                        + words[4...].joined(separator: " "))
            } else {
                lines.append(line)
            }
        }
        let result = try makeImporter().importFile(
            at: try temporaryFile("dpkg-l-old.txt", text: lines.joined(separator: "\n")))
        #expect(result.report.format == .dpkgList)
        #expect(result.records.map(\.title) == rows.map(\.name))
        #expect(result.records.map { $0.version ?? "" } == rows.map(\.version))
        #expect(
            result.records.filter { $0.classification.rule.hasSuffix("+dpkg:not-installed") }.map(\.title)
                == rows.filter(\.version.isEmpty).map(\.name))
        #expect(result.report.notInstalled["unknown ok not-installed"] == rows.filter(\.version.isEmpty).count)
    }

    @Test func cycloneDXXMLGivesTheRecordsOfTheSameBOMAsJSON() throws {
        let xml = try makeImporter().importFile(
            at: Fixtures.url("inventory/cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.xml"))
        let jsonURL = Fixtures.url("inventory/cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.json")
        let json = try makeImporter().importFile(at: jsonURL)
        #expect(xml.report.format == .cyclonedx)
        #expect(xml.report.variant == "cyclonedx-1.4")
        #expect(xml.records.count == JSONOracle.count(try JSONOracle.object(jsonURL), format: .cyclonedx))
        // laravel's subject is an application: every component is skipped, in both forms for the same reason.
        #expect(xml.report.skipped == json.report.skipped)
        #expect(
            xml.report.skipped.values.reduce(0, +)
                == JSONOracle.entries(try JSONOracle.object(jsonURL), format: .cyclonedx))
        func fields(_ records: [SoftwareRecord]) -> [String] {
            records.map { [$0.title, $0.version ?? "", $0.publisher ?? "", $0.package ?? "", $0.host ?? ""] }
                .map { $0.joined(separator: "|") }.sorted()
        }
        #expect(fields(xml.records) == fields(json.records))
    }

    @Test func spdxTagValueAndOtherXMLAreRefusedSayingWhatTheyAre() throws {
        let tagValue = Fixtures.url("inventory/spdx/bom-shelter-usbutils.spdx")
        #expect {
            try makeImporter().importFile(at: tagValue)
        } throws: { error in
            guard case .notAnInventory(let file, let what) = error as? ImportError else { return false }
            return file == tagValue.path && what.contains("SPDX tag-value") && what.contains("SPDX-2.1")
        }
        let xml = try temporaryFile(
            "feed.xml", text: "<?xml version=\"1.0\"?>\n<!-- a feed -->\n<rss version=\"2.0\"/>\n")
        #expect {
            try makeImporter().importFile(at: xml)
        } throws: { error in
            guard case .notAnInventory(_, let what) = error as? ImportError else { return false }
            return what.contains("<rss>")
        }
    }

    @Test func aRegistryExportWithoutUninstallKeysIsNotAnInventory() throws {
        let url = Fixtures.url("inventory/windows-reg/glpi-agent-office_2016_02.reg")
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .notAnInventory(let file, let what) = error as? ImportError else { return false }
            return file == url.path && what.contains("without Uninstall keys")
                && what.contains("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Office")
        }
    }
}

@Suite struct HeaderlessMapTests {
    static let rpmList = "inventory/rpm/glpi-agent-rpm-queryformat.tsv"

    func rows() throws -> [[String]] {
        try String(contentsOf: Fixtures.url(Self.rpmList), encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    func importAsCSV(_ configure: (inout ImportOptions) -> Void = { _ in }) throws -> FileImport {
        try makeImporter {
            $0.inputFormat = .csv
            $0.columnMap = try? ColumnMapOverride(parsing: "title=1,version=3,publisher=6")
            configure(&$0)
        }.importFile(at: Fixtures.url(Self.rpmList))
    }

    @Test func columnNumbersOnAHeaderlessFileKeepTheFirstRow() throws {
        let rows = try rows()
        let result = try importAsCSV()
        #expect(result.records.map(\.title) == rows.map { $0[0] })
        #expect(result.records.map(\.version) == rows.map { $0[2] })
        #expect(result.records.first?.line == 1)
        #expect(result.report.notes.contains { $0.message.contains("the first row is data") })
    }

    @Test func headerSaysTheFirstRowIsAHeaderAndNoHeaderNeedsNumbers() throws {
        let rows = try rows()
        let asHeader = try importAsCSV { $0.firstRow = .header }
        #expect(asHeader.records.map(\.title) == rows.dropFirst().map { $0[0] })
        #expect {
            try importAsCSV {
                $0.firstRow = .data
                $0.columnMap = try? ColumnMapOverride(parsing: "title=Name")
            }
        } throws: { error in
            guard case .invalidMapping = error as? ImportError else { return false }
            return true
        }
    }

    @Test func columnNumbersOnAFileWithAHeaderStillSkipTheHeader() throws {
        let url = Fixtures.url("inventory/sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).count
        let result = try makeImporter { $0.columnMap = try? ColumnMapOverride(parsing: "title=2") }.importFile(at: url)
        #expect(result.records.count == lines - 1)
        #expect(!result.report.notes.contains { $0.message.contains("the first row is data") })
    }
}
