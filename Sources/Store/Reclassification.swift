public import OverblikModel

/// Classifies stored rows again from the facts kept with them, exactly as `scan` and `import` would: the
/// catalog in force describes every figure (docs/usage/lifecycle.md).
public protocol StoredRowClassifier: Sendable {
    /// The catalog it classifies with.
    var stamp: CatalogStamp { get }
    /// A document's suite from its family and producer strings; nil keeps the stored answer (an OOXML document
    /// stored before its `Application` was kept, whose inputs are not all known).
    func classifyDocument(
        family: String, generator: String?, application: String?, appVersion: String?
    )
        -> Classification?
    /// A software line: `title` is what the catalog is asked about (the stored classification title, else the
    /// title); `rule` is the rule it carries now (it tells whether the inventory listed it as not installed).
    func classifySoftware(
        title: String, publisher: String?, version: String?, package: String?, platform: String?, rule: String
    ) -> Classification
}

/// What reclassifying a store did.
public struct ReclassificationSummary: Sendable, Hashable {
    /// The catalog the rows were classified with before (nil: not recorded, a store from before 0.4).
    public var previous: CatalogStamp?
    public var catalog: CatalogStamp
    /// Distinct producer strings and software lines asked about, and the rows whose answer changed.
    public var documentKeys: Int
    public var documentsChanged: Int
    public var softwareKeys: Int
    public var softwareChanged: Int

    public init(
        previous: CatalogStamp?, catalog: CatalogStamp, documentKeys: Int, documentsChanged: Int, softwareKeys: Int,
        softwareChanged: Int
    ) {
        self.previous = previous
        self.catalog = catalog
        self.documentKeys = documentKeys
        self.documentsChanged = documentsChanged
        self.softwareKeys = softwareKeys
        self.softwareChanged = softwareChanged
    }
}

/// The `store_settings` row naming the catalog every stored row is classified with.
public enum ClassificationSetting {
    public static let key = "classified_with"

    public static func encode(_ stamp: CatalogStamp) -> String {
        // Two fields of known characters: no JSON encoder needed, and the text is stable.
        "\(stamp.version)\u{1F}\(stamp.digest)"
    }

    public static func decode(_ value: String?) -> CatalogStamp? {
        guard let parts = value?.split(separator: "\u{1F}", omittingEmptySubsequences: false), parts.count == 2
        else { return nil }
        return CatalogStamp(version: String(parts[0]), digest: String(parts[1]))
    }
}

extension EstateStore {
    /// Makes every stored row follow the catalog `stamp` names: reclassifies the store when its rows were
    /// classified with another catalog (or it does not say). `classifier` is only asked for then, so a command
    /// whose catalog is the store's need not parse it. Returns what was done, or nil when nothing needed doing.
    public func keepClassified(
        with stamp: CatalogStamp, classifier: () throws -> any StoredRowClassifier
    ) async throws -> ReclassificationSummary? {
        guard try await classificationStamp() != stamp else { return nil }
        return try await reclassify(with: try classifier())
    }
}
