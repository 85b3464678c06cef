import Foundation
import OverblikModel

/// JSON input made safe for Foundation: nesting is measured before parsing (a 100,000-deep document
/// is refused, not recursed into), and documents that are not quite JSON — as vendors publish them —
/// are repaired in a few well-defined ways, each reported.
enum JSONInput {
    /// Throws ``ImportError/nestingTooDeep(file:line:limit:)`` when arrays/objects nest deeper than `limit`.
    static func checkDepth(_ bytes: [UInt8], limit: Int, file: String, firstLine: Int = 1) throws(ImportError) {
        var depth = 0
        var line = firstLine
        var inString = false
        var escaped = false
        for byte in bytes {
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == 0x5C {
                    escaped = true
                } else if byte == 0x22 {
                    inString = false
                }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x5B, 0x7B:
                depth += 1
                if depth > limit { throw .nestingTooDeep(file: file, line: line, limit: limit) }
            case 0x5D, 0x7D: depth -= 1
            default: break
            }
        }
    }

    /// Parses `bytes` as JSON; when that fails, tries the repairs vendors' examples need (a line of `...`,
    /// trailing commas, two adjacent strings where one value belongs) and reports each repair.
    static func parse(
        _ bytes: [UInt8], limit: Int, file: String, format: String, notes: inout [String]
    ) throws(ImportError) -> Any {
        try checkDepth(bytes, limit: limit, file: file)
        let firstError: any Error
        do {
            return try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            firstError = error
        }
        let (repaired, repairs) = repair(bytes)
        if !repairs.isEmpty, let value = try? JSONSerialization.jsonObject(with: Data(repaired)) {
            notes.append("not valid JSON; read after repairs: " + repairs.joined(separator: "; "))
            return value
        }
        // The line of the original bytes where Foundation stopped (the repairs did not help).
        let reason = JSONErrorLine.message(of: firstError)
        throw .malformed(
            file: file, format: format, line: JSONErrorLine.line(in: bytes, message: reason), reason: reason)
    }

    /// Removes `...` placeholders, trailing commas and the second of two adjacent string values.
    static func repair(_ bytes: [UInt8]) -> ([UInt8], [String]) {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var repairs: [String] = []
        var line = 1
        var index = 0
        /// The last significant byte written outside strings (`"` stands for the end of a string).
        var lastSignificant: UInt8 = 0
        var lastCommaOffset: Int?
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A { line += 1 }
            if byte == 0x22 {
                // Read the whole string.
                var end = index + 1
                var escaped = false
                while end < bytes.count {
                    let b = bytes[end]
                    if escaped {
                        escaped = false
                    } else if b == 0x5C {
                        escaped = true
                    } else if b == 0x22 {
                        break
                    }
                    end += 1
                }
                let stringBytes = bytes[index...min(end, bytes.count - 1)]
                if lastSignificant == 0x22 {
                    repairs.append(
                        "line \(line): dropped a second adjacent string \(String(decoding: stringBytes, as: UTF8.self))"
                    )
                } else {
                    out.append(contentsOf: stringBytes)
                    lastSignificant = 0x22
                    lastCommaOffset = nil
                }
                index = end + 1
                continue
            }
            if byte == 0x2E, !(lastSignificant >= 0x30 && lastSignificant <= 0x39) {
                var end = index
                while end < bytes.count && bytes[end] == 0x2E { end += 1 }
                repairs.append("line \(line): removed a \"\(String(repeating: ".", count: end - index))\" placeholder")
                index = end
                continue
            }
            if byte == 0x7D || byte == 0x5D, let comma = lastCommaOffset {
                out.remove(at: comma)
                repairs.append("line \(line): removed a trailing comma")
            }
            out.append(byte)
            if !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) {
                lastSignificant = byte
                lastCommaOffset = byte == 0x2C ? out.count - 1 : nil
            }
            index += 1
        }
        return (out, repairs)
    }
}

