import Foundation

/// What a JSON text's top level holds, gathered by one streaming pass over its bytes: the keys of the root
/// object (wherever in the file they are), the keys of its `content` object (GLPI), the keys of a root
/// array's first element, short string values of a few telling keys, and how many top-level values there are
/// (NDJSON has more than one). Memory is one chunk plus these few capped sets, whatever the file's size.
struct JSONTopLevelScanner {
    enum Root: Equatable { case none, object, array, scalar }

    private(set) var root: Root = .none
    /// Top-level values begun (the first complete one and the start of the next: 2 means NDJSON or the like).
    private(set) var values = 0
    /// Whether the first top-level value has ended.
    private(set) var firstValueComplete = false
    /// The line (1-based) the first top-level value ended on.
    private(set) var firstValueEndLine = 0
    /// Keys of the first top-level object, in file order (capped).
    private(set) var rootKeys: [String] = []
    /// Short string values of telling root keys (`bomFormat`, `$schema`, `@context`, `itemtype`, ...).
    private(set) var rootStrings: [String: String] = [:]
    /// Keys of the root object's `content` object (GLPI agent JSON keeps `softwares` there).
    private(set) var contentKeys: Set<String> = []
    /// Keys of a root array's first element.
    private(set) var elementKeys: Set<String> = []
    /// Whether the first element of a root array has ended.
    private(set) var firstElementComplete = false
    /// Nesting deeper than `maxDepth`, and the line where it went deeper: the file is refused as the parser
    /// would refuse it.
    private(set) var tooDeep = false
    private(set) var tooDeepLine = 0
    let maxDepth: Int

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    static let maxKeys = 4096
    static let maxKeyBytes = 256
    static let tellingStrings: Set<String> = ["bomFormat", "$schema", "@context", "itemtype"]

    // Byte-level state, carried across chunks.
    private var containers: [Bool] = []  // true: object
    private var expectKey = false
    private var inString = false
    private var escaped = false
    private var collecting = false
    private var collected: [UInt8] = []
    private var collectedOverflow = false
    private var stringIsKey = false
    private var currentRootKey: String?
    private var line = 1
    private var inScalar = false

    private var depth: Int { containers.count }

    /// Feeds the next chunk of UTF-8 text.
    mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            while index < count {
                if inString && !collecting && !escaped {
                    // Most of a document is strings nobody reads: skip to their end (or an escape) at once.
                    while index < count && buffer[index] != 0x22 && buffer[index] != 0x5C { index += 1 }
                    if index == count { break }
                }
                step(buffer[index])
                index += 1
            }
        }
    }

    private mutating func step(_ byte: UInt8) {
        if tooDeep { return }  // the structure is no longer followed; the parser refuses the file
        if byte == 0x0A { line += 1 }
        if inString {
            if escaped {
                escaped = false
                if collecting { append(byte) }
            } else if byte == 0x5C {
                escaped = true
                if collecting { append(byte) }
            } else if byte == 0x22 {
                inString = false
                if collecting { finishString() }
            } else if collecting {
                append(byte)
            }
            return
        }
        switch byte {
        case 0x20, 0x0A, 0x0D, 0x09:
            endScalarAtTopLevel()
        case 0x22:
            beginValueAtTopLevel()
            if depth == 0 && root == .none { root = .scalar }
            inString = true
            stringIsKey = depth > 0 && containers[depth - 1] && expectKey
            // Keys at depths 1 and 2, and string values at depth 1, are what detection reads.
            collecting = !tooDeep && (stringIsKey ? depth <= 2 : depth == 1 && currentRootKey != nil)
            collected.removeAll(keepingCapacity: true)
            collectedOverflow = false
        case 0x7B, 0x5B:
            beginValueAtTopLevel()
            let isObject = byte == 0x7B
            if depth == 0 && root == .none { root = isObject ? .object : .array }
            if containers.count >= maxDepth {
                tooDeep = true
                tooDeepLine = line
                return
            }
            containers.append(isObject)
            expectKey = isObject
        case 0x7D, 0x5D:
            guard !containers.isEmpty else { return }
            containers.removeLast()
            if depth == 1 && root == .array && values == 1 { firstElementComplete = true }
            if depth == 1 && root == .object && values == 1 { currentRootKey = nil }
            expectKey = false
            if depth == 0 { endFirstValue() }
        case 0x2C:
            if depth > 0 && containers[depth - 1] { expectKey = true }
            if depth == 1 && root == .array && values == 1 { firstElementComplete = true }
            if depth == 1 && root == .object { currentRootKey = nil }
        case 0x3A:
            expectKey = false
        default:
            if depth == 0 {
                beginValueAtTopLevel()
                if !inScalar {
                    inScalar = true
                    if root == .none { root = .scalar }
                }
            }
        }
    }

    /// A top-level value begins: count it (the first one, or the next that makes the file NDJSON).
    private mutating func beginValueAtTopLevel() {
        guard depth == 0, !inScalar else { return }
        values += 1
    }

    private mutating func endScalarAtTopLevel() {
        guard depth == 0, inScalar else { return }
        inScalar = false
        endFirstValue()
    }

    private mutating func endFirstValue() {
        guard !firstValueComplete else { return }
        firstValueComplete = true
        firstValueEndLine = line
    }

    private mutating func append(_ byte: UInt8) {
        if collected.count < Self.maxKeyBytes { collected.append(byte) } else { collectedOverflow = true }
    }

    private mutating func finishString() {
        collecting = false
        guard values == 1 else { return }  // only the first top-level value is described
        let text = String(decoding: collected, as: UTF8.self)
        if stringIsKey {
            if depth == 1 && root == .object {
                currentRootKey = text
                if rootKeys.count < Self.maxKeys { rootKeys.append(text) }
            } else if depth == 2 && root == .object && currentRootKey == "content" {
                if contentKeys.count < Self.maxKeys { contentKeys.insert(text) }
            } else if depth == 2 && root == .array && !firstElementComplete {
                if elementKeys.count < Self.maxKeys { elementKeys.insert(text) }
            }
        } else if depth == 1, let key = currentRootKey, Self.tellingStrings.contains(key), !collectedOverflow {
            rootStrings[key] = text
        }
    }
}

