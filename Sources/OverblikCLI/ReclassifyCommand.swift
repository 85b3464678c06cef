public import ArgumentParser
import Catalog
import Foundation
import InventoryImport
import OfficeDocuments
import OverblikModel
import Store

/// `overblik reclassify`: makes every stored document and software line follow the catalog in force.
public struct ReclassifyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reclassify",
        abstract: "Classify everything in the store again with the catalog in force (shipped, or --catalog files).",
        discussion: """
            The store keeps what each classification was made from (producer strings of documents; title, \
            publisher, version, package and platform of software lines), so a changed catalog - a new Overblik, \
            or your own --catalog files - is applied to every stored row without scanning or importing again. \
            scan and import do this by themselves when their catalog differs from the store's; export refuses a \
            store classified with another catalog than the one in force, so a submission's catalog stamp \
            always describes every figure in it.

            Examples:
              overblik reclassify --store aarhus.sqlite
              overblik reclassify --catalog our-systems.yaml
            """)

    @OptionGroup public var catalogOptions: CatalogOptions
    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() async throws {
        let catalog = try catalogOptions.loadCatalog()
        let store = try await storeOptions.open(create: false)
        do {
            let summary = try await store.reclassify(with: CatalogRowClassifier(catalog: catalog))
            try await store.close()
            print(CatalogInForce.describe(summary))
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// The catalog as the store's reclassification asks it: the same functions `scan` and `import` classify with.
struct CatalogRowClassifier: StoredRowClassifier {
    let stamp: CatalogStamp
    private let classifier: Classifier

    init(catalog: ProductCatalog) {
        stamp = catalog.stamp
        classifier = Classifier(catalog: catalog)
    }

    func classifyDocument(
        family: String, generator: String?, application: String?, appVersion: String?
    )
        -> Classification?
    {
        guard let family = DocumentFamily(rawValue: family) else { return nil }
        // An OOXML document stored before its Application was kept: its joined producer string is not what the
        // scan asked about, so its stored answer stands until it is read again.
        if family == .ooxml && application == nil && generator != nil { return nil }
        return DocumentReader.classify(
            family: family, generator: generator, application: application, appVersion: appVersion, with: classifier)
    }

    func classifySoftware(
        title: String, publisher: String?, version: String?, package: String?, platform: String?, rule: String
    ) -> Classification {
        let answer = classifier.classify(
            InventoryItem(title: title, publisher: publisher, version: version, package: package, platform: platform))
        return InventoryImporter.classification(
            answer, notInstalledSuffix: InventoryImporter.notInstalledSuffixes.first { rule.hasSuffix($0) })
    }
}

/// Keeps a store's rows classified with the catalog the command runs with.
enum CatalogInForce {
    /// Reclassifies the store when its rows were classified with another catalog than `stamp`'s (or it does
    /// not say); `classifier` is only made then. Returns what was done, or nil when nothing needed doing.
    static func apply(
        to store: any EstateStore, stamp: CatalogStamp, classifier: () throws -> any StoredRowClassifier
    ) throws -> ReclassificationSummary? {
        // The store is asked first: the classifier (it may mean parsing the catalog) is made only when needed.
        guard try BlockingBridge.wait({ try await store.classificationStamp() }) != stamp else { return nil }
        let made = try classifier()
        let summary = try BlockingBridge.wait { try await store.reclassify(with: made) }
        // A new store's first stamp is not news.
        guard summary.documentKeys + summary.softwareKeys > 0 else { return nil }
        return summary
    }

    /// One line for the user.
    static func describe(_ summary: ReclassificationSummary) -> String {
        let was = summary.previous.map { " (was \($0.version), \(shortDigest($0.digest)))" } ?? ""
        return "Store classified with catalog \(summary.catalog.version), \(shortDigest(summary.catalog.digest))"
            + "\(was): \(summary.documentsChanged) documents and \(summary.softwareChanged) software lines changed."
    }

    static func shortDigest(_ digest: String) -> String {
        digest.count > 19 ? String(digest.prefix(19)) + "…" : digest
    }
}
