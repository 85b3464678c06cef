import Foundation

/// Splits a text stream into lines (LF or CRLF), one at a time, refusing a line longer than the cap.
final class LineReader {
    private let stream: TextStream
    private let maxBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    private var current: [UInt8] = []
    private(set) var lineNumber = 0

    init(stream: TextStream, maxBytes: Int) {
        self.stream = stream
        self.maxBytes = maxBytes
    }

    /// The next line without its terminator, or nil at the end.
    func next() throws(ImportError) -> String? {
        current.removeAll(keepingCapacity: true)
        while true {
            if position >= buffer.count {
                if exhausted { break }
                guard let chunk = try stream.next() else {
                    exhausted = true
                    break
                }
                buffer = chunk
                position = 0
            }
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                current.append(contentsOf: buffer[position..<newline])
                position = newline + 1
                lineNumber += 1
                if current.count > maxBytes {
                    throw .recordTooLarge(file: stream.file.url.path, line: lineNumber, limit: maxBytes)
                }
                return decode()
            }
            current.append(contentsOf: buffer[position...])
            position = buffer.count
            if current.count > maxBytes {
                throw .recordTooLarge(file: stream.file.url.path, line: lineNumber + 1, limit: maxBytes)
            }
        }
        if current.isEmpty { return nil }
        lineNumber += 1
        return decode()
    }

    private func decode() -> String {
        if current.last == 0x0D { current.removeLast() }
        return FieldDecoder.string(current, encoding: stream.encoding)
    }
}

/// Line-oriented text formats: dpkg status, `dpkg-query -W`, `rpm -qa`, `winget list`, `.reg` exports.
enum LineFormats {
    static func importLines(stream: TextStream, format: InputFormat, emitter: RecordEmitter) throws(ImportError) {
        guard emitter.options.organisation != nil else { throw .missingOrganisation(file: emitter.fileName) }
        let lines = LineReader(stream: stream, maxBytes: emitter.options.maxRecordBytes)
        switch format {
        case .dpkgStatus: try dpkgStatus(lines, emitter: emitter)
        case .dpkgQuery: try dpkgQuery(lines, emitter: emitter)
        case .dpkgList: try dpkgList(lines, emitter: emitter)
        case .rpm: try rpm(lines, emitter: emitter)
        case .wingetList: try wingetList(lines, emitter: emitter)
        case .reg: try registry(lines, emitter: emitter)
        default: break
        }
    }

    /// Whether a dpkg `Status` value (`want flag state`) means the package is installed, judged by its state
    /// word: `installed` and the trigger states are configured packages whatever the wanted action
    /// (`deinstall ok installed` is still installed until removed); `not-installed`, `config-files` (removed,
    /// configuration left), `half-installed`, `unpacked` and `half-configured` are not (or not yet) installations.
    /// nil when `status` is not a dpkg status (no status given counts as installed).
    static func dpkgNotInstalled(_ status: String?) -> NotInstalled? {
        guard let status else { return nil }
        let words = status.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let state = words.last?.lowercased() else { return nil }
        switch state {
        case "installed", "triggers-awaited", "triggers-pending": return nil
        case "not-installed", "config-files", "half-installed", "unpacked", "half-configured":
            return NotInstalled(
                ruleSuffix: InventoryImporter.dpkgNotInstalledSuffix, status: words.joined(separator: " "))
        default: return nil
        }
    }

    // MARK: dpkg

    static func dpkgStatus(_ lines: LineReader, emitter: RecordEmitter) throws(ImportError) {
        var fields: [String: String] = [:]
        var startLine = 0
        var lastKey: String?
        func flush() throws(ImportError) {
            defer {
                fields.removeAll()
                lastKey = nil
            }
            guard !fields.isEmpty else { return }
            emitter.report.linesRead += 1
            guard let package = fields["package"], !package.isEmpty else {
                emitter.unreadable(line: startLine, "paragraph without Package")
                return
            }
            var item = RawItem(line: startLine, title: package)
            item.notInstalled = dpkgNotInstalled(fields["status"])
            item.version = fields["version"]
            item.publisher = fields["maintainer"]
            item.package = package
            item.platform = "linux"
            try emitter.emit(item)
        }
        while let line = try lines.next() {
            if line.trimmedField.isEmpty {
                try flush()
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard lastKey != nil else {
                    emitter.unreadable(line: lines.lineNumber, "continuation line outside a field")
                    continue
                }
                continue  // multi-line values (Description, Conffiles): not needed
            }
            guard let colon = line.firstIndex(of: ":") else {
                emitter.unreadable(line: lines.lineNumber, "not a \"Field: value\" line")
                continue
            }
            if fields.isEmpty { startLine = lines.lineNumber }
            let key = line[..<colon].lowercased()
            fields[key] = String(line[line.index(after: colon)...]).trimmedField
            lastKey = key
        }
        try flush()
    }

