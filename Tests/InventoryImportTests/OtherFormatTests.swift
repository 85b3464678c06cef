import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

@Suite struct SpreadsheetTests {
    @Test func odsWrittenByLibreOfficeReadsLikeTheCSVItCameFrom() throws {
        let ods = try makeImporter().importFile(at: Fixtures.url("spreadsheet/software-by-computer.constructed.ods"))
        let csv = try makeImporter().importFile(
            at: Fixtures.url("inventory/lansweeper-csv/software-by-computer.constructed.csv"))
        #expect(ods.report.format == .ods)
        #expect(ods.records.count == 34)
        #expect(ods.records.map(\.title) == csv.records.map(\.title))
        #expect(ods.records.map(\.host) == csv.records.map(\.host))
        #expect(ods.records.map(\.publisher) == csv.records.map(\.publisher))
    }

    @Test func kitosFromODSAndXLSXGiveTheSameDeclarations() throws {
        let ods = try makeImporter().importFile(at: Fixtures.url("spreadsheet/IT-Systemer-Overblik.constructed.ods"))
        let xlsx = try makeImporter().importFile(
            at: Fixtures.url("inventory/kitos/IT-Systemer-Overblik.constructed.xlsx"))
        #expect(ods.report.format == .kitos)
        #expect(ods.declarations.count == 6)
        #expect(ods.declarations.map(\.product) == xlsx.declarations.map(\.product))
        #expect(ods.declarations.map(\.relation) == xlsx.declarations.map(\.relation))
    }

    @Test func kitosOnlyActiveSystemsCountAsUse() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/kitos/IT-Systemer-Overblik.constructed.csv"))
        let byProduct = Dictionary(uniqueKeysWithValues: result.declarations.map { ($0.product, $0) })
        #expect(byProduct["os2borgerpc"]?.relation == .uses)
        #expect(byProduct["os2borgerpc"]?.date == "2021-03-01")
        #expect(byProduct["libreoffice"]?.relation == .uses)
        #expect(byProduct["lotus-symphony"]?.relation == .retired)
        #expect(byProduct["lotus-symphony"]?.relation.countsAsUse == false)
        #expect(result.declarations.filter { $0.relation.countsAsUse }.count == 5)
        #expect(result.declarations.allSatisfy { $0.evidenceKind == .kitos && $0.organisation == 751 })
    }

    @Test func sheetOptionAndHeaderBelowATitleBlock() throws {
        let url = Fixtures.url("spreadsheet/two-sheets.xlsx")
        // The first sheet is a cover page: no table there.
        #expect(throws: ImportError.self) { try makeImporter().importFile(at: url) }
        let result = try makeImporter {
            $0.sheet = "Software"
            $0.includeHostNames = true
        }.importFile(at: url)
        #expect(result.report.format == .xlsx)
        #expect(result.records.map(\.title) == ["LibreOffice 24.2.7.2", "Microsoft Office Professional Plus 2016"])
        #expect(result.records.map(\.host) == ["RÅDHUS-PC0001", "RÅDHUS-PC0002"])
        #expect(result.records.map(\.line) == [4, 6])
        #expect(throws: ImportError.self) { try makeImporter { $0.sheet = "Nope" }.importFile(at: url) }
    }

    @Test func aTruncatedWorkbookIsAClearError() throws {
        let bytes = try [UInt8](Data(contentsOf: Fixtures.url("inventory/kitos/IT-Systemer-Overblik.constructed.xlsx")))
        let url = try temporaryFile("truncated.xlsx", Array(bytes.prefix(bytes.count / 2)))
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .malformed(let file, _, _, _) = error as? ImportError else { return false }
            return file == url.path
        }
    }
}

@Suite struct AgentAndPackageFormatTests {
    static let agentXML = """
        <?xml version="1.0" encoding="UTF-8" ?>
        <REQUEST>
          <CONTENT>
            <HARDWARE><NAME>AAB-PC1234</NAME></HARDWARE>
            <SOFTWARES><NAME>LibreOffice 7.6.4.1</NAME><VERSION>7.6.4.1</VERSION>
              <PUBLISHER>The Document Foundation</PUBLISHER><FROM>registry</FROM></SOFTWARES>
            <SOFTWARES><NAME>LibreOffice 7.6 Help Pack (Danish)</NAME><VERSION>7.6.4.1</VERSION></SOFTWARES>
            <SOFTWARES><VERSION>1.0</VERSION></SOFTWARES>
            <VERSIONCLIENT>FusionInventory-Agent_v2.6</VERSIONCLIENT>
          </CONTENT>
          <DEVICEID>AAB-PC1234-2026-10-01-10-00-00</DEVICEID>
          <QUERY>INVENTORY</QUERY>
        </REQUEST>
        """