/// JSON inventories: GLPI agent, CycloneDX, SPDX, winget export, osquery, Defender API.
enum JSONFormats {
    /// `lineDelimited`: what detection found (one JSON object per line); nil when the format was forced, and
    /// an osquery file that starts with `{` is then read as a results log.
    static func importJSON(
        stream: TextStream, format: InputFormat, lineDelimited: Bool? = nil, emitter: RecordEmitter
    ) throws(ImportError) {
        guard emitter.options.organisation != nil else { throw .missingOrganisation(file: emitter.fileName) }
        let prefix = stream.peekPrefix()
        if format == .osquery,
            lineDelimited
                ?? (prefix.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == 0x7B)
        {
            try osqueryNDJSON(stream: stream, emitter: emitter)
            return
        }
        let bytes = try stream.readAllText(limit: emitter.options.maxWholeFileBytes)
        var notes: [String] = []
        let root = try JSONInput.parse(
            bytes, limit: emitter.options.maxNestingDepth, file: emitter.fileName, format: format.rawValue,
            notes: &notes)
        for note in notes { emitter.note(note) }
        switch format {
        case .glpiJSON: try glpi(root, emitter: emitter)
        case .cyclonedx: try cyclonedx(root, emitter: emitter)
        case .spdx: try spdx(root, emitter: emitter)
        case .wingetExport: try wingetExport(root, emitter: emitter)
        case .osquery: try osqueryRows(root, host: nil, emitter: emitter)
        case .defenderJSON: try defender(root, emitter: emitter)
        default: break
        }
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text.isEmpty ? nil : text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    static func malformed(_ emitter: RecordEmitter, _ reason: String) -> ImportError {
        .malformed(file: emitter.fileName, format: emitter.report.format.rawValue, line: nil, reason: reason)
    }

    // MARK: GLPI agent

    static func glpi(_ root: Any, emitter: RecordEmitter) throws(ImportError) {
        guard let object = root as? [String: Any], let content = object["content"] as? [String: Any] else {
            throw malformed(emitter, "no \"content\" object")
        }
        guard let softwares = content["softwares"] as? [Any] else {
            throw malformed(emitter, "no content.softwares array")
        }
        let hardware = content["hardware"] as? [String: Any]
        if let host = string(hardware?["name"]) ?? string(object["deviceid"]) { emitter.fileHost = host }
        emitter.report.variant = "glpi-agent"
        let osName = string((content["operatingsystem"] as? [String: Any])?["name"])
        for (index, entry) in softwares.enumerated() {
            emitter.report.linesRead += 1
            guard let software = entry as? [String: Any], let name = string(software["name"]) else {
                emitter.unreadable(line: index + 1, "software entry without a name")
                continue
            }
            var item = RawItem(line: index + 1, title: name)
            item.version = string(software["version"])
            item.publisher = string(software["publisher"])
            item.package = string(software["guid"])
            item.platform = platform(from: string(software["from"]), osName: osName)
            if let date = string(software["install_date"]) { item.installDate = ValueParsing.date(date) }
            try emitter.emit(item)
        }
    }

    static func platform(from source: String?, osName: String?) -> String? {
        switch source?.lowercased() {
        case "registry", "msi", "msix", "uwp", "windows": return "windows"
        case "deb", "rpm", "snap", "flatpak", "pacman", "gentoo", "slackware", "nix": return "linux"
        case "android": return "android"
        case "application", "pkgutil", "macos": return "macos"
        default: break
        }
        guard let osName = osName?.lowercased() else { return nil }
        if osName.contains("windows") { return "windows" }
        if osName.contains("mac") || osName.contains("darwin") { return "macos" }
        if osName.contains("linux") || osName.contains("debian") || osName.contains("ubuntu")
            || osName.contains("fedora")
        {
            return "linux"
        }
        return nil
    }

    // MARK: SBOMs

    /// CycloneDX component types that are software a machine runs (CycloneDX 1.6 `component.type`): the others
    /// are hardware (`device`), firmware of a device, files, data, models, cryptographic assets, or a container
    /// image as a whole (its contents are listed as components of their own).
    static let cyclonedxSoftwareTypes: Set<String> = [
        "application", "framework", "library", "operating-system", "platform", "device-driver",
    ]
    /// Subject types (`metadata.component.type`) that are a machine or a machine's image: such an SBOM is a host's
    /// inventory. An SBOM of an application, library or file lists what that software is built from.
    static let cyclonedxMachineTypes: Set<String> = ["operating-system", "container", "device", "platform"]

    static func cyclonedx(_ root: Any, emitter: RecordEmitter) throws(ImportError) {
        guard let object = root as? [String: Any] else { throw malformed(emitter, "not a JSON object") }
        let metadata = object["metadata"] as? [String: Any]
        let subject = metadata?["component"] as? [String: Any]
        if let system = string(subject?["name"]), !InventoryImporter.isGenericSubjectName(system) {
            emitter.fileHost = system
        }
        emitter.report.variant = string(object["specVersion"]).map { "cyclonedx-\($0)" }
        // An SBOM without a subject may be a machine's; one whose subject is declared to be something else is not,
        // unless it is a scan of a file system's root (`trivy rootfs /` calls that an application).
        let notAMachine = string(subject?["type"]).flatMap { type in
            cyclonedxMachineTypes.contains(type) || isFileSystemRoot(string(subject?["name"])) ? nil : type
        }
        var number = 0
        func walk(_ components: [Any]) throws(ImportError) {
            for entry in components {
                number += 1
                emitter.report.linesRead += 1
                guard let component = entry as? [String: Any], let name = string(component["name"]) else {
                    emitter.unreadable(line: number, "component without a name")
                    continue
                }
                let type = string(component["type"])
                if let notAMachine {
                    emitter.skip(
                        "listed by an SBOM whose subject is not a machine (metadata.component.type \(notAMachine))")
                } else if let type, !cyclonedxSoftwareTypes.contains(type) {
                    emitter.skip("not installed software (CycloneDX component type \(type))")
                } else {
                    var item = RawItem(line: number, title: name)
                    item.version = string(component["version"])
                    // A Maven/npm `group` is a namespace, not who publishes the software.
                    item.publisher =
                        string((component["supplier"] as? [String: Any])?["name"])
                        ?? string((component["manufacturer"] as? [String: Any])?["name"])
                        ?? string(component["publisher"]) ?? string(component["author"])
                    item.package = string(component["purl"]) ?? string(component["cpe"])
                    try emitter.emit(item)
                }
                if let nested = component["components"] as? [Any] { try walk(nested) }
            }
        }
        guard let components = object["components"] as? [Any] else {
            if object["bomFormat"] != nil { return }  // an SBOM with no components
            throw malformed(emitter, "no components array")
        }
        try walk(components)
    }

    /// SPDX 2.3 `primaryPackagePurpose` values that are software a machine runs (absent counts as software: most
    /// generators leave it out). The others are a device, firmware, source, an archive, a file, or the container
    /// image as a whole.
    static let spdxSoftwarePurposes: Set<String> = [
        "APPLICATION", "FRAMEWORK", "LIBRARY", "OPERATING-SYSTEM", "INSTALL", "OTHER",
    ]
    /// Purposes of the described package that make the document a machine's inventory.
    static let spdxMachinePurposes: Set<String> = ["OPERATING-SYSTEM", "CONTAINER", "DEVICE"]

    /// `/`, `C:\\` or `C:/`: a scan of a whole file system, so of a machine.
    static func isFileSystemRoot(_ name: String?) -> Bool {
        guard let name = name?.trimmingCharacters(in: .whitespacesAndNewlines) else { return false }
        if name == "/" { return true }
        let characters = Array(name)
        return (characters.count == 2 || characters.count == 3) && characters[0].isLetter && characters[1] == ":"
            && (characters.count == 2 || characters[2] == "\\" || characters[2] == "/")
    }

    static func spdx(_ root: Any, emitter: RecordEmitter) throws(ImportError) {
        guard let object = root as? [String: Any] else { throw malformed(emitter, "not a JSON object") }
        if let name = string(object["name"]), !InventoryImporter.isGenericSubjectName(name) { emitter.fileHost = name }
        emitter.report.variant = string(object["spdxVersion"])
        guard let packages = object["packages"] as? [Any] else { throw malformed(emitter, "no packages array") }
        // What the document describes: `documentDescribes`, or DESCRIBES relationships from the document.
        var described = Set((object["documentDescribes"] as? [Any] ?? []).compactMap { string($0) })
        for case let relation as [String: Any] in object["relationships"] as? [Any] ?? []
        where string(relation["relationshipType"]) == "DESCRIBES" {
            if let target = string(relation["relatedSpdxElement"]) { described.insert(target) }
        }
        // Not a machine's inventory when every described package declares a purpose and none is a machine.
        var subjectPurposes: [String] = []
        var undeclared = false
        for case let package as [String: Any] in packages {
            guard let id = string(package["SPDXID"]), described.contains(id) else { continue }
            if let purpose = string(package["primaryPackagePurpose"]) {
                subjectPurposes.append(purpose)
            } else {
                undeclared = true
            }
        }
        let notAMachine =
            undeclared || subjectPurposes.contains(where: spdxMachinePurposes.contains)
                || isFileSystemRoot(string(object["name"])) ? nil : subjectPurposes.first
        for (index, entry) in packages.enumerated() {
            emitter.report.linesRead += 1
            guard let package = entry as? [String: Any], let name = string(package["name"]) else {
                emitter.unreadable(line: index + 1, "package without a name")
                continue
            }
            if let notAMachine {
                emitter.skip("listed by an SBOM whose subject is not a machine (primaryPackagePurpose \(notAMachine))")
                continue
            }
            if let purpose = string(package["primaryPackagePurpose"]), !spdxSoftwarePurposes.contains(purpose) {
                emitter.skip("not installed software (SPDX primaryPackagePurpose \(purpose))")
                continue
            }
            var item = RawItem(line: index + 1, title: name)
            item.version = string(package["versionInfo"])
            if let supplier = string(package["supplier"]), supplier != "NOASSERTION" {
                item.publisher = supplier.split(separator: ":", maxSplits: 1).last
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                    .map { $0.replacingOccurrences(of: #"\s*\([^)]*@[^)]*\)"#, with: "", options: .regularExpression) }
            }
            let refs = package["externalRefs"] as? [[String: Any]] ?? []
            item.package = refs.first { string($0["referenceType"]) == "purl" }.flatMap {
                string($0["referenceLocator"])
            }
            try emitter.emit(item)
        }
    }

    // MARK: winget export

    static func wingetExport(_ root: Any, emitter: RecordEmitter) throws(ImportError) {
        guard let object = root as? [String: Any], let sources = object["Sources"] as? [Any] else {
            throw malformed(emitter, "no Sources array")
        }
        var number = 0
        for source in sources {
            let packages = (source as? [String: Any])?["Packages"] as? [Any] ?? []
            for entry in packages {
                number += 1
                emitter.report.linesRead += 1
                guard let package = entry as? [String: Any], let id = string(package["PackageIdentifier"]) else {
                    emitter.unreadable(line: number, "package without a PackageIdentifier")
                    continue
                }
                var item = RawItem(line: number, title: id)
                item.version = string(package["Version"])
                item.package = id
                item.platform = "windows"
                try emitter.emit(item)
            }
        }
    }

    // MARK: osquery

    static func osqueryRows(_ root: Any, host: String?, emitter: RecordEmitter) throws(ImportError) {
        // One results-log entry written as a whole document (pretty-printed).
        if let entry = root as? [String: Any] {
            try osqueryLogEntry(entry, line: 1, emitter: emitter)
            return
        }
        guard let rows = root as? [Any] else { throw malformed(emitter, "expected an array of rows") }
        for (index, entry) in rows.enumerated() {
            // An array of results-log entries, or of table rows (`osqueryi --json`).
            if let object = entry as? [String: Any], object["columns"] != nil || object["snapshot"] != nil {
                try osqueryLogEntry(object, line: index + 1, emitter: emitter)
            } else {
                try osqueryRow(entry, line: index + 1, host: host, emitter: emitter)
            }
        }
    }

    /// One results-log entry: a differential row (`columns`, `removed` skipped) or a `snapshot` of rows.
    static func osqueryLogEntry(_ object: [String: Any], line: Int, emitter: RecordEmitter) throws(ImportError) {
        let host = string(object["hostIdentifier"])
        if let action = string(object["action"]), action == "removed" {
            emitter.report.linesRead += 1
            emitter.skip("removed (osquery differential)")
            return
        }
        if let columns = object["columns"] {
            try osqueryRow(columns, line: line, host: host, emitter: emitter)
        } else if let snapshot = object["snapshot"] as? [Any] {
            for row in snapshot { try osqueryRow(row, line: line, host: host, emitter: emitter) }
        } else {
            try osqueryRow(object, line: line, host: host, emitter: emitter)
        }
    }

    static func osqueryRow(_ entry: Any, line: Int, host: String?, emitter: RecordEmitter) throws(ImportError) {
        emitter.report.linesRead += 1
        guard let row = entry as? [String: Any], let name = string(row["name"]) else {
            emitter.unreadable(line: line, "row without a name")
            return
        }
        var item = RawItem(line: line, title: name)
        // deb_packages carries dpkg's status (`deinstall ok config-files` for a removed package).
        item.notInstalled = LineFormats.dpkgNotInstalled(string(row["status"]))
        item.version = string(row["version"]).map { version in
            string(row["release"]).map { "\(version)-\($0)" } ?? version
        }
        item.publisher = string(row["publisher"]) ?? string(row["vendor"]) ?? string(row["maintainer"])
        item.package = string(row["identifying_number"]) ?? (row["admindir"] != nil || row["arch"] != nil ? name : nil)
        item.host = host
        if row["admindir"] != nil || row["release"] != nil { item.platform = "linux" }
        if row["identifying_number"] != nil || row["uninstall_string"] != nil { item.platform = "windows" }
        if let date = string(row["install_date"]) { item.installDate = ValueParsing.date(date) }
        try emitter.emit(item)
    }

    /// osquery results logs: one JSON object per line, either a differential row (`columns`) or a
    /// snapshot (`snapshot` array), with the host in `hostIdentifier`.
    static func osqueryNDJSON(stream: TextStream, emitter: RecordEmitter) throws(ImportError) {
        emitter.report.variant = "osquery-results-log"
        let lines = LineReader(stream: stream, maxBytes: emitter.options.maxRecordBytes)
        while let line = try lines.next() {
            if line.trimmedField.isEmpty { continue }
            let bytes = Array(line.utf8)
            try JSONInput.checkDepth(
                bytes, limit: emitter.options.maxNestingDepth, file: emitter.fileName, firstLine: lines.lineNumber)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
                emitter.report.linesRead += 1
                emitter.unreadable(line: lines.lineNumber, "not a JSON object")
                continue
            }
            try osqueryLogEntry(object, line: lines.lineNumber, emitter: emitter)
        }
    }

    // MARK: Defender

    static func defender(_ root: Any, emitter: RecordEmitter) throws(ImportError) {
        let rows: [Any]
        if let object = root as? [String: Any], let value = object["value"] as? [Any] {
            rows = value
        } else if let array = root as? [Any] {
            rows = array
        } else {
            throw malformed(emitter, "no \"value\" array")
        }
        for (index, entry) in rows.enumerated() {
            emitter.report.linesRead += 1
            guard let row = entry as? [String: Any], let name = string(row["softwareName"]) ?? string(row["name"])
            else {
                emitter.unreadable(line: index + 1, "entry without softwareName")
                continue
            }
            let vendor = string(row["softwareVendor"]) ?? string(row["vendor"])
            var item = RawItem(line: index + 1, title: name)
            item.version = string(row["softwareVersion"]) ?? string(row["version"])
            item.publisher = vendor
            item.host = string(row["deviceName"]) ?? string(row["deviceId"])
            item.platform = string(row["osPlatform"])
            item.classificationTitle = TableImporter.defenderTitle(name: name, vendor: vendor)
            if item.host == nil {
                // The software list API aggregates: exposedMachines is the number of devices.
                guard let machines = row["exposedMachines"] as? NSNumber else {
                    emitter.unreadable(line: index + 1, "neither deviceName nor exposedMachines")
                    continue
                }
                item.count = machines.intValue
                emitter.report.variant = "defender-software-list"
            } else {
                emitter.report.variant = "defender-software-inventory-by-machine"
            }
            try emitter.emit(item)
        }
    }
}