    static func dpkgQuery(_ lines: LineReader, emitter: RecordEmitter) throws(ImportError) {
        while let line = try lines.next() {
            if line.trimmedField.isEmpty { continue }
            emitter.report.linesRead += 1
            guard let parsed = DpkgQueryLine.parse(line) else {
                emitter.unreadable(line: lines.lineNumber, "not a dpkg-query line (package, version)")
                continue
            }
            try emitDpkgPackage(
                parsed.package, version: parsed.version, status: parsed.status, line: lines.lineNumber, emitter)
        }
    }

    /// One package of a dpkg listing: installed or recorded as not installed, by its status.
    private static func emitDpkgPackage(
        _ package: String, version: String, status: String?, line: Int, _ emitter: RecordEmitter
    ) throws(ImportError) {
        var item = RawItem(line: line, title: package)
        item.notInstalled = dpkgNotInstalled(status)
        item.version = version
        item.package = package
        item.platform = "linux"
        try emitter.emit(item)
    }

    /// `dpkg -l`: rows after the `+++-===` rule. Every row is a record; as with dpkg's status file, a row whose
    /// state is not installed (`rc`: removed, configuration left; `un`: known, not installed) is recorded but
    /// does not count as an installation.
    static func dpkgList(_ lines: LineReader, emitter: RecordEmitter) throws(ImportError) {
        var inTable = false
        var hasArchitecture = true
        var previous = ""
        while let line = try lines.next() {
            if !inTable {
                if line.hasPrefix("+++-") || line.hasPrefix("++-") {
                    inTable = true
                    // The header above the rule: dpkg before 1.16.2 had no Architecture column.
                    hasArchitecture = previous.split(separator: " ").count >= 5
                }
                previous = line
                continue
            }
            if line.trimmedField.isEmpty { continue }
            emitter.report.linesRead += 1
            guard let parsed = DpkgListLine.parse(line, hasArchitecture: hasArchitecture) else {
                emitter.unreadable(line: lines.lineNumber, "not a dpkg -l row (state, name, version)")
                continue
            }
            try emitDpkgPackage(
                parsed.package, version: parsed.version, status: parsed.status, line: lines.lineNumber, emitter)
        }
        if !inTable {
            throw .malformed(file: emitter.fileName, format: "dpkg -l", line: nil, reason: "no +++-=== header rule")
        }
    }

    // MARK: rpm

    static func rpm(_ lines: LineReader, emitter: RecordEmitter) throws(ImportError) {
        while let line = try lines.next() {
            if line.trimmedField.isEmpty { continue }
            emitter.report.linesRead += 1
            if line.contains("\t") {
                // The agents' --queryformat list: name, arch, version-release, install time, size, vendor, ...
                guard let parsed = RPMQueryLine.parse(line) else {
                    emitter.unreadable(
                        line: lines.lineNumber, "not name<TAB>arch<TAB>version-release[<TAB>installtime...]")
                    continue
                }
                emitter.report.variant = "rpm-queryformat"
                var item = RawItem(line: lines.lineNumber, title: parsed.name)
                item.version = parsed.version
                item.publisher = parsed.vendor
                item.package = parsed.name
                item.platform = "linux"
                item.installDate = parsed.installTime
                try emitter.emit(item)
                continue
            }
            guard let parsed = RPMName.parse(line) else {
                emitter.unreadable(line: lines.lineNumber, "not name-version-release[.arch]")
                continue
            }
            var item = RawItem(line: lines.lineNumber, title: parsed.name)
            item.version = parsed.version + "-" + parsed.release
            item.package = parsed.name
            item.platform = "linux"
            try emitter.emit(item)
        }
    }

    // MARK: winget list

    /// Columns start where the header's words start. Truncated cells end in `…`, which a wrong code page
    /// turns into `???` — two characters longer than the column, so the rest of the line shifts.
    static func wingetList(_ lines: LineReader, emitter: RecordEmitter) throws(ImportError) {
        var starts: [Int] = []
        var names: [String] = []
        var previous: String?
        var inTable = false
        while let line = try lines.next() {
            let trimmed = line.trimmedField
            if !inTable {
                if trimmed.count > 10, trimmed.allSatisfy({ $0 == "-" || $0 == "─" }), let header = previous {
                    (starts, names) = columnStarts(header)
                    inTable = names.contains("Id") && names.contains("Name")
                }
                previous = line.replacingOccurrences(of: "\r", with: "")
                continue
            }
            if trimmed.isEmpty { continue }
            emitter.report.linesRead += 1
            let cells = splitWingetRow(Array(line), starts: starts)
            var byName: [String: String] = [:]
            for (index, name) in names.enumerated() where index < cells.count { byName[name] = cells[index] }
            guard let title = byName["Name"], !title.isEmpty else {
                emitter.unreadable(line: lines.lineNumber, "no name in the Name column")
                continue
            }
            var item = RawItem(line: lines.lineNumber, title: title)
            item.version = byName["Version"]
            let id = byName["Id"] ?? ""
            item.package = id.isEmpty ? nil : id
            item.platform = "windows"
            try emitter.emit(item)
        }
        if !inTable {
            throw .malformed(file: emitter.fileName, format: "winget list", line: nil, reason: "no Name/Id header")
        }
    }

