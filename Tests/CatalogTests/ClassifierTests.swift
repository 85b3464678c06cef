import Catalog
import Foundation
import OverblikModel
import Testing

/// Expected answers written from each vendor's naming scheme, for titles and versions that are NOT in the
/// labelled reference files: the rules must generalise.
struct Expectation: Sendable, CustomTestStringConvertible {
    var title: String
    var publisher: String?
    var version: String?
    var package: String?
    var platform: String?
    var product: String
    var counts: Bool
    var expectedVersion: String?
    var line: String?
    var component: String?

    init(
        _ title: String, publisher: String? = nil, version: String? = nil, package: String? = nil,
        platform: String? = nil, _ product: String, counts: Bool = true, expectedVersion: String? = nil,
        line: String? = nil, component: String? = nil
    ) {
        self.title = title
        self.publisher = publisher
        self.version = version
        self.package = package
        self.platform = platform
        self.product = product
        self.counts = counts
        self.expectedVersion = expectedVersion
        self.line = line
        self.component = component
    }

    var testDescription: String { "\(title) → \(product)" }
}

@Suite struct GeneralisationTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    static let inventory: [Expectation] = [
        // LibreOffice: future and past versions, packs, Debian/RPM packages not in the labelled file.
        Expectation("LibreOffice 27.8.1.2", publisher: "The Document Foundation", "libreoffice", line: "27.8"),
        Expectation("LibreOffice 24.2.7.2", "libreoffice", expectedVersion: "24.2.7.2", line: "24.2"),
        Expectation("LibreOffice 3.3.4", "libreoffice", line: "3.3"),
        Expectation(
            "LibreOffice 7.3 Language Pack", "libreoffice", counts: false, line: "7.3", component: "language-pack"),
        Expectation(
            "LibreOffice 7.5 Help Pack (Danish)", "libreoffice", counts: false, line: "7.5", component: "help-pack"),
        Expectation(
            "libreoffice-l10n-sv", version: "4:24.2.7-1", "libreoffice", counts: false, expectedVersion: "24.2.7",
            component: "language-pack"),
        Expectation("libreoffice-help-nb", version: "1:7.0.4-4+deb11u10", "libreoffice", counts: false),
        Expectation(
            "libreoffice-impress-nogui", version: "4:25.2.3-1", "libreoffice", expectedVersion: "25.2.3",
            line: "25.2"),
        Expectation("libreoffice-langpack-da", version: "7.6.7.2-6.el9", "libreoffice", counts: false),
        Expectation("LibreOfficeDev 26.8.0.0.alpha1", "libreoffice", counts: false, component: "dev-build"),
        Expectation("x", package: "TheDocumentFoundation.LibreOffice", "libreoffice"),
        Expectation("LibreOffice (Kommune-pakke)", package: "{4B17E523-5D91-4E69-BD96-7FD81CFA81BB}", "libreoffice"),
        Expectation("Anything", package: "4b17e523-5d91-4e69-bd96-7fd81cfa81bb", "libreoffice"),
        // OpenOffice family.
        Expectation("Apache OpenOffice 4.1.15", "apache-openoffice", line: "4.1"),
        Expectation("OpenOffice 4.1.14", publisher: "Apache Software Foundation", "apache-openoffice"),
        Expectation(
            "OpenOffice", publisher: "Apache Software Foundation", version: "4.115.9813", "apache-openoffice",
            expectedVersion: "4.1.15", line: "4.1"),
        Expectation("OpenOffice.org 3.3", "openoffice.org", line: "3.3"),
        Expectation("OpenOffice.org 3.2 (da)", "openoffice.org", line: "3.2"),
        Expectation("OpenOffice.org 2.4", version: "2.4.9310", "openoffice.org", line: "2.4"),
        Expectation("OpenOffice.org 3.1 Novell Edition", "novell-edition"),
        Expectation("OpenOffice.org 3.0", publisher: "Novell, Inc.", "novell-edition"),
        Expectation("OpenOffice_org-writer", version: "3.2.1-0.5.1", "novell-edition"),
        Expectation("IBM Lotus Symphony 3.0", "lotus-symphony", line: "3.0"),
        Expectation("Lotus Symphony", publisher: "IBM", "lotus-symphony"),
        Expectation("Lotus Notes 8.5", "lotus-notes"),
        Expectation("IBM Lotus Notes 8.5.3", publisher: "IBM", "lotus-notes"),
        Expectation("Sun StarOffice 9", "staroffice", line: "9"),
        // Microsoft Office, by how Microsoft names its products.
        Expectation(
            "Microsoft Office Standard 2019 - da-dk", version: "16.0.10396.20023", "ms-office", line: "2019"),
        Expectation("Microsoft Office LTSC Professional Plus 2024", "ms-office", line: "2024"),
        Expectation("Microsoft Office LTSC Standard 2021 - en-us", "ms-office", line: "2021"),
        Expectation("Microsoft Office Home and Business 2016 - da-dk", "ms-office", line: "2016"),
        Expectation("Microsoft Office Professional Edition 2003", version: "11.0.8173.0", "ms-office", line: "2003"),
        Expectation("Microsoft Office XP Professional", "ms-office", line: "xp"),
        Expectation("Microsoft Office Professional Plus 2013", "ms-office", line: "2013"),
        Expectation("Microsoft Word 2010", "ms-office", line: "2010", component: "word"),
        Expectation("Microsoft Excel", version: "12.3.6", platform: "macos", "ms-office", line: "2008-mac"),
        Expectation("Microsoft 365 Apps for business - da-dk", "microsoft-365-apps"),
        Expectation("Microsoft Office 365 ProPlus - en-us", "microsoft-365-apps"),
        Expectation("Microsoft Office Proofing Tools 2016 - Dansk", "ms-office", counts: false, component: "proofing"),
        Expectation("Microsoft Office Viewer", "ms-office", counts: false, component: "viewer"),
        Expectation("Microsoft PowerPoint Viewer", "ms-office", counts: false, component: "viewer"),
        Expectation(
            "Microsoft Office Compatibility Pack for Word, Excel, and PowerPoint File Formats", "ms-office",
            counts: false, component: "converter"),
        Expectation(
            "Security Update for Microsoft Office 2016 (KB5002700) 64-Bit Edition", "ms-office", counts: false,
            component: "update"),
        Expectation(
            "Office 16 Click-to-Run Extensibility Component 64-bit Registration", "ms-office", counts: false,
            component: "click-to-run"),
        Expectation(
            "Microsoft Office Language Pack 2010 - Danish/Dansk", "ms-office", counts: false,
            component: "language-pack"),
        Expectation("Microsoft Access Runtime 2016", "ms-office", counts: false, component: "access-runtime"),
        Expectation(
            "Microsoft 365 Apps for enterprise - da-dk.proof", "ms-office", counts: false, component: "proofing"),
        Expectation(
            "Microsoft Office Professional Plus 2019 - da-dk.proof", "ms-office", counts: false, component: "proofing"),
        Expectation("LibreOffice Portable 7.6.4", "libreoffice", line: "7.6", component: "portable"),
        Expectation("Microsoft Visio Standard 2019 - da-dk", "ms-visio", line: "2019"),
        Expectation("Microsoft Project Professional 2021", "ms-project", line: "2021"),
        Expectation("Microsoft Visio Viewer 2016", "ms-office", counts: false, component: "viewer"),
        // Other suites and look-alikes.
        Expectation("ONLYOFFICE 9.4.0 (x64)", "onlyoffice", line: "9.4"),
        Expectation("WPS Office (11.2.0.11537)", "wps"),
        Expectation("SoftMaker Office Professional 2021", "softmaker", line: "2021"),
        Expectation("FreeOffice 2021", "softmaker-freeoffice", line: "2021"),
        Expectation("HP Officejet Pro 8600 Basic Device Software", "hp-printer-software"),
        Expectation("HP OfficeJet 250 Mobile series", "hp-printer-software"),
        Expectation("calligrasheets", version: "1:3.2.1+dfsg-6", "calligra"),
        Expectation("NeoOffice 2022.7", "neooffice"),
    ]

    @Test(arguments: inventory)
    func inventoryTitle(_ expectation: Expectation) {
        let result = Self.classifier.classify(
            InventoryItem(
                title: expectation.title, publisher: expectation.publisher, version: expectation.version,
                package: expectation.package, platform: expectation.platform))
        #expect(result.product == expectation.product, "rule \(result.rule)")
        #expect(result.countsAsInstallation == expectation.counts, "rule \(result.rule)")
        if let version = expectation.expectedVersion { #expect(result.version == version) }
        if let line = expectation.line { #expect(result.versionLine == line, "rule \(result.rule)") }
        if let component = expectation.component { #expect(result.component == component) }
    }

    static let generators: [(String, String, String?, String?)] = [
        ("LibreOffice/27.8.1.2$Windows_X86_64 LibreOffice_project/abcdef0123", "libreoffice", "27.8.1.2", "27.8"),
        ("LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/60$Build-1", "libreoffice", "7.6.4.1", "7.6"),
        ("OpenOffice.org/3.2$Win32 OpenOffice.org_project/320m12$Build-9483", "openoffice.org", "3.2", "3.2"),
        ("OpenOffice/4.1.16$Win32 OpenOffice.org_project/4116m1$Build-9817", "apache-openoffice", "4.1.16", "4.1"),
        ("IBM_Lotus_Symphony/3.0.1$Win32 OpenOffice.org_project/310m11$Build-9399", "lotus-symphony", "3.0.1", "3.0"),
        ("MicrosoftOffice/16.0 MicrosoftWord", "ms-office", "16.0", "16"),
        ("MicrosoftOffice/14.0 MicrosoftExcel", "ms-office", "14.0", "2010"),
        ("Calligra/3.2.1", "calligra", "3.2.1", "3.2"),
        ("AbiWord/3.0.5 (unix, gtk)", "abiword", "3.0.5", "3.0"),
        ("gnumeric/1.12.55", "gnumeric", "1.12.55", "1.12"),
        ("pandoc", "pandoc", nil, nil),
        ("odfpy/1.4.1", "odfpy", "1.4.1", "1.4"),
        ("Collabora_Office/24.04.5.2$Linux_X86_64 LibreOffice_project/1234abc", "collabora", "24.04.5.2", "24.04"),
        ("LibreOfficeDev/25.2.0.0$Linux_X86_64 LibreOffice_project/", "google-docs", nil, nil),
        ("StarOffice/7$Win32 OpenOffice.org_project/645m33$Build-9040", "staroffice", "7", "7"),
        ("KOffice/2.2.2", "koffice", "2.2.2", "2.2"),
        ("Lotus Notes 8.5", "unknown", nil, nil),
        ("", "unknown", nil, nil),
        ("SomeNewTool/1.0", "unknown", nil, nil),
    ]

    @Test(arguments: generators)
    func generator(_ row: (String, String, String?, String?)) {
        let (generator, product, version, line) = row
        let result = Self.classifier.classify(generator: generator)
        #expect(result.product == product, "\(generator) → \(result.rule)")
        #expect(result.version == version)
        #expect(result.versionLine == line)
    }

    @Test func ooxmlApplicationAndAppVersion() {
        let word = Self.classifier.classify(application: "Microsoft Office Word", appVersion: "16.0000")
        #expect(word.product == "ms-office")
        #expect(word.version == "16.0")
        #expect(word.versionLine == "16")
        let visio = Self.classifier.classify(application: "Microsoft Visio", appVersion: "15.0000")
        #expect(visio.product == "ms-visio")
        #expect(visio.versionLine == "2013")
        let excel2010 = Self.classifier.classify(application: "Microsoft Excel", appVersion: "14.0300")
        #expect(excel2010.versionLine == "2010")
        // Office for Mac names itself; its AppVersion's major is a Mac line (14 = Office for Mac 2011, not Windows'
        // 2010).
        let mac2011 = Self.classifier.classify(application: "Microsoft Macintosh Excel", appVersion: "14.0300")
        #expect(mac2011.product == "ms-office")
        #expect(mac2011.versionLine == "2011-mac")
        let mac2016 = Self.classifier.classify(application: "Microsoft Macintosh Word", appVersion: "15.0300")
        #expect(mac2016.versionLine == "2016-mac")
        // Without a version the Mac line is unknown, not a half-filled `mac-`.
        let macUnversioned = Self.classifier.classify(application: "Microsoft Macintosh Excel", appVersion: nil)
        #expect(macUnversioned.product == "ms-office")
        #expect(macUnversioned.versionLine == nil)
        // Legacy files name Office 97 and 2000 by their internal versions 8 and 9.
        #expect(Self.classifier.classify(application: "Microsoft Word 8.0", appVersion: "8.3814").versionLine == "97")
        #expect(Self.classifier.classify(application: "Microsoft Word 9.0", appVersion: nil).versionLine == "2000")
        // LibreOffice writes AppVersion 15.0000 and its real version in Application.
        let libre = Self.classifier.classify(
            application: "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/60$Build-1", appVersion: "15.0000")
        #expect(libre.product == "libreoffice")
        #expect(libre.version == "7.6.4.1")
        // Gnumeric names itself in Application; its AppVersion packs 1.12.55 as 1.1255 (a catalog rewrite).
        let gnumeric = Self.classifier.classify(application: "gnumeric", appVersion: "1.1255")
        #expect(gnumeric.product == "gnumeric")
        #expect(gnumeric.version == "1.12.55")
        #expect(gnumeric.versionLine == "1.12")
        #expect(gnumeric.rule == "gnumeric/generator#ooxml-app")
        // A version inside Application (pandoc's reference.docx says "Microsoft Word 12.0.0") wins over AppVersion.
        let word12 = Self.classifier.classify(application: "Microsoft Word 12.0.0", appVersion: "12.0000")
        #expect(word12.product == "ms-office")
        #expect(word12.component == "word")
        #expect(word12.version == "12.0.0")
        #expect(word12.versionLine == "2007")
        // Rewrites only apply where they match: Microsoft's own AppVersion keeps its 16.0000 → 16.0 reading.
        #expect(Self.classifier.classify(application: "Microsoft Excel", appVersion: "16.0000").version == "16.0")
    }

    @Test func hostileLongInputIsUnknownWithoutRunningRules() {
        let long = "LibreOffice " + String(repeating: "7.", count: 5000) + "1"
        #expect(Self.classifier.classify(InventoryItem(title: long)).rule == "unknown/too-long")
        #expect(Self.classifier.classify(generator: "LibreOffice/" + long).rule == "unknown/too-long")
        let longPublisher = InventoryItem(title: "LibreOffice 7.6.4.1", publisher: String(repeating: "x", count: 5000))
        #expect(Self.classifier.classify(longPublisher).isUnknown)
    }

    @Test func explanationNamesTheRuleAndPattern() {
        let explanation = Self.classifier.explain(InventoryItem(title: "LibreOffice 7.5 Help Pack (Danish)"))
        #expect(explanation.classification.rule == "libreoffice/inventory#help-pack")
        #expect(explanation.ruleDescription?.contains("Help ?Pack") == true)
        #expect(explanation.productName == "LibreOffice")
        let none = Self.classifier.explain(InventoryItem(title: "Notepad++ 8.6"))
        #expect(none.classification.isUnknown)
        #expect(none.ruleDescription == nil)
    }
}

@Suite struct DeterminismTests {
    @Test func sameInputSameOutputAcrossClassifiersAndThreads() async throws {
        let catalog = try ProductCatalog.bundled()
        let first = Classifier(catalog: catalog)
        let second = Classifier(catalog: try ProductCatalog.bundled())
        let items = LabelledData.titles.map {
            InventoryItem(title: $0.title, publisher: $0.publisher, version: $0.version, platform: $0.platform)
        }
        let expected = items.map { first.classify($0) }
        #expect(items.map { second.classify($0) } == expected)
        // Cached answers equal fresh ones, also when many tasks classify at once.
        let results = await withTaskGroup(of: [Classification].self) { group in
            for _ in 0..<8 { group.addTask { items.map { first.classify($0) } } }
            var all: [[Classification]] = []
            for await result in group { all.append(result) }
            return all
        }
        for result in results { #expect(result == expected) }
    }

    @Test func stampIsStableAndChangesWithTheCatalog() throws {
        let a = try ProductCatalog.bundled()
        let b = try ProductCatalog.load(userFiles: [])
        #expect(a.stamp == b.stamp)
        #expect(a.stamp.digest.hasPrefix("sha256:"))
        #expect(a.stamp.digest.count == 7 + 64)
        #expect(!a.stamp.version.isEmpty)
    }
}

@Suite struct GeneratorDetailTests {
    @Test func platformAndBuildAreReported() throws {
        let classifier = Classifier(catalog: try ProductCatalog.bundled())
        let libre = classifier.explain(
            generator: "LibreOffice/7.6.4.1$Linux_X86_64 LibreOffice_project/e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1")
        #expect(libre.platform == "Linux_X86_64")
        #expect(libre.build == "e19e193f88cd6c0525a17fb7a176ed8e6a3e2aa1")
        let ooo = classifier.explain(generator: "OpenOffice.org/3.2$Win32 OpenOffice.org_project/320m12$Build-9483")
        #expect(ooo.platform == "Win32")
        #expect(ooo.build == "320m12$Build-9483")
        #expect(classifier.explain(generator: "Calligra/3.2.1").platform == nil)
        #expect(classifier.explain(generator: "AbiWord/3.0.5 (unix, gtk)").platform == "unix, gtk")
    }
}
