/// The inventory formats `overblik import` reads. Detected from content; `--input-format` names one.
public enum InputFormat: String, Sendable, CaseIterable, Codable {
    /// CSV/TSV from any tool (column roles from the header, presets for SCCM, Intune, PowerShell,
    /// Defender, Lansweeper).
    case csv
    case xlsx
    case ods
    /// OS2kitos "IT Systemer Overblik" export (xlsx or csv) → usage declarations.
    case kitos
    /// FusionInventory / GLPI agent XML and OCS Inventory XML (`<REQUEST><CONTENT>`).
    case agentXML = "agent-xml"
    /// GLPI agent JSON (`inventory_format` schema).
    case glpiJSON = "glpi-json"
    /// `regedit` export of the Uninstall keys.
    case reg
    case cyclonedx
    case spdx
    /// `/var/lib/dpkg/status`.
    case dpkgStatus = "dpkg-status"
    /// `dpkg-query -W` output (tab-separated; default or `--showformat` columns).
    case dpkgQuery = "dpkg-query"
    /// `rpm -qa` output.
    case rpm
    case wingetExport = "winget-export"
    case wingetList = "winget-list"
    /// osquery `programs` / `deb_packages` / `rpm_packages` results as JSON or NDJSON.
    case osquery
    /// Microsoft Defender for Endpoint API JSON (SoftwareInventoryByMachine, Software list).
    case defenderJSON = "defender-json"
    /// The facilitator's `organisation,product,relation,date,evidence` CSV.
    case usageCSV = "usage-csv"
    /// The public OS2 usage evidence TSV (`product_id, municipality_or_region, code, relation, ...`).
    case usageEvidence = "usage-evidence"

    /// Formats whose one file describes one host: records without a host name get one derived from the file.
    var isOneFilePerHost: Bool {
        switch self {
        case .agentXML, .glpiJSON, .reg, .cyclonedx, .spdx, .dpkgStatus, .dpkgQuery, .rpm, .wingetExport, .wingetList,
            .osquery:
            true
        default: false
        }
    }
}

/// Recognises a format from the first bytes of the (decoded) text.
enum FormatSniffer {
    static func isZip(_ raw: [UInt8]) -> Bool { raw.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    static func detect(text prefix: [UInt8]) -> InputFormat? {
        let text = String(decoding: prefix, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("Windows Registry Editor") || trimmed.hasPrefix("REGEDIT4") { return .reg }
        if trimmed.hasPrefix("<") {
            return text.contains("<REQUEST") ? .agentXML : nil
        }
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return detectJSON(String(trimmed)) }
        let lines = trimmed.split(whereSeparator: \.isNewline).prefix(40).map(String.init)
        guard let first = lines.first else { return nil }
        if first.hasPrefix("Package: ")
            && lines.contains(where: { $0.hasPrefix("Status: ") || $0.hasPrefix("Version: ") })
        {
            return .dpkgStatus
        }
        if isWingetList(lines) { return .wingetList }
        if isRPMList(lines) { return .rpm }
        if isDpkgQuery(lines) { return .dpkgQuery }
        return nil
    }

    static func detectJSON(_ text: String) -> InputFormat? {
        if text.contains("\"bomFormat\"") && text.contains("CycloneDX") { return .cyclonedx }
        if text.contains("\"spdxVersion\"") { return .spdx }
        if text.contains("winget-packages.schema")
            || (text.contains("\"Sources\"") && text.contains("\"PackageIdentifier\""))
        {
            return .wingetExport
        }
        if text.contains("\"softwares\"") && (text.contains("\"content\"") || text.contains("\"deviceid\"")) {
            return .glpiJSON
        }
        if text.contains("\"@odata.context\"") || text.contains("\"softwareName\"")
            || text.contains("\"softwareVendor\"")
        {
            return .defenderJSON
        }
        if text.contains("\"hostIdentifier\"") || text.contains("\"name\"") { return .osquery }
        return nil
    }

    /// `winget list`: a header with Name, Id and Version, then a line of dashes.
    static func isWingetList(_ lines: [String]) -> Bool {
        for (index, line) in lines.enumerated() where index + 1 < lines.count {
            let words = line.split(separator: " ")
            if words.contains("Id") && words.contains("Version") && words.first.map({ !$0.isEmpty }) == true
                && lines[index + 1].allSatisfy({ $0 == "-" || $0 == "─" }) && lines[index + 1].count > 10
            {
                return true
            }
        }
        return false
    }

    /// `rpm -qa`: every line `name-version-release.arch` (or `name-version-release` with `--qf`).
    static func isRPMList(_ lines: [String]) -> Bool {
        let candidates = lines.filter { !$0.isEmpty }
        guard !candidates.isEmpty else { return false }
        return candidates.allSatisfy { RPMName.parse($0) != nil && !$0.contains(",") && !$0.contains("\t") }
            && candidates.contains { RPMName.parse($0)?.arch != nil }
    }

    /// `dpkg-query -W`: tab-separated, no header; a Debian package name, then a version (or an architecture
    /// then a version).
    static func isDpkgQuery(_ lines: [String]) -> Bool {
        let candidates = lines.filter { !$0.isEmpty }
        guard !candidates.isEmpty else { return false }
        let matching = candidates.filter { DpkgQueryLine.parse($0) != nil }
        return matching.count == candidates.count
            || (matching.count >= 3 && matching.count * 10 >= candidates.count * 9)
    }
}

/// A `name-version-release.arch` string as `rpm -qa` prints it.
struct RPMName: Equatable {
    var name: String
    var version: String
    var release: String
    var arch: String?

