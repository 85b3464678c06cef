import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// SBOMs on real documents: which entries are software a machine runs, which documents are a machine's inventory,
/// where the publisher comes from, and what identifies the host. Every count is taken from the file with
/// JSONSerialization and the rule in docs/usage/import.md, not from the importer.
@Suite struct SBOMImportTests {
    /// CycloneDX 1.6 component types that are software a machine runs, and subject types that are a machine.
    static let softwareTypes: Set<String> = [
        "application", "framework", "library", "operating-system", "platform", "device-driver",
    ]
    static let machineTypes: Set<String> = ["operating-system", "container", "device", "platform"]

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// Every component, nested ones included, in document order.
    static func components(_ list: [Any]?) -> [[String: Any]] {
        (list ?? []).flatMap { entry -> [[String: Any]] in
            guard let component = entry as? [String: Any] else { return [] }
            return [component] + components(component["components"] as? [Any])
        }
    }

    /// The records an SBOM gives under the rule of docs/usage/import.md, and how many entries it lists.
    static func expected(_ document: [String: Any], format: InputFormat) -> (records: Int, all: Int) {
        if format == .cyclonedx {
            let all = components(document["components"] as? [Any])
            let subject = (document["metadata"] as? [String: Any])?["component"] as? [String: Any]
            let isRoot = ["/", "C:\\", "C:/"].contains(subject?["name"] as? String ?? "")
            let isMachine = (subject?["type"] as? String).map { machineTypes.contains($0) || isRoot } ?? true
            let software = all.filter { ($0["type"] as? String).map(softwareTypes.contains) ?? true }
            return (isMachine ? software.count : 0, all.count)
        }
        let packages = (document["packages"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        var described = Set(document["documentDescribes"] as? [String] ?? [])
        for case let relation as [String: Any] in document["relationships"] as? [Any] ?? []
        where relation["relationshipType"] as? String == "DESCRIBES" {
            if let target = relation["relatedSpdxElement"] as? String { described.insert(target) }
        }
        let subject = packages.filter { described.contains($0["SPDXID"] as? String ?? "") }
            .map { $0["primaryPackagePurpose"] as? String }
        let isMachine =
            subject.isEmpty || subject.contains(nil) || subject.contains { spdxMachinePurposes.contains($0!) }
            || document["name"] as? String == "/"
        let software = packages.filter { ($0["primaryPackagePurpose"] as? String).map(spdxPurposes.contains) ?? true }
        return (isMachine ? software.count : 0, packages.count)
    }

    static let cyclonedxFiles = [
        "cyclonedx/bom-examples-cbom-Protocol.cdx.json",
        "cyclonedx/bom-examples-hbom-PCIe-SATA-adapter-board.cdx.json",
        "cyclonedx/bom-examples-obom-Example-1-Decoupled.cdx.json",
        "cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.json",
        "cyclonedx/cyclonedx-py-7.5.0-python-env.cdx.json",
    ]

    @Test(arguments: cyclonedxFiles)
    func cyclonedxRecordsAreTheSoftwareOfAMachine(_ path: String) throws {
        let url = Fixtures.url("inventory/" + path)
        let document = try Self.json(url)
        let all = Self.components(document["components"] as? [Any])
        let subjectType =
            ((document["metadata"] as? [String: Any])?["component"] as? [String: Any])?["type"]
            as? String
        let isMachine = subjectType.map(Self.machineTypes.contains) ?? true
        let software = all.filter { ($0["type"] as? String).map(Self.softwareTypes.contains) ?? true }
        let expected = isMachine ? software.count : 0

        let result = try makeImporter().importFile(at: url)
        #expect(result.report.format == .cyclonedx)
        #expect(result.records.count == expected)
        #expect(result.report.skipped.values.reduce(0, +) == all.count - expected)
        #expect(result.records.map(\.title) == (isMachine ? software.compactMap { $0["name"] as? String } : []))
        // The summary says why: the subject's type, or each entry's.
        if let subjectType, !isMachine {
            #expect(result.report.skipped.keys.allSatisfy { $0.contains("metadata.component.type \(subjectType)") })
        } else {
            for type in Set(all.compactMap { $0["type"] as? String }).subtracting(Self.softwareTypes) {
                #expect(result.report.skipped.keys.contains { $0.contains("component type \(type)") })
            }
        }
    }

    /// The audit's five files imported together made five hosts; only the machine's SBOMs may be hosts.
    @Test func documentsThatDescribeNoMachineAddNoHost() throws {
        let importer = try makeImporter()
        var tally = InstallationTally()
        for path in Self.cyclonedxFiles {
            tally.merge(try importer.importFile(at: Fixtures.url("inventory/" + path)).report.tally)
        }
        // The cryptography, application and library BOMs list no machine's software; the hardware BOM lists
        // only devices; the Python environment (no subject) is one host.
        #expect(tally.hosts == 1)
    }

    /// A Maven/npm/Composer `group` is a namespace, never the publisher. The real laravel SBOM's subject is an
    /// application, so its subject is taken out here to read its components as a machine's.
    @Test func theGroupIsNotThePublisher() throws {
        var document = try Self.json(Fixtures.url("inventory/cyclonedx/bom-examples-laravel-7.12.0-bom.1.4.json"))
        var metadata = try #require(document["metadata"] as? [String: Any])
        metadata.removeValue(forKey: "component")
        document["metadata"] = metadata
        let url = try Fixtures.temporaryDirectory("cdx-group").appendingPathComponent("laravel.cdx.json")
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: url)

        let components = Self.components(document["components"] as? [Any])
        let expected = components.map { component -> String? in
            (component["supplier"] as? [String: Any])?["name"] as? String
                ?? (component["manufacturer"] as? [String: Any])?["name"] as? String
                ?? component["publisher"] as? String ?? component["author"] as? String
        }
        // The file has components with a group and nobody named as publisher.
        let groupOnly = components.indices.filter { components[$0]["group"] != nil && expected[$0] == nil }
        #expect(!groupOnly.isEmpty)
        // Keys sorted: `bomFormat` comes first, where format detection looks.
        let records = try makeImporter().importFile(at: url).records
        #expect(records.count == components.count)
        #expect(records.map(\.publisher) == expected)
    }

    /// `trivy rootfs /` calls its subject an application named `/`: a scan of a whole file system is a machine's.
    /// The real OBOM's subject (the application Keycloak) is renamed here to stand for one.
    @Test func aScanOfAFileSystemsRootIsAMachines() throws {
        var document = try Self.json(Fixtures.url("inventory/cyclonedx/bom-examples-obom-Example-1-Decoupled.cdx.json"))
        var metadata = try #require(document["metadata"] as? [String: Any])
        var subject = try #require(metadata["component"] as? [String: Any])
        #expect(subject["type"] as? String == "application")
        let importer = try makeImporter()
        let software = Self.components(document["components"] as? [Any]).filter {
            ($0["type"] as? String).map(Self.softwareTypes.contains) ?? true
        }
        #expect(!software.isEmpty)
        for root in ["/", "C:\\"] {
            subject["name"] = root
            metadata["component"] = subject
            document["metadata"] = metadata
            let url = try Fixtures.temporaryDirectory("cdx-rootfs").appendingPathComponent("bom.json")
            try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: url)
            let result = try importer.importFile(at: url)
            #expect(result.records.map(\.title) == software.compactMap { $0["name"] as? String })
            // The root's name identifies nothing: the file does.
            #expect(
                Set(result.records.compactMap(\.host))
                    == [importer.options.hostPseudonymiser.pseudonym(for: InventoryImporter.fileHostKey(for: url))])
        }
    }

    static let spdxPurposes: Set<String> = [
        "APPLICATION", "FRAMEWORK", "LIBRARY", "OPERATING-SYSTEM", "INSTALL", "OTHER",
    ]
    static let spdxMachinePurposes: Set<String> = ["OPERATING-SYSTEM", "CONTAINER", "DEVICE"]

    @Test(arguments: [
        "spdx/bom-shelter-chronicle.syft-dir.excerpt.spdx.json",
        "spdx/bom-shelter-grype.syft-dir.excerpt.spdx.json",
        "spdx/bom-shelter-kasmweb-only-office.bom-tool.excerpt.spdx.json",
        "spdx/spdx-examples-ACME-v2.3.spdx.json",
        "spdx/spdx-examples-examplemaven-0.0.1-enriched.spdx.json",
        "spdx/spdx-spec-SPDXJSONExample-v2.3.spdx.json",
    ])
    func spdxRecordsAreTheSoftwareOfAMachine(_ path: String) throws {
        let url = Fixtures.url("inventory/" + path)
        let document = try Self.json(url)
        let packages = (document["packages"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        var described = Set(document["documentDescribes"] as? [String] ?? [])
        for case let relation as [String: Any] in document["relationships"] as? [Any] ?? []
        where relation["relationshipType"] as? String == "DESCRIBES" {
            described.insert(relation["relatedSpdxElement"] as! String)
        }
        let subject = packages.filter { described.contains($0["SPDXID"] as! String) }
            .map { $0["primaryPackagePurpose"] as? String }
        let isMachine =
            subject.isEmpty || subject.contains(nil) || subject.contains { Self.spdxMachinePurposes.contains($0!) }
        let software = packages.filter {
            ($0["primaryPackagePurpose"] as? String).map(Self.spdxPurposes.contains) ?? true
        }
        let expected = isMachine ? software.count : 0

        let result = try makeImporter().importFile(at: url)
        #expect(result.report.format == .spdx)
        #expect(result.records.count == expected)
        #expect(result.report.skipped.values.reduce(0, +) == packages.count - expected)
        #expect(result.records.map(\.title) == (isMachine ? software.map { $0["name"] as! String } : []))
    }

    /// The bom tool's SBOM of the kasmweb/only-office image gives purls, not names: ONLYOFFICE counts, as it does
    /// from a package list (the audit found it unknown).
    @Test func aContainerImagesOfficeSuiteCountsFromItsPurl() throws {
        let url = Fixtures.url("inventory/spdx/bom-shelter-kasmweb-only-office.bom-tool.excerpt.spdx.json")
        let records = try makeImporter().importFile(at: url).records
        let onlyoffice = try #require(records.first { $0.title == "onlyoffice-desktopeditors" })
        #expect(onlyoffice.package == "pkg:deb/ubuntu/onlyoffice-desktopeditors@7.2.1-36?arch=amd64")
        #expect(onlyoffice.classification.product == "onlyoffice")
        #expect(onlyoffice.classification.countsAsInstallation)
        #expect(records.filter { $0.classification.countsAsInstallation }.map(\.title) == ["onlyoffice-desktopeditors"])
    }

    /// syft names a directory scan after the directory (`.`): two such SBOMs are two hosts, and neither is
    /// the host a document really named `.` would be.
    @Test func aGenericSubjectNameIdentifiesNoHost() throws {
        let importer = try makeImporter()
        let chronicle = try importer.importFile(
            at: Fixtures.url("inventory/spdx/bom-shelter-chronicle.syft-dir.excerpt.spdx.json"))
        let grype = try importer.importFile(
            at: Fixtures.url("inventory/spdx/bom-shelter-grype.syft-dir.excerpt.spdx.json"))
        let hosts = Set(chronicle.records.compactMap(\.host))
        let otherHosts = Set(grype.records.compactMap(\.host))
        #expect(hosts.count == 1 && otherHosts.count == 1)
        #expect(hosts.isDisjoint(with: otherHosts))
        let dot = importer.options.hostPseudonymiser.pseudonym(for: ".")
        #expect(!hosts.contains(dot) && !otherHosts.contains(dot))
        // A real name still identifies: the kasmweb document's.
        let kasmURL = Fixtures.url("inventory/spdx/bom-shelter-kasmweb-only-office.bom-tool.excerpt.spdx.json")
        let kasm = try importer.importFile(at: kasmURL)
        let name = try #require(try Self.json(kasmURL)["name"] as? String)
        #expect(Set(kasm.records.compactMap(\.host)) == [importer.options.hostPseudonymiser.pseudonym(for: name)])
    }

    @Test(arguments: [
        (".", true), ("", true), ("  ", true), ("/", true), ("./build", true), ("../src", true),
        ("/home/jens/app", true),
        ("~/scans", true), ("C:\\", true), ("D:/scan", true), ("NOASSERTION", true), ("..", true),
        ("kasmweb/only-office@sha256:a3dba69a", false), ("julia-spdx", false), ("SBOMTool 1.1.2", false),
        ("ubuntu", false), ("PC042", false), ("C3PO", false),
    ])
    func genericSubjectNames(_ name: String, _ generic: Bool) {
        #expect(InventoryImporter.isGenericSubjectName(name) == generic)
    }
}
