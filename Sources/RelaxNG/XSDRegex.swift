import Foundation

/// Translates an XML Schema regular expression (XSD Part 2, appendix F) into an ICU pattern for
/// `NSRegularExpression`: implicitly anchored, `.` excludes only CR and LF, `^` and `$` are literal,
/// `\i`/`\c` are XML name characters, and class subtraction `[a-[b]]` becomes ICU's `[a--[b]]`.
enum XSDRegex {
    struct TranslationError: Error, Equatable {
        var pattern: String
        var reason: String
    }

    /// XML 1.0 (5th edition) NameStartChar, without the brackets so it can sit inside a class.
    static let nameStartChars =
        "\\:A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D"
        + "\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD"
    static let nameChars = nameStartChars + "\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040"

    static func translate(_ pattern: String) throws(TranslationError) -> String {
        var reader = Reader(characters: Array(pattern), pattern: pattern)
        var output = "\\A(?:"
        while let character = reader.next() {
            switch character {
            case "\\": output += try reader.escape(insideClass: false)
            case "[": output += try reader.characterClass()
            case ".": output += "[^\\n\\r]"
            case "^", "$": output += "\\\(character)"
            default: output.append(character)
            }
        }
        return output + ")\\z"
    }

    /// Compiles a translated pattern once.
    static func compile(_ pattern: String) throws(TranslationError) -> NSRegularExpression {
        let translated = try translate(pattern)
        do {
            return try NSRegularExpression(pattern: translated)
        } catch {
            throw TranslationError(pattern: pattern, reason: "ICU refuses the translation \(translated)")
        }
    }

    private struct Reader {
        var characters: [Character]
        var pattern: String
        var index = 0

        mutating func next() -> Character? {
            guard index < characters.count else { return nil }
            defer { index += 1 }
            return characters[index]
        }

        func peek(_ offset: Int = 0) -> Character? {
            index + offset < characters.count ? characters[index + offset] : nil
        }

        func failure(_ reason: String) -> TranslationError { TranslationError(pattern: pattern, reason: reason) }

        /// After a backslash: a single-character escape, a multi-character class or a category.
        mutating func escape(insideClass: Bool) throws(TranslationError) -> String {
            guard let character = next() else { throw failure("ends with a backslash") }
            switch character {
            case "i": return insideClass ? XSDRegex.nameStartChars : "[\(XSDRegex.nameStartChars)]"
            case "I": return "[^\(XSDRegex.nameStartChars)]"
            case "c": return insideClass ? XSDRegex.nameChars : "[\(XSDRegex.nameChars)]"
            case "C": return "[^\(XSDRegex.nameChars)]"
            case "d": return "\\p{Nd}"
            case "D": return "\\P{Nd}"
            case "s": return insideClass ? " \\t\\n\\r" : "[ \\t\\n\\r]"
            case "S": return "[^ \\t\\n\\r]"
            case "w": return "[^\\p{P}\\p{Z}\\p{C}]"
            case "W": return "[\\p{P}\\p{Z}\\p{C}]"
            case "p", "P": return try category(negated: character == "P")
            case "n", "r", "t", "\\", "|", ".", "-", "^", "?", "*", "+", "{", "}", "(", ")", "[", "]":
                return "\\\(character)"
            default: throw failure("unknown escape \\\(character)")
            }
        }

        mutating func category(negated: Bool) throws(TranslationError) -> String {
            guard next() == "{" else { throw failure("\\p without {") }
            var name = ""
            while let character = next(), character != "}" { name.append(character) }
            // XSD block names are IsX; ICU calls them InX.
            if name.hasPrefix("Is") { name = "In" + name.dropFirst(2) }
            return "\\\(negated ? "P" : "p"){\(name)}"
        }

        /// After `[`: a positive or negative group, possibly minus a nested class (ICU: `[[group]--[class]]`).
        mutating func characterClass() throws(TranslationError) -> String {
            var negated = false
            if peek() == "^" {
                negated = true
                index += 1
            }
            var items = ""
            var first = true
            while let character = next() {
                switch character {
                case "]": return "[\(negated ? "^" : "")\(items)]"
                case "-" where peek() == "[":
                    index += 1
                    let subtracted = try characterClass()
                    _ = try closing()
                    return "[[\(negated ? "^" : "")\(items)]--\(subtracted)]"
                case "\\": items += try escape(insideClass: true)
                case "-":
                    // A range operator between two characters; a hyphen at either end is literal.
                    items += (first || peek() == "]") ? "\\-" : "-"
                default:
                    // ICU gives ASCII punctuation meanings inside sets ([:name:], &&, $var): escape it all.
                    let isPunctuation =
                        character.isASCII && !character.isLetter && !character.isNumber
                        && character != " "
                    items += isPunctuation ? "\\\(character)" : String(character)
                }
                first = false
            }
            throw failure("unterminated character class")
        }

        /// The `]` that closes a class after its subtraction.
        mutating func closing() throws(TranslationError) -> String {
            guard next() == "]" else { throw failure("a subtraction must end its class") }
            return "]"
        }
    }
}
