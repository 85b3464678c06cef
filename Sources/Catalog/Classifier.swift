public import OverblikModel
import Foundation
import Synchronization

/// Answers "which product is this?" for generator strings and inventory lines, from a ``ProductCatalog``.
///
/// Classification is a pure function of the input and the catalog. Each distinct input is classified
/// once and remembered (thread-safe), so a million inventory lines with the usual repetition cost little.
public final class Classifier: Sendable {
    public let catalog: ProductCatalog
    private let compiled: CompiledCatalog
    /// The compiled rules, for ``nearestRules(to:limit:)``.
    var compiledCatalog: CompiledCatalog { compiled }
    private let generatorCache: Mutex<BoundedCache<String, Classification>>
    private let itemCache: Mutex<BoundedCache<InventoryItem, Classification>>
    /// OOXML `Application` and `AppVersion` pairs: the version's normalising and rewriting (regular
    /// expressions) cost more than the look-up, and a scan meets the same few pairs over and over.
    private let applicationCache: Mutex<BoundedCache<ApplicationKey, Classification>>
    /// Distinct inputs per cache generation (two generations are kept). Real inventories have a few thousand
    /// distinct lines; an input where every line is distinct (per-host paths, random MSI codes) cycles
    /// through the generations instead of growing memory.
    public static let defaultCacheEntryLimit = 32_768
    /// Bytes of input and answer per cache generation, so long distinct inputs rotate sooner.
    public static let defaultCacheByteLimit = 16 << 20
    /// Longer titles and generators are not real product names: `unknown` without running any rule, so a
    /// hostile 100 MB "title" costs no regex time.
    public static let maximumInputLength = 4096

    /// `cacheEntryLimit` and `cacheByteLimit` bound each of the two cache generations of each cache.
    public init(
        catalog: ProductCatalog, cacheEntryLimit: Int = Classifier.defaultCacheEntryLimit,
        cacheByteLimit: Int = Classifier.defaultCacheByteLimit
    ) {
        self.catalog = catalog
        self.compiled = catalog.compiled
        generatorCache = Mutex(
            BoundedCache(entryLimit: cacheEntryLimit, byteLimit: cacheByteLimit) { $0.utf8.count + Self.answerCost($1) }
        )
        itemCache = Mutex(BoundedCache(entryLimit: cacheEntryLimit, byteLimit: cacheByteLimit, cost: Self.entryCost))
        applicationCache = Mutex(
            BoundedCache(entryLimit: cacheEntryLimit, byteLimit: cacheByteLimit) {
                $0.application.utf8.count + ($0.appVersion?.utf8.count ?? 0) + Self.answerCost($1)
            })
    }

    /// Distinct inputs remembered now (every cache, all generations): bounded by the limits given at init.
    public var cachedInputCount: Int {
        generatorCache.withLock { $0.count } + itemCache.withLock { $0.count } + applicationCache.withLock { $0.count }
    }

    /// Approximate bytes a cache entry holds: the strings' UTF-8 plus dictionary and String overhead.
    @Sendable static func entryCost(_ item: InventoryItem, _ answer: Classification) -> Int {
        let key =
            item.title.utf8.count + (item.publisher?.utf8.count ?? 0) + (item.version?.utf8.count ?? 0)
            + (item.package?.utf8.count ?? 0) + (item.platform?.utf8.count ?? 0)
        return key + answerCost(answer)
    }

    static func answerCost(_ answer: Classification) -> Int {
        192 + answer.product.utf8.count + answer.rule.utf8.count + (answer.version?.utf8.count ?? 0)
            + (answer.versionLine?.utf8.count ?? 0) + (answer.component?.utf8.count ?? 0)
    }

    // MARK: Generator strings

    /// Classifies an ODF `meta:generator` (or an OOXML `Application`) string.
    public func classify(generator: String) -> Classification {
        if let cached = generatorCache.withLock({ $0.recentValue(for: generator) ?? $0.value(for: generator) }) {
            return cached
        }
        let result = classifyUncached(generator: generator).classification
        generatorCache.withLock { $0.insert(result, for: generator) }
        return result
    }

    /// Classifies an OOXML document from `docProps/app.xml`: `Application` and `AppVersion`.
    ///
    /// LibreOffice writes `AppVersion` 15.0000 and its real version in `Application`, so a version found in
    /// `Application` wins; otherwise `AppVersion` supplies it: through the product's `version_rewrites` where
    /// one matches (Gnumeric's `1.1255` → `1.12.55`), else Microsoft's form `16.0000` → `16.0`.
    public func classify(application: String, appVersion: String?) -> Classification {
        let key = ApplicationKey(application: application, appVersion: appVersion)
        if let cached = applicationCache.withLock({ $0.recentValue(for: key) ?? $0.value(for: key) }) {
            return cached
        }
        let result = classifyUncached(application: application, appVersion: appVersion)
        applicationCache.withLock { $0.insert(result, for: key) }
        return result
    }