    static func columnStarts(_ header: String) -> ([Int], [String]) {
        var starts: [Int] = []
        var names: [String] = []
        var previousWasSpace = true
        let characters = Array(header)
        for (index, character) in characters.enumerated() {
            if character != " " && previousWasSpace {
                starts.append(index)
                names.append(String(characters[index...].prefix { $0 != " " }))
            }
            previousWasSpace = character == " "
        }
        return (starts, names)
    }

    static func splitWingetRow(_ characters: [Character], starts: [Int]) -> [String] {
        var cells: [String] = []
        var shift = 0
        for (column, start) in starts.enumerated() {
            let from = start + shift
            guard from < characters.count else {
                cells.append("")
                continue
            }
            var end = column + 1 < starts.count ? starts[column + 1] + shift - 1 : characters.count
            end = min(end, characters.count)
            // A mojibake ellipsis (`???`) runs two characters into the gap and shifts what follows.
            if column + 1 < starts.count, end + 2 <= characters.count, end >= 1,
                characters[end] != " ", String(characters[(end - 1)..<min(end + 2, characters.count)]) == "???"
            {
                end += 2
                shift += 2
            }
            let cell = String(characters[from..<max(from, end)]).trimmedField
            cells.append(cell)
        }
        return cells
    }

    // MARK: .reg

    /// A `regedit` export: `[key]` sections of `"Name"="value"` lines. One record per Uninstall subkey
    /// with a `DisplayName`.
    static func registry(_ lines: LineReader, emitter: RecordEmitter) throws(ImportError) {
        var values: [String: String] = [:]
        var keyName: String?
        var keyLine = 0
        var continuing = false
        var uninstallKeys = 0
        var firstKey: String?
        func flush() throws(ImportError) {
            defer { values.removeAll() }
            guard let keyName else { return }
            let lastComponent = keyName.split(separator: "\\").last.map(String.init) ?? keyName
            guard let title = values["displayname"], !title.isEmpty else {
                if !values.isEmpty && keyName.lowercased().contains("\\uninstall\\") { emitter.skip("no DisplayName") }
                return
            }
            emitter.report.linesRead += 1
            var item = RawItem(line: keyLine, title: title)
            item.version = values["displayversion"]
            item.publisher = values["publisher"]
            item.package = lastComponent
            item.platform = "windows"
            if let date = values["installdate"] { item.installDate = ValueParsing.date(date) }
            try emitter.emit(item)
        }
        while let rawLine = try lines.next() {
            let line = rawLine.trimmedField
            if continuing {
                continuing = line.hasSuffix("\\")
                continue
            }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                try flush()
                let name = String(line.dropFirst().dropLast())
                keyName = name
                keyLine = lines.lineNumber
                firstKey = firstKey ?? name
                if name.lowercased().contains("\\uninstall") { uninstallKeys += 1 }
                continue
            }
            guard line.hasPrefix("\"") else {
                continuing = line.hasSuffix("\\")
                continue
            }
            guard let (name, value) = parseRegistryValue(line) else {
                continuing = line.hasSuffix("\\")
                continue
            }
            values[name.lowercased()] = value
        }
        try flush()
        // An export of another part of the registry (Office's Registration key, a policy) lists no software.
        if uninstallKeys == 0 {
            throw .notAnInventory(
                file: emitter.fileName,
                what: "a regedit export without Uninstall keys"
                    + (firstKey.map { " (first key: [\($0)])" } ?? " (no keys)")
                    + "; export HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall")
        }
    }

    /// `"Name"="string value"` with `\\` and `\"` escapes; other value types (dword, hex) are not needed.
    static func parseRegistryValue(_ line: String) -> (String, String)? {
        var characters = line.makeIterator()
        guard characters.next() == "\"" else { return nil }
        var name = ""
        var escaped = false
        while let character = characters.next() {
            if escaped {
                name.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                name.append(character)
            }
        }
        guard characters.next() == "=", characters.next() == "\"" else { return nil }
        var value = ""
        escaped = false
        while let character = characters.next() {
            if escaped {
                value.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return (name, value)
            } else {
                value.append(character)
            }
        }
        return nil
    }
}
