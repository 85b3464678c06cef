import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// The importer as the CLI builds it: the shipped catalog's classifier, a fixed host key.
func makeImporter(
    organisation: Int? = 751, configure: (inout ImportOptions) -> Void = { _ in }
) throws -> InventoryImporter {
    var options = ImportOptions(
        organisation: organisation, hostPseudonymiser: HostPseudonymiser(key: Array("test-host-key".utf8)))
    configure(&options)
    return InventoryImporter(classifier: try CatalogClassifier.bundled(), options: options)
}

/// Every file in fixtures/inventory imports with the count an independent reading gives
/// (`scripts/count-inventory-rows.py`, and the corpus README's table).
@Suite struct CorpusFixtureTests {
    struct Expectation: CustomTestStringConvertible, Sendable {
        var path: String
        var format: InputFormat
        var records: Int
        var declarations = 0
        var skipped = 0
        /// Records the file marks as not installed (kept, `counts_as_installation` false).
        var notInstalled = 0
        /// Whether the file is also in the shared corpus (`../shared/corpus/inventory`); the files added from the
        /// session-16 audit (fixtures/inventory/README.md) are only here.
        var inSharedCorpus = true
        var testDescription: String { path }
    }

    static let expectations: [Expectation] = [
        // CycloneDX/bom-examples: a cryptography BOM and an application's OBOM describe no machine, the hardware BOM
        // lists devices only, laravel's SBOM (JSON and XML) is an application's dependencies: their entries are
        // skipped.
        Expectation(
            path: "cyclonedx/bom-examples-cbom-Protocol.cdx.json", format: .cyclonedx, records: 0, skipped: 8,
            inSharedCorpus: false),
        Expectation(
            path: "cyclonedx/bom-examples-hbom-PCIe-SATA-adapter-board.cdx.json", format: .cyclonedx, records: 0,
            skipped: 6, inSharedCorpus: false),
        Expectation(
            path: "cyclonedx/bom-examples-obom-Example-1-Decoupled.cdx.json", format: .cyclonedx, records: 0,
            skipped: 1, inSharedCorpus: false),
        Expectation(
            path: "cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.json", format: .cyclonedx, records: 0, skipped: 62,
            inSharedCorpus: false),
        Expectation(
            path: "cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.xml", format: .cyclonedx, records: 0, skipped: 62,
            inSharedCorpus: false),
        Expectation(path: "cyclonedx/cyclonedx-py-7.5.0-python-env.cdx.json", format: .cyclonedx, records: 37),
        Expectation(path: "defender-api/ListSoftware.docs-example.json", format: .defenderJSON, records: 1),
        Expectation(
            path: "defender-api/SoftwareInventoryByMachine.docs-example.json", format: .defenderJSON, records: 5),
        Expectation(path: "defender-csv/DeviceTvmSoftwareInventory.constructed.csv", format: .csv, records: 24),
        // 17 lines; one package is "deinstall ok config-files" (removed): a record that is not an installation.
        Expectation(path: "dpkg/glpi-agent-dpkg-query.tsv", format: .dpkgQuery, records: 17, notInstalled: 1),
        Expectation(
            path: "dpkg/Divineleo2001-dpkg-l.excerpt.txt", format: .dpkgList, records: 120, inSharedCorpus: false),
        Expectation(
            path: "fusioninventory-xml/inventory_format-tests-data-12-windows81.xml", format: .agentXML, records: 8),
        Expectation(
            path: "fusioninventory-xml/inventory_format-tests-data-3-macos.xml", format: .agentXML, records: 40),
        Expectation(path: "glpi-json/inventory_format-computer_1.json", format: .glpiJSON, records: 6),
        Expectation(path: "glpi-json/inventory_format-computer_1_partial_softs.json", format: .glpiJSON, records: 6),
        Expectation(path: "intune-csv/AppInvAggregate.constructed.csv", format: .csv, records: 33),
        Expectation(path: "kitos/IT-Systemer-Overblik.constructed.csv", format: .kitos, records: 0, declarations: 6),
        Expectation(path: "kitos/IT-Systemer-Overblik.constructed.xlsx", format: .kitos, records: 0, declarations: 6),
        Expectation(path: "lansweeper-csv/software-by-computer.constructed.csv", format: .csv, records: 34),
        Expectation(path: "ocs-xml/ocsinventory-agent-2.10-debian12.excerpt.xml", format: .agentXML, records: 17),
        Expectation(path: "osquery-json/deb_packages.constructed.json", format: .osquery, records: 17),
        Expectation(path: "osquery-json/programs.constructed.json", format: .osquery, records: 12),
        Expectation(path: "powershell-csv/Get-ItemProperty-Uninstall.ps7.constructed.csv", format: .csv, records: 31),
        Expectation(path: "rpm/glpi-agent-rpm-queryformat.tsv", format: .rpm, records: 10, inSharedCorpus: false),
        Expectation(path: "sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv", format: .csv, records: 52),
        Expectation(
            path: "spdx/bom-shelter-chronicle.syft-dir.excerpt.spdx.json", format: .spdx, records: 25,
            inSharedCorpus: false),
        Expectation(
            path: "spdx/bom-shelter-grype.syft-dir.excerpt.spdx.json", format: .spdx, records: 25, inSharedCorpus: false
        ),
        Expectation(
            path: "spdx/bom-shelter-kasmweb-only-office.bom-tool.excerpt.spdx.json", format: .spdx, records: 22,
            inSharedCorpus: false),
        Expectation(
            path: "spdx/bom-shelter-microsoft-sbom-tool.spdx.json", format: .spdx, records: 123, inSharedCorpus: false),
        // Documents of an application, a Maven library and (the specification's example) a source package.
        Expectation(
            path: "spdx/spdx-examples-ACME-v2.3.spdx.json", format: .spdx, records: 0, skipped: 4, inSharedCorpus: false
        ),
        Expectation(
            path: "spdx/spdx-examples-examplemaven-0.0.1-enriched.spdx.json", format: .spdx, records: 0, skipped: 6,
            inSharedCorpus: false),
        Expectation(path: "spdx/spdx-spec-SPDXJSONExample-v2.3.spdx.json", format: .spdx, records: 0, skipped: 4),
        Expectation(path: "windows-reg/glpi-agent-10_russian-Uninstall.reg", format: .reg, records: 2),
        Expectation(
            path: "windows-reg/glpi-agent-mssql-Uninstall.reg", format: .reg, records: 7, inSharedCorpus: false),
        Expectation(
            path: "windows-reg/glpi-agent-mssql_engine-Uninstall.reg", format: .reg, records: 2, inSharedCorpus: false),
        Expectation(
            path: "winget-export/Shresht7-Configs-packages.winget-export.json", format: .wingetExport, records: 86,
            inSharedCorpus: false),
        Expectation(path: "winget-export/buddhiko1-system-app.winget-export.json", format: .wingetExport, records: 19),
        Expectation(path: "winget-list/merlinfrombelgium-winget-list.txt", format: .wingetList, records: 59),
    ]

