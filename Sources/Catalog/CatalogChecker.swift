public import Foundation
import OverblikModel
import Yams

/// One finding of `overblik catalog check`: where, how bad, and what.
public struct CatalogDiagnostic: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable {
        case error, warning
    }

    public var severity: Severity
    public var file: String
    /// 1-based line in the checked file, where the YAML node is known.
    public var line: Int?
    public var product: String?
    public var message: String

    public init(severity: Severity, file: String, line: Int?, product: String?, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.product = product
        self.message = message
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        let subject = product.map { "product \($0): " } ?? ""
        return "\(place): \(severity.rawValue): \(subject)\(message)"
    }
}

/// Validates a user catalog file before it is used: schema, duplicate ids, patterns that overlap
/// another product's, with the line numbers of the offending YAML nodes.
public enum CatalogChecker {
    static let productKeys: Set<String> = [
        "id", "merge", "name", "kind", "vendor", "licence", "open_source", "parent", "writes_odf", "category",
        "status", "governance_level", "end_of_life", "notes", "line_scheme", "line_map", "version_rewrites",
        "version_lines", "packages", "exclusions", "generator", "inventory", "examples",
    ]
    static let generatorKeys: Set<String> = ["id", "pattern", "priority", "version", "line", "component", "note"]
    static let inventoryKeys: Set<String> = [
        "id", "title", "publisher", "publisher_required", "package", "platform", "version", "unless", "priority",
        "component", "counts", "version_from", "line", "note",
    ]
    static let versionLineKeys: Set<String> = ["line", "released", "end_of_life", "source"]
    static let packageKeys: Set<String> = ["debian", "rpm", "winget", "msi_upgrade_codes"]
    static let lineSchemes: Set<String> = ["major-minor", "major", "version", "none"]