    static let arches: Set<String> = [
        "x86_64", "noarch", "i386", "i486", "i586", "i686", "aarch64", "armv7hl", "ppc64le", "s390x", "src",
    ]

    static func parse(_ line: String) -> RPMName? {
        var text = line.trimmedField
        guard !text.isEmpty, !text.contains(" ") else { return nil }
        var arch: String?
        if let dot = text.lastIndex(of: "."), arches.contains(String(text[text.index(after: dot)...])) {
            arch = String(text[text.index(after: dot)...])
            text = String(text[..<dot])
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let release = String(parts[parts.count - 1])
        let version = String(parts[parts.count - 2])
        let name = parts[0..<(parts.count - 2)].joined(separator: "-")
        guard !name.isEmpty, version.first?.isNumber == true || version.contains(":"), !release.isEmpty else {
            return nil
        }
        return RPMName(name: name, version: version, release: release, arch: arch)
    }
}

/// One line of `dpkg-query -W` output: `name<TAB>version` or glpi-agent's
/// `name<TAB>arch<TAB>version<TAB>installed-size<TAB>section[<TAB>status]`.
struct DpkgQueryLine: Equatable {
    var package: String
    var version: String
    var architecture: String?
    var status: String?

    static let architectures: Set<String> = [
        "all", "amd64", "i386", "arm64", "armhf", "armel", "mips64el", "mipsel", "ppc64el", "s390x", "riscv64",
    ]

    static func isPackageName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLowercase || first.isNumber, text.count >= 2 else { return false }
        return text.allSatisfy { ($0.isLowercase && $0.isASCII) || $0.isNumber || "+-.:".contains($0) }
    }

    static func isVersion(_ text: Substring) -> Bool {
        guard let first = text.first, first.isNumber else { return false }
        return !text.contains(" ")
    }

    static func parse(_ line: String) -> DpkgQueryLine? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 2, isPackageName(fields[0]) else { return nil }
        let status = fields.last.flatMap { $0.contains(" ok ") ? String($0) : nil }
        if isVersion(fields[1]) {
            return DpkgQueryLine(
                package: String(fields[0]), version: String(fields[1]), architecture: nil, status: status)
        }
        if fields.count >= 3, architectures.contains(String(fields[1])), isVersion(fields[2]) {
            return DpkgQueryLine(
                package: String(fields[0]), version: String(fields[2]), architecture: String(fields[1]), status: status)
        }
        return nil
    }
}

import Foundation
