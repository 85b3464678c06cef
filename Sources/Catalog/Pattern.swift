import Foundation

/// A compiled, case-insensitive regular expression with a cheap literal-prefix pre-check.
///
/// `NSRegularExpression` is immutable after creation and documented as safe to share between threads.
/// A pattern of the shipped catalog is compiled when first needed (`eager: false`): most rules' literal
/// pre-checks never pass for a given run, and compiling every regex (ICU's `\p{L}` sets in particular) was a large
/// part of loading the catalog. The shipped files are checked by the tests; user files compile eagerly, so a bad
/// pattern is reported when the catalog loads.
final class Pattern: @unchecked Sendable {
    let source: String
    private let lock = NSLock()
    /// The compiled expression; nil until first needed for a lazily compiled pattern.
    private var compiledRegex: NSRegularExpression?
    /// What lets a match be ruled out without the regex, worked out when the pattern is first matched: a scan
    /// never matches the inventory rules, nor an import the generator rules, and loading the catalog worked out
    /// every pattern's (about a third of the load).
    private var analysedPrechecks: Prechecks?

    /// Lowercased literal texts of the pattern, and its named groups.
    private struct Prechecks {
        /// Text every match starts with (pattern anchored with `^`).
        var literalPrefix: String?
        /// Text every match contains (the longest top-level literal run).
        var requiredLiteral: [UInt8]?
        /// For a pattern with top-level alternatives (`a|b|c`): one literal per alternative, every match contains
        /// at least one of them; nil when some alternative has none.
        var requiredAnyOf: [[UInt8]]?
        var groupNames: [String]

        init(_ source: String) {
            // The split at top-level `|` decides which pre-checks apply.
            let branches = Pattern.topLevelAlternatives(of: source)
            if branches.count > 1 {
                requiredAnyOf = Pattern.literals(ofBranches: branches)?.map { Array($0.utf8) }
            } else {
                literalPrefix = Pattern.anchoredLiteralPrefix(ofUnalternated: source)
                requiredLiteral = Pattern.longestRequiredLiteral(ofUnalternated: source).map { Array($0.utf8) }
            }
            groupNames = Pattern.namedGroups(in: source)
        }
    }

    /// Lowercased literal text every match starts with (pattern anchored with `^`), used to skip the regex.
    var literalPrefix: String? { prechecks.literalPrefix }

    /// Lowercased words the pattern names literally, for telling which rules came closest to an unknown.
    /// Computed when asked (only `--explain` on an unknown asks), so loading the catalog does not pay for it.
    var literalWords: Set<String> { Pattern.words(inPattern: source) }

    init(_ source: String, eager: Bool = true) throws {
        self.source = source
        if eager { compiledRegex = try NSRegularExpression(pattern: source, options: [.caseInsensitive]) }
    }

    private var prechecks: Prechecks {
        lock.lock()
        defer { lock.unlock() }
        if let analysedPrechecks { return analysedPrechecks }
        let analysed = Prechecks(source)
        analysedPrechecks = analysed
        return analysed
    }

