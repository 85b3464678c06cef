import Foundation

/// Lexical spaces of the XML Schema datatypes the schemas use (after whitespace normalisation), as Jing checks
/// them: dates must exist in the calendar, numbers fit their type.
enum XSDLexical {
    static func isValid(_ value: String, _ kind: Datatype.Kind, _ context: NamespaceContext) -> Bool {
        switch kind {
        case .builtinString, .builtinToken, .string, .normalizedString, .token: return true
        case .anyURI: return isURI(value)
        case .NCName, .ID, .IDREF: return isNCName(value)
        case .Name: return isName(value)
        case .NMTOKEN: return !value.isEmpty && value.unicodeScalars.allSatisfy(isNameChar)
        case .IDREFS: return !value.isEmpty && value.split(separator: " ").allSatisfy { isNCName(String($0)) }
        case .QName: return expand(value, context) != nil
        case .language: return matches(value, language)
        case .integer, .int, .long: return matches(value, integer)
        case .nonNegativeInteger: return matches(value, integer) && (value.hasPrefix("-") ? isZero(value) : true)
        case .positiveInteger: return matches(value, integer) && !value.hasPrefix("-") && !isZero(value)
        case .nonPositiveInteger: return matches(value, integer) && (value.hasPrefix("-") || isZero(value))
        case .negativeInteger: return matches(value, integer) && value.hasPrefix("-") && !isZero(value)
        case .decimal: return matches(value, decimal)
        case .double, .float: return matches(value, double)
        case .boolean: return value == "true" || value == "false" || value == "1" || value == "0"
        case .date: return matches(value, date) && dayExists(value)
        case .dateTime: return matches(value, dateTime) && dayExists(value)
        case .time: return matches(value, time)
        case .gYear: return matches(value, gYear)
        case .duration: return matches(value, duration) && value.last != "T" && !value.hasSuffix("P")
        case .base64Binary: return isBase64(value)
        case .hexBinary: return value.count % 2 == 0 && value.allSatisfy(\.isHexDigit)
        }
    }

    private static func regex(_ pattern: String) -> NSRegularExpression {
        // These patterns are constants of this file; a failure is a programming error caught by the tests.
        try! XSDRegex.compile(pattern)
    }

    private static let language = regex("[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*")
    private static let integer = regex("[+\\-]?[0-9]+")
    private static let decimal = regex("[+\\-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)")
    private static let double = regex(
        "([+\\-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([Ee][+\\-]?[0-9]+)?)|-?INF|NaN")
    private static let zone = "(Z|[+\\-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
    private static let day = "-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    private static let clock = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]+)?"
    private static let date = regex(day + zone)
    private static let dateTime = regex(day + "T" + clock + zone)
    private static let time = regex(clock + zone)
    private static let gYear = regex("-?([1-9][0-9]{3,}|0[0-9]{3})" + zone)
    private static let duration = regex(
        "-?P([0-9]+Y)?([0-9]+M)?([0-9]+D)?(T([0-9]+H)?([0-9]+M)?([0-9]+(\\.[0-9]+)?S)?)?")

    static func matches(_ value: String, _ regex: NSRegularExpression) -> Bool {
        regex.firstMatch(in: value, options: [], range: NSRange(value.startIndex..., in: value)) != nil
    }

    private static func isZero(_ value: String) -> Bool { value.allSatisfy { $0 == "0" || $0 == "+" || $0 == "-" } }

    /// The day of a date or dateTime exists (no 30 February); year 0000 does not exist in XSD 1.0.
    private static func dayExists(_ value: String) -> Bool {
        let body = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
        let fields = body.split(separator: "-", maxSplits: 2)
        guard fields.count == 3, let year = Int(fields[0]), let month = Int(fields[1]),
            let day = Int(fields[2].prefix(2)), year != 0
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    /// XSD's canonical-bits rule as Jing applies it: the digit before "=" must leave its unused bits zero.
    private static func isBase64(_ value: String) -> Bool {
        let digits = Array(value.unicodeScalars.filter { $0 != " " })
        let padding = digits.reversed().prefix { $0 == "=" }.count
        guard digits.count % 4 == 0, padding <= 2 else { return false }
        for (index, scalar) in digits.dropLast(padding).enumerated() {
            guard let number = base64Value(scalar) else { return false }
            if padding > 0, index == digits.count - padding - 1 {
                let unused: UInt8 = padding == 1 ? 0b11 : 0b1111
                if number & unused != 0 { return false }
            }
        }
        return true
    }

    private static func base64Value(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar {
        case "A"..."Z": return UInt8(scalar.value - 65)
        case "a"..."z": return UInt8(scalar.value - 97 + 26)
        case "0"..."9": return UInt8(scalar.value - 48 + 52)
        case "+": return 62
        case "/": return 63
        default: return nil
        }
    }

    /// Jing's anyURI check (it escapes disallowed characters rather than refusing them): percent signs start
    /// two hex digits, at most one "#", and an absolute URI's scheme is a letter then letters, digits, + - .
    private static func isURI(_ value: String) -> Bool {
        let characters = Array(value.unicodeScalars)
        for (index, scalar) in characters.enumerated() where scalar == "%" {
            guard index + 2 < characters.count, characters[index + 1].properties.isASCIIHexDigit,
                characters[index + 2].properties.isASCIIHexDigit
            else { return false }
        }
        guard characters.filter({ $0 == "#" }).count <= 1 else { return false }
        guard let colon = characters.firstIndex(of: ":"),
            !characters[..<colon].contains(where: { $0 == "#" || $0 == "/" || $0 == "?" })
        else { return true }
        guard colon > 0, colon + 1 < characters.count, characters[0].properties.isAlphabetic,
            characters[0].isASCII
        else { return false }
        return characters[1..<colon].allSatisfy {
            $0.isASCII
                && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "-" || $0 == ".")
        }
    }

    static func isNameStartChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F, 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF,
            0x200C...0x200D, 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
            0x10000...0xEFFFF:
            return true
        default: return false
        }
    }

    static func isNameChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040, 0x3A: return true
        default: return isNameStartChar(scalar)
        }
    }

    static func isNCName(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, isNameStartChar(first) else { return false }
        return value.unicodeScalars.allSatisfy { $0 != ":" && isNameChar($0) }
    }

    static func isName(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first, first == ":" || isNameStartChar(first) else { return false }
        return value.unicodeScalars.allSatisfy(isNameChar)
    }

    /// A QName's expanded name in `context` (`nil`: not a QName, or its prefix is not declared).
    static func expand(_ value: String, _ context: NamespaceContext) -> QualifiedName? {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard isNCName(value) else { return nil }
            return QualifiedName(namespaceURI: context.bindings[""] ?? "", localName: value)
        case 2:
            let (prefix, local) = (String(parts[0]), String(parts[1]))
            guard isNCName(prefix), isNCName(local), let uri = context.bindings[prefix] else { return nil }
            return QualifiedName(namespaceURI: uri, localName: local)
        default: return nil
        }
    }
}
