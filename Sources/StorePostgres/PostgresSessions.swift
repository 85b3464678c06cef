import Foundation
import Logging
import OverblikModel
import PostgresNIO
import Store

/// COPY text-format encoding of one field (`\N` for null; backslash, tab and line breaks escaped).
func copyField(_ value: String?) -> String {
    guard let value else { return "\\N" }
    var out = ""
    out.reserveCapacity(value.utf8.count)
    for character in value.unicodeScalars {
        switch character {
        case "\\": out += "\\\\"
        case "\t": out += "\\t"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\u{0}": break  // PostgreSQL text cannot hold NUL.
        default: out.unicodeScalars.append(character)
        }
    }
    return out
}

func copyField(_ value: Int?) -> String { value.map(String.init) ?? "\\N" }
func copyField(_ value: Int64?) -> String { value.map(String.init) ?? "\\N" }
func copyField(_ value: Double?) -> String { value.map { "\($0)" } ?? "\\N" }
func copyField(_ value: Bool) -> String { value ? "t" : "f" }