/// The answer of JSON format detection.
enum JSONDetection: Equatable {
    /// A claimed format; `lineDelimited` when the file is one JSON object per line (an osquery results log).
    case format(InputFormat, lineDelimited: Bool)
    /// JSON, but none of the formats we read: what it is, for the error.
    case notAnInventory(String)
    /// Nested deeper than the limit, at this line.
    case tooDeep(line: Int)
}

extension JSONTopLevelScanner {
    /// The format, once the keys seen so far settle it; nil while more of the file could change the answer.
    /// With `atEnd` (the whole file was scanned) there is always an answer.
    func decision(atEnd: Bool) -> JSONDetection? {
        if tooDeep { return .tooDeep(line: tooDeepLine) }
        // A second top-level value: JSON lines. Only osquery's results log is read that way.
        if values >= 2 && firstValueComplete {
            if root == .object, Self.isOsqueryLogEntry(Set(rootKeys)) || Self.isOsqueryRow(Set(rootKeys)) {
                return .format(.osquery, lineDelimited: true)
            }
            return .notAnInventory("JSON values one after another (JSON lines); the first is a " + Self.describe(self))
        }
        switch root {
        case .object:
            let keys = Set(rootKeys)
            if keys.contains("spdxVersion") { return .format(.spdx, lineDelimited: false) }
            if let format = rootStrings["bomFormat"], format.lowercased() == "cyclonedx" {
                return .format(.cyclonedx, lineDelimited: false)
            }
            if keys.contains("@context") || keys.contains("@graph") {
                let context = rootStrings["@context"] ?? ""
                if context.lowercased().contains("spdx") || keys.contains("@graph") && context.isEmpty {
                    return .notAnInventory(
                        "an SPDX 3 JSON-LD document (@context \(context.isEmpty ? "with @graph" : context)); "
                            + "Overblik reads SPDX 2.2/2.3 JSON (spdxVersion) and CycloneDX: export one of those")
                }
                return .notAnInventory("a JSON-LD document (@context \(context)), not a software inventory")
            }
            if contentKeys.contains("softwares") { return .format(.glpiJSON, lineDelimited: false) }
            if let schema = rootStrings["$schema"], schema.lowercased().contains("winget-packages") {
                return .format(.wingetExport, lineDelimited: false)
            }
            guard atEnd || firstValueComplete else { return nil }
            if keys.contains("bomFormat") {
                return .notAnInventory(
                    "bomFormat \"\(rootStrings["bomFormat"] ?? "")\" is not CycloneDX, so not an SBOM we read")
            }
            if keys.contains("content") && (keys.contains("deviceid") || keys.contains("itemtype")) {
                let itemtype = rootStrings["itemtype"].map { " (itemtype \($0))" } ?? ""
                return .notAnInventory(
                    "GLPI agent JSON\(itemtype) without a content.softwares section: it lists no software")
            }
            if keys.contains("Sources")
                && (keys.contains("WinGetVersion") || keys.contains("CreationDate")
                    || keys.isSubset(of: ["$schema", "Sources"]))
            {
                return .format(.wingetExport, lineDelimited: false)
            }
            // The Defender API's response (`@odata.context`, `value`), or just its `value` kept.
            if keys.contains("@odata.context")
                || keys.contains("value") && keys.allSatisfy({ $0 == "value" || $0.hasPrefix("@odata") })
            {
                return .format(.defenderJSON, lineDelimited: false)
            }
            if Self.isOsqueryLogEntry(keys) {
                return .format(.osquery, lineDelimited: firstValueEndLine <= 1)
            }
            return .notAnInventory(Self.describe(self))
        case .array:
            guard firstElementComplete || atEnd || firstValueComplete else { return nil }
            if elementKeys.contains("softwareName")
                || elementKeys.isSuperset(of: ["name", "vendor", "exposedMachines"])
            {
                return .format(.defenderJSON, lineDelimited: false)
            }
            if Self.isOsqueryLogEntry(elementKeys) || Self.isOsqueryRow(elementKeys) {
                return .format(.osquery, lineDelimited: false)
            }
            if elementKeys.isEmpty {
                return .notAnInventory("a JSON array whose first element is not an object")
            }
            return .notAnInventory(Self.describe(self))
        case .scalar:
            return .notAnInventory("a single JSON value, not an object or array")
        case .none:
            return atEnd ? .notAnInventory("no JSON value") : nil
        }
    }

