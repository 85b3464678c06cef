import Foundation
import OverblikModel

/// How one product turns raw versions into normalised versions and version lines.
struct VersionPolicy: Sendable {
    var lineScheme: String
    var lineMap: [String: String]
    var rewrites: [(pattern: Pattern, template: String)]
    /// The lines the catalog lists for the product (`version_lines`), `*` included.
    var knownLines: Set<String> = []

    /// Applies the product's rewrites to an already normalised version.
    func rewritten(_ version: String) -> String {
        for rewrite in rewrites {
            if let result = rewrite.pattern.rewrite(version, template: rewrite.template) { return result }
        }
        return version
    }

    /// The version line for a version, by scheme and then the line map (exact line first, then major).
    func line(for version: String?, template: String?, groups: [String: String]) -> String? {
        var line: String?
        if let captured = groups["line"] {
            line = captured
        } else if let template {
            line = Templates.expandFully(template, groups: groups, version: version)
        } else if let version {
            line = VersionNormaliser.line(of: version, scheme: lineScheme)
        }
        guard let found = line, !found.isEmpty else { return nil }
        if let mapped = lineMap[found] { return mapped }
        if let version, let major = VersionNormaliser.components(of: version).first, lineMap[found] == nil,
            groups["line"] == nil, template == nil, let mapped = lineMap[major]
        {
            return mapped
        }
        return found
    }
}

/// `$name` / `${name}` templates over a match's named groups plus `version`, `major`, `minor`.
enum Templates {
    static func expand(_ template: String, groups: [String: String], version: String?) -> String {
        expanding(template, groups: groups, version: version).text
    }

    /// The expansion only when every name the template uses has a value: a line `mac-$major` without a version
    /// is no line at all, not `mac-`.
    static func expandFully(_ template: String, groups: [String: String], version: String?) -> String? {
        let expansion = expanding(template, groups: groups, version: version)
        return expansion.complete ? expansion.text : nil
    }

    private static func expanding(
        _ template: String, groups: [String: String], version: String?
    ) -> (text: String, complete: Bool) {
        guard template.contains("$") else { return (template, true) }
        var values = groups
        if let version {
            values["version"] = values["version"] ?? version
            let parts = VersionNormaliser.components(of: version)
            if let major = parts.first { values["major"] = major }
            if parts.count > 1 { values["minor"] = parts[1] }
        }
        var output = ""
        var complete = true
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            guard character == "$" else {
                output.append(character)
                index = template.index(after: index)
                continue
            }
            var nameStart = template.index(after: index)
            var braced = false
            if nameStart < template.endIndex, template[nameStart] == "{" {
                braced = true
                nameStart = template.index(after: nameStart)
            }
            var nameEnd = nameStart
            while nameEnd < template.endIndex,
                template[nameEnd].isLetter || template[nameEnd].isNumber
                    || template[nameEnd] == "_"
            {
                nameEnd = template.index(after: nameEnd)
            }
            if let value = values[String(template[nameStart..<nameEnd])] {
                output += value
            } else {
                complete = false
            }
            index = nameEnd
            if braced, index < template.endIndex, template[index] == "}" { index = template.index(after: index) }
        }
        return (output, complete)
    }
}

final class CompiledGeneratorRule: Sendable {
    let ruleID: String
    let product: String
    let pattern: Pattern
    let priority: Int
    let versionTemplate: String?
    let lineTemplate: String?
    let component: String?

    init(
        ruleID: String, product: String, pattern: Pattern, priority: Int, versionTemplate: String?,
        lineTemplate: String?, component: String?
    ) {
        self.ruleID = ruleID
        self.product = product
        self.pattern = pattern
        self.priority = priority
        self.versionTemplate = versionTemplate
        self.lineTemplate = lineTemplate
        self.component = component
    }
}

final class CompiledInventoryRule: Sendable {
    let ruleID: String
    let product: String
    let title: Pattern?
    let publisher: Pattern?
    let publisherRequired: Bool
    let package: Pattern?
    let platform: Pattern?
    let version: Pattern?
    let unless: Pattern?
    let priority: Int
    let component: String?
    let counts: Bool
    let versionFrom: String?
    let lineTemplate: String?

    init(
        ruleID: String, product: String, title: Pattern?, publisher: Pattern?, publisherRequired: Bool,
        package: Pattern?, platform: Pattern?, version: Pattern?, unless: Pattern?, priority: Int, component: String?,
        counts: Bool, versionFrom: String?, lineTemplate: String?
    ) {
        self.ruleID = ruleID
        self.product = product
        self.title = title
        self.publisher = publisher
        self.publisherRequired = publisherRequired
        self.package = package
        self.platform = platform
        self.version = version
        self.unless = unless
        self.priority = priority
        self.component = component
        self.counts = counts
        self.versionFrom = versionFrom
        self.lineTemplate = lineTemplate
    }

