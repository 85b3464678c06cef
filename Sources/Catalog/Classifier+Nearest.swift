import OverblikModel

/// A rule that came close to an input no rule matched, for `overblik classify --explain`: the words of the input
/// that the rule's patterns name, and how much of the rule's fixed prefix the input starts with.
public struct NearRule: Sendable, Equatable {
    /// `product/section#id`, as ``Classification/rule``.
    public var rule: String
    public var product: String
    /// Input words (lowercased) that the rule's patterns name literally.
    public var sharedWords: [String]
    /// Leading characters the input shares with the rule's anchored literal prefix.
    public var sharedPrefix: Int
    /// The rule's conditions, as ``Explanation/ruleDescription`` shows a matching rule.
    public var conditions: String

    /// One line for people: `libreoffice/inventory#title (shares "libreoffice")`.
    public var summary: String {
        var reasons: [String] = []
        if !sharedWords.isEmpty {
            reasons.append("shares " + sharedWords.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if sharedPrefix > 0 { reasons.append("starts with \(sharedPrefix) characters of its prefix") }
        return "\(rule) (\(reasons.joined(separator: "; ")))"
    }
}

extension Classifier {
    /// The rules that came closest to an inventory line, best first, at most one per product: ranked by the letters
    /// of the input's words that the rule names, then by the shared literal prefix. Empty when nothing is close.
    public func nearestRules(to item: InventoryItem, limit: Int = 3) -> [NearRule] {
        let text = [item.title, item.package ?? ""].joined(separator: " ")
        return Self.nearest(
            text: text, lowered: item.title.lowercased(), limit: limit,
            candidates: compiledCatalog.inventoryRules.map { rule in
                let patterns = [rule.title, rule.package].compactMap { $0 }
                return (rule.ruleID, rule.product, patterns, rule.conditions)
            })
    }

    /// The generator rules that came closest to a generator string, as ``nearestRules(to:limit:)``.
    public func nearestRules(toGenerator generator: String, limit: Int = 3) -> [NearRule] {
        Self.nearest(
            text: generator, lowered: generator.lowercased(), limit: limit,
            candidates: compiledCatalog.generatorRules.map { rule in
                (rule.ruleID, rule.product, [rule.pattern], "generator ~ /\(rule.pattern.source)/")
            })
    }

    private static func nearest(
        text: String, lowered: String, limit: Int,
        candidates: [(rule: String, product: String, patterns: [Pattern], conditions: String)]
    ) -> [NearRule] {
        let inputWords = Pattern.words(inText: text)
        var best: [String: (near: NearRule, score: Int, order: Int)] = [:]
        for (order, candidate) in candidates.enumerated() {
            var shared = Set<String>()
            var prefix = 0
            for pattern in candidate.patterns {
                shared.formUnion(pattern.literalWords.intersection(inputWords))
                if let literal = pattern.literalPrefix {
                    prefix = max(prefix, zip(lowered, literal).prefix { $0 == $1 }.count)
                }
            }
            // A prefix of a few letters ("mic", "lib") says little; a shared word or most of a long prefix does.
            if prefix < 4 { prefix = 0 }
            guard !shared.isEmpty || prefix > 0 else { continue }
            let score = shared.reduce(0) { $0 + $1.count } * 2 + prefix
            let near = NearRule(
                rule: candidate.rule, product: candidate.product, sharedWords: shared.sorted(), sharedPrefix: prefix,
                conditions: candidate.conditions)
            if let known = best[candidate.product], known.score >= score { continue }
            best[candidate.product] = (near, score, order)
        }
        return best.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.order < $1.order }
            .prefix(limit).map(\.near)
    }
}
