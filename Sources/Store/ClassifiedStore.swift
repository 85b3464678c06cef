import Foundation
public import OverblikModel

/// The catalog the store's rows are classified with (docs/usage/lifecycle.md), and the stamp a command
/// last computed for a catalog's sources.
public protocol ClassifiedStore: Sendable {
    /// The catalog stamp last remembered under `fingerprint` (``CatalogStampMemo``), or nil: a command that
    /// finds it need not parse the catalog just to record which catalog it used.
    func rememberedCatalogStamp(fingerprint: String) async throws -> CatalogStamp?
    /// Remembers the stamp of the catalog with this fingerprint (only the latest one is kept).
    func rememberCatalogStamp(_ stamp: CatalogStamp, fingerprint: String) async throws

    /// The catalog every stored document and software line is classified with; nil when the store has not
    /// recorded one (a store from before 0.4 that no scan, import or reclassify has touched since).
    func classificationStamp() async throws -> CatalogStamp?
    /// Classifies every stored document and software line again with `classifier` and records its catalog, in
    /// one transaction. Rows whose answer does not change are not written.
    func reclassify(with classifier: any StoredRowClassifier) async throws -> ReclassificationSummary
}

/// How a store keeps the last catalog stamp a command computed, under the fingerprint of the catalog's
/// sources (``Catalog/CatalogSources``): one `store_settings` row, the same on SQLite and PostgreSQL.
public enum CatalogStampMemo {
    /// The `store_settings` key.
    public static let settingKey = "catalog_stamp"

    private struct Value: Codable {
        var fingerprint: String
        var version: String
        var digest: String
    }

    /// The setting's value for `stamp` under `fingerprint`.
    public static func encode(_ stamp: CatalogStamp, fingerprint: String) throws -> String {
        let data = try JSONEncoder().encode(
            Value(fingerprint: fingerprint, version: stamp.version, digest: stamp.digest))
        return String(decoding: data, as: UTF8.self)
    }

    /// The stamp in a setting's value when it was remembered under `fingerprint`; nil otherwise (another
    /// catalog or build, or a value this build cannot read).
    public static func decode(_ value: String?, fingerprint: String) -> CatalogStamp? {
        guard let value, let decoded = try? JSONDecoder().decode(Value.self, from: Data(value.utf8)),
            decoded.fingerprint == fingerprint
        else { return nil }
        return CatalogStamp(version: decoded.version, digest: decoded.digest)
    }
}
