import Foundation

/// Builds catalog entries for the whole OS2 portfolio from `os2-products.csv` at load time.
///
/// Each product gets: a rule on its own name (`OS2faktor`, also written `OS2 faktor`/`OS2-faktor`, at the
/// start of a word, so `OS2faktorKlient.exe` counts); a rule per distinctive inventory pattern (whole word,
/// or substring for paths, image names and host names); and, for generic patterns (`jobmanager`,
/// `ADSyncService`, `ULF`), an exact-title rule that also needs context: a publisher naming OS2, the product
/// or the vendor given in the pattern's parentheses.
enum OS2Portfolio {
    static func entries(csv: String, settings: OS2Settings) throws -> [ProductEntry] {
        let rows = CSVReader.rows(csv)
        guard let header = rows.first else {
            throw CatalogError.invalid(file: "os2-products.csv", line: 1, message: "empty")
        }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw CatalogError.invalid(file: "os2-products.csv", line: 1, message: "missing column \(name)")
            }
            return index
        }
        let id = try column("id")
        let name = try column("name")
        let category = try column("category")
        let description = try column("description_en")
        let repos = try column("source_repos")
        let status = try column("status")
        let governance = try column("governance_level")
        let evidence = try column("evidence")
        let patterns = try column("inventory_patterns")
        let generic = Set(settings.genericPatterns.map { $0.lowercased() })
        let patches = Dictionary((settings.products ?? []).map { ($0.id, $0) }, uniquingKeysWith: { $1 })

        var entries: [ProductEntry] = []
        for (offset, row) in rows.dropFirst().enumerated() where row.count == header.count {
            var entry = ProductEntry(id: row[id])
            entry.name = row[name]
            entry.kind = ProductKind.os2Product.rawValue
            entry.vendor = settings.vendor
            entry.licence = settings.licence
            entry.openSource = true
            entry.category = row[category]
            entry.status = row[status]
            entry.governanceLevel = Int(row[governance])
            entry.lineScheme = "major-minor"
            let repositories = row[repos].split(separator: ";").map { "https://github.com/\($0)" }
            entry.notes =
                row[description]
                + (repositories.isEmpty ? "" : " Repositories: " + repositories.joined(separator: ", "))
                + ". Evidence: " + row[evidence] + " (os2-products.csv line \(offset + 2))"
            var rules: [InventoryRuleEntry] = []
            // The product's own name: `OS2kitos (KITOS)` → `OS2kitos`.
            let baseName = row[name].components(separatedBy: " (")[0]
            if baseName.lowercased().hasPrefix("os2") {
                var rest = String(baseName.dropFirst(3))
                if rest.hasPrefix("-") { rest.removeFirst() }
                var rule = InventoryRuleEntry()
                rule.id = "name"
                rule.title = "(?<![a-z0-9])os2[- _]?" + Pattern.escape(rest)
                rules.append(rule)
            }
            for (index, raw) in row[patterns].split(separator: ";").enumerated() {
                let pattern = raw.trimmingCharacters(in: .whitespaces)
                guard !pattern.isEmpty else { continue }
                var rule = InventoryRuleEntry()
                rule.id = "pattern\(index + 1)"
                var literal = pattern
                var context: [String] = []
                if let open = pattern.range(of: " ("), pattern.hasSuffix(")") {
                    literal = String(pattern[..<open.lowerBound])
                    context = pattern[open.upperBound..<pattern.index(before: pattern.endIndex)]
                        .components(separatedBy: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }
                let isGeneric = !context.isEmpty || generic.contains(literal.lowercased()) || literal.count <= 4
                if isGeneric {
                    // Only the whole title, and only with a publisher that names OS2, the product or the vendor. A
                    // version may follow: Inno Setup's default uninstall title is "AppName version 1.3.0".
                    rule.title = "^" + Pattern.escape(literal) + "(?:(?: version)? v?(?<version>\\d+(?:\\.\\d+)*))?$"
                    let words = ["os2", baseName] + context
                    rule.publisher = words.map(Pattern.escape).joined(separator: "|")
                    rule.publisherRequired = true
                } else if literal.contains("/") || literal.contains(".") {
                    rule.title = Pattern.escape(literal)
                    rule.package = nil
                } else {
                    rule.title = "(?<![a-z0-9])" + Pattern.escape(literal) + "(?![a-z0-9])"
                }
                rules.append(rule)
            }
            entry.inventory = rules
            entry.examples = [baseName]
            if let patch = patches[entry.id] { entry = entry.merged(with: patch) }
            entries.append(entry)
        }
        return entries
    }
}

/// A small RFC 4180 reader for the shipped CSV (quoted fields, doubled quotes, embedded newlines).
enum CSVReader {
    static func rows(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var iterator = text.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case ",":
                row.append(field)
                field = ""
            case "\n", "\r\n":
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            case "\r": break
            default: field.append(character)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return rows
    }
}
