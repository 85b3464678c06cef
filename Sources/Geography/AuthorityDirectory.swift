public import Foundation

/// Denmark's 98 municipalities and 5 regions, and every way real data names them.
///
/// Names, codes and aliases come from the shipped resources (see `Resources/`): official names, DAWA short
/// names, four-digit codes (`0101`), old spellings (`Århus`), abbreviations (`Kbh.`), English names
/// (`Copenhagen`) and ASCII transliterations. Lookup ignores case, repeated whitespace, hyphens and trailing dots.
public struct AuthorityDirectory: Sendable {
    /// Every authority: municipalities in code order, then regions.
    public let all: [Authority]
    public var municipalities: [Authority] { all.filter { $0.kind == .municipality } }
    public var regions: [Authority] { all.filter { $0.kind == .region } }

    private let byCode: [Int: Authority]
    /// Normalised alias → codes (more than one code only for ambiguous short forms).
    private let byAlias: [String: Set<Int>]

    /// The shipped directory. Loading is checked by tests; a failure here is a packaging fault.
    public static let denmark: AuthorityDirectory = {
        do {
            return try AuthorityDirectory(resourceBundle: .module)
        } catch {
            fatalError("Geography resources are damaged: \(error)")
        }
    }()

    public init(resourceBundle bundle: Bundle) throws {
        let regionRows = try Self.readCSV(Self.resource("regions", "csv", bundle), file: "regions.csv")
        let municipalityRows = try Self.readCSV(
            Self.resource("municipalities", "csv", bundle), file: "municipalities.csv")
        var authorities: [Authority] = []
        for (line, row) in municipalityRows {
            guard row.count >= 4, let code = Int(row[0]), let region = Int(row[3]) else {
                throw GeographyError.malformedResource(file: "municipalities.csv", line: line, reason: "bad row")
            }
            authorities.append(
                Authority(code: code, name: row[1], shortName: row[2], kind: .municipality, regionCode: region))
        }
        for (line, row) in regionRows {
            guard row.count >= 3, let code = Int(row[0]) else {
                throw GeographyError.malformedResource(file: "regions.csv", line: line, reason: "bad row")
            }
            authorities.append(Authority(code: code, name: row[1], shortName: row[2], kind: .region, regionCode: code))
        }
        var aliases: [String: Set<Int>] = [:]
        func add(_ alias: String, _ code: Int) {
            for key in Self.lookupKeys(alias) { aliases[key, default: []].insert(code) }
        }
        for authority in authorities {
            add(authority.name, authority.code)
            add(authority.shortName, authority.code)
            add(String(authority.code), authority.code)
        }
        for (file, ext) in [("municipality-aliases", "tsv"), ("region-aliases", "tsv")] {
            let text = try Self.resource(file, ext, bundle)
            // Split as bytes: Character by Character, with Foundation trimming each line, the ~700 lines took
            // several ms before any command with --organisation could start.
            let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() {
                let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                if Self.trimmingSpacesAndTabs(line).isEmpty { continue }
                guard fields.count == 2,
                    let code = Int(String(decoding: Self.trimmingSpacesAndTabs(fields[1]), as: UTF8.self))
                else {
                    throw GeographyError.malformedResource(
                        file: "\(file).\(ext)", line: index + 1, reason: "expected alias<TAB>code")
                }
                add(String(decoding: fields[0], as: UTF8.self), code)
            }
        }
        self.all = authorities.sorted()
        self.byCode = Dictionary(uniqueKeysWithValues: authorities.map { ($0.code, $0) })
        self.byAlias = aliases
    }

    /// The authority with this official code, if any.
    public func authority(code: Int) -> Authority? { byCode[code] }

    /// The municipalities of one region, in code order.
    public func municipalities(inRegion regionCode: Int) -> [Authority] {
        municipalities.filter { $0.regionCode == regionCode }
    }

    /// Resolves a code, name or alias (`101`, `0101`, `Københavns Kommune`, `Kbh.`, `Århus`, `Region H`).
    public func resolve(_ text: String) throws(AuthorityLookupError) -> Authority {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let codes = matchingCodes(trimmed)
        if codes.count == 1, let authority = byCode[codes.first!] { return authority }
        if codes.count > 1 {
            throw .ambiguous(input: trimmed, candidates: codes.sorted().compactMap { byCode[$0]?.name })
        }
        throw .unknown(input: trimmed, suggestions: suggestions(for: trimmed))
    }

    /// The authority a code, name or alias names, or nil when none or several do: ``resolve(_:)`` without the
    /// suggestions it makes for an unknown text (an edit distance to every alias). For a column of an
    /// inventory, where a hostile file can hold a million different unknown names and no suggestion is shown.
    public func lookup(_ text: String) -> Authority? {
        let codes = matchingCodes(text.trimmingCharacters(in: .whitespacesAndNewlines))
        return codes.count == 1 ? byCode[codes.first!] : nil
    }

    private func matchingCodes(_ trimmed: String) -> Set<Int> {
        for key in Self.lookupKeys(trimmed) {
            if let found = byAlias[key] { return found }
        }
        return []
    }

    /// Official names of the authorities whose aliases are closest to `text` (edit distance), best first.
    public func suggestions(for text: String, limit: Int = 3) -> [String] {
        guard let key = Self.lookupKeys(text).first, !key.isEmpty else { return [] }
        var best: [Int: Int] = [:]
        for (alias, codes) in byAlias where codes.count == 1 {
            // Prefix matches ("frederiks" → Frederiksberg) rank as close as one edit.
            let distance = alias.hasPrefix(key) ? 1 : Self.editDistance(key, alias, limit: max(2, key.count / 3))
            guard let distance else { continue }
            let code = codes.first!
            if distance < best[code, default: .max] { best[code] = distance }
        }
        return best.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            .prefix(limit).compactMap { byCode[$0.key]?.name }
    }