    /// Named groups of the first match, or nil when the pattern does not match.
    /// `lowered` is `text.lowercased()`, computed once by the caller for the prefix check.
    func match(_ text: String, lowered: String) -> [String: String]? {
        let prechecks = self.prechecks
        if let literalPrefix = prechecks.literalPrefix, !lowered.hasPrefix(literalPrefix) { return nil }
        if let requiredLiteral = prechecks.requiredLiteral, !Pattern.contains(lowered, requiredLiteral) { return nil }
        if let requiredAnyOf = prechecks.requiredAnyOf,
            !requiredAnyOf.contains(where: { Pattern.contains(lowered, $0) })
        {
            return nil
        }
        guard let regex else { return nil }
        let ns = text as NSString
        guard let result = regex.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) else {
            return nil
        }
        var groups: [String: String] = [:]
        for name in prechecks.groupNames {
            let range = result.range(withName: name)
            if range.location != NSNotFound, range.length > 0 {
                groups[name] = ns.substring(with: range)
            }
        }
        return groups
    }

    func matches(_ text: String) -> Bool { match(text, lowered: text.lowercased()) != nil }

    /// The compiled expression (compiled now if it was not yet); nil only for an invalid lazily compiled pattern,
    /// which then never matches.
    private var regex: NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if compiledRegex == nil {
            compiledRegex = try? NSRegularExpression(pattern: source, options: [.caseInsensitive])
        }
        return compiledRegex
    }

    /// Replaces the first match using a `$1` template; returns nil when there is no match.
    func rewrite(_ text: String, template: String) -> String? {
        guard let regex else { return nil }
        let ns = text as NSString
        let range = NSRange(location: 0, length: ns.length)
        guard regex.firstMatch(in: text, range: range) != nil else { return nil }
        return regex.stringByReplacingMatches(in: text, range: range, withTemplate: template)
    }

    static func namedGroups(in source: String) -> [String] {
        var names: [String] = []
        var rest = Substring(source)
        while let open = rest.range(of: "(?<") {
            let after = rest[open.upperBound...]
            // Skip look-behind assertions `(?<=` and `(?<!`.
            if let first = after.first, first == "=" || first == "!" {
                rest = after
                continue
            }
            guard let close = after.firstIndex(of: ">") else { break }
            names.append(String(after[..<close]))
            rest = after[close...]
        }
        return names
    }

    /// The literal text right after a leading `^`, as long as nothing optional or alternative can change it.
    static func anchoredLiteralPrefix(of source: String) -> String? {
        hasTopLevelAlternation(source) ? nil : anchoredLiteralPrefix(ofUnalternated: source)
    }

    private static func anchoredLiteralPrefix(ofUnalternated source: String) -> String? {
        guard source.hasPrefix("^"), !source.hasPrefix("^(?") else { return nil }
        var prefix = ""
        var index = source.index(after: source.startIndex)
        let metacharacters: Set<Character> = ["(", ")", "[", "]", "{", "}", "?", "*", "+", "|", ".", "$", "^"]
        while index < source.endIndex {
            let character = source[index]
            var literal: Character
            var next = source.index(after: index)
            if character == "\\" {
                guard next < source.endIndex else { break }
                let escaped = source[next]
                guard !escaped.isLetter, !escaped.isNumber else { break }
                literal = escaped
                next = source.index(after: next)
            } else if metacharacters.contains(character) || character.isWhitespace {
                // Whitespace stops too: patterns may be written to match any run of spaces later.
                if character == " " {
                    literal = character
                } else {
                    break
                }
            } else {
                literal = character
            }
            // A quantifier after this character makes it optional or repeated: stop before it.
            if next < source.endIndex, "?*{+".contains(source[next]) { break }
            prefix.append(literal)
            index = next
        }
        let lowered = prefix.lowercased()
        // Case-insensitive matching of non-ASCII letters can differ from lowercased(); stay with ASCII.
        guard !lowered.isEmpty, lowered.allSatisfy({ $0.isASCII }) else { return nil }
        return lowered
    }

    /// Byte search of ASCII `needle` in `haystack`'s UTF-8 (Foundation's `contains` is far slower here).
    static func contains(_ haystack: String, _ needle: [UInt8]) -> Bool {
        var haystack = haystack
        return haystack.withUTF8 { bytes in
            guard let first = needle.first, bytes.count >= needle.count else { return needle.isEmpty }
            var index = 0
            let last = bytes.count - needle.count
            while index <= last {
                if bytes[index] == first {
                    var offset = 1
                    while offset < needle.count && bytes[index + offset] == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// The longest run of literal characters outside any group, class or alternation: every match contains it.
    static func longestRequiredLiteral(of source: String) -> String? {
        hasTopLevelAlternation(source) ? nil : longestRequiredLiteral(ofUnalternated: source)
    }

    private static func longestRequiredLiteral(ofUnalternated source: String) -> String? {
        // Unicode scalars, not Characters: this runs for every pattern at catalog load, and grapheme breaking
        // was most of its cost. Patterns are regex syntax, where scalars are the units that matter.
        var runs: [String.UnicodeScalarView] = []
        var current = String.UnicodeScalarView()
        var depth = 0
        var inClass = false
        let characters = Array(source.unicodeScalars)
        var index = 0
        func endRun() {
            if !current.isEmpty { runs.append(current) }
            current = String.UnicodeScalarView()
        }
        func isLetterOrNumber(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
        while index < characters.count {
            let character = characters[index]
            var literal: Unicode.Scalar?
            var next = index + 1
            if character == "\\" {
                guard next < characters.count else { break }
                let escaped = characters[next]
                next += 1
                if depth == 0 && !inClass && !isLetterOrNumber(escaped) { literal = escaped }
            } else if inClass {
                if character == "]" { inClass = false }
            } else if character == "[" {
                inClass = true
            } else if character == "{" && depth == 0 {
                // A `{m,n}` quantifier: its digits and comma are not text to match.
                while next < characters.count && characters[next - 1] != "}" { next += 1 }
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
            } else if depth == 0 && !"{}?*+|.$^".unicodeScalars.contains(character) {
                literal = character
            }
            if let literal {
                // A quantifier after this character makes it optional or repeated: the run ends before it.
                if next < characters.count, "?*{+".unicodeScalars.contains(characters[next]) {
                    endRun()
                } else {
                    current.append(literal)
                }
            } else {
                endRun()
            }
            index = next
        }
        endRun()
        guard let longest = runs.max(by: { $0.count < $1.count }) else { return nil }
        let lowered = String(longest).lowercased()
        guard lowered.count >= 2, lowered.allSatisfy({ $0.isASCII }) else { return nil }
        return lowered
    }

    /// The longest required literal of each top-level alternative, when the pattern has several and every one
    /// of them has such a literal (`\bKB\d{6}|^Update for Microsoft` → `kb`, `update for microsoft`).
    static func alternativeLiterals(of source: String) -> [String]? {
        literals(ofBranches: topLevelAlternatives(of: source))
    }

    private static func literals(ofBranches branches: [String]) -> [String]? {
        guard branches.count > 1 else { return nil }
        var literals: [String] = []
        for branch in branches {
            // A top-level branch has no top-level `|` of its own.
            guard let literal = longestRequiredLiteral(ofUnalternated: branch) else { return nil }
            literals.append(literal)
        }
        return literals
    }

    /// `source` split at its top-level `|` (outside groups, classes and escapes).
    static func topLevelAlternatives(of source: String) -> [String] {
        var branches: [String] = []
        var current = String.UnicodeScalarView()
        var depth = 0
        var escaped = false
        var inClass = false
        for character in source.unicodeScalars {
            if escaped {
                escaped = false
                current.append(character)
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true
            case "]": inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass: depth -= 1
            case "|" where !inClass && depth == 0:
                branches.append(String(current))
                current = String.UnicodeScalarView()
                continue
            default: break
            }
            current.append(character)
        }
        branches.append(String(current))
        return branches
    }

    private static func hasTopLevelAlternation(_ source: String) -> Bool {
        topLevelAlternatives(of: source).count > 1
    }

    /// Words of letters (three or more, or two CJK-style non-ASCII letters) written literally in a pattern: outside
    /// character classes, escapes and group syntax (`^LibreOffice(?: (?<version>…))? Help Pack` → libreoffice,
    /// help, pack).
    static func words(inPattern source: String) -> Set<String> {
        var words = Set<String>()
        var current = ""
        func flush() {
            if Pattern.isWord(current) { words.insert(current.lowercased()) }
            current = ""
        }
        let characters = Array(source)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                flush()
                index += 2
                continue
            }
            if character == "[" {
                flush()
                while index < characters.count && characters[index] != "]" {
                    index += characters[index] == "\\" ? 2 : 1
                }
                index += 1
                continue
            }
            if character == "(" && index + 1 < characters.count && characters[index + 1] == "?" {
                flush()
                index += 2
                if index < characters.count && characters[index] == "<" {
                    // A named group `(?<name>` (its name is not text to match) or a look-behind `(?<=`, `(?<!`.
                    if index + 1 < characters.count && "=!".contains(characters[index + 1]) {
                        index += 2
                    } else {
                        while index < characters.count && characters[index] != ">" { index += 1 }
                        index += 1
                    }
                } else if index < characters.count {
                    index += 1
                }
                continue
            }
            if character.isLetter {
                current.append(character)
            } else {
                flush()
            }
            index += 1
        }
        flush()
        return words
    }

    /// Words of an input, split the same way as ``words(inPattern:)`` splits a pattern's literal text, plus each
    /// two neighbouring words run together (`Libre Office` also gives `libreoffice`).
    static func words(inText text: String) -> Set<String> {
        var runs: [String] = []
        var current = ""
        for character in text {
            if character.isLetter {
                current.append(character)
            } else if !current.isEmpty {
                runs.append(current.lowercased())
                current = ""
            }
        }
        if !current.isEmpty { runs.append(current.lowercased()) }
        var words = Set(runs.filter(isWord))
        for (first, second) in zip(runs, runs.dropFirst()) where isWord(first + second) {
            words.insert(first + second)
        }
        return words
    }

    /// Words too common in titles to say which product is meant.
    private static let stopWords: Set<String> = [
        "bit", "for", "and", "the", "with", "edition", "version", "und", "von", "des", "pour", "til", "och",
    ]

    private static func isWord(_ text: String) -> Bool {
        guard text.count >= 3 || (text.count >= 2 && !text.allSatisfy(\.isASCII)) else { return false }
        return !stopWords.contains(text.lowercased())
    }

    /// Escapes a literal for use inside a pattern.
    static func escape(_ literal: String) -> String { NSRegularExpression.escapedPattern(for: literal) }
}
