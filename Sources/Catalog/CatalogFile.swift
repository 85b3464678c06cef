import Foundation

/// A catalog file as written in YAML (the shipped `catalog.yaml`, `esdh.yaml` or a user's file).
///
/// Every field of a product except `id` is optional here so a user file can patch an entry
/// (`merge: true`); the merged entry is checked for completeness before it becomes a ``Product``.
struct CatalogFile: Codable, Sendable {
    var version: String?
    var products: [ProductEntry]
}

/// One product as the catalog file states it: description plus recognition rules.
struct ProductEntry: Codable, Sendable, Hashable {
    var id: String
    /// In a user file: patch the existing entry (rules added in front, given fields replaced) instead of replacing it.
    var merge: Bool?
    var name: String?
    var kind: String?
    var vendor: String?
    var licence: String?
    var openSource: Bool?
    var parent: String?
    var writesODF: [String]?
    var category: String?
    var status: String?
    var governanceLevel: Int?
    var endOfLife: String?
    var notes: String?
    /// How a version becomes a version line: `major-minor` (default), `major`, `version` (whole), `none`.
    var lineScheme: String?
    /// Maps a version's major (or major.minor) to a line name (`14` → `2010`).
    var lineMap: [String: String]?
    /// Regex rewrites applied to a normalised version (winget's synthetic `4.116.9816` → `4.1.16`).
    var versionRewrites: [Rewrite]?
    var versionLines: [VersionLine]?
    var packages: PackageIdentifiers?
    /// Titles (regex, case-insensitive) that are never this product, whatever else matches.
    var exclusions: [String]?
    var generator: [GeneratorRuleEntry]?
    var inventory: [InventoryRuleEntry]?
    /// Strings known to belong to this product (titles, generators); `catalog check` tests other products' rules on them.
    var examples: [String]?

    enum CodingKeys: String, CodingKey {
        case id, merge, name, kind, vendor, licence, parent, category, status, notes, packages, exclusions
        case generator, inventory, examples
        case openSource = "open_source"
        case writesODF = "writes_odf"
        case governanceLevel = "governance_level"
        case endOfLife = "end_of_life"
        case lineScheme = "line_scheme"
        case lineMap = "line_map"
        case versionRewrites = "version_rewrites"
        case versionLines = "version_lines"
    }

    init(id: String) { self.id = id }

    /// Applies `patch` on top of this entry: given scalars replace, rule lists go in front, lists of data replace.
    func merged(with patch: ProductEntry) -> ProductEntry {
        var result = self
        result.merge = nil
        if let v = patch.name { result.name = v }
        if let v = patch.kind { result.kind = v }
        if let v = patch.vendor { result.vendor = v }
        if let v = patch.licence { result.licence = v }
        if let v = patch.openSource { result.openSource = v }
        if let v = patch.parent { result.parent = v }
        if let v = patch.writesODF { result.writesODF = v }
        if let v = patch.category { result.category = v }
        if let v = patch.status { result.status = v }
        if let v = patch.governanceLevel { result.governanceLevel = v }
        if let v = patch.endOfLife { result.endOfLife = v }
        if let v = patch.notes { result.notes = v }
        if let v = patch.lineScheme { result.lineScheme = v }
        if let v = patch.lineMap { result.lineMap = (result.lineMap ?? [:]).merging(v) { _, new in new } }
        if let v = patch.versionRewrites { result.versionRewrites = v + (result.versionRewrites ?? []) }
        if let v = patch.versionLines { result.versionLines = v }
        if let v = patch.packages { result.packages = v }
        if let v = patch.exclusions { result.exclusions = (result.exclusions ?? []) + v }
        if let v = patch.generator { result.generator = v + (result.generator ?? []) }
        if let v = patch.inventory { result.inventory = v + (result.inventory ?? []) }
        if let v = patch.examples { result.examples = (result.examples ?? []) + v }
        return result
    }
}

/// A regex rewrite of a version string; `replace` uses `$1`-style templates.
struct Rewrite: Codable, Sendable, Hashable {
    var pattern: String
    var replace: String
}

/// Recognises a document's generator string (ODF `meta:generator`, OOXML `Application`).
///
/// Named groups in `pattern`: `version`, `line`, `platform`, `build`, `component`.
struct GeneratorRuleEntry: Codable, Sendable, Hashable {
    var id: String?
    var pattern: String
    /// Higher runs first (default 0); e.g. Google Docs' empty-build-id signature before LibreOffice.
    var priority: Int?
    /// Version template using `$version`-style group names, when the string has no plain version.
    var version: String?
    var line: String?
    var component: String?
    var note: String?
}

/// Recognises an inventory line. Every field given must match (case-insensitive regex);
/// `publisher` only constrains items that have a publisher unless `publisher_required` is true.
struct InventoryRuleEntry: Codable, Sendable, Hashable {
    var id: String?
    var title: String?
    var publisher: String?
    var publisherRequired: Bool?
    /// Matches the item's package id; when the item has none, its title (package lists put the name there).
    var package: String?
    var platform: String?
    var version: String?
    /// Titles (regex) this rule must not match.
    var unless: String?
    var priority: Int?
    var component: String?
    /// Whether a match is an installation of the product (default true).
    var counts: Bool?
    /// Version template (`$version`), or `item` / `title` to force where the version comes from.
    var versionFrom: String?
    var line: String?
    var note: String?

    enum CodingKeys: String, CodingKey {
        case id, title, publisher, package, platform, version, unless, priority, component, counts, line, note
        case publisherRequired = "publisher_required"
        case versionFrom = "version_from"
    }
}
