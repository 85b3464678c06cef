import Foundation
import Yams

/// Settings for turning `os2-products.csv` into catalog entries (`Resources/os2.yaml`).
struct OS2Settings: Codable, Sendable {
    var vendor: String
    var licence: String
    /// Inventory patterns too generic to count without context (`jobmanager`, `ADSyncService`, ...).
    var genericPatterns: [String]
    /// Patches merged onto the generated entries (extra rules, licences that differ, notes).
    var products: [ProductEntry]?

    enum CodingKeys: String, CodingKey {
        case vendor, licence, products
        case genericPatterns = "generic_patterns"
    }
}

enum CatalogFileParser {
    static func parse(_ text: String, file: String) throws -> CatalogFile {
        do {
            return try YAMLDecoder().decode(CatalogFile.self, from: text)
        } catch let error as DecodingError {
            throw CatalogError.invalid(file: file, line: line(of: error, in: text), message: describe(error))
        } catch {
            throw CatalogError.invalid(file: file, line: nil, message: "\(error)")
        }
    }

    static func parseOS2Settings(_ text: String, file: String) throws -> OS2Settings {
        do {
            return try YAMLDecoder().decode(OS2Settings.self, from: text)
        } catch let error as DecodingError {
            throw CatalogError.invalid(file: file, line: line(of: error, in: text), message: describe(error))
        } catch {
            throw CatalogError.invalid(file: file, line: nil, message: "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): missing \(type)"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key \(key.stringValue)"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The 1-based line of the node a decoding error points at, found by walking the composed YAML tree.
    static func line(of error: DecodingError, in text: String) -> Int? {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c):
            context = c
        @unknown default: return nil
        }
        guard let root = try? Yams.compose(yaml: text) else { return nil }
        var node = root
        for key in context.codingPath {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let child = mapping[key.stringValue] {
                node = child
            } else {
                break
            }
        }
        return node.mark.map { $0.line }
    }
}

/// Turns a merged entry into a ``Product``, insisting on the fields every product needs.
enum ProductEntryValidator {
    /// A lowercase slug: `[a-z0-9][a-z0-9.+_-]*`. Checked byte by byte: a regular expression compiled for it
    /// cost a tenth of loading the catalog.
    static func isSlug(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        func isAlphanumeric(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) }
        guard let first = bytes.first, isAlphanumeric(first) else { return false }
        return bytes.dropFirst().allSatisfy {
            isAlphanumeric($0) || $0 == 0x2E || $0 == 0x2B || $0 == 0x5F || $0 == 0x2D
        }
    }

    static func product(from entry: ProductEntry, file: String) throws -> Product {
        func missing(_ field: String) -> CatalogError {
            .invalid(file: file, line: nil, message: "product \(entry.id): missing \(field)")
        }
        guard isSlug(entry.id) else {
            throw CatalogError.invalid(
                file: file, line: nil, message: "product id \(entry.id) is not a lowercase slug")
        }
        guard let name = entry.name, !name.isEmpty else { throw missing("name") }
        guard let kindWord = entry.kind else { throw missing("kind") }
        guard let kind = ProductKind(rawValue: kindWord) else {
            throw CatalogError.invalid(
                file: file, line: nil,
                message: "product \(entry.id): unknown kind \(kindWord) (one of "
                    + ProductKind.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        return Product(
            id: entry.id, name: name, kind: kind, vendor: entry.vendor ?? "unknown",
            licence: entry.licence ?? "unknown", openSource: entry.openSource ?? false, parent: entry.parent,
            writesODF: entry.writesODF ?? [], versionLines: entry.versionLines ?? [],
            governanceLevel: entry.governanceLevel, category: entry.category, status: entry.status,
            endOfLife: entry.endOfLife, packages: entry.packages ?? PackageIdentifiers(), notes: entry.notes)
    }
}