    @Test func agentXMLTakesTheHostFromHardwareAndCollapsesHelpPacks() throws {
        let url = try temporaryFile("host.xml", text: Self.agentXML)
        let result = try makeImporter { $0.includeHostNames = true }.importFile(at: url)
        #expect(result.report.format == .agentXML)
        #expect(result.report.variant == "fusioninventory")
        #expect(result.records.count == 2)
        #expect(result.records.allSatisfy { $0.host == "AAB-PC1234" })
        #expect(result.records.first?.platform == "windows")
        #expect(result.report.unreadableLines == 1)
        #expect(result.report.tally.byProduct == ["libreoffice": 1])
        #expect(result.report.tally.collapsedLines == 1)
    }

    @Test func billionLaughsIsRefused() throws {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE REQUEST [
              <!ENTITY lol "lol">
              <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
              <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
              <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
            ]>
            <REQUEST><CONTENT><SOFTWARES><NAME>&lol4;</NAME></SOFTWARES></CONTENT></REQUEST>
            """
        let url = try temporaryFile("laughs.xml", text: text)
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .malformed(let file, _, _, let reason) = error as? ImportError else { return false }
            return file == url.path && reason.contains("DTD")
        }
    }

    @Test func deeplyNestedXMLIsRefused() throws {
        let text =
            "<REQUEST>" + String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
            + "</REQUEST>"
        let url = try temporaryFile("deep.xml", text: text)
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            if case .nestingTooDeep = error as? ImportError { return true }
            return false
        }
    }

    @Test func debianPackagesCollapseIntoOneLibreOfficeInstallation() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/ocs-xml/ocsinventory-agent-2.10-debian12.excerpt.xml"))
        let libreOffice = result.records.filter { $0.classification.product == "libreoffice" }
        #expect(libreOffice.count > 5)
        #expect(result.report.tally.byProduct["libreoffice"] == 1)
        #expect(result.report.tally.collapsedLines == libreOffice.count - 1)
        #expect(result.records.allSatisfy { $0.platform == "linux" })
    }

    @Test func dpkgStatusFile() throws {
        let text = """
            Package: libreoffice-writer
            Status: install ok installed
            Priority: optional
            Maintainer: Debian LibreOffice Maintainers <debian-openoffice@lists.debian.org>
            Architecture: amd64
            Version: 4:7.4.7-1+deb12u14
            Description: office productivity suite -- word processor
             Writer is the word processor component of the LibreOffice suite.

            Package: libreoffice-l10n-da
            Status: install ok installed
            Version: 4:7.4.7-1+deb12u14

            Package: oldpackage
            Status: deinstall ok config-files
            Version: 1.0-1

            """
        let result = try makeImporter().importFile(at: try temporaryFile("status", text: text))
        #expect(result.report.format == .dpkgStatus)
        #expect(result.records.map(\.title) == ["libreoffice-writer", "libreoffice-l10n-da"])
        #expect(result.records.map(\.line) == [1, 10])
        #expect(result.records.first?.version == "4:7.4.7-1+deb12u14")
        #expect(result.report.skipped == ["not installed (deinstall ok config-files)": 1])
        #expect(result.report.tally.byProduct["libreoffice"] == 1)
    }

    @Test func rpmQueryAll() throws {
        let text = "libreoffice-core-7.5.9.2-5.fc39.x86_64\nbash-5.2.26-1.fc39.x86_64\ntzdata-2024a-2.fc39.noarch\n"
        let result = try makeImporter().importFile(at: try temporaryFile("rpm.txt", text: text))
        #expect(result.report.format == .rpm)
        #expect(result.records.map(\.title) == ["libreoffice-core", "bash", "tzdata"])
        #expect(result.records.map(\.version) == ["7.5.9.2-5.fc39", "5.2.26-1.fc39", "2024a-2.fc39"])
    }

    @Test func plainDpkgQueryW() throws {
        let text = "adduser\t3.134\nlibreoffice-calc\t4:7.4.7-1+deb12u14\nzlib1g:amd64\t1:1.2.13.dfsg-1\n"
        let result = try makeImporter().importFile(at: try temporaryFile("dpkg-w.txt", text: text))
        #expect(result.report.format == .dpkgQuery)
        #expect(result.records.count == 3)
    }

    @Test func osqueryResultsLogNDJSON() throws {
        let text = """
            {"name":"pack_software_programs","hostIdentifier":"AAB-PC9335","action":"added","columns":{"name":"LibreOffice 24.2.7.2","version":"24.2.7.2","publisher":"The Document Foundation","identifying_number":"{ABC}"}}
            {"name":"pack_software_programs","hostIdentifier":"AAB-PC9335","action":"removed","columns":{"name":"Old","version":"1"}}
            {"name":"pack_software_programs","hostIdentifier":"AAB-PC0001","snapshot":[{"name":"7-Zip 23.01 (x64)","version":"23.01"},{"name":"GIMP 3.0.0","version":"3.0.0"}]}
            not json

            """
        let result = try makeImporter { $0.includeHostNames = true }
            .importFile(at: try temporaryFile("osquery.log", text: text))
        #expect(result.report.format == .osquery)
        #expect(result.records.map(\.title) == ["LibreOffice 24.2.7.2", "7-Zip 23.01 (x64)", "GIMP 3.0.0"])
        #expect(result.records.map(\.host) == ["AAB-PC9335", "AAB-PC0001", "AAB-PC0001"])
        #expect(result.report.skipped["removed (osquery differential)"] == 1)
        #expect(result.report.diagnostics.map(\.line) == [4])
    }
}

@Suite struct RecordOutputTests {
    @Test func jsonLinesDecodeBackToTheRecords() throws {
        let result = try makeImporter().importFile(
            at: Fixtures.url("inventory/sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv"))
        var bytes: [UInt8] = []
        for record in result.records { JSONLines.append(record, to: &bytes) }
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == result.records.count)
        let decoded = try lines.map { try JSONLines.decoder().decode(SoftwareRecord.self, from: Data($0)) }
        #expect(decoded == result.records)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any])
        for key in [
            "organisation", "source", "line", "host", "title", "publisher", "version", "package", "platform",
            "install_count", "product", "counts_as_installation",
        ] {
            #expect(first.keys.contains(key), "missing \(key)")
        }
    }

    @Test func titlesWithControlCharactersAndQuotesStayOneLine() throws {
        let record = SoftwareRecord(
            organisation: 101, source: "a.csv", line: 2, host: nil, title: "Line\nbreak \"quoted\" \\ tab\t\u{1}",
            publisher: nil, version: nil, package: nil, platform: nil, installCount: 1, installDate: nil,
            classification: .unknown)
        var bytes: [UInt8] = []
        JSONLines.append(record, to: &bytes)
        #expect(bytes.filter { $0 == 0x0A }.count == 1)
        let decoded = try JSONLines.decoder().decode(SoftwareRecord.self, from: Data(bytes.dropLast()))
        #expect(decoded == record)
    }

    @Test func hostPseudonymsAreKeyedAndStable() throws {
        let a = HostPseudonymiser(key: Array("key-a".utf8))
        let b = HostPseudonymiser(key: Array("key-b".utf8))
        #expect(a.pseudonym(for: "RÅDHUS-PC0001") == a.pseudonym(for: " rådhus-pc0001 "))
        #expect(a.pseudonym(for: "RÅDHUS-PC0001") != b.pseudonym(for: "RÅDHUS-PC0001"))
        #expect(a.pseudonym(for: "PC1") != a.pseudonym(for: "PC2"))
    }

    @Test func hostKeyFileIsCreatedOnceWithPrivatePermissions() throws {
        let file = try Fixtures.temporaryDirectory("key").appendingPathComponent("overblik/host.key")
        let first = try HostKey.resolve(explicit: nil, environment: [:], file: file)
        let second = try HostKey.resolve(explicit: nil, environment: [:], file: file)
        #expect(first == second)
        #expect(first.count == 64)
        let permissions = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)
        #expect(try HostKey.resolve(explicit: "given", environment: [:], file: file) == Array("given".utf8))
        #expect(
            try HostKey.resolve(explicit: nil, environment: [HostKey.environmentVariable: "env"], file: file)
                == Array("env".utf8))
    }

    @Test func installationsCollapsePerHostAndMergeAcrossFiles() throws {
        let text = """
            AssetName,Software,Version,Publisher
            PC-1,LibreOffice 7.5 Help Pack (Danish),7.5.9.2,The Document Foundation
            PC-1,LibreOffice 7.5.9.2,7.5.9.2,The Document Foundation
            PC-1,LibreOffice 7.5 Help Pack (English),7.5.9.2,The Document Foundation
            PC-2,LibreOffice 7.5 Help Pack (Danish),7.5.9.2,The Document Foundation
            PC-3,Apache OpenOffice 4.1.15,4.115.9813,Apache Software Foundation

            """
        let url = try temporaryFile("collapse.csv", text: text)
        let result = try makeImporter().importFile(at: url)
        #expect(result.records.count == 5)
        #expect(result.report.tally.byProduct == ["libreoffice": 1, "apache-openoffice": 1])
        #expect(result.report.tally.collapsedLines == 2)
        #expect(result.report.tally.hosts == 3)
        var merged = result.report.tally
        merged.merge(result.report.tally)
        #expect(merged.byProduct == ["libreoffice": 1, "apache-openoffice": 1])
    }
}