    private struct ApplicationKey: Hashable, Sendable {
        var application: String
        var appVersion: String?
    }

    private func classifyUncached(application: String, appVersion: String?) -> Classification {
        let (classification, rule, groups) = classifyWithGroups(generator: application)
        var result = classification
        guard !result.isUnknown, result.version == nil, let appVersion,
            var version = VersionNormaliser.normalise(appVersion)
        else { return result }
        let policy = compiled.policies[result.product]
        if let rewritten = policy?.rewritten(version), rewritten != version {
            version = rewritten
        } else {
            // `16.0000` → `16.0`. (A legacy file's version is major.build, `11.6568`, and Office for Mac writes
            // `14.0300`: the four digits are not one reading, so they are kept as a number.)
            let parts = VersionNormaliser.components(of: version)
            if parts.count >= 2 { version = "\(parts[0]).\(Int(parts[1]) ?? 0)" }
        }
        result.version = version
        // The rule's own line template still applies (`Microsoft Macintosh Word` + 14.0000 is Office for Mac 2011,
        // line mac-14, not Windows' 2010).
        result.versionLine = policy?.line(for: version, template: rule?.lineTemplate, groups: groups)
        return result
    }

    /// A scan record's `generator` as the record writes it: ODF's `meta:generator`, or OOXML's `Application` and
    /// `AppVersion` joined by a space (`Microsoft Macintosh Excel 14.0300`). Classified as the scan classified it,
    /// so a record's producer can be checked by hand from its JSON.
    public func classify(recordGenerator text: String) -> Classification {
        if let (application, appVersion) = Self.splitAppVersion(text) {
            return classify(application: application, appVersion: appVersion)
        }
        return classify(generator: text)
    }

    /// ``explain(generator:)`` for a record's `generator` (see ``classify(recordGenerator:)``).
    public func explain(recordGenerator text: String) -> Explanation {
        guard let (application, appVersion) = Self.splitAppVersion(text) else { return explain(generator: text) }
        var explanation = explain(generator: application)
        explanation.classification = classify(application: application, appVersion: appVersion)
        return explanation
    }

