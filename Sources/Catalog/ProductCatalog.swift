public import Foundation
public import OverblikModel
import Yams

/// The product catalog: the shipped entries (office suites, the OS2 portfolio, ESDH systems and others)
/// merged with the user's own files, plus the stamp (version and digest) recorded with every result.
public struct ProductCatalog: Sendable {
    /// Version and SHA-256 digest of the merged catalog's canonical form.
    public var stamp: CatalogStamp
    /// Every product, shipped ones in catalog order, then products added by user files.
    public var products: [Product]

    let entries: [ProductEntry]
    let compiled: CompiledCatalog
    private let index: [String: Int]

    /// The shipped catalog: `Resources/catalog.yaml`, `Resources/esdh.yaml`, `Resources/fagsystemer.yaml` and
    /// `Resources/os2-products.csv`.
    public static func bundled() throws -> ProductCatalog {
        // Compiled once per process: every command and test that asks shares the same rules.
        try BundledCatalog.shared.merged.get()
    }

    /// Starts loading the shipped catalog on a thread of its own and returns at once: ``bundled()`` (and a catalog
    /// with user files) then finds it loaded, or waits only for the rest. For a program that will need it soon and
    /// has other work first.
    public static func startLoadingBundled() {
        Thread.detachNewThread { _ = BundledCatalog.shared }
    }

    /// The shipped catalog with user files applied in order; a later file wins for the same id.
    ///
    /// A user entry replaces the shipped entry with its id, unless it says `merge: true`, in which case
    /// its fields replace the shipped ones and its rules are tried before the shipped rules.
    public static func load(userFiles: [URL]) throws -> ProductCatalog {
        if userFiles.isEmpty { return try bundled() }
        let shipped = try BundledCatalog.shared.get()
        var layers: [(label: String, file: CatalogFile)] = []
        for url in userFiles {
            let text: String
            do {
                text = try String(contentsOf: url, encoding: .utf8)
            } catch {
                throw CatalogError.unreadable(file: url.path, reason: "\(error.localizedDescription)")
            }
            layers.append((url.lastPathComponent, try CatalogFileParser.parse(text, file: url.path)))
        }
        return try ProductCatalog(base: shipped.entries, baseVersion: shipped.version, layers: layers)
    }

    /// Builds a catalog from the shipped entries plus in-memory user layers (used by `load` and tests).
    static func make(userYAML: [(name: String, text: String)]) throws -> ProductCatalog {
        let shipped = try BundledCatalog.shared.get()
        let layers = try userYAML.map { ($0.name, try CatalogFileParser.parse($0.text, file: $0.name)) }
        return try ProductCatalog(base: shipped.entries, baseVersion: shipped.version, layers: layers)
    }

    /// `knownDigest`: the stamp digest of exactly these inputs, remembered from an earlier load (the shipped
    /// catalog's cache), so it is not computed again.
    init(
        base: [ProductEntry], baseVersion: String, layers: [(label: String, file: CatalogFile)],
        knownDigest: String? = nil
    ) throws {
        var entries = base
        var position: [String: Int] = [:]
        for (offset, entry) in entries.enumerated() { position[entry.id] = offset }
        var userTouched: [String] = []
        var versions = [baseVersion]
        for layer in layers {
            versions.append("\(layer.label)@\(layer.file.version ?? "unversioned")")
            for entry in layer.file.products {
                if let existing = position[entry.id] {
                    entries[existing] = entry.merge == true ? entries[existing].merged(with: entry) : entry
                } else if entry.merge == true {
                    throw CatalogError.invalid(
                        file: layer.label, line: nil, message: "merge: true for unknown product \(entry.id)")
                } else {
                    position[entry.id] = entries.count
                    entries.append(entry)
                }
                userTouched.removeAll { $0 == entry.id }
                userTouched.insert(entry.id, at: 0)
            }
        }
        var products: [Product] = []
        for entry in entries { products.append(try ProductEntryValidator.product(from: entry, file: "catalog")) }
        // Rules of products a user file touched come first among equal priorities: the user's word wins.
        let touchedSet = Set(userTouched)
        let ruleOrder =
            userTouched.compactMap { position[$0].map { entries[$0] } } + entries.filter { !touchedSet.contains($0.id) }
        self.entries = entries
        self.products = products
        self.compiled = try CompiledCatalog(entries: ruleOrder, file: "catalog", eager: touchedSet)
        var index: [String: Int] = [:]
        for (offset, product) in products.enumerated() { index[product.id] = offset }
        self.index = index
        self.stamp = CatalogStamp(
            version: versions.joined(separator: "+"),
            digest: try knownDigest ?? Self.digest(entries: entries, versions: versions))
    }

    /// The product with this id, or nil.
    public func product(id: String) -> Product? {
        index[id].map { products[$0] }
    }

