import Foundation

/// The datatypes a schema uses, each compiled once (facets parsed, patterns translated and compiled).
struct DatatypeTable: Sendable {
    struct Failure: Error {
        var message: String
    }

    static let xsdLibrary = "http://www.w3.org/2001/XMLSchema-datatypes"

    private(set) var types: [Datatype] = []

    subscript(_ index: Int32) -> Datatype { types[Int(index)] }

    mutating func add(library: String, type: String, params: [(String, String)]) throws(Failure) -> Int32 {
        let kind: Datatype.Kind
        switch library {
        case "":
            guard type == "string" || type == "token" else {
                throw Failure(message: "unknown built-in datatype \(type)")
            }
            guard params.isEmpty else { throw Failure(message: "the built-in datatypes take no parameters") }
            kind = type == "string" ? .builtinString : .builtinToken
        case Self.xsdLibrary:
            guard let known = Datatype.Kind(rawValue: type), !type.hasPrefix("builtin") else {
                throw Failure(message: "unsupported XML Schema datatype \(type)")
            }
            kind = known
        default: throw Failure(message: "unsupported datatype library \(library)")
        }
        var datatype = Datatype(kind: kind)
        for (name, value) in params { datatype.facets.append(try Self.facet(name, value, type: type)) }
        types.append(datatype)
        return Int32(types.count - 1)
    }

    private static func facet(_ name: String, _ value: String, type: String) throws(Failure) -> Datatype.Facet {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        func integer() throws(Failure) -> Int {
            guard let number = Int(trimmed), number >= 0 else {
                throw Failure(message: "facet \(name) of \(type) needs a non-negative integer, not \(value)")
            }
            return number
        }
        func number() throws(Failure) -> Double {
            guard let number = Double(trimmed) else {
                throw Failure(message: "facet \(name) of \(type) needs a number, not \(value)")
            }
            return number
        }
        switch name {
        case "length": return .length(try integer())
        case "minLength": return .minLength(try integer())
        case "maxLength": return .maxLength(try integer())
        case "minInclusive": return .minInclusive(try number())
        case "maxInclusive": return .maxInclusive(try number())
        case "minExclusive": return .minExclusive(try number())
        case "maxExclusive": return .maxExclusive(try number())
        case "pattern":
            do {
                return .pattern(try XSDRegex.compile(value))
            } catch {
                throw Failure(message: "pattern \(value) of \(type): \(error.reason)")
            }
        default: throw Failure(message: "unsupported facet \(name) of \(type)")
        }
    }
}
