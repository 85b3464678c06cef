public import Foundation

/// A JSON value as parsed, keeping booleans, integers and other numbers apart (schema types need that).
public enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The JSON Schema type names this value satisfies (`integer` is also a `number`).
    var typeNames: Set<String> {
        switch self {
        case .null: return ["null"]
        case .bool: return ["boolean"]
        case .integer: return ["integer", "number"]
        case .number(let value): return value.rounded() == value ? ["integer", "number"] : ["number"]
        case .string: return ["string"]
        case .array: return ["array"]
        case .object: return ["object"]
        }
    }

    var shortText: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"\(value.count > 60 ? String(value.prefix(60)) + "…" : value)\""
        case .array(let items): return "an array of \(items.count)"
        case .object: return "an object"
        }
    }
}

/// Checks a JSON value against the subset of JSON Schema (2020-12) that the submission schema uses:
/// `type`, `const`, `enum`, `required`, `properties`, `additionalProperties: false`, `items`,
/// `minimum`/`maximum`, `minLength`/`maxLength`, `pattern` and local `$ref`s to `#/$defs/...`.
/// The schema file itself is the single source of truth; unknown keywords are annotations.
public struct JSONSchemaCheck: Sendable {
    let root: JSONValue

    public init(schema: JSONValue) {
        self.root = schema
    }

    /// Problems found, each as `location: what is wrong`; empty when the value conforms.
    public func problems(in value: JSONValue) -> [String] {
        var problems: [String] = []
        check(value, against: root, at: "", into: &problems)
        return problems
    }

    private func resolve(_ schema: JSONValue) -> JSONValue {
        guard case .object(let members) = schema, case .string(let reference)? = members["$ref"] else {
            return schema
        }
        var node = root
        for part in reference.dropFirst(2).split(separator: "/") {
            guard case .object(let children) = node, let child = children[String(part)] else { return .object([:]) }
            node = child
        }
        return node
    }

    private func check(_ value: JSONValue, against schema: JSONValue, at path: String, into problems: inout [String]) {
        guard case .object(let rules) = resolve(schema) else { return }
        let location = path.isEmpty ? "(top level)" : path
        if let expected = rules["const"], !Self.equal(expected, value) {
            problems.append("\(location): must be \(expected.shortText), found \(value.shortText)")
            return
        }
        if case .array(let options)? = rules["enum"], !options.contains(where: { Self.equal($0, value) }) {
            let allowed = options.map(\.shortText).joined(separator: ", ")
            problems.append("\(location): \(value.shortText) is not one of \(allowed)")
            return
        }
        if let typeRule = rules["type"] {
            let allowed: [String]
            switch typeRule {
            case .string(let name): allowed = [name]
            case .array(let names):
                allowed = names.compactMap {
                    if case .string(let name) = $0 { return name }
                    return nil
                }
            default: allowed = []
            }
            if !allowed.isEmpty && value.typeNames.isDisjoint(with: allowed) {
                problems.append("\(location): expected \(allowed.joined(separator: " or ")), found \(value.shortText)")
                return
            }
        }
        switch value {
        case .object(let members):
            if case .array(let required)? = rules["required"] {
                for case .string(let key) in required where members[key] == nil {
                    problems.append("\(location): missing required key \"\(key)\"")
                }
            }
            var properties: [String: JSONValue] = [:]
            if case .object(let declared)? = rules["properties"] { properties = declared }
            for key in members.keys.sorted() {
                let child = path.isEmpty ? key : path + "." + key
                if let rule = properties[key] {
                    check(members[key]!, against: rule, at: child, into: &problems)
                } else if case .bool(false)? = rules["additionalProperties"] {
                    problems.append("\(location): unexpected key \"\(key)\" (not allowed by the schema)")
                }
            }
        case .array(let items):
            if let rule = rules["items"] {
                for (index, item) in items.enumerated() {
                    check(item, against: rule, at: "\(path)[\(index)]", into: &problems)
                }
            }
        case .string(let text):
            if let minimum = Self.number(rules["minLength"]), Double(text.count) < minimum {
                problems.append("\(location): shorter than \(Int(minimum)) characters")
            }
            if let maximum = Self.number(rules["maxLength"]), Double(text.count) > maximum {
                problems.append("\(location): longer than \(Int(maximum)) characters")
            }
            if case .string(let pattern)? = rules["pattern"],
                text.range(of: pattern, options: .regularExpression) == nil
            {
                problems.append("\(location): \(value.shortText) does not match \(pattern)")
            }
        case .integer, .number:
            let number: Double
            switch value {
            case .integer(let int): number = Double(int)
            case .number(let double): number = double
            default: number = 0
            }
            if let minimum = Self.number(rules["minimum"]), number < minimum {
                problems.append("\(location): \(value.shortText) is below the minimum \(Self.format(minimum))")
            }
            if let maximum = Self.number(rules["maximum"]), number > maximum {
                problems.append("\(location): \(value.shortText) is above the maximum \(Self.format(maximum))")
            }
        default:
            break
        }
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let int)?: return Double(int)
        case .number(let double)?: return double
        default: return nil
        }
    }

    private static func format(_ number: Double) -> String {
        number.rounded() == number ? String(Int64(number)) : String(number)
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer(let a), .number(let b)), (.number(let b), .integer(let a)): return Double(a) == b
        default: return lhs == rhs
        }
    }
}