    /// An osquery results-log line: `hostIdentifier` with a differential row (`columns`) or a `snapshot`.
    static func isOsqueryLogEntry(_ keys: Set<String>) -> Bool {
        keys.contains("columns") || keys.contains("snapshot") || keys.contains("diffResults")
            || keys.contains("hostIdentifier") && (keys.contains("calendarTime") || keys.contains("unixTime"))
    }

    /// A row of osquery's `programs`, `deb_packages` or `rpm_packages` (every column is present, as a string).
    static func isOsqueryRow(_ keys: Set<String>) -> Bool {
        keys.contains("name") && keys.contains("version")
    }

    /// "a JSON object with top-level keys a, b, c: none of ...", for the error.
    static func describe(_ scanner: JSONTopLevelScanner) -> String {
        let shown: String
        switch scanner.root {
        case .array:
            let keys = scanner.elementKeys.sorted()
            shown =
                "JSON array of objects with keys \(keys.prefix(12).joined(separator: ", "))"
                + (keys.count > 12 ? ", ..." : "")
        default:
            shown =
                "JSON object with top-level keys \(scanner.rootKeys.prefix(12).joined(separator: ", "))"
                + (scanner.rootKeys.count > 12 ? ", ..." : "")
        }
        return shown + "; none of the JSON formats read: CycloneDX (bomFormat), SPDX 2 (spdxVersion), "
            + "GLPI agent (content.softwares), winget export (Sources), Defender API (value, softwareName), "
            + "osquery (results log with hostIdentifier and columns/snapshot, or rows with name and version)"
    }
}

enum JSONDetector {
    /// Decides a JSON file's format from its top level. The stream's first chunk (already read) is scanned
    /// first; when that does not settle it and the file goes on, the file is scanned again from a second
    /// handle, chunk by chunk, until the telling keys are found or the file ends. The stream itself is not
    /// consumed, so the reader that follows starts at the beginning.
    static func detect(stream: TextStream, maxDepth: Int) throws(ImportError) -> JSONDetection {
        var scanner = JSONTopLevelScanner(maxDepth: maxDepth)
        scanner.feed(stream.peekFirstChunk())
        if let decision = scanner.decision(atEnd: false) { return decision }
        let file = stream.file
        if let size = file.fileSize, size <= Int64(stream.firstChunkRawCount) {
            return scanner.decision(atEnd: true)!
        }
        guard file.isRegularFile else {
            return .notAnInventory(
                "JSON whose format is not settled in its first \(stream.firstChunkRawCount) bytes, "
                    + "and the input cannot be read twice (not a regular file); give --input-format")
        }
        let second = try ChunkedFile(url: file.url, chunkSize: file.chunkSize)
        let text = try TextStream(file: second, forcedEncoding: stream.encoding)
        scanner = JSONTopLevelScanner(maxDepth: maxDepth)
        while let chunk = try text.next() {
            scanner.feed(chunk)
            if let decision = scanner.decision(atEnd: false) { return decision }
        }
        return scanner.decision(atEnd: true)!
    }
}
