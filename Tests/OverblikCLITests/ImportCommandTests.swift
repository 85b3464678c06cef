import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import OverblikCLI

@Suite struct ImportCommandTests {
    /// Runs `overblik import ARGS` in process; returns (standard output, standard error, failed files).
    func runImport(_ arguments: [String]) throws -> (output: String, errors: String, failed: Int) {
        let directory = try Fixtures.temporaryDirectory("import-cli")
        let outputURL = directory.appendingPathComponent("out")
        let errorURL = directory.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputURL)
        let errors = try FileHandle(forWritingTo: errorURL)
        let command = try ImportCommand.parse(arguments + ["--host-key", "cli-test"])
        let failed = try command.execute(output: output, errors: errors)
        try output.close()
        try errors.close()
        return (
            try String(contentsOf: outputURL, encoding: .utf8), try String(contentsOf: errorURL, encoding: .utf8),
            failed
        )
    }

    @Test func dryRunJSONLinesPrintsExactlyOneLinePerRecord() throws {
        let files = [
            "inventory/sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv",
            "inventory/ocs-xml/ocsinventory-agent-2.10-debian12.excerpt.xml",
            "inventory/winget-list/merlinfrombelgium-winget-list.txt",
        ].map { Fixtures.url($0).path }
        let result = try runImport(files + ["--organisation", "Aarhus", "--dry-run", "--format", "jsonl"])
        #expect(result.failed == 0)
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 52 + 17 + 59)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["organisation"] as? Int == 751)
        }
    }

    @Test func summaryShowsCollapsedInstallationsAndUnknownTitles() throws {
        let result = try runImport([
            Fixtures.url("inventory/ocs-xml/ocsinventory-agent-2.10-debian12.excerpt.xml").path, "--organisation",
            "751",
            "--dry-run",
        ])
        #expect(result.output.contains("Software records: 17"))
        #expect(result.output.contains("libreoffice"))
        #expect(result.output.contains("lines collapsed into an installation"))
        #expect(result.output.contains("Unknown titles:"))
    }

    /// The audit's case: SBOMs of a cryptography setup, a circuit board, an application and a Python environment,
    /// and two machines' regedit exports under one name. The summary says what was skipped and why, and counts one
    /// host per machine: the Python environment (no subject declared) and the two machines.
    @Test func theSummarySaysWhichSBOMEntriesAreNoMachinesSoftware() throws {
        let collection = try Fixtures.temporaryDirectory("import-collection")
        var files = [
            "cyclonedx/bom-examples-cbom-Protocol.cdx.json",
            "cyclonedx/bom-examples-hbom-PCIe-SATA-adapter-board.cdx.json",
            "cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.json",
            "cyclonedx/cyclonedx-py-7.5.0-python-env.cdx.json",
        ].map { Fixtures.url("inventory/" + $0).path }
        for (machine, fixture) in [
            ("PC-A", "glpi-agent-mssql-Uninstall.reg"), ("PC-B", "glpi-agent-10_russian-Uninstall.reg"),
        ] {
            let folder = collection.appendingPathComponent(machine)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("Uninstall.reg")
            try FileManager.default.copyItem(at: Fixtures.url("inventory/windows-reg/" + fixture), to: file)
            files.append(file.path)
        }
        let result = try runImport(files + ["--organisation", "751", "--dry-run"])
        #expect(result.failed == 0)
        #expect(
            result.output.contains(
                "    skipped 8: listed by an SBOM whose subject is not a machine (metadata.component.type application)")
        )
        #expect(result.output.contains("    skipped 6: not installed software (CycloneDX component type device)"))
        #expect(
            result.output.contains(
                "    skipped 62: listed by an SBOM whose subject is not a machine (metadata.component.type application)"
            ))
        #expect(result.output.contains("Software records: \(37 + 7 + 2)\n"))
        #expect(result.output.contains("Hosts: 3\n"))
    }

    @Test func oneBadFileDoesNotStopTheOthers() throws {
        let directory = try Fixtures.temporaryDirectory("bad")
        let bad = directory.appendingPathComponent("bad.json")
        try Data("{\"bomFormat\": \"CycloneDX\", \"components\": [".utf8).write(to: bad)
        let good = Fixtures.url("inventory/powershell-csv/Get-ItemProperty-Uninstall.ps7.constructed.csv").path
        let result = try runImport([bad.path, good, "--organisation", "751", "--dry-run", "--format", "jsonl"])
        #expect(result.failed == 1)
        #expect(result.errors.contains(bad.path))
        #expect(result.output.split(separator: "\n").count == 31)
    }

    @Test func filesThatAreNoInventoryFailEachWithItsReasonAndTheOthersAreRead() throws {
        let refused = [
            "inventory/spdx/spdx-examples-example11-sbom.spdx3.json",
            "inventory/glpi-json/inventory_format-printer_1.json",
            "inventory/windows-reg/glpi-agent-office_2016_02.reg",
            "inventory/spdx/bom-shelter-usbutils.spdx",
        ].map { Fixtures.url($0).path }
        let rpm = Fixtures.url("inventory/rpm/glpi-agent-rpm-queryformat.tsv")
        let rpmLines = try String(contentsOf: rpm, encoding: .utf8).split(separator: "\n").count
        let result = try runImport(refused + [rpm.path, "--organisation", "751", "--dry-run"])
        #expect(result.failed == refused.count)
        for path in refused { #expect(result.errors.contains("\(path): not a software inventory Overblik reads")) }
        #expect(result.output.contains("Files: 5 (1 read, 4 failed)"))
        #expect(
            result.output.contains("glpi-agent-rpm-queryformat.tsv: rpm, rpm-queryformat, utf-8; \(rpmLines) lines"))
    }

    @Test func aFileReadIntoNothingButUnreadableLinesFails() throws {
        let spdx = Fixtures.url("inventory/spdx/spdx-spec-SPDXJSONExample-v2.3.spdx.json").path
        let result = try runImport([spdx, "--organisation", "751", "--dry-run", "--input-format", "osquery"])
        #expect(result.failed == 1)
        #expect(result.errors.contains("read as osquery, no line gave a software record"))
        #expect(result.output.contains("Files: 1 (0 read, 1 failed)"))
    }

    @Test func noHeaderReadsTheFirstRowOfAHeaderlessTable() throws {
        let rpm = Fixtures.url("inventory/rpm/glpi-agent-rpm-queryformat.tsv")
        let rows = try String(contentsOf: rpm, encoding: .utf8).split(separator: "\n")
        let arguments = [
            rpm.path, "--organisation", "751", "--dry-run", "--format", "jsonl", "--input-format", "csv", "--map",
            "title=1,version=3",
        ]
        let explicit = try runImport(arguments + ["--no-header"])
        #expect(explicit.output.split(separator: "\n").count == rows.count)
        let header = try runImport(arguments + ["--header"])
        #expect(header.output.split(separator: "\n").count == rows.count - 1)
        let auto = try runImport(arguments)
        #expect(auto.output == explicit.output)
    }

    @Test func strictFailsAFileWithUnreadableLines() throws {
        let directory = try Fixtures.temporaryDirectory("strict")
        let file = directory.appendingPathComponent("ragged.csv")
        try Data("AssetName,Software\nPC,A\nPC,B,extra\n".utf8).write(to: file)
        let lenient = try runImport([file.path, "--organisation", "751", "--dry-run", "--format", "jsonl"])
        #expect(lenient.failed == 0)
        #expect(lenient.output.split(separator: "\n").count == 1)
        let strict = try runImport([file.path, "--organisation", "751", "--dry-run", "--format", "jsonl", "--strict"])
        #expect(strict.failed == 1)
        #expect(strict.output.isEmpty)
        #expect(strict.errors.contains("--strict"))
    }

    @Test func theSummaryNamesShortRowsWithTheirFileAndLine() throws {
        let directory = try Fixtures.temporaryDirectory("short-rows")
        let file = directory.appendingPathComponent("short.csv")
        try Data("AssetName,Software,Version\nPC,A,1\nPC,B\nPC,C,3\n".utf8).write(to: file)
        let result = try runImport([file.path, "--organisation", "751", "--dry-run"])
        #expect(result.failed == 0)
        #expect(result.output.contains("short.csv: csv"))
        #expect(result.output.contains("3 software records, 1 short row kept"))
        #expect(result.output.contains("note: line 3: 2 fields where the header has 3: kept, the missing fields empty"))
    }

    @Test func unknownOrganisationAndFormatAreUsageErrors() throws {
        let file = Fixtures.url("inventory/sccm-csv/v_GS_INSTALLED_SOFTWARE.constructed.csv").path
        #expect(throws: (any Error).self) { try runImport([file, "--organisation", "Atlantis", "--dry-run"]) }
        #expect(throws: (any Error).self) { try ImportCommand.parse([file, "--input-format", "docx"]) }
    }

    @Test func aFileThatFailsMidwayLeavesNoLinesInARegularFile() throws {
        let directory = try Fixtures.temporaryDirectory("midway")
        let ragged = directory.appendingPathComponent("ragged.csv")
        try Data("AssetName,Software\nPC,A\nPC,B\nPC,C,extra\n".utf8).write(to: ragged)
        let good = Fixtures.url("inventory/powershell-csv/Get-ItemProperty-Uninstall.ps7.constructed.csv").path
        let result = try runImport([
            good, ragged.path, good, "--organisation", "751", "--dry-run", "--format", "jsonl",
            "--strict",
        ])
        #expect(result.failed == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 62)
        #expect(!result.output.contains("ragged.csv"))
    }

    @Test func throughAPipeAFailedFileIsSpooledAndDropped() throws {
        let directory = try Fixtures.temporaryDirectory("pipe")
        let ragged = directory.appendingPathComponent("ragged.csv")
        try Data("AssetName,Software\nPC,A\nPC,B,extra\n".utf8).write(to: ragged)
        let good = directory.appendingPathComponent("good.csv")
        try Data("AssetName,Software\nPC,Good one\n".utf8).write(to: good)
        let pipe = Pipe()
        let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/null"))
        let command = try ImportCommand.parse([
            ragged.path, good.path, "--organisation", "751", "--dry-run", "--format", "jsonl", "--strict",
            "--host-key", "k",
        ])
        let failed = try command.execute(output: pipe.fileHandleForWriting, errors: errors)
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(failed == 1)
        #expect(text.split(separator: "\n").count == 1)
        #expect(text.contains("Good one"))
    }
}
