import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

@Suite struct PortfolioTests {
    static let catalog = try! ProductCatalog.bundled()
    static let classifier = Classifier(catalog: catalog)

    /// The ids `scan` reports (issue 3) all exist in the catalog.
    @Test(arguments: [
        "libreoffice", "apache-openoffice", "openoffice.org", "lotus-symphony", "novell-edition", "staroffice",
        "neooffice", "go-oo", "calligra", "koffice", "ms-office", "google-docs", "onlyoffice", "collabora", "wps",
        "softmaker", "abiword", "gnumeric", "pandoc", "odfpy", "odfdo", "odftoolkit", "unknown",
    ])
    func scanIDExists(_ id: String) {
        #expect(Self.catalog.product(id: id) != nil)
    }

    @Test func lineageLeadsBackToStarOffice() throws {
        func ancestors(_ id: String) -> [String] {
            var chain: [String] = []
            var current = Self.catalog.product(id: id)?.parent
            while let parent = current, !chain.contains(parent) {
                chain.append(parent)
                current = Self.catalog.product(id: parent)?.parent
            }
            return chain
        }
        #expect(ancestors("collabora") == ["libreoffice", "openoffice.org", "staroffice"])
        #expect(ancestors("apache-openoffice") == ["openoffice.org", "staroffice"])
        for id in ["go-oo", "novell-edition", "neooffice", "lotus-symphony"] {
            #expect(ancestors(id).first == "openoffice.org", "\(id)")
        }
        #expect(ancestors("calligra") == ["koffice"])
        // Every parent named in the catalog exists.
        for product in Self.catalog.products {
            if let parent = product.parent { #expect(Self.catalog.product(id: parent) != nil, "\(product.id)") }
        }
    }

    @Test func wholeOS2PortfolioIsInTheCatalog() throws {
        let csv = try String(
            contentsOf: Fixtures.repositoryRoot.appendingPathComponent("Sources/Catalog/Resources/os2-products.csv"),
            encoding: .utf8)
        let ids = csv.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
        #expect(ids.count == 38)
        for id in ids {
            let product = Self.catalog.product(id: id)
            #expect(product?.kind == .os2Product, "\(id)")
            #expect(product?.openSource == true)
        }
        #expect(Self.catalog.product(id: "os2faktor")?.governanceLevel == 1)
        #expect(Self.catalog.product(id: "os2iot")?.governanceLevel == 3)
        #expect(Self.catalog.product(id: "os2kitos")?.category == "it-portfolio")
        #expect(Self.catalog.product(id: "os2skole")?.status == "project")
    }

    static let os2Titles: [(String, String?, String)] = [
        ("OS2faktor Klient 2.3.1", "Digital Identity", "os2faktor"),
        ("OS2faktorKlient.exe", nil, "os2faktor"),
        ("OS2faktor Login Credential Provider (x64)", nil, "os2faktor"),
        ("OS2 Indberetning", nil, "os2indberetning"),
        ("os2borgerpc-client", nil, "os2borgerpc"),
        ("SOFD Core AD Writeback Agent", "Digital Identity", "os2sofd"),
        ("RoleCatalogueImporter", nil, "os2rollekatalog"),
        ("ADSyncService", "Digital Identity ApS", "os2rollekatalog"),
        ("OS2skoledata Active Directory Sync", nil, "os2skoledata"),
        ("OS2-SkadesØkonomi", nil, "os2skadesokonomi"),
        ("CPR Broker 2.4", nil, "os2cprbroker"),
        ("jobmanager", "OS2borgerPC", "os2borgerpc"),
        // Generic names without context are not OS2 products.
        ("ADSyncService", "Microsoft Corporation", "unknown"),
        ("jobmanager", nil, "unknown"),
        ("chirpstack", nil, "unknown"),
        ("ULF", nil, "unknown"),
        ("Ulfsoft Calculator", nil, "unknown"),
    ]

    @Test(arguments: os2Titles)
    func os2Title(_ row: (String, String?, String)) {
        let result = Self.classifier.classify(InventoryItem(title: row.0, publisher: row.1))
        #expect(result.product == row.2, "\(row.0) → \(result.rule)")
    }

    static let esdhTitles: [(String, String?, String)] = [
        ("SBSYS Klient 5.2", nil, "sbsys"),
        ("Acadre Client 7.5", "Formpipe Software", "acadre"),
        ("WorkZone Client 2024.1", "KMD A/S", "workzone"),
        ("KMD WorkZone for Office", nil, "workzone"),
        ("GetOrganized Outlook Add-in", nil, "getorganized"),
        ("cBrain F2 Desktop", nil, "f2"),
        ("F2 Desktop", "cBrain A/S", "f2"),
        ("F2 Desktop", nil, "unknown"),
        ("Captia Klient", nil, "captia"),
        ("eDoc Client 5.4", "Fujitsu", "edoc"),
        ("Public 360", "Tieto", "public-360"),
    ]

    @Test(arguments: esdhTitles)
    func esdhTitle(_ row: (String, String?, String)) {
        let result = Self.classifier.classify(InventoryItem(title: row.0, publisher: row.1))
        #expect(result.product == row.2, "\(row.0) → \(result.rule)")
        if row.2 != "unknown" {
            #expect(Self.catalog.product(id: row.2)?.kind == .documentManagement)
        }
    }

    /// Line-of-business systems with the vendor their sources name (fagsystemer.yaml), and the look-alikes that
    /// share a generic word with them: UltiMaker's slicer is also "Cura", Opus Systemer's dental system "Opus".
    static let lineOfBusinessTitles: [(String, String?, String, String?)] = [
        ("KMD Nexus Mobile", nil, "kmd-nexus", "KMD"),
        ("KMD Sag EDH", nil, "kmd-sag", "KMD"),
        ("KMD Opus", nil, "kmd-opus", "KMD"),
        ("Cura", "Systematic A/S", "cura", "Systematic"),
        ("Columna Cura", nil, "cura", "Systematic"),
        ("UltiMaker Cura", "UltiMaker", "unknown", nil),
        ("Cura", nil, "unknown", nil),
        ("Opus Dental", nil, "unknown", nil),
        ("Nexus", nil, "unknown", nil),
    ]

    @Test(arguments: lineOfBusinessTitles)
    func lineOfBusinessTitle(_ row: (String, String?, String, String?)) {
        let result = Self.classifier.classify(InventoryItem(title: row.0, publisher: row.1))
        #expect(result.product == row.2, "\(row.0) → \(result.rule)")
        if let vendor = row.3 {
            let product = Self.catalog.product(id: row.2)
            #expect(product?.kind == .lineOfBusiness)
            #expect(product?.vendor.hasPrefix(vendor) == true, "\(row.2): \(product?.vendor ?? "-")")
        }
    }

    @Test func everyProductIsWellFormed() {
        var seen = Set<String>()
        for product in Self.catalog.products {
            #expect(seen.insert(product.id).inserted, "duplicate \(product.id)")
            #expect(!product.name.isEmpty && !product.vendor.isEmpty && !product.licence.isEmpty, "\(product.id)")
            if product.kind == .officeSuite && product.openSource {
                #expect(product.licence != "proprietary", "\(product.id)")
            }
        }
        #expect(Self.catalog.product(id: "libreoffice")?.isOpenODFSuite == true)
        #expect(Self.catalog.product(id: "ms-office")?.isOpenODFSuite == false)
    }
}