    /// `Application AppVersion` → its two parts, when the last word has OOXML's `AppVersion` form (`16.0000`,
    /// `1.1255`, `0900.0100.01`): digits, a point and four digits. No ODF generator ends that way.
    static func splitAppVersion(_ text: String) -> (application: String, appVersion: String)? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let space = trimmed.lastIndex(of: " ") else { return nil }
        let application = trimmed[..<space].trimmingCharacters(in: .whitespaces)
        let last = trimmed[trimmed.index(after: space)...]
        let parts = last.split(separator: ".", omittingEmptySubsequences: false)
        guard !application.isEmpty, parts.count >= 2, (1...4).contains(parts[0].count), parts[1].count == 4,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return (application, String(last))
    }

    /// The product, the matching rule and its pattern, for `--explain`.
    /// Also gives the platform (`Linux_X86_64`, `Win32`) and build id the generator carries, where present.
    public func explain(generator: String) -> Explanation {
        let (classification, rule, groups) = classifyWithGroups(generator: generator)
        return Explanation(
            classification: classification, productName: catalog.product(id: classification.product)?.name,
            ruleDescription: rule.map { "generator ~ /\($0.pattern.source)/" }, normalisedInput: normalise(generator),
            platform: groups["platform"], build: groups["build"],
            nearest: rule == nil ? nearestRules(toGenerator: normalise(generator)) : [])
    }

    private func normalise(_ generator: String) -> String {
        // Flat ODF files wrap long generators over lines; some tools escape the newline as `\n`.
        generator.replacingOccurrences(of: "\\n", with: " ")
            .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
            .joined(separator: " ")
    }

    private func classifyUncached(
        generator: String
    ) -> (
        classification: Classification, rule: CompiledGeneratorRule?
    ) {
        let (classification, rule, _) = classifyWithGroups(generator: generator)
        return (classification, rule)
    }

    private func classifyWithGroups(
        generator: String
    ) -> (
        classification: Classification, rule: CompiledGeneratorRule?, groups: [String: String]
    ) {
        guard generator.utf8.count <= Self.maximumInputLength else {
            return (
                Classification(
                    product: Classification.unknownProduct, countsAsInstallation: false, rule: "unknown/too-long"),
                nil, [:]
            )
        }
        let text = normalise(generator)
        guard !text.isEmpty else {
            return (
                Classification(
                    product: Classification.unknownProduct, countsAsInstallation: false, rule: "unknown/empty"), nil,
                [:]
            )
        }
        let lowered = text.lowercased()
        for rule in compiled.generatorRules {
            guard let groups = rule.pattern.match(text, lowered: lowered) else { continue }
            var version: String?
            if let template = rule.versionTemplate {
                version = Templates.expand(template, groups: groups, version: nil)
            } else if let captured = groups["version"] {
                version = captured
            }
            if let raw = version {
                version = raw.trimmingCharacters(in: CharacterSet(charactersIn: " ._-"))
                if version?.isEmpty == true { version = nil }
            }
            let policy = compiled.policies[rule.product]
            let line = policy?.line(for: version, template: rule.lineTemplate, groups: groups)
            let component = rule.component ?? groups["component"]?.lowercased()
            return (
                Classification(
                    product: rule.product, version: version, versionLine: line, component: component,
                    countsAsInstallation: true, rule: rule.ruleID), rule, groups
            )
        }
        return (Classification.unknown, nil, [:])
    }

    // MARK: Inventory lines

    /// Classifies one inventory line (title, publisher, version, package, platform).
    public func classify(_ item: InventoryItem) -> Classification {
        if let cached = itemCache.withLock({ $0.recentValue(for: item) ?? $0.value(for: item) }) { return cached }
        let result = classifyUncached(item).classification
        itemCache.withLock { $0.insert(result, for: item) }
        return result
    }

    /// The classification with the matching rule's conditions, for `--explain`.
    public func explain(_ item: InventoryItem) -> Explanation {
        let (classification, rule) = classifyUncached(item)
        return Explanation(
            classification: classification, productName: catalog.product(id: classification.product)?.name,
            ruleDescription: rule?.conditions, normalisedInput: item.title,
            nearest: rule == nil ? nearestRules(to: item) : [])
    }

    private func classifyUncached(
        _ item: InventoryItem
    ) -> (classification: Classification, rule: CompiledInventoryRule?) {
        let fields = [item.title, item.publisher, item.version, item.package, item.platform]
        guard fields.allSatisfy({ ($0?.utf8.count ?? 0) <= Self.maximumInputLength }) else {
            return (
                Classification(
                    product: Classification.unknownProduct, countsAsInstallation: false, rule: "unknown/too-long"),
                nil
            )
        }
        let input = PreparedItem(item)
        var excludedProducts: [String: Bool] = [:]

        for rule in compiled.inventoryRules {
            if input.title.isEmpty && input.package == nil { break }
            guard let groups = match(rule, input) else { continue }
            let excluded: Bool
            if let known = excludedProducts[rule.product] {
                excluded = known
            } else {
                excluded = (compiled.exclusions[rule.product] ?? []).contains {
                    $0.match(input.title, lowered: input.loweredTitle) != nil
                }
                excludedProducts[rule.product] = excluded
            }
            if excluded { continue }
            return (makeClassification(rule: rule, groups: groups, rawVersion: input.rawVersion), rule)
        }
        return (Classification.unknown, nil)
    }

    /// An inventory line trimmed and lowercased once for all rules.
    struct PreparedItem {
        let title: String
        let loweredTitle: String
        let publisher: String?
        let loweredPublisher: String?
        let package: String?
        /// Package lists put the package name in the title; a rule on packages then looks at the title.
        let packageText: String
        let loweredPackage: String
        let platform: String?
        let rawVersion: String?

        init(_ item: InventoryItem) {
            var title = item.title.trimmingCharacters(in: .whitespacesAndNewlines)
            // macOS inventories (Jamf, osquery) may list the bundle (`Microsoft Word.app`): the name is the product.
            if title.count > 4, title.lowercased().hasSuffix(".app") { title.removeLast(4) }
            self.title = title
            loweredTitle = title.lowercased()
            publisher = item.publisher?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            loweredPublisher = publisher?.lowercased()
            var package = item.package?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            var platform = item.platform?.nilIfEmpty
            var rawVersion = item.version?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            // SBOMs give a purl or a CPE where package lists give the name; the package rules are anchored on
            // the name, so a purl gives its name (its type hints the platform, its version stands in for a
            // missing one) and a CPE, which names no package, leaves the title to match.
            if let text = package {
                if let purl = PackageURL(text) {
                    package = purl.name
                    platform = platform ?? purl.platform
                    rawVersion = rawVersion ?? purl.version
                } else if PackageURL.isCPE(text) {
                    package = nil
                }
            }
            self.package = package
            packageText = package ?? title
            loweredPackage = packageText.lowercased()
            self.platform = platform
            self.rawVersion = rawVersion
        }
    }

    /// The named groups when every condition of `rule` holds for `input` (exclusions aside), else nil.
    func match(_ rule: CompiledInventoryRule, _ input: PreparedItem) -> [String: String]? {
        var groups: [String: String] = [:]
        if let pattern = rule.title {
            guard let found = pattern.match(input.title, lowered: input.loweredTitle) else { return nil }
            groups.merge(found) { old, _ in old }
        }
        if let pattern = rule.package {
            guard let found = pattern.match(input.packageText, lowered: input.loweredPackage) else { return nil }
            groups.merge(found) { old, _ in old }
        }
        if let pattern = rule.publisher {
            if let publisher = input.publisher, let lowered = input.loweredPublisher {
                guard pattern.match(publisher, lowered: lowered) != nil else { return nil }
            } else if rule.publisherRequired {
                return nil
            }
        }
        if let pattern = rule.platform {
            guard let platform = input.platform, pattern.matches(platform) else { return nil }
        }
        if let pattern = rule.version {
            guard let rawVersion = input.rawVersion, pattern.matches(rawVersion) else { return nil }
        }
        if let pattern = rule.unless, pattern.match(input.title, lowered: input.loweredTitle) != nil { return nil }
        return groups
    }

    /// Every inventory rule whose conditions hold for `item`, in the order they are tried (for `catalog check`).
    func matchingInventoryRules(_ item: InventoryItem) -> [CompiledInventoryRule] {
        let input = PreparedItem(item)
        return compiled.inventoryRules.filter { match($0, input) != nil }
    }

    /// Every generator rule whose pattern matches `generator`, in the order they are tried.
    func matchingGeneratorRules(_ generator: String) -> [CompiledGeneratorRule] {
        let text = normalise(generator)
        let lowered = text.lowercased()
        return compiled.generatorRules.filter { $0.pattern.match(text, lowered: lowered) != nil }
    }

    private func makeClassification(
        rule: CompiledInventoryRule, groups: [String: String], rawVersion: String?
    ) -> Classification {
        let policy = compiled.policies[rule.product]
        let fromTitle = groups["version"]
        var chosen: String?
        switch rule.versionFrom {
        case "title": chosen = fromTitle ?? rawVersion
        case "item", nil: chosen = rawVersion ?? fromTitle
        case "none": chosen = nil
        case let template?: chosen = Templates.expand(template, groups: groups, version: rawVersion ?? fromTitle)
        }
        var version = chosen.flatMap(VersionNormaliser.normalise)
        if let normalised = version, let policy { version = policy.rewritten(normalised) }
        // A version that is not a number (`Windows XP` on a VM-shared app) says nothing about the line.
        let numericVersion = version.flatMap { VersionNormaliser.components(of: $0).isEmpty ? nil : $0 }
        var line = policy?.line(for: numericVersion, template: rule.lineTemplate, groups: groups)
        // A part matched by its package name alone (an extension such as libreoffice-writer2latex 1.0.2) may
        // carry its own version, not the suite's: on none of the product's lines, it gets neither.
        if !rule.counts, rule.title == nil, let policy, !policy.knownLines.isEmpty,
            !policy.knownLines.contains("*"), let found = line, !policy.knownLines.contains(found)
        {
            line = nil
            version = nil
        }
        let component = rule.component ?? groups["component"]?.lowercased()
        return Classification(
            product: rule.product, version: version, versionLine: line, component: component,
            countsAsInstallation: rule.counts, rule: rule.ruleID)
    }
}

/// A classification with the rule behind it, for people (`overblik classify --explain`).
public struct Explanation: Sendable, Equatable {
    public var classification: Classification
    public var productName: String?
    /// The matching rule's conditions (`title ~ /^LibreOffice .../`), nil when nothing matched.
    public var ruleDescription: String?
    /// The input as the rules saw it (whitespace collapsed).
    public var normalisedInput: String
    /// Platform and build id from a generator string (`Linux_X86_64`, `320m12$Build-9483`), where present.
    public var platform: String? = nil
    public var build: String? = nil
    /// When no rule matched: the rules that came closest (see ``Classifier/nearestRules(to:limit:)``).
    public var nearest: [NearRule] = []
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