    /// Checks the file at `url` as a user catalog layered on `base` (normally the shipped catalog).
    public static func check(fileAt url: URL, against base: ProductCatalog) -> [CatalogDiagnostic] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            return [
                CatalogDiagnostic(
                    severity: .error, file: url.path, line: nil, product: nil,
                    message: "cannot read: \(error.localizedDescription)")
            ]
        }
        return check(text: text, file: url.path, against: base)
    }

    /// Checks catalog YAML text; `file` names it in the diagnostics.
    public static func check(text: String, file: String, against base: ProductCatalog) -> [CatalogDiagnostic] {
        var diagnostics: [CatalogDiagnostic] = []
        func report(_ severity: CatalogDiagnostic.Severity, _ node: Node?, _ product: String?, _ message: String) {
            diagnostics.append(
                CatalogDiagnostic(
                    severity: severity, file: file, line: node?.mark?.line, product: product, message: message))
        }
        let root: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                report(.error, nil, nil, "empty file")
                return diagnostics
            }
            root = composed
        } catch let error as YamlError {
            diagnostics.append(
                CatalogDiagnostic(
                    severity: .error, file: file, line: yamlErrorLine(error), product: nil,
                    message: "not valid YAML: \(yamlProblem(error))"))
            return diagnostics
        } catch {
            report(.error, nil, nil, "not valid YAML: \(error)")
            return diagnostics
        }
        guard let top = root.mapping else {
            report(.error, root, nil, "the file must be a mapping with `version:` and `products:`")
            return diagnostics
        }
        for (key, _) in top where !["version", "products"].contains(key.string ?? "") {
            report(.error, key, nil, "unknown top-level key `\(key.string ?? "?")` (expected version, products)")
        }
        if top["version"] == nil {
            report(.warning, root, nil, "no `version:`; results will record the file as unversioned")
        }
        guard let productsNode = top["products"], let products = productsNode.sequence else {
            report(.error, root, nil, "`products:` must be a list")
            return diagnostics
        }

        var firstLine: [String: Int] = [:]
        var ruleLines: [String: [(id: String, line: Int?)]] = [:]
        for productNode in products {
            guard let mapping = productNode.mapping else {
                report(.error, productNode, nil, "each product must be a mapping")
                continue
            }
            guard let id = mapping["id"]?.string, !id.isEmpty else {
                report(.error, productNode, nil, "product without `id`")
                continue
            }
            if let earlier = firstLine[id] {
                report(.error, productNode, id, "duplicate id (first defined on line \(earlier))")
            } else {
                firstLine[id] = productNode.mark?.line ?? 0
            }
            checkProduct(mapping, node: productNode, id: id, base: base, report: report)
            ruleLines[id] = ruleNodes(mapping)
        }

        // Schema-level decoding (types) once the structure is known to be sane.
        let parsed: CatalogFile
        do {
            parsed = try CatalogFileParser.parse(text, file: file)
        } catch let error as CatalogError {
            if case .invalid(_, let line, let message) = error {
                diagnostics.append(
                    CatalogDiagnostic(severity: .error, file: file, line: line, product: nil, message: message))
            } else {
                report(.error, nil, nil, error.description)
            }
            return diagnostics
        } catch {
            report(.error, nil, nil, "\(error)")
            return diagnostics
        }
        guard !diagnostics.contains(where: { $0.severity == .error }) else { return diagnostics }

        // Build the merged catalog; patterns and required fields are checked on the way.
        let merged: ProductCatalog
        do {
            merged = try ProductCatalog(
                base: base.entries, baseVersion: base.stamp.version, layers: [(file, parsed)])
        } catch {
            report(.error, nil, nil, "\(error)")
            return diagnostics
        }
        checkOverlaps(
            parsed: parsed, base: base, merged: merged, file: file, ruleLines: ruleLines, firstLine: firstLine,
            report: { diagnostics.append($0) })
        checkCoverage(
            parsed: parsed, merged: merged, file: file, ruleLines: ruleLines, firstLine: firstLine,
            report: { diagnostics.append($0) })
        return diagnostics
    }

    /// Where the file's evidence is thin: rules that no example (nor product name) in the merged catalog exercises,
    /// and rules of the file that another product's rule shadows on an example (both match it; the other is tried
    /// first, so this rule never answers for that string).
    private static func checkCoverage(
        parsed: CatalogFile, merged: ProductCatalog, file: String,
        ruleLines: [String: [(id: String, line: Int?)]], firstLine: [String: Int],
        report: (CatalogDiagnostic) -> Void
    ) {
        let fileIDs = Set(parsed.products.map(\.id))
        let classifier = Classifier(catalog: merged)
        var exercised = Set<String>()
        var reported = Set<String>()
        func line(of rule: String, product: String) -> Int? {
            let key = rule.split(separator: "/", maxSplits: 1).last.map(String.init) ?? rule
            return ruleLines[product]?.first { $0.id == key }?.line ?? firstLine[product]
        }
        for entry in merged.entries {
            for example in (entry.examples ?? []) + [entry.name].compactMap({ $0 }) {
                let inventory = classifier.matchingInventoryRules(InventoryItem(title: example)).map {
                    (rule: $0.ruleID, product: $0.product)
                }
                let generator = classifier.matchingGeneratorRules(example).map {
                    (rule: $0.ruleID, product: $0.product)
                }
                for matches in [inventory, generator] {
                    exercised.formUnion(matches.map(\.rule))
                    guard let winner = matches.first else { continue }
                    for loser in matches.dropFirst()
                    where loser.product != winner.product && fileIDs.contains(loser.product)
                        && reported.insert("\(loser.rule)|\(winner.rule)").inserted
                    {
                        report(
                            CatalogDiagnostic(
                                severity: .warning, file: file, line: line(of: loser.rule, product: loser.product),
                                product: loser.product,
                                message:
                                    "rule \(loser.rule) is shadowed by \(winner.rule) on \"\(example)\" (an example of \(entry.id)): both match, the other is tried first"
                            ))
                    }
                }
            }
        }
        for product in parsed.products {
            for rule in ruleLines[product.id] ?? [] where !exercised.contains("\(product.id)/\(rule.id)") {
                report(
                    CatalogDiagnostic(
                        severity: .warning, file: file, line: rule.line ?? firstLine[product.id], product: product.id,
                        message:
                            "rule \(product.id)/\(rule.id) is exercised by no example: add a string it recognises to `examples`"
                    ))
            }
        }
    }

    private static func checkProduct(
        _ mapping: Node.Mapping, node: Node, id: String, base: ProductCatalog,
        report: (CatalogDiagnostic.Severity, Node?, String?, String) -> Void
    ) {
        for (key, _) in mapping where !productKeys.contains(key.string ?? "") {
            report(.error, key, id, "unknown key `\(key.string ?? "?")`")
        }
        if !ProductEntryValidator.isSlug(id) {
            report(.error, mapping["id"], id, "id must be a lowercase slug (a-z, 0-9, . + _ -)")
        }
        let merge = mapping["merge"]?.bool ?? false
        let known = base.product(id: id) != nil
        if merge && !known {
            report(.error, mapping["merge"], id, "`merge: true` but the shipped catalog has no product \(id)")
        }
        if !merge {
            for required in ["name", "kind"] where mapping[required] == nil {
                report(.error, node, id, "missing `\(required)` (or use `merge: true` to patch a shipped product)")
            }
            if known {
                report(
                    .warning, node, id, "replaces the shipped product \(id) entirely (use `merge: true` to patch it)")
            }
        }
        if let kind = mapping["kind"], ProductKind(rawValue: kind.string ?? "") == nil {
            report(
                .error, kind, id,
                "unknown kind `\(kind.string ?? "?")` (one of \(ProductKind.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        if let scheme = mapping["line_scheme"], !lineSchemes.contains(scheme.string ?? "") {
            report(.error, scheme, id, "unknown line_scheme (one of \(lineSchemes.sorted().joined(separator: ", ")))")
        }
        if let parent = mapping["parent"]?.string, base.product(id: parent) == nil {
            report(.warning, mapping["parent"], id, "parent \(parent) is not in the shipped catalog")
        }
        for field in ["end_of_life"] {
            if let value = mapping[field], let text = value.string, !CatalogDate.isValid(text) {
                report(.error, value, id, "\(field) `\(text)` is not YYYY-MM-DD, YYYY-MM or YYYY")
            }
        }
        if let packages = mapping["packages"]?.mapping {
            for (key, _) in packages where !packageKeys.contains(key.string ?? "") {
                report(.error, key, id, "unknown packages key `\(key.string ?? "?")`")
            }
        }
        for lineNode in mapping["version_lines"]?.sequence ?? [] {
            guard let entry = lineNode.mapping else {
                report(.error, lineNode, id, "a version line must be a mapping")
                continue
            }
            for (key, _) in entry where !versionLineKeys.contains(key.string ?? "") {
                report(.error, key, id, "unknown version line key `\(key.string ?? "?")`")
            }
            if entry["line"] == nil { report(.error, lineNode, id, "version line without `line`") }
            if entry["source"] == nil { report(.error, lineNode, id, "version line without `source` (cite the dates)") }
            for field in ["released", "end_of_life"] {
                if let value = entry[field], let text = value.string, !CatalogDate.isValid(text) {
                    report(.error, value, id, "\(field) `\(text)` is not YYYY-MM-DD, YYYY-MM or YYYY")
                }
            }
        }
        for (section, keys, patternFields) in [
            ("generator", generatorKeys, ["pattern"]),
            ("inventory", inventoryKeys, ["title", "publisher", "package", "platform", "version", "unless"]),
        ] {
            for ruleNode in mapping[section]?.sequence ?? [] {
                guard let rule = ruleNode.mapping else {
                    report(.error, ruleNode, id, "a \(section) rule must be a mapping")
                    continue
                }
                for (key, _) in rule where !keys.contains(key.string ?? "") {
                    report(.error, key, id, "unknown \(section) rule key `\(key.string ?? "?")`")
                }
                if section == "generator" && rule["pattern"] == nil {
                    report(.error, ruleNode, id, "generator rule without `pattern`")
                }
                if section == "inventory" && !["title", "package"].contains(where: { rule[$0] != nil }) {
                    report(.error, ruleNode, id, "inventory rule needs `title` or `package`")
                }
                for field in patternFields {
                    guard let value = rule[field], let source = value.string else { continue }
                    do {
                        _ = try Pattern(source)
                    } catch {
                        report(.error, value, id, "\(field) is not a valid regular expression: \(source)")
                    }
                }
            }
        }
        for exclusion in mapping["exclusions"]?.sequence ?? [] {
            if let source = exclusion.string, (try? Pattern(source)) == nil {
                report(.error, exclusion, id, "exclusion is not a valid regular expression: \(source)")
            }
        }
    }

    /// Rule ids (as the classifier names them) with the line of each rule node.
    private static func ruleNodes(_ mapping: Node.Mapping) -> [(id: String, line: Int?)] {
        var result: [(String, Int?)] = []
        for section in ["generator", "inventory"] {
            for (index, rule) in (mapping[section]?.sequence ?? []).enumerated() {
                let name = rule.mapping?["id"]?.string ?? String(index + 1)
                result.append(("\(section)#\(name)", rule.mark?.line))
            }
        }
        return result
    }

    /// A user rule that claims another product's known strings overlaps it; a user product whose own
    /// examples its rules do not recognise is broken.
    private static func checkOverlaps(
        parsed: CatalogFile, base: ProductCatalog, merged: ProductCatalog, file: String,
        ruleLines: [String: [(id: String, line: Int?)]], firstLine: [String: Int],
        report: (CatalogDiagnostic) -> Void
    ) {
        let userIDs = Set(parsed.products.map(\.id))
        var samples: [(product: String, text: String)] = []
        for entry in merged.entries {
            for example in entry.examples ?? [] { samples.append((entry.id, example)) }
            if let name = entry.name { samples.append((entry.id, name)) }
        }
        let classifier = Classifier(catalog: merged)
        let baseClassifier = Classifier(catalog: base)
        var reported = Set<String>()
        for sample in samples where !userIDs.contains(sample.product) {
            for result in [
                classifier.classify(InventoryItem(title: sample.text)), classifier.classify(generator: sample.text),
            ] where !result.isUnknown && userIDs.contains(result.product) && result.product != sample.product {
                let ruleKey = result.rule.split(separator: "/", maxSplits: 1).last.map(String.init) ?? result.rule
                let line =
                    ruleLines[result.product]?.first { $0.id == ruleKey }?.line ?? firstLine[result.product]
                let key = "\(result.rule)|\(sample.product)"
                guard reported.insert(key).inserted else { continue }
                report(
                    CatalogDiagnostic(
                        severity: .warning, file: file, line: line, product: result.product,
                        message:
                            "rule \(result.rule) overlaps product \(sample.product): it claims \"\(sample.text)\""))
            }
        }
        for entry in parsed.products {
            for example in merged.entry(id: entry.id)?.examples ?? [] {
                let asItem = classifier.classify(InventoryItem(title: example))
                let asGenerator = classifier.classify(generator: example)
                if asItem.product != entry.id && asGenerator.product != entry.id {
                    report(
                        CatalogDiagnostic(
                            severity: .error, file: file, line: firstLine[entry.id], product: entry.id,
                            message: "its example \"\(example)\" is classified as \(asItem.product) (\(asItem.rule))"))
                }
                let before = baseClassifier.classify(InventoryItem(title: example))
                if !before.isUnknown && before.product != entry.id && base.product(id: entry.id) == nil {
                    report(
                        CatalogDiagnostic(
                            severity: .warning, file: file, line: firstLine[entry.id], product: entry.id,
                            message:
                                "its example \"\(example)\" was \(before.product) in the shipped catalog (\(before.rule)); the user rule now wins"
                        ))
                }
            }
        }
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "duplicate keys \(duplicates.joined(separator: ", "))"
        default: "\(error)"
        }
    }
}
