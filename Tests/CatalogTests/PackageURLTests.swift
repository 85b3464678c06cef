import Catalog
import Foundation
import OverblikModel
import Testing

/// Package URLs and CPEs in the package field (SBOMs put them where package lists put the name).
@Suite struct PackageURLTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    struct Parsed: Sendable, CustomTestStringConvertible {
        var purl: String
        var type: String
        var namespace: String?
        var name: String
        var version: String?
        var testDescription: String { purl }
    }

    /// Examples from the purl specification (github.com/package-url/purl-spec, PURL-SPECIFICATION.rst and
    /// test-suite-data.json), with the components it gives for them.
    static let specification: [Parsed] = [
        Parsed(
            purl: "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie", type: "deb", namespace: "debian",
            name: "curl", version: "7.50.3-1"),
        Parsed(
            purl: "pkg:rpm/fedora/curl@7.50.3-1.fc25?arch=i386&distro=fedora-25", type: "rpm", namespace: "fedora",
            name: "curl", version: "7.50.3-1.fc25"),
        Parsed(
            purl: "pkg:npm/%40angular/animation@12.3.1", type: "npm", namespace: "@angular", name: "animation",
            version: "12.3.1"),
        Parsed(
            purl: "pkg:maven/org.apache.xmlgraphics/batik-anim@1.9.1?packaging=sources", type: "maven",
            namespace: "org.apache.xmlgraphics", name: "batik-anim", version: "1.9.1"),
        Parsed(
            purl: "pkg:golang/google.golang.org/genproto#googleapis/api/annotations", type: "golang",
            namespace: "google.golang.org", name: "genproto", version: nil),
        Parsed(
            purl: "pkg:docker/customer/dockerimage@sha256%3A244fd47e07d10?repository_url=gcr.io", type: "docker",
            namespace: "customer", name: "dockerimage", version: "sha256:244fd47e07d10"),
        Parsed(purl: "pkg:pypi/django@1.11.1", type: "pypi", namespace: nil, name: "django", version: "1.11.1"),
        Parsed(
            purl: "PKG:DEB/debian/libreoffice-core@1%3A7.4.7-1?arch=amd64", type: "deb", namespace: "debian",
            name: "libreoffice-core", version: "1:7.4.7-1"),
        Parsed(
            purl: "pkg:/winget/Microsoft.Teams", type: "winget", namespace: nil, name: "Microsoft.Teams", version: nil),
    ]

    @Test(arguments: specification)
    func componentsAreTheSpecifications(_ expected: Parsed) throws {
        let purl = try #require(PackageURL(expected.purl))
        #expect(purl.type == expected.type)
        #expect(purl.namespace == expected.namespace)
        #expect(purl.name == expected.name)
        #expect(purl.version == expected.version)
    }

    @Test(arguments: [
        "libreoffice-core", "pkg:", "pkg:deb", "pkg:deb/", "cpe:2.3:a:x:y", "https://example.org/pkg:deb/a",
    ])
    func notAPackageURL(_ text: String) {
        #expect(PackageURL(text) == nil)
    }

    /// The purl as the package classifies as the bare name, with the type's platform and the purl's version when
    /// the line gives none: the answer of the package lists the catalog's package rules were written for.
    @Test(arguments: [
        ("onlyoffice-desktopeditors", "pkg:deb/ubuntu/onlyoffice-desktopeditors@7.2.1-36?arch=amd64", "7.2.1-36"),
        ("libreoffice-core", "pkg:deb/debian/libreoffice-core@1:7.4.7-1?arch=amd64", "1:7.4.7-1"),
        ("libreoffice-writer", "pkg:rpm/fedora/libreoffice-writer@5.2.5.1-6.fc25?arch=x86_64", "5.2.5.1-6.fc25"),
        ("libreoffice-l10n-da", "pkg:deb/debian/libreoffice-l10n-da@1%3A7.4.7-1?arch=all", "1:7.4.7-1"),
        ("wps-office", "pkg:deb/ubuntu/wps-office@11.1.0.11719?arch=amd64", "11.1.0.11719"),
        ("Microsoft.Teams", "pkg:winget/Microsoft.Teams@1.6.00.27573", "1.6.00.27573"),
        ("commons-lang3", "pkg:maven/org.apache.commons/commons-lang3@3.12.0", "3.12.0"),
    ])
    func aPurlClassifiesAsItsName(_ title: String, _ purl: String, _ version: String) throws {
        let parsed = try #require(PackageURL(purl))
        let oracle = Self.classifier.classify(
            InventoryItem(title: title, version: version, package: parsed.name, platform: parsed.platform))
        #expect(Self.classifier.classify(InventoryItem(title: title, version: version, package: purl)) == oracle)
        // Without a version of its own, the line takes the purl's.
        #expect(Self.classifier.classify(InventoryItem(title: title, package: purl)) == oracle)
        if title != "commons-lang3" { #expect(!oracle.isUnknown, "\(title)") }
    }

    @Test func theSuitesInTheAuditsSBOMsCount() {
        let onlyoffice = Self.classifier.classify(
            InventoryItem(
                title: "onlyoffice-desktopeditors",
                package: "pkg:deb/ubuntu/onlyoffice-desktopeditors@7.2.1-36?arch=amd64"))
        #expect(onlyoffice.product == "onlyoffice" && onlyoffice.countsAsInstallation)
        let libreoffice = Self.classifier.classify(
            InventoryItem(
                title: "libreoffice-core", version: "1:7.4.7-1",
                package: "pkg:deb/debian/libreoffice-core@1:7.4.7-1?arch=amd64"))
        #expect(libreoffice.product == "libreoffice" && libreoffice.versionLine == "7.4")
    }

    /// A CPE names no package: the title decides, as if no package were given.
    @Test(arguments: [
        ("LibreOffice 7.5.4.2", "The Document Foundation", "cpe:2.3:a:libreoffice:libreoffice:7.5.4.2:*:*:*:*:*:*:*"),
        ("ONLYOFFICE 8.3.1 (x64)", "Ascensio System SIA", "cpe:/a:onlyoffice:desktop_editors:8.3.1"),
        ("Microsoft Teams", "Microsoft Corporation", "CPE:2.3:a:microsoft:teams:1.6:*:*:*:*:*:*:*"),
        // A package list's name in the title: the package rules see it, not the CPE.
        ("libreoffice-core", "Debian LibreOffice Maintainers", "cpe:2.3:a:libreoffice:libreoffice:7.4.7:*:*:*:*:*:*:*"),
    ])
    func aCPEDoesNotBlockTheTitle(_ title: String, _ publisher: String, _ cpe: String) {
        let oracle = Self.classifier.classify(InventoryItem(title: title, publisher: publisher))
        #expect(!oracle.isUnknown)
        #expect(Self.classifier.classify(InventoryItem(title: title, publisher: publisher, package: cpe)) == oracle)
    }

    /// winget exports carry only ids: Teams' id is in the catalog (winget-pkgs manifests/m/Microsoft/Teams).
    @Test func teamsWingetIDIsKnown() {
        let answer = Self.classifier.classify(
            InventoryItem(title: "Microsoft.Teams", package: "Microsoft.Teams", platform: "windows"))
        #expect(answer.product == "microsoft-teams" && answer.countsAsInstallation)
    }

    /// A part with its own version (an extension packaged beside the suite) gets no version of the suite; parts
    /// built with the suite keep the suite's line. Values from glpi-project/inventory_format examples/computer_3.json
    /// (a Fedora 25 host with LibreOffice 5.2).
    @Test(arguments: [
        ("openoffice.org-diafilter", "1.7.5-1.fc24", "openoffice.org", nil as String?),
        ("libreoffice-writer2latex", "1.0.2-19.fc24", "libreoffice", nil),
        ("libreoffice-langpack-da", "5.2.5.1-6.fc25", "libreoffice", "5.2"),
        ("libreoffice-core", "5.2.5.1-6.fc25", "libreoffice", "5.2"),
        ("libreoffice-opensymbol-fonts", "5.2.5.1-6.fc25", "libreoffice", "5.2"),
    ])
    func aPartsOwnVersionIsNotTheSuites(_ name: String, _ version: String, _ product: String, _ line: String?) {
        let answer = Self.classifier.classify(
            InventoryItem(title: name, publisher: "Fedora Project", version: version, package: name, platform: "linux"))
        #expect(answer.product == product)
        #expect(answer.versionLine == line, "rule \(answer.rule)")
        if line == nil { #expect(answer.version == nil && !answer.countsAsInstallation) }
    }
}