    // MARK: - Normalisation

    /// Lookup keys for a name, most exact first: case-folded with hyphens as spaces and trailing dots removed,
    /// then with Danish letters transliterated (æ→ae, ø→oe, å→aa), so `Aarhus`, `Århus` and `Arhus` meet the
    /// aliases as they are written.
    static func lookupKeys(_ text: String) -> [String] {
        var text = text
        // Five of six names and aliases are ASCII: folded byte by byte (the directory folds ~1,000 of them as it
        // loads, before any command with --organisation starts its work; the Unicode path took ~10 µs each).
        if let keys = text.withUTF8(asciiLookupKeys) { return keys }
        return unicodeLookupKeys(text)
    }

    /// ``lookupKeys(_:)`` of ASCII text, as ``unicodeLookupKeys(_:)`` gives it; nil for text that is not ASCII.
    static func asciiLookupKeys(_ utf8: UnsafeBufferPointer<UInt8>) -> [String]? {
        var folded: [UInt8] = []
        folded.reserveCapacity(utf8.count)
        var pendingSpace = false
        for byte in utf8 {
            guard byte < 0x80 else { return nil }
            // U+0009 ... U+000D and U+0020 are ASCII's white space (Unicode's White_Space property).
            if byte == UInt8(ascii: "-") || byte == 0x20 || (0x09...0x0D).contains(byte) {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace {
                folded.append(0x20)
                pendingSpace = false
            }
            folded.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte)
        }
        while let last = folded.last, last == UInt8(ascii: ".") || last == 0x20 { folded.removeLast() }
        let key = String(decoding: folded, as: UTF8.self)
        // Nothing to transliterate in ASCII.
        return codeKeys(key) ?? [key]
    }

    /// The keys of a folded key that is all digits, a code: without its leading zeros ("0101", "00101" → "101"),
    /// then as written; nil for any other key.
    private static func codeKeys(_ key: String) -> [String]? {
        guard !key.isEmpty, key.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int(key)
        else { return nil }
        return [String(number), key]
    }

    /// ``lookupKeys(_:)`` of any text, by its Unicode scalars.
    static func unicodeLookupKeys(_ text: String) -> [String] {
        // One pass over the scalars (no Foundation search-and-replace): hyphens and dashes become spaces, runs of
        // white space one space.
        var folded = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            if scalar == "-" || scalar == "\u{2010}" || scalar == "\u{2013}" || scalar.properties.isWhitespace {
                pendingSpace = !folded.isEmpty
                continue
            }
            if pendingSpace {
                folded.append(" ")
                pendingSpace = false
            }
            folded.append(scalar)
        }
        // Trailing dots go ("Kbh."), and the white space before them.
        while let last = folded.last, last == "." || last == " " { folded.removeLast() }
        let key = String(folded)
        if let codes = codeKeys(key) { return codes }
        var transliterated = String.UnicodeScalarView()
        for scalar in folded {
            switch scalar {
            case "æ": transliterated.append(contentsOf: "ae".unicodeScalars)
            case "ø": transliterated.append(contentsOf: "oe".unicodeScalars)
            case "å": transliterated.append(contentsOf: "aa".unicodeScalars)
            case "é": transliterated.append("e")
            default: transliterated.append(scalar)
            }
        }
        let plain = String(transliterated)
        return plain == key ? [key] : [key, plain]
    }

    /// Levenshtein distance, or nil when it exceeds `limit` (keeps suggestion search cheap).
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int? {
        let a = Array(a)
        let b = Array(b)
        if abs(a.count - b.count) > limit { return nil }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return nil }
            swap(&previous, &current)
        }
        let distance = a.isEmpty ? b.count : previous[b.count]
        return distance <= limit ? distance : nil
    }

    // MARK: - Resources

    /// `bytes` without the spaces and tabs around them (the white space a shipped alias line may have).
    private static func trimmingSpacesAndTabs(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !blank($0) }), let last = bytes.lastIndex(where: { !blank($0) })
        else { return bytes[bytes.endIndex...] }
        return bytes[first...last]
    }

    static func resource(_ name: String, _ ext: String, _ bundle: Bundle) throws -> String {
        // Read as bytes and validated as UTF-8 by the standard library (Foundation's decoding is slower).
        guard let url = bundle.url(forResource: name, withExtension: ext, subdirectory: "Resources"),
            let data = try? Data(contentsOf: url), let text = String(validating: data, as: UTF8.self)
        else { throw GeographyError.missingResource("\(name).\(ext)") }
        return text
    }

    /// Minimal RFC 4180 reader for the shipped CSVs (quoted fields may hold commas); skips the header.
    static func readCSV(_ text: String, file: String) throws -> [(line: Int, fields: [String])] {
        var rows: [(Int, [String])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if index == 0 || line.isEmpty { continue }
            var fields: [String] = []
            var field = ""
            var inQuotes = false
            var iterator = line.makeIterator()
            while let character = iterator.next() {
                switch (character, inQuotes) {
                case ("\"", true): inQuotes = false
                case ("\"", false): inQuotes = true
                case (",", false):
                    fields.append(field)
                    field = ""
                default: field.append(character)
                }
            }
            if inQuotes { throw GeographyError.malformedResource(file: file, line: index + 1, reason: "open quote") }
            fields.append(field)
            rows.append((index + 1, fields))
        }
        return rows
    }
}