    /// The rule's conditions in words, for `--explain`.
    var conditions: String {
        var parts: [String] = []
        if let title { parts.append("title ~ /\(title.source)/") }
        if let package { parts.append("package ~ /\(package.source)/") }
        if let publisher {
            parts.append("publisher ~ /\(publisher.source)/" + (publisherRequired ? " (required)" : ""))
        }
        if let platform { parts.append("platform ~ /\(platform.source)/") }
        if let version { parts.append("version ~ /\(version.source)/") }
        if let unless { parts.append("title !~ /\(unless.source)/") }
        return parts.joined(separator: " and ")
    }
}

/// The merged catalog's rules, compiled once and shared by every classifier made from the catalog.
final class CompiledCatalog: Sendable {
    let generatorRules: [CompiledGeneratorRule]
    let inventoryRules: [CompiledInventoryRule]
    let policies: [String: VersionPolicy]
    let exclusions: [String: [Pattern]]

    /// `eager`: products whose patterns compile now (a user file's), so a bad one fails the load; the others
    /// compile when first used.
    init(entries: [ProductEntry], file: String, eager: Set<String> = []) throws {
        var generatorRules: [(rule: CompiledGeneratorRule, order: Int)] = []
        var inventoryRules: [(rule: CompiledInventoryRule, order: Int)] = []
        var policies: [String: VersionPolicy] = [:]
        var exclusions: [String: [Pattern]] = [:]
        var order = 0
        func compile(_ source: String?, _ product: String) throws -> Pattern? {
            guard let source else { return nil }
            do {
                return try Pattern(source, eager: eager.contains(product))
            } catch {
                throw CatalogError.badPattern(
                    file: file, product: product, pattern: source, reason: "\(error)")
            }
        }
        for entry in entries {
            let id = entry.id
            policies[id] = VersionPolicy(
                lineScheme: entry.lineScheme ?? "major-minor", lineMap: entry.lineMap ?? [:],
                rewrites: try (entry.versionRewrites ?? []).map { (try compile($0.pattern, id)!, $0.replace) },
                knownLines: Set((entry.versionLines ?? []).map(\.line)))
            exclusions[id] = try (entry.exclusions ?? []).map { try compile($0, id)! }
            for (index, rule) in (entry.generator ?? []).enumerated() {
                order += 1
                let compiled = CompiledGeneratorRule(
                    ruleID: "\(id)/generator#\(rule.id ?? String(index + 1))", product: id,
                    pattern: try compile(rule.pattern, id)!, priority: rule.priority ?? 0,
                    versionTemplate: rule.version, lineTemplate: rule.line, component: rule.component)
                generatorRules.append((compiled, order))
            }
            for (index, rule) in (entry.inventory ?? []).enumerated() {
                order += 1
                inventoryRules.append(
                    (
                        CompiledInventoryRule(
                            ruleID: "\(id)/inventory#\(rule.id ?? String(index + 1))", product: id,
                            title: try compile(rule.title, id), publisher: try compile(rule.publisher, id),
                            publisherRequired: rule.publisherRequired ?? false,
                            package: try compile(rule.package, id), platform: try compile(rule.platform, id),
                            version: try compile(rule.version, id), unless: try compile(rule.unless, id),
                            priority: rule.priority ?? 0, component: rule.component, counts: rule.counts ?? true,
                            versionFrom: rule.versionFrom, lineTemplate: rule.line), order
                    ))
            }
            let packages = entry.packages ?? PackageIdentifiers()
            // Package identifiers are rules too: exact names, matched on the package field or a bare title.
            let exactNames: [(String, String)] =
                packages.debian.map { ("deb", $0) } + packages.rpm.map { ("rpm", $0) }
                + packages.winget.map { ("winget", $0) }
            for (kind, name) in exactNames {
                order += 1
                inventoryRules.append(
                    (
                        CompiledInventoryRule(
                            ruleID: "\(id)/package#\(kind):\(name)", product: id, title: nil, publisher: nil,
                            publisherRequired: false, package: try compile("^\(Pattern.escape(name))$", id),
                            platform: nil, version: nil, unless: nil, priority: -1, component: nil, counts: true,
                            versionFrom: nil, lineTemplate: nil), order
                    ))
            }
            for code in packages.msiUpgradeCodes {
                order += 1
                inventoryRules.append(
                    (
                        CompiledInventoryRule(
                            ruleID: "\(id)/package#msi:\(code)", product: id, title: nil, publisher: nil,
                            publisherRequired: false,
                            package: try compile(
                                "^\\{?\(Pattern.escape(code.trimmingCharacters(in: ["{", "}"])))\\}?$", id),
                            platform: nil, version: nil, unless: nil, priority: -1, component: nil, counts: true,
                            versionFrom: nil, lineTemplate: nil), order
                    ))
            }
        }
        // Higher priority first; equal priorities keep catalog order (so a user file's rules win ties).
        self.generatorRules = generatorRules.sorted {
            $0.rule.priority != $1.rule.priority ? $0.rule.priority > $1.rule.priority : $0.order < $1.order
        }.map(\.rule)
        self.inventoryRules = inventoryRules.sorted {
            $0.rule.priority != $1.rule.priority ? $0.rule.priority > $1.rule.priority : $0.order < $1.order
        }.map(\.rule)
        self.policies = policies
        self.exclusions = exclusions
    }
}