    /// Whether `product`'s `versionLine` is supported on `date`, from the catalog's release history.
    ///
    /// A product that has ended as a whole (OpenOffice.org, Lotus Symphony) is past its end of life whatever the
    /// line; a line `*` covers every line (products on a continuous lifecycle such as Microsoft 365 Apps).
    public func supportStatus(product id: String, versionLine: String?, on date: Date) -> SupportStatus {
        guard let product = product(id: id) else { return .unknown }
        let lines = product.versionLines
        let entry = versionLine.flatMap { line in lines.first { $0.line == line } } ?? lines.first { $0.line == "*" }
        if let entry {
            if let released = entry.released, let start = CatalogDate.start(of: released), date < start {
                return .unknown
            }
            if let eol = entry.endOfLife, let end = CatalogDate.end(of: eol) {
                return date >= end ? .endOfLife(eol) : .supported
            }
            if entry.endOfLife == nil, product.endOfLife == nil { return .supported }
        }
        if let eol = product.endOfLife, let end = CatalogDate.end(of: eol), date >= end { return .endOfLife(eol) }
        return entry == nil ? .unknown : .supported
    }

    /// The merged entries as YAML-ready values, for `catalog show`.
    func entry(id: String) -> ProductEntry? { entries.first { $0.id == id } }

    private static func digest(entries: [ProductEntry], versions: [String]) throws -> String {
        struct Canonical: Encodable {
            var versions: [String]
            var products: [ProductEntry]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The digest covers what classification depends on: every entry in order, rules included.
        let data = try encoder.encode(Canonical(versions: versions, products: entries))
        return SubmissionDigest.digest(ofCanonicalData: data)
    }
}

/// Calendar dates in the catalog: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, in UTC.
enum CatalogDate {
    /// The first instant of the period.
    static func start(of text: String) -> Date? { bounds(of: text)?.start }
    /// The instant after the period's last day (an end of life on 2024-10-10 is past from 2024-10-11 00:00 UTC).
    static func end(of text: String) -> Date? { bounds(of: text)?.end }

    static func isValid(_ text: String) -> Bool { bounds(of: text) != nil }

    private static func bounds(of text: String) -> (start: Date, end: Date)? {
        let parts = text.split(separator: "-").map { Int($0) }
        guard !parts.isEmpty, parts.count <= 3, parts.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = parts.compactMap { $0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var components = DateComponents(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: 1)
        if numbers.count > 2 { components.day = numbers[2] }
        guard (1900...2200).contains(numbers[0]), (1...12).contains(components.month!),
            (1...31).contains(components.day!), let start = calendar.date(from: components)
        else { return nil }
        let step: Calendar.Component = numbers.count == 3 ? .day : numbers.count == 2 ? .month : .year
        guard let end = calendar.date(byAdding: step, value: 1, to: start) else { return nil }
        return (start, end)
    }
}

/// Loads the shipped resources once per process.
final class BundledCatalog: Sendable {
    static let shared = BundledCatalog()
    private let loaded: Result<(entries: [ProductEntry], version: String), CatalogError>
    let merged: Result<ProductCatalog, CatalogError>

    private init() {
        let cache = (try? BundledCatalog.resourceTexts()).flatMap { CompiledCatalogCache(texts: $0) }
        let cached = cache?.read()
        let loaded = Result { () throws -> (entries: [ProductEntry], version: String) in
            try cached.map { (entries: $0.entries, version: $0.version) } ?? BundledCatalog.parse()
        }.mapError {
            $0 as? CatalogError ?? .invalid(file: "catalog.yaml", line: nil, message: "\($0)")
        }
        self.loaded = loaded
        merged = loaded.flatMap { shipped in
            Result {
                try ProductCatalog(
                    base: shipped.entries, baseVersion: shipped.version, layers: [], knownDigest: cached?.digest)
            }.mapError {
                $0 as? CatalogError ?? .invalid(file: "catalog.yaml", line: nil, message: "\($0)")
            }
        }
        if cached == nil, case .success(let shipped) = loaded, case .success(let catalog) = merged {
            cache?.write(entries: shipped.entries, version: shipped.version, digest: catalog.stamp.digest)
        }
    }

    func get() throws -> (entries: [ProductEntry], version: String) { try loaded.get() }

    static func resource(_ name: String, _ ext: String) throws -> String {
        guard
            let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources")
                ?? Bundle.module.url(forResource: name, withExtension: ext)
        else { throw CatalogError.missingResource("\(name).\(ext)") }
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw CatalogError.unreadable(file: url.path, reason: "\(error)")
        }
    }

    /// The shipped resources' texts, in a fixed order (what ``CatalogSources`` fingerprints).
    static func resourceTexts() throws -> [String] {
        try [("catalog", "yaml"), ("esdh", "yaml"), ("fagsystemer", "yaml"), ("os2", "yaml"), ("os2-products", "csv")]
            .map {
                try resource($0.0, $0.1)
            }
    }

