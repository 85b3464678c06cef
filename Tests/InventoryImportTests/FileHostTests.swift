import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// The host of a file that names none (docs/usage/import.md, "Hosts"): different machines' exports are different
/// hosts, and the same machine's export imported again from the same place is the same host.
@Suite struct FileHostTests {
    @Test(arguments: [
        ("/srv/inventar/PC042/Uninstall.reg", "file:PC042/Uninstall.reg"),
        ("/srv/inventar/PC042/status", "file:PC042/status"),
        ("/srv/inventar/exports/PC042.reg", "file:exports/PC042.reg"),
        // Dated folders are passed over, wherever they are.
        ("/srv/inventar/2026-11/PC042/packages.json", "file:PC042/packages.json"),
        ("/srv/inventar/PC042/2026-11-30/status", "file:PC042/status"),
        ("/srv/exports/20261130/PC042.reg", "file:exports/PC042.reg"),
        ("/status", "file:status"),
        ("/srv/./inventar/../inventar/PC042//status", "file:PC042/status"),
    ])
    func key(_ path: String, _ expected: String) {
        #expect(InventoryImporter.fileHostKey(for: URL(fileURLWithPath: path)) == expected)
    }

    /// A relative path is the file it names from the working directory: the same key as the absolute path.
    @Test func aRelativePathIsTheAbsoluteOnesHost() {
        let cwd = FileManager.default.currentDirectoryPath
        let relative = InventoryImporter.fileHostKey(for: URL(fileURLWithPath: "PC042/status"))
        let absolute = InventoryImporter.fileHostKey(for: URL(fileURLWithPath: cwd + "/PC042/status"))
        #expect(relative == absolute && relative == "file:PC042/status")
    }

    /// Seeded collections as IT departments keep them: one folder per machine with the tool's default name, or
    /// files named per machine in one folder, each under a month's folder or none, reached by different paths.
    /// Different machines never share a key; a machine's export of another month, found at the same place in the
    /// collection, always does.
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func machinesAreToldApartAndMonthsAreNot(_ seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let defaultNames = ["status", "Uninstall.reg", "packages.json", "bom.json", "sbom.spdx.json"]
        let roots = ["/srv/inventar", "/home/it/indsamling", "/mnt/share/IT/inventory"]
        let machines = (0..<Int.random(in: 2...40, using: &generator)).map { "PC\(1000 + $0)" }
        let perFolder = Bool.random(using: &generator)
        let dated = Int.random(in: 0...2, using: &generator)  // none, month above, month below
        let tool = defaultNames.randomElement(using: &generator)!
        func path(_ machine: String, month: String) -> String {
            let root = roots.randomElement(using: &generator)!
            if perFolder {
                switch dated {
                case 1: return "\(root)/\(month)/\(machine)/\(tool)"
                case 2: return "\(root)/\(machine)/\(month)/\(tool)"
                default: return "\(root)/\(machine)/\(tool)"
                }
            }
            return dated == 0 ? "\(root)/exports/\(machine).reg" : "\(root)/exports/\(month)/\(machine).reg"
        }
        // Next month's collection may sit under another root (moved), but keeps its shape.
        let november = machines.map {
            InventoryImporter.fileHostKey(for: URL(fileURLWithPath: path($0, month: "2026-11")))
        }
        let december = machines.map {
            InventoryImporter.fileHostKey(for: URL(fileURLWithPath: path($0, month: "2026-12")))
        }
        #expect(Set(november).count == machines.count)
        #expect(november == december)
    }

    /// Two machines' regedit exports saved under the tool's usual name in a folder each (the audit's case: an XP
    /// workstation and a server) are two hosts, and their pseudonyms carry no part of the path.
    @Test func twoMachinesExportsUnderOneNameAreTwoHosts() throws {
        let collection = try Fixtures.temporaryDirectory("reg-hosts")
        var files: [URL] = []
        for (machine, fixture) in [
            ("pc-a", "glpi-agent-mssql-Uninstall.reg"), ("pc-b", "glpi-agent-mssql_engine-Uninstall.reg"),
        ] {
            let folder = collection.appendingPathComponent(machine)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("Uninstall.reg")
            try FileManager.default.copyItem(at: Fixtures.url("inventory/windows-reg/" + fixture), to: file)
            files.append(file)
        }
        let importer = try makeImporter()
        var tally = InstallationTally()
        var hosts: [Set<String?>] = []
        for file in files {
            let result = try importer.importFile(at: file)
            tally.merge(result.report.tally)
            hosts.append(Set(result.records.map(\.host)))
            #expect(result.records.allSatisfy { $0.host?.hasPrefix("h:") == true })
            #expect(result.records.allSatisfy { !($0.host ?? "").contains("pc-") && $0.source == "Uninstall.reg" })
        }
        #expect(tally.hosts == 2)
        #expect(hosts[0].count == 1 && hosts[0].isDisjoint(with: hosts[1]))
        // The same file imported again is the same host.
        #expect(Set(try importer.importFile(at: files[0]).records.map(\.host)) == hosts[0])
    }
}
