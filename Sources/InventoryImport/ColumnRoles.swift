import Foundation

/// What a column of an inventory table holds.
public enum ColumnRole: String, Sendable, CaseIterable, Codable {
    case title
    case version
    case publisher
    case host
    case count
    case platform
    case installDate = "install-date"
    case package
    case organisation
}

/// Which column holds which role, found from a header row (by a preset or by synonyms) or given by `--map`.
public struct ColumnMapping: Sendable, Equatable {
    /// Role → 0-based column index.
    public var columns: [ColumnRole: Int]
    /// The preset that recognised the header (`sccm-installed-software`, ...), or `generic`/`map`.
    public var preset: String
    /// True when the export aggregates hosts (a count column and no host column): records carry no host.
    public var isAggregate: Bool { columns[.count] != nil && columns[.host] == nil }

    public init(columns: [ColumnRole: Int], preset: String) {
        self.columns = columns
        self.preset = preset
    }
}

extension ColumnMapping {
    /// The columns a header row names, found as `import` finds them (a preset, then synonyms); nil when no column
    /// holds a title.
    public static func recognise(header: [String]) -> ColumnMapping? { HeaderRecognizer.recognise(header) }
}

/// A column specification from `--map title=COL,version=COL,...`: COL is a header name
/// (matched case-, space- and punctuation-insensitively) or a 1-based column number.
public struct ColumnMapOverride: Sendable, Equatable {
    public var entries: [ColumnRole: String]

    public init(entries: [ColumnRole: String]) {
        self.entries = entries
    }

    /// Parses `title=DisplayName,version=DisplayVersion,host=3`.
    public init(parsing text: String) throws(ImportError) {
        var entries: [ColumnRole: String] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[1].isEmpty else {
                throw .invalidMapping(file: nil, detail: "\"\(part)\" is not ROLE=COLUMN")
            }
            let roleName = pieces[0].lowercased().replacingOccurrences(of: "_", with: "-")
            let aliases: [String: ColumnRole] = [
                "name": .title, "installdate": .installDate, "date": .installDate, "vendor": .publisher,
                "organization": .organisation, "org": .organisation, "install-count": .count, "hostname": .host,
                "computer": .host, "device": .host, "id": .package,
            ]
            guard let role = ColumnRole(rawValue: roleName) ?? aliases[roleName.replacingOccurrences(of: "-", with: "")]
            else {
                let known = ColumnRole.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidMapping(file: nil, detail: "unknown role \"\(pieces[0])\" (roles: \(known))")
            }
            entries[role] = pieces[1]
        }
        if entries.isEmpty { throw .invalidMapping(file: nil, detail: "empty mapping") }
        self.entries = entries
    }
}

