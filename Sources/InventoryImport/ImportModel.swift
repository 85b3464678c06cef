public import Foundation
public import OverblikModel
import Geography

/// What the importer needs from the catalog: the classifier's answer for an inventory line, and the
/// product id a declaration names (an id, or a product name).
public protocol InventoryClassifying: Sendable {
    func classify(
        title: String, publisher: String?, version: String?, package: String?, platform: String?
    )
        -> Classification
    /// The catalog id for `text` (an id such as `os2kitos`, or a name such as "OS2kitos" or "SBSYS"), or nil.
    func productID(for text: String) -> String?
}

/// Pseudonymises host names with a keyed hash (HMAC-SHA256), so the same host gets the same
/// pseudonym in every import made with the same key, and nobody without the key can reverse it.
public struct HostPseudonymiser: Sendable {
    private let keyed: KeyedHash

    public init(key: [UInt8]) {
        self.keyed = KeyedHash(key: key)
    }

    /// `h:` + the first 16 hex digits of HMAC-SHA256(key, lower-cased trimmed host name).
    public func pseudonym(for host: String) -> String {
        let normalised = host.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return "h:" + lowercaseHex(keyed.authenticationCode(normalised).prefix(8))
    }
}

/// Where the host key comes from: an explicit value (`--host-key`), the `OVERBLIK_HOST_KEY`
/// environment variable, or a key file created on first use (`~/.config/overblik/host.key`).
public enum HostKey {
    public static let environmentVariable = "OVERBLIK_HOST_KEY"

    /// `$XDG_CONFIG_HOME/overblik/host.key`, else `~/.config/overblik/host.key`.
    public static func defaultFile(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg, isDirectory: true)
        } else {
            base = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config", isDirectory: true)
        }
        return base.appendingPathComponent("overblik", isDirectory: true).appendingPathComponent("host.key")
    }

    /// The key bytes: `explicit` or the environment variable as given (its UTF-8 bytes), else the key file,
    /// created with 32 random bytes (hex, mode 0600) when it does not exist yet.
    public static func resolve(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment, file: URL? = nil
    ) throws(ImportError) -> [UInt8] {
        if let explicit, !explicit.isEmpty { return Array(explicit.utf8) }
        if let value = environment[environmentVariable], !value.isEmpty { return Array(value.utf8) }
        return try loadOrCreate(file ?? defaultFile(environment: environment))
    }

    public static func loadOrCreate(_ file: URL) throws(ImportError) -> [UInt8] {
        let manager = FileManager.default
        if let data = manager.contents(atPath: file.path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw .unreadableFile(file: file.path, reason: "the host key file is empty") }
            return Array(text.utf8)
        }
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        do {
            try manager.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
            guard
                manager.createFile(
                    atPath: file.path, contents: Data((hex + "\n").utf8),
                    attributes: [.posixPermissions: 0o600])
            else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw .unreadableFile(
                file: file.path, reason: "cannot create the host key file: \(error.localizedDescription)")
        }
        return Array(hex.utf8)
    }
}

/// Receives the records of one file as they are read. A store wraps one file in one transaction:
/// begin before ``InventoryImporter/importFile(at:into:)``, commit when it returns, roll back when it throws.
public protocol ImportSink: AnyObject {
    func accept(_ record: SoftwareRecord) throws
    func accept(_ declaration: UsageDeclaration) throws
}

/// Keeps everything in memory (tests, small files).
public final class CollectingSink: ImportSink {
    public private(set) var records: [SoftwareRecord] = []
    public private(set) var declarations: [UsageDeclaration] = []

    public init() {}

    public func accept(_ record: SoftwareRecord) { records.append(record) }
    public func accept(_ declaration: UsageDeclaration) { declarations.append(declaration) }
}

/// Installations counted from software records: lines for the same product on the same host collapse
/// into one installation; aggregate exports (no host) add their counts.
public struct InstallationTally: Sendable, Equatable {
    /// Product → installations (distinct hosts, plus aggregate counts).
    public var byProduct: [String: Int] {
        var counts = aggregate
        for (product, hosts) in hostInstallations { counts[product, default: 0] += hosts }
        return counts
    }
    /// Records of a known product on a host that joined an installation
    /// (help packs, a second ARP entry, Debian's many `libreoffice-*` packages).
    public private(set) var collapsedLines = 0
    /// Distinct hosts seen.
    public var hosts: Int { hostSet.count }
    private var hostSet = Set<String>()
    private var seen = Set<HostProduct>()
    private var partsBeforeMain: [HostProduct: Int] = [:]
    private var hostInstallations: [String: Int] = [:]
    private var aggregate: [String: Int] = [:]

    private struct HostProduct: Hashable, Sendable {
        var host: String
        var product: String
    }

    public init() {}

    private var lastHost: String?

    public mutating func add(_ record: SoftwareRecord) {
        if let host = record.host, host != lastHost {
            hostSet.insert(host)
            lastHost = host
        }
        let product = record.classification.product
        guard product != Classification.unknownProduct else { return }
        guard let host = record.host else {
            if record.classification.countsAsInstallation { aggregate[product, default: 0] += record.installCount }
            return
        }
        let key = HostProduct(host: host, product: product)
        if seen.contains(key) {
            collapsedLines += 1
        } else if record.classification.countsAsInstallation {
            seen.insert(key)
            hostInstallations[product, default: 0] += 1
            // Parts listed before the main entry belong to it too.
            collapsedLines += partsBeforeMain.removeValue(forKey: key) ?? 0
        } else {
            partsBeforeMain[key, default: 0] += 1
        }
    }