    /// Files that are no inventory we read (the script prints `refused`): each fails with what it is.
    static let refused = [
        "glpi-json/inventory_format-computer_2.json", "glpi-json/inventory_format-printer_1.json",
        "spdx/bom-shelter-usbutils.spdx", "spdx/spdx-examples-example11-sbom.spdx3.json",
        "windows-reg/glpi-agent-office_2016_02.reg",
    ]

    @Test(arguments: refused)
    func isRefusedAsNotAnInventory(_ path: String) throws {
        let url = Fixtures.url("inventory/" + path)
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .notAnInventory(let file, _) = error as? ImportError else { return false }
            return file == url.path
        }
    }

    @Test(arguments: expectations)
    func importsWithTheIndependentCount(_ expected: Expectation) throws {
        let result = try makeImporter().importFile(at: Fixtures.url("inventory/" + expected.path))
        #expect(result.report.format == expected.format)
        #expect(result.records.count == expected.records)
        #expect(result.report.softwareRecords == expected.records)
        #expect(result.declarations.count == expected.declarations)
        #expect(result.report.skipped.values.reduce(0, +) == expected.skipped)
        #expect(result.report.notInstalled.values.reduce(0, +) == expected.notInstalled)
        #expect(
            result.records.filter { $0.classification.rule.hasSuffix("+dpkg:not-installed") }.count
                == expected.notInstalled)
        #expect(result.report.unreadableLines == 0)
        #expect(result.report.fileHash.hasPrefix("sha256:"))
        #expect(result.records.allSatisfy { $0.organisation == 751 && !$0.title.isEmpty })
    }

    @Test func everyFixtureFileHasAnExpectation() throws {
        let root = Fixtures.url("inventory")
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        var files: [String] = []
        for case let url as URL in enumerator where !url.hasDirectoryPath && url.pathExtension != "md" {
            files.append(String(url.path.dropFirst(root.path.count + 1)))
        }
        #expect(Set(files) == Set(Self.expectations.map(\.path) + Self.refused))
    }

    @Test func publicUsageEvidenceImportsAsDeclarations() throws {
        let result = try makeImporter(organisation: nil).importFile(at: Fixtures.url("usage/os2-usage-evidence.tsv"))
        #expect(result.report.format == .usageEvidence)
        #expect(result.declarations.count == 149)
        #expect(result.records.isEmpty)
        let first = try #require(result.declarations.first)
        #expect(first.organisation == 101)
        #expect(first.product == "os2")
        #expect(first.relation == .member)
        #expect(first.evidenceKind == .publicEvidence)
        #expect(first.line == 2)
        #expect(Set(result.declarations.map(\.organisation)).count > 20)
    }

    @Test func hostsArePseudonymisedAndCollapsePerHost() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv"))
        let hosts = Set(result.records.compactMap(\.host))
        #expect(hosts.count == 5)
        #expect(hosts.allSatisfy { $0.hasPrefix("h:") && $0.count == 18 })
        #expect(!result.records.contains { $0.host?.contains("KOMM") == true })
        #expect(result.report.tally.hosts == 5)

        let named = try makeImporter { $0.includeHostNames = true }
            .importFile(at: Fixtures.url("inventory/sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv"))
        #expect(
            Set(named.records.compactMap(\.host)) == [
                "KOMM-PC3717", "KOMM-PC5936", "KOMM-PC4902", "KOMM-PC6531",
                "KOMM-PC8656",
            ])
    }

    @Test func aggregateExportsKeepTheirCounts() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/intune-csv/AppInvAggregate.constructed.csv"))
        #expect(result.report.variant == "intune-appinvaggregate")
        #expect(result.records.allSatisfy { $0.host == nil })
        let libreOffice = try #require(result.records.first { $0.title == "LibreOffice 25.2.3.2" })
        #expect(libreOffice.installCount == 88)
        #expect(result.records.map(\.installCount).reduce(0, +) == 8127)
    }

    @Test func removedDpkgPackageIsARecordButNotAnInstallation() throws {
        let result = try makeImporter().importFile(at: Fixtures.url("inventory/dpkg/glpi-agent-dpkg-query.tsv"))
        let removed = try #require(result.records.first { $0.title == "vlc-nox" })
        #expect(removed.classification.countsAsInstallation == false)
        #expect(removed.classification.rule.hasSuffix("+dpkg:not-installed"))
        #expect(result.report.notInstalled == ["deinstall ok config-files": 1])
        #expect(result.report.notes.contains { $0.message.contains("not installed (deinstall ok config-files)") })
        // Installations are what the 16 installed packages alone give.
        var installedOnly = InstallationTally()
        for record in result.records where record.title != "vlc-nox" { installedOnly.add(record) }
        #expect(result.report.tally.byProduct == installedOnly.byProduct)
        #expect(
            result.records.filter { $0.title != "vlc-nox" }.allSatisfy { !$0.classification.rule.contains("dpkg:") })
    }

    @Test func oneFilePerHostFormatsDeriveTheHostFromTheFile() throws {
        let result = try makeImporter().importFile(at: Fixtures.url("inventory/dpkg/glpi-agent-dpkg-query.tsv"))
        #expect(Set(result.records.compactMap(\.host)).count == 1)
        let named = try makeImporter { $0.includeHostNames = true }
            .importFile(at: Fixtures.url("inventory/glpi-json/inventory_format-computer_1.json"))
        #expect(Set(named.records.compactMap(\.host)) == ["glpixps"])
    }

    @Test func defenderExamplesAreRepairedAndTheRepairsReported() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/defender-api/SoftwareInventoryByMachine.docs-example.json"))
        #expect(
            result.report.notes.contains {
                $0.message.contains("not valid JSON") && $0.message.contains("adjacent string")
            })
        #expect(result.records.first?.title == "windows_10")
        #expect(result.records.first?.platform == "Windows10")
        let list = try makeImporter().importFile(
            at: Fixtures.url("inventory/defender-api/ListSoftware.docs-example.json"))
        #expect(list.records.first?.installCount == 172)
        #expect(list.records.first?.host == nil)
    }

    @Test func registryExportIsReadFromUTF16() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/windows-reg/glpi-agent-10_russian-Uninstall.reg"))
        #expect(result.report.encoding == .utf16LE)
        #expect(result.records.map(\.title) == ["КриптоПро CSP", "1C Предприятие 7.7"])
        #expect(result.records.first?.version == "5.0.12000")
        #expect(result.records.first?.package == "{50F91F80-D397-437C-B0C8-62128DE3B55E}")
    }

    @Test func wingetListTruncatedCellsDoNotShiftColumns() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/winget-list/merlinfrombelgium-winget-list.txt"))
        let office = try #require(result.records.first { $0.package == "Microsoft.Office" })
        #expect(office.title == "Microsoft 365 Apps for enterprise - ???")
        #expect(office.version == "16.0.14931.20724")
        let installer = try #require(result.records.first { $0.title == "App Installer" })
        #expect(installer.version == "1.18.2691.0")
    }
}