/// Header recognition: presets for the exports we know, then synonyms for anything else.
enum HeaderRecognizer {
    /// Lowercase letters and digits only: `Netbios_Name0` → `netbiosname0`, "Application name" → `applicationname`.
    static func normalise(_ header: String) -> String {
        String(
            String.UnicodeScalarView(
                header.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
    }

    /// ConfigMgr appends `0` to every column of its views (`Publisher0`, `InstallDate0`).
    static func withoutSCCMSuffix(_ normalised: String) -> String {
        guard normalised.count > 2, normalised.hasSuffix("0") else { return normalised }
        let beforeZero = normalised[normalised.index(normalised.endIndex, offsetBy: -2)]
        return beforeZero.isLetter ? String(normalised.dropLast()) : normalised
    }

    struct Preset {
        var name: String
        /// Normalised headers that must all be present.
        var signature: [String]
        /// Role → candidate normalised headers, first present wins.
        var roles: [ColumnRole: [String]]
    }

    static let presets: [Preset] = [
        Preset(
            name: "sccm-installed-software", signature: ["arpdisplayname0"],
            roles: [
                .title: ["arpdisplayname0", "productname0"], .version: ["productversion0"],
                .publisher: ["publisher0"], .host: ["netbiosname0", "name0", "resourceid"],
                .installDate: ["installdate0"], .package: ["softwarecode0", "productcode0"],
            ]),
        Preset(
            name: "sccm-add-remove-programs", signature: ["displayname0"],
            roles: [
                .title: ["displayname0"], .version: ["version0"], .publisher: ["publisher0"],
                .host: ["netbiosname0", "name0", "resourceid"], .installDate: ["installdate0"], .package: ["prodid0"],
            ]),
        Preset(
            name: "intune-appinvrawdata", signature: ["applicationname", "devicename"],
            roles: [
                .title: ["applicationname"], .version: ["applicationversion", "applicationshortversion"],
                .publisher: ["applicationpublisher"], .host: ["devicename", "deviceid"], .platform: ["platform"],
            ]),
        Preset(
            name: "intune-appinvaggregate", signature: ["applicationname", "devicecount"],
            roles: [
                .title: ["applicationname"], .version: ["applicationversion", "applicationshortversion"],
                .publisher: ["applicationpublisher"], .count: ["devicecount"], .platform: ["platform"],
            ]),
        Preset(
            name: "defender-software-inventory", signature: ["softwarename", "softwarevendor", "devicename"],
            roles: [
                .title: ["softwarename"], .version: ["softwareversion"], .publisher: ["softwarevendor"],
                .host: ["devicename", "deviceid"], .platform: ["osplatform"], .package: ["productcodecpe"],
            ]),
        Preset(
            name: "lansweeper", signature: ["assetname", "software"],
            roles: [
                .title: ["software", "softwarename"], .version: ["version", "softwareversion"],
                .publisher: ["publisher", "softwarepublisher"], .host: ["assetname"],
                .installDate: ["installdate"],
            ]),
        Preset(
            name: "powershell-uninstall", signature: ["displayname", "displayversion"],
            roles: [
                .title: ["displayname"], .version: ["displayversion"], .publisher: ["publisher"],
                .host: ["pscomputername", "computername"], .installDate: ["installdate"],
                .package: ["pschildname", "productcode"],
            ]),
    ]

    /// Synonyms for headers no preset knows, first present wins.
    static let synonyms: [ColumnRole: [String]] = [
        .title: [
            "arpdisplayname", "displayname", "productname", "applicationname", "softwarename", "software", "title",
            "name", "program", "programname", "application", "app", "appname", "navn", "programnavn", "produkt",
            "product", "titel",
        ],
        .version: [
            "productversion", "displayversion", "applicationversion", "softwareversion", "version", "versionsnummer",
            "ver", "applicationshortversion",
        ],
        .publisher: [
            "publisher", "applicationpublisher", "softwarevendor", "softwarepublisher", "vendor", "manufacturer",
            "producent", "udgiver", "leverandor", "maintainer",
        ],
        .host: [
            "pscomputername", "devicename", "netbiosname", "assetname", "computername", "computer", "hostname", "host",
            "machinename", "machine", "maskine", "maskinnavn", "dnsname", "hostidentifier", "device", "enhed",
        ],
        .count: ["devicecount", "installcount", "installations", "count", "antal", "antalinstallationer", "seats"],
        .platform: ["platform", "osplatform", "os", "operatingsystem", "styresystem"],
        .installDate: ["installdate", "installedon", "installationsdato", "installed", "dateinstalled"],
        .package: [
            "packageidentifier", "packageid", "package", "softwarecode", "productcode", "prodid", "identifyingnumber",
            "purl", "pakke",
        ],
        .organisation: [
            "organisation", "organization", "kommune", "kommunekode", "municipality", "myndighed", "region",
            "organisationskode",
        ],
    ]

    /// Recognises a header row. Returns nil when no title column can be found.
    static func recognise(_ header: [String]) -> ColumnMapping? {
        let raw = header.map(normalise)
        let stripped = raw.map(withoutSCCMSuffix)
        func index(of candidates: [String], in names: [String], taken: Set<Int>) -> Int? {
            for candidate in candidates {
                if let found = names.indices.first(where: { names[$0] == candidate && !taken.contains($0) }) {
                    return found
                }
            }
            return nil
        }
        for preset in presets where preset.signature.allSatisfy({ raw.contains($0) }) {
            var columns: [ColumnRole: Int] = [:]
            var taken = Set<Int>()
            for role in ColumnRole.allCases {
                guard let candidates = preset.roles[role] else { continue }
                if let found = index(of: candidates, in: raw, taken: taken) {
                    columns[role] = found
                    taken.insert(found)
                }
            }
            // Roles the preset does not name may still be present (an organisation column, a host added by hand).
            for role in ColumnRole.allCases where columns[role] == nil && preset.roles[role] == nil {
                if role == .count && preset.name.hasPrefix("intune-appinvrawdata") { continue }
                if let found = index(of: synonyms[role] ?? [], in: stripped, taken: taken) {
                    columns[role] = found
                    taken.insert(found)
                }
            }
            if columns[.title] != nil { return ColumnMapping(columns: columns, preset: preset.name) }
        }
        var columns: [ColumnRole: Int] = [:]
        var taken = Set<Int>()
        // The title first, then the rest; ConfigMgr's `Name0` is a host name, never a title.
        let titleNames = raw.indices.map { raw[$0] == "name0" ? "" : stripped[$0] }
        let order: [ColumnRole] = [
            .title, .host, .version, .publisher, .count, .platform, .installDate, .package,
            .organisation,
        ]
        for role in order {
            if role == .host, let found = raw.firstIndex(of: "name0"), !taken.contains(found) {
                columns[.host] = found
                taken.insert(found)
                continue
            }
            let names = role == .title ? titleNames : stripped
            if let found = index(of: synonyms[role] ?? [], in: names, taken: taken) {
                columns[role] = found
                taken.insert(found)
            }
        }
        guard columns[.title] != nil else { return nil }
        return ColumnMapping(columns: columns, preset: "generic")
    }

    /// Applies `--map` on top of (or instead of) what the header gave.
    static func apply(
        _ override: ColumnMapOverride, header: [String], base: ColumnMapping?, file: String
    ) throws(ImportError) -> ColumnMapping {
        var columns = base?.columns ?? [:]
        let normalised = header.map(normalise)
        for (role, spec) in override.entries {
            if let number = Int(spec), number >= 1 {
                guard number <= max(header.count, 1) else {
                    throw .invalidMapping(
                        file: file, detail: "\(role.rawValue)=\(spec): the file has \(header.count) columns")
                }
                columns[role] = number - 1
            } else if let found = normalised.firstIndex(of: normalise(spec)) {
                columns[role] = found
            } else {
                throw .invalidMapping(
                    file: file,
                    detail: "\(role.rawValue)=\(spec): no such column (columns: \(header.joined(separator: ", ")))")
            }
        }
        guard columns[.title] != nil else {
            throw .invalidMapping(file: file, detail: "no title column: add title=COLUMN")
        }
        return ColumnMapping(columns: columns, preset: base.map { "\($0.preset)+map" } ?? "map")
    }
}