    /// Adds another file's tally; a host and product seen in both count once.
    public mutating func merge(_ other: InstallationTally) {
        for key in other.seen {
            if seen.insert(key).inserted {
                hostInstallations[key.product, default: 0] += 1
            } else {
                collapsedLines += 1
            }
        }
        for (product, count) in other.aggregate { aggregate[product, default: 0] += count }
        collapsedLines += other.collapsedLines
        hostSet.formUnion(other.hostSet)
    }
}

/// The outcome of importing one readable file.
public struct FileImportReport: Sendable {
    /// The path as given, and the name recorded as each record's `source`.
    public var path: String
    public var source: String
    public var format: InputFormat
    /// What recognised the content more precisely: a column preset (`sccm-installed-software`),
    /// a sheet name, an agent (`fusioninventory`, `ocs`), `kitos`, ...
    public var variant: String?
    public var encoding: TextEncoding?
    /// `sha256:` + hex digest of the file's bytes: a store refuses to count the same file twice.
    public var fileHash: String
    public var fileSize: Int64
    /// Data lines or records read (header and blank lines excluded).
    public var linesRead = 0
    public var softwareRecords = 0
    public var usageDeclarations = 0
    /// Lines that could not be turned into a record; `diagnostics` lists the first of them.
    public var unreadableLines = 0
    public var diagnostics: [Diagnostic] = []
    /// Rows of a delimited file with fewer fields than the header: kept with the fields they have, and flagged
    /// (the first ``FileImportReport/listedShortRows`` as `short-row` notes with their line).
    public var shortRows = 0
    /// Lines read but deliberately not imported, by reason (`not installed`, `inactive in KITOS`, ...).
    public var skipped: [String: Int] = [:]
    /// Records of items the file itself marks as not installed (dpkg `deinstall ok config-files`, ...), by the
    /// file's status text. They are records (the line is software the host had) with `counts_as_installation`
    /// false, so they never add to installation counts.
    public var notInstalled: [String: Int] = [:]
    /// Notes about the file as a whole (the delimiter found, repairs made to invalid JSON, the sheet read, ...).
    public var notes: [Diagnostic] = []
    public var tally = InstallationTally()
    /// Unknown titles and how many lines carried them (capped at ``FileImportReport/unknownTitleCap`` titles).
    public var unknownTitles: [String: Int] = [:]

    public static let unknownTitleCap = 50_000
    /// How many short rows are listed in ``notes`` (all are counted in ``shortRows``).
    public static let listedShortRows = 20

    public init(path: String, source: String, format: InputFormat, fileHash: String = "", fileSize: Int64 = 0) {
        self.path = path
        self.source = source
        self.format = format
        self.fileHash = fileHash
        self.fileSize = fileSize
    }
}

/// One file's import, collected in memory.
public struct FileImport: Sendable {
    public var report: FileImportReport
    public var records: [SoftwareRecord]
    public var declarations: [UsageDeclaration]
}

/// Options for one import run.
public struct ImportOptions: Sendable {
    /// Municipality or region code for every record (unless a column names the organisation).
    public var organisation: Int?
    /// Forces a format; nil detects it from the content.
    public var inputFormat: InputFormat?
    public var columnMap: ColumnMapOverride?
    /// Whether a table's first row is its header (`--header`, `--no-header`); `.auto` decides (see
    /// ``FirstRow``).
    public var firstRow: FirstRow = .auto
    /// Spreadsheet sheet to read; nil reads the first.
    public var sheet: String?
    /// Keep host names as they are instead of pseudonymising them.
    public var includeHostNames = false
    public var hostPseudonymiser: HostPseudonymiser
    /// Make any unreadable line fail the file.
    public var strict = false
    public var maxRecordBytes = CSVReader.defaultMaxRecordBytes
    public var maxNestingDepth = 512
    /// Whole-file formats (JSON, XML, spreadsheets) above this size are refused.
    public var maxWholeFileBytes: Int64 = 1 << 30
    /// How many unreadable lines are listed (all are counted).
    public var maxListedDiagnostics = 1000
    /// CSV files at least this large are read and split into rows on a second thread (``PrefetchedRows``)
    /// while the caller's thread decodes, classifies and feeds the sink: only bytes cross threads, so this pays
    /// where handing over records (an earlier design, measured slower) did not.
    public var rowPrefetchMinimumBytes: Int64 = 4 << 20
    /// Resolves organisation names and codes found in columns (default: Denmark's authorities, any alias).
    public var resolveOrganisation: @Sendable (String) -> Int?

    public init(
        organisation: Int? = nil, hostPseudonymiser: HostPseudonymiser,
        resolveOrganisation: (@Sendable (String) -> Int?)? = nil
    ) {
        self.organisation = organisation
        self.hostPseudonymiser = hostPseudonymiser
        self.resolveOrganisation = resolveOrganisation ?? { AuthorityDirectory.denmark.lookup($0)?.code }
    }
}

/// Whether the first row of a CSV file or sheet is a header.
public enum FirstRow: String, Sendable, CaseIterable {
    /// A header, except that with `--map` giving every column by number a first row that no preset or synonym
    /// recognises and that holds a cell starting with a digit (a version, a count, a date) is data.
    case auto
    /// Always a header (`--header`).
    case header
    /// Never a header: the file starts with data, and `--map` gives the columns by number (`--no-header`).
    case data
}
