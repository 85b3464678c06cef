import Foundation

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
    /// `dpkg -l` output (the `Desired=` legend, `||/ Name Version Architecture Description`, `ii` rows).
    case dpkgList = "dpkg-list"
    /// `rpm -qa` output, plain or the GLPI/FusionInventory agents' tab-separated `--queryformat` list.
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
        case .agentXML, .glpiJSON, .reg, .cyclonedx, .spdx, .dpkgStatus, .dpkgQuery, .dpkgList, .rpm, .wingetExport,
            .wingetList, .osquery:
            true
        default: false
        }
    }
}

/// Recognises a format from the first bytes of the (decoded) text. JSON is decided from its top-level keys
/// by ``JSONDetector``, not here.
enum FormatSniffer {
    static func isZip(_ raw: [UInt8]) -> Bool { raw.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// The first character that is not white space or a byte-order mark.
    static func firstSignificant(_ prefix: [UInt8]) -> UInt8? {
        var index = 0
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < prefix.count {
            let byte = prefix[index]
            if !(byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09) { return byte }
            index += 1
        }
        return nil
    }

    static func startsLikeJSON(_ prefix: [UInt8]) -> Bool {
        let first = firstSignificant(prefix)
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }

    static func startsLikeXML(_ prefix: [UInt8]) -> Bool { firstSignificant(prefix) == UInt8(ascii: "<") }

    static func detect(text prefix: [UInt8]) -> InputFormat? {
        let text = String(decoding: prefix, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("Windows Registry Editor") || trimmed.hasPrefix("REGEDIT4") { return .reg }
        if trimmed.hasPrefix("<") {
            if text.contains("<REQUEST") { return .agentXML }
            if let root = xmlRootElement(text), root.name == "bom", root.tag.contains("cyclonedx.org/schema/bom") {
                return .cyclonedx
            }
            return nil
        }
        let lines = trimmed.split(whereSeparator: \.isNewline).prefix(40).map(String.init)
        guard let first = lines.first else { return nil }
        if first.hasPrefix("Package: ")
            && lines.contains(where: { $0.hasPrefix("Status: ") || $0.hasPrefix("Version: ") })
        {
            return .dpkgStatus
        }
        if DpkgListLine.isListing(lines) { return .dpkgList }
        if isWingetList(lines) { return .wingetList }
        if isRPMList(lines) { return .rpm }
        if isDpkgQuery(lines) { return .dpkgQuery }
        return nil
    }

    /// What a file that starts like a structured document we do not read is, for a "not an inventory" error;
    /// nil for anything else (which is then tried as CSV).
    static func refusal(text prefix: [UInt8]) -> String? {
        let text = String(decoding: prefix, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        if trimmed.hasPrefix("<") {
            guard let root = xmlRootElement(text) else { return "XML without a root element" }
            return "XML whose root element is <\(root.name)>: not an agent inventory (<REQUEST>, FusionInventory, "
                + "GLPI, OCS) or a CycloneDX BOM (<bom xmlns=\"http://cyclonedx.org/schema/bom/...\">)"
        }
        if let line = trimmed.split(whereSeparator: \.isNewline).first, line.hasPrefix("SPDXVersion:") {
            return "an SPDX tag-value document (\(line.trimmingCharacters(in: .whitespaces))), which is not read; "
                + "convert it to SPDX JSON (e.g. `pyspdxtools -i FILE.spdx -o FILE.spdx.json`) and import that"
        }
        return nil
    }

    /// The root element's name (without prefix) and its whole start tag, skipping the XML declaration,
    /// comments, processing instructions and a DOCTYPE.
    static func xmlRootElement(_ text: String) -> (name: String, tag: String)? {
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            if after.hasPrefix("?") || after.hasPrefix("!") {
                let terminator = after.hasPrefix("!--") ? "-->" : ">"
                guard let end = after.range(of: terminator) else { return nil }
                rest = after[end.upperBound...]
                continue
            }
            let tagEnd = after.firstIndex(of: ">") ?? after.endIndex
            let tag = String(after[..<tagEnd])
            let qualified = tag.prefix { !($0.isWhitespace || $0 == "/" || $0 == ">") }
            let name = qualified.split(separator: ":").last.map(String.init) ?? String(qualified)
            return name.isEmpty ? nil : (name, tag)
        }
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

    /// `rpm -qa`: every line `name-version-release.arch` (or `name-version-release` with `--qf`), or the
    /// tab-separated `--queryformat` list the GLPI/FusionInventory agents write (``RPMQueryLine``).
    static func isRPMList(_ lines: [String]) -> Bool {
        let candidates = lines.filter { !$0.isEmpty }
        guard !candidates.isEmpty else { return false }
        if candidates.allSatisfy({ $0.contains("\t") }) {
            let parsed = candidates.compactMap(RPMQueryLine.parse)
            // i386 is an architecture of both rpm and dpkg: one rpm-only architecture settles it.
            return parsed.count == candidates.count
                && parsed.contains { !DpkgQueryLine.architectures.contains($0.arch) }
        }
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

    /// dpkg's `want flag state` (`install ok installed`, `deinstall ok config-files`, `install reinstreq
    /// half-installed`): three words, the middle one an error flag.
    static func isStatus(_ text: Substring) -> Bool {
        let words = text.split(separator: " ")
        return words.count == 3 && ["ok", "reinstreq", "hold", "hold-reinstreq"].contains(words[1])
    }

    static func isVersion(_ text: Substring) -> Bool {
        guard let first = text.first, first.isNumber else { return false }
        return !text.contains(" ")
    }

    static func parse(_ line: String) -> DpkgQueryLine? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 2, isPackageName(fields[0]) else { return nil }
        let status = fields.last.flatMap { isStatus($0) ? String($0) : nil }
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

/// One line of the rpm list the GLPI and FusionInventory Linux agents read:
/// `rpm -qa --queryformat '%{NAME}\t%{ARCH}\t%{VERSION}-%{RELEASE}\t%{INSTALLTIME}\t%{SIZE}\t%{VENDOR}\t%{SUMMARY}\t%{GROUP}\n'`.
struct RPMQueryLine: Equatable {
    var name: String
    var arch: String
    var version: String
    var installTime: Date?
    var vendor: String?

    static func parse(_ line: String) -> RPMQueryLine? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count >= 3 else { return nil }
        let name = fields[0].trimmingCharacters(in: .whitespaces)
        let arch = String(fields[1])
        let version = String(fields[2])
        // gpg-pubkey entries have no architecture: rpm prints `(none)`.
        guard !name.isEmpty, !name.contains(" "), RPMName.arches.contains(arch) || arch == "(none)",
            version.first?.isNumber == true || version.contains(":"), version.contains("-"), !version.contains(" ")
        else { return nil }
        var installTime: Date?
        if fields.count >= 4 {
            guard let seconds = Int(fields[3]) else { return nil }
            installTime = Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        if fields.count >= 5, Int(fields[4]) == nil { return nil }
        let vendor = fields.count >= 6 ? fields[5].trimmingCharacters(in: .whitespaces) : ""
        return RPMQueryLine(
            name: name, arch: arch, version: version, installTime: installTime,
            vendor: vendor.isEmpty || vendor == "(none)" ? nil : vendor)
    }
}

/// `dpkg -l` output: a legend (`Desired=Unknown/Install/Remove/Purge/Hold`, localised), a header
/// `||/ Name Version Architecture Description` (no Architecture before dpkg 1.16.2), a `+++-====` rule, then
/// one row per package whose first two letters are the wanted action and the package state.
struct DpkgListLine: Equatable {
    var package: String
    var version: String
    var architecture: String?
    /// dpkg's own words for the row's state letters (`install ok installed`, `deinstall ok config-files`).
    var status: String

    static let wanted: [Character: String] = [
        "u": "unknown", "i": "install", "h": "hold", "r": "deinstall", "p": "purge",
    ]
    static let states: [Character: String] = [
        "n": "not-installed", "c": "config-files", "H": "half-installed", "U": "unpacked",
        "F": "half-configured", "W": "triggers-awaited", "t": "triggers-pending", "i": "installed",
    ]

    /// The `+++-===` rule under the header, or the legend's first line, followed by package rows.
    static func isListing(_ lines: [String]) -> Bool {
        guard let rule = lines.firstIndex(where: { $0.hasPrefix("+++-") || $0.hasPrefix("++-") }) else { return false }
        let rows = lines[(rule + 1)...].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return !rows.isEmpty && rows.allSatisfy { parse($0, hasArchitecture: true) != nil }
    }

    /// A package row: two state letters and an optional error flag, the name, the version, the architecture
    /// (when the header has that column) and the description.
    static func parse(_ line: String, hasArchitecture: Bool) -> DpkgListLine? {
        let characters = Array(line.prefix(3))
        guard characters.count == 3, let want = wanted[characters[0]], let state = states[characters[1]],
            " RHX".contains(characters[2])
        else { return nil }
        let words = line.dropFirst(3).split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 2 else { return nil }
        // `libc6:amd64`: multi-arch packages carry their architecture after a colon.
        let qualified = words[0].split(separator: ":", maxSplits: 1)
        let package = String(qualified[0])
        guard DpkgQueryLine.isPackageName(Substring(package)) else { return nil }
        var architecture = qualified.count == 2 ? String(qualified[1]) : nil
        if hasArchitecture, words.count >= 3, DpkgQueryLine.architectures.contains(String(words[2])) {
            architecture = architecture ?? String(words[2])
        }
        let error = ["R": "reinstreq", "H": "hold", "X": "hold-reinstreq"][characters[2]] ?? "ok"
        // `un` rows of packages dpkg knows but never installed have the version `<none>`.
        let version = words[1] == "<none>" ? "" : String(words[1])
        return DpkgListLine(
            package: package, version: version, architecture: architecture,
            status: "\(want) \(error) \(state)")
    }
}
