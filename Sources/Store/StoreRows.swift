import Foundation
public import OverblikModel
import Crypto

/// Column values of one stored document, shared by both backends so they store the same thing.
public struct DocumentRow: Sendable, Hashable {
    public var pathKey: String
    /// Keyed hash of the folder holding the file (its absolute path without the name); see ``FolderChain``.
    public var folderKey: String?
    public var path: String?
    public var topFolder: String?
    public var family: String
    public var container: String
    public var format: String
    public var mimetype: String?
    public var odfVersion: String?
    public var generator: String?
    /// OOXML `Application` and `AppVersion`: with `generator`, what the suite was classified from.
    public var application: String?
    public var appVersion: String?
    public var suite: String?
    public var suiteVersion: String?
    public var suiteVersionLine: String?
    public var encrypted: Bool
    public var year: Int?
    public var error: String?
    public var warnings: Int
    public var size: Int64
    public var modified: Double
    /// The document's features as ``DocumentFeature/storedText(_:)`` (`""` for none).
    public var features: String
    /// The ODF conformance verdict when the scan validated (`scan --validate`), else `nil` (not measured).
    public var conformance: String?

    /// Reduces a scan record to what the store keeps: no personal metadata, no statistics, and the
    /// path only as a keyed hash plus top-level folder unless `includePaths`.
    /// `folderKey`: the key of the record's folder, as ``FolderChain/add(folderOf:pseudonymiser:)`` returns it
    /// (hashed once for all of a folder's files).
    public init(
        record: DocumentRecord, root: String, pseudonymiser: Pseudonymiser, includePaths: Bool, folderKey: String?
    ) {
        self.init(
            record: record, pseudonymiser: pseudonymiser, includePaths: includePaths, folderKey: folderKey,
            topFolder: Pseudonymiser.topFolder(path: record.path, root: root))
    }

    /// The same with the record's top folder already known (``TopFolders/topFolder(path:root:)``).
    public init(
        record: DocumentRecord, pseudonymiser: Pseudonymiser, includePaths: Bool, folderKey: String?,
        topFolder: String?
    ) {
        pathKey = pseudonymiser.pathKey(record.path)
        self.folderKey = folderKey
        path = includePaths ? record.path : nil
        self.topFolder = topFolder
        family = record.family.rawValue
        container = record.container.rawValue
        format = record.format
        mimetype = record.mimetype
        odfVersion = record.odfVersion
        generator = record.generator
        application = record.application
        appVersion = record.appVersion
        suite = record.suite
        suiteVersion = record.suiteVersion
        suiteVersionLine = record.suiteVersionLine
        encrypted = record.encrypted
        year = record.year
        error = record.error?.rawValue
        warnings = record.warnings.count
        size = record.size
        modified = record.modified.timeIntervalSince1970
        features = DocumentFeature.storedText(record.features)
        conformance = record.conformance?.rawValue
    }
}

extension UsageDeclaration {
    /// Identity of a declaration for de-duplication: everything but where it was read from.
    public var dedupeKey: String {
        let parts = [
            String(organisation), product, relation.rawValue, date ?? "\u{0}", evidence ?? "\u{0}",
            evidenceKind.rawValue,
        ]
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return lowercaseHex(digest)
    }
}

/// Scan roots are compared as given, without trailing slashes.
public func normalisedRoot(_ root: String) -> String {
    var text = root
    while text.count > 1 && text.hasSuffix("/") { text.removeLast() }
    return text
}

/// ``Pseudonymiser/topFolder(path:root:)`` of a scan's files, worked out once per folder: a scan hands over a
/// folder's files together, and splitting every path into components cost about 1.5 µs per document.
public struct TopFolders: Sendable {
    /// The last folder worked out (its path up to the last `/`) and its files' top folder.
    private var last: (folder: String, top: String?)?

    public init() {}

    /// The top folder of `path` below `root`, as ``Pseudonymiser/topFolder(path:root:)`` gives it.
    ///
    /// Reused for every file of the same folder, byte for byte: the top folder is split from the path's bytes, so
    /// it depends only on the bytes before the name (a name starting with a combining mark included).
    public mutating func topFolder(path: String, root: String) -> String? {
        guard let slash = path.lastSlashOffset, slash + 1 < path.utf8.count else {
            return Pseudonymiser.topFolder(path: path, root: root)
        }
        if let last, path.hasPathBytes(slash + 1, equalTo: last.folder) {
            return last.top
        }
        let top = Pseudonymiser.topFolder(path: path, root: root)
        let utf8 = path.utf8
        last = (String(path[..<utf8.index(utf8.startIndex, offsetBy: slash + 1)]), top)
        return top
    }
}

/// The folders above a scan's documents, as keyed hashes each with its parent's, up to `/`: stored in `folders`,
/// they let a scan of any folder find every document below it without a path ever being stored.
public struct FolderChain: Sendable {
    public struct Link: Sendable, Hashable {
        public var key: String
        public var parent: String?
    }

    public init() {}

    /// The keys of the folders added (keyed hashes of their bytes: a `Set<String>` of the folders themselves
    /// would take two spellings of one visible name for one folder).
    private var seen: Set<String> = []
    /// Folders not yet handed out by ``take()``.
    private var pending: [Link] = []
    /// The last folder asked about and its key: a scan hands over a folder's files together.
    private var last: (folder: String, key: String)?

    /// The folder holding `path` (`/srv/a` for `/srv/a/b.odt`, `/` for `/b.odt`); nil for a bare name.
    public static func folder(of path: String) -> String? {
        guard let slash = path.lastSlashOffset else { return nil }
        if slash == 0 { return path.utf8.count > 1 ? "/" : nil }
        let utf8 = path.utf8
        return String(path[..<utf8.index(utf8.startIndex, offsetBy: slash)])
    }

    /// Adds the folder of `path` and every folder above it not added before; returns the folder's key (nil for a
    /// bare name).
    @discardableResult
    public mutating func add(folderOf path: String, pseudonymiser: Pseudonymiser) -> String? {
        // The same folder as the last file, byte for byte: no folder string made (one per stored row otherwise).
        if let last, let slash = path.lastSlashOffset, slash != 0, path.hasPathBytes(slash, equalTo: last.folder) {
            return last.key
        }
        guard let folder = Self.folder(of: path) else { return nil }
        if let last, last.folder.isSamePath(folder) { return last.key }
        let key = pseudonymiser.pathKey(folder)
        last = (folder, key)
        var current: String? = folder
        var currentKey = key
        while let folder = current, seen.insert(currentKey).inserted {
            let parent = Self.folder(of: folder)
            let parentKey = parent.map(pseudonymiser.pathKey)
            pending.append(Link(key: currentKey, parent: parentKey))
            current = parent
            if let parentKey { currentKey = parentKey }
        }
        return key
    }

    /// The folders added since the last call.
    public mutating func take() -> [Link] {
        defer { pending.removeAll() }
        return pending
    }
}