    /// The shipped YAML through Codable: tens of milliseconds, so its result is cached (``CompiledCatalogCache``).
    static func parse() throws -> (entries: [ProductEntry], version: String) {
        let main = try CatalogFileParser.parse(try resource("catalog", "yaml"), file: "catalog.yaml")
        let esdh = try CatalogFileParser.parse(try resource("esdh", "yaml"), file: "esdh.yaml")
        let fagsystemer = try CatalogFileParser.parse(try resource("fagsystemer", "yaml"), file: "fagsystemer.yaml")
        let os2Settings = try CatalogFileParser.parseOS2Settings(try resource("os2", "yaml"), file: "os2.yaml")
        let os2 = try OS2Portfolio.entries(csv: try resource("os2-products", "csv"), settings: os2Settings)
        var seen = Set<String>()
        var entries: [ProductEntry] = []
        for entry in main.products + esdh.products + fagsystemer.products + os2 {
            guard seen.insert(entry.id).inserted else {
                throw CatalogError.invalid(file: "bundled catalog", line: nil, message: "duplicate id \(entry.id)")
            }
            entries.append(entry)
        }
        return (entries, main.version ?? "unversioned")
    }
}

/// The parsed shipped catalog (and its stamp digest) as JSON in the user's cache directory, keyed by a digest of this build of Overblik
/// and the shipped files' bytes: reading it skips the YAML decoding, the largest part of loading the catalog.
/// A missing, unreadable or stale file is ignored and rewritten; `OVERBLIK_CATALOG_CACHE=off` turns it off, and
/// `OVERBLIK_CACHE_DIR` moves it (default `$XDG_CACHE_HOME/overblik`, else `~/.cache/overblik`).
struct CompiledCatalogCache {
    let file: URL

    private struct Stored: Codable {
        var key: String
        var version: String
        /// The merged shipped catalog's stamp digest.
        var digest: String
        var entries: [ProductEntry]
    }

    private let key: String

    /// Nil when caching is off or the running program cannot be identified (another build could parse differently).
    init?(texts: [String], environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard environment["OVERBLIK_CATALOG_CACHE"] != "off", let build = CatalogSources.buildIdentity() else {
            return nil
        }
        let directory: URL
        if let dir = environment["OVERBLIK_CACHE_DIR"], !dir.isEmpty {
            directory = URL(fileURLWithPath: dir, isDirectory: true)
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            directory = URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("overblik")
        } else if let home = environment["HOME"], !home.isEmpty {
            directory = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/overblik")
        } else {
            return nil
        }
        var bytes = Data()
        for part in ["overblik-catalog-cache-1", build] + texts {
            withUnsafeBytes(of: UInt64(part.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(Data(part.utf8))
        }
        key = SubmissionDigest.digest(ofCanonicalData: bytes)
        let name = key.replacingOccurrences(of: "sha256:", with: "")
        file = directory.appendingPathComponent("catalog-\(name.prefix(32)).json")
    }

    /// Files of other builds (or resources) not read for this long are removed when a new one is written: each
    /// upgrade of Overblik writes one, and nothing else would ever remove the old ones.
    static let staleAfter: TimeInterval = 30 * 86_400

    func read() -> (entries: [ProductEntry], version: String, digest: String)? {
        guard let data = try? Data(contentsOf: file), let stored = try? JSONDecoder().decode(Stored.self, from: data),
            stored.key == key
        else { return nil }
        // Read is use: the file stays while this build runs (see `staleAfter`).
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file.path)
        return (stored.entries, stored.version, stored.digest)
    }

    /// Best effort: a cache that cannot be written is no error (the next run parses again).
    func write(entries: [ProductEntry], version: String, digest: String) {
        let stored = Stored(key: key, version: version, digest: digest, entries: entries)
        guard let data = try? JSONEncoder().encode(stored) else { return }
        let directory = file.deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? data.write(to: file, options: .atomic)
        removeStaleFiles(in: directory)
    }

    private func removeStaleFiles(in directory: URL) {
        let manager = FileManager.default
        let cutoff = Date().addingTimeInterval(-Self.staleAfter)
        for name in (try? manager.contentsOfDirectory(atPath: directory.path)) ?? []
        where name.hasPrefix("catalog-") && name.hasSuffix(".json") && name != file.lastPathComponent {
            let path = directory.appendingPathComponent(name).path
            guard let modified = (try? manager.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                modified < cutoff
            else { continue }
            try? manager.removeItem(atPath: path)
        }
    }
}

extension ProductCatalog {
    /// The merged catalog entry for `id` as YAML (description and rules), for `overblik catalog show`.
    public func definitionYAML(id: String) throws -> String? {
        guard let entry = entry(id: id) else { return nil }
        return try YAMLEncoder().encode(entry)
    }

    /// Products of one kind, in catalog order.
    public func products(kind: ProductKind) -> [Product] { products.filter { $0.kind == kind } }
}