/// The shared corpus itself (opt-in: `OVERBLIK_SHARED` or `OVERBLIK_CORPUS=1`; CI sets
/// `OVERBLIK_CORPUS_REQUIRED=1`, and then a missing corpus fails instead of skipping).
@Suite struct SharedCorpusTests {
    static var corpusRequired: Bool { ProcessInfo.processInfo.environment["OVERBLIK_CORPUS_REQUIRED"] == "1" }

    @Test(.enabled(if: Fixtures.sharedCorpus != nil || SharedCorpusTests.corpusRequired))
    func everyCorpusInventoryImportsWithItsCount() throws {
        let corpus = try #require(Fixtures.sharedCorpus, "the shared corpus is required but not found")
        let root = corpus.appendingPathComponent("corpus/inventory")
        let enumerator = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
        let expected = Dictionary(uniqueKeysWithValues: CorpusFixtureTests.expectations.map { ($0.path, $0) })
        var seen = 0
        for case let url as URL in enumerator where !url.hasDirectoryPath && url.pathExtension != "md" {
            let relative = String(url.path.dropFirst(root.path.count + 1))
            let expectation = try #require(expected[relative], "no expected count for corpus file \(relative)")
            let result = try makeImporter().importFile(at: url)
            #expect(result.records.count == expectation.records, "\(relative)")
            #expect(result.declarations.count == expectation.declarations, "\(relative)")
            #expect(result.report.unreadableLines == 0, "\(relative)")
            seen += 1
        }
        #expect(seen == CorpusFixtureTests.expectations.filter(\.inSharedCorpus).count)
        let evidence = try makeImporter(organisation: nil).importFile(
            at: corpus.appendingPathComponent("data/os2-usage-evidence.tsv"))
        #expect(evidence.declarations.count == 149)
    }
}
