import Foundation
@testable import Geography
import TestSupport
import Testing

@Suite struct AuthorityDirectoryTests {
    let directory = AuthorityDirectory.denmark

    @Test func holdsAllMunicipalitiesAndRegions() {
        #expect(directory.municipalities.count == 98)
        #expect(directory.regions.count == 5)
        #expect(Set(directory.all.map(\.code)).count == 103)
        // Counts per region: Nordjylland 11, Midtjylland 19, Syddanmark 22, Hovedstaden 29, Sjælland 17.
        let perRegion = Dictionary(grouping: directory.municipalities, by: \.regionCode).mapValues(\.count)
        #expect(perRegion == [1081: 11, 1082: 19, 1083: 22, 1084: 29, 1085: 17])
        #expect(directory.authority(code: 411) == nil)  // Christiansø belongs to no municipality
    }

    @Test(arguments: [
        ("101", 101), ("0101", 101), ("Københavns Kommune", 101), ("københavns  kommune", 101), ("Kbh.", 101),
        ("Copenhagen", 101), ("Århus", 751), ("Aarhus Kommune", 751), ("arhus", 751), ("Høje Taastrup", 169),
        ("Høje-Taastrup Kommune", 169), ("hoeje-taastrup", 169), ("Region Hovedstaden", 1084), ("DK-84", 1084),
        ("Region H", 1084), ("1085", 1085), ("Region Sjaelland", 1085), ("Bornholms Regionskommune", 400),
        ("Vesthimmerlands", 820),
    ])
    func resolvesNamesCodesAndAliases(input: String, code: Int) throws {
        #expect(try directory.resolve(input).code == code)
    }

    /// `lookup` (no suggestions, for inventory columns) answers exactly as `resolve` does: every code, name and
    /// alias, with case and spacing changed, and near misses and garbage.
    @Test func lookupAgreesWithResolve() {
        var inputs = directory.all.flatMap { [String($0.code), $0.name, $0.name.uppercased(), " \($0.name) "] }
        inputs += ["Kbh.", "Region H", "DK-84", "Frederiksbrg", "Region", "Kommune", "", "windows-arp", "0", "99999"]
        for input in inputs {
            #expect(directory.lookup(input)?.code == (try? directory.resolve(input))?.code, "\(input)")
        }
    }

    /// ASCII text is folded byte by byte; the oracle is the Unicode path every text took before: every name and
    /// alias as shipped, then 20,000 seeded strings of letters, digits, dots, hyphens, every ASCII white space and
    /// control byte, with a non-ASCII letter in some (which must take the Unicode path).
    @Test func asciiFoldingGivesTheUnicodeFoldingsKeys() throws {
        var texts = directory.all.flatMap { [$0.name, $0.shortName, String($0.code)] }
        for file in ["municipality-aliases", "region-aliases"] {
            let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Sources/Geography/Resources")
            let aliases = try String(
                contentsOf: resources.appendingPathComponent("\(file).tsv"), encoding: .utf8)
            let names = aliases.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
            #expect(names.count > 20)
            texts += names
        }
        var generator = SeededGenerator(seed: 0x4B45_5953)
        let pieces = [
            "A", "z", "Q", "0", "7", "00", ".", "-", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{1F}", "\u{7F}",
            "Kbh", "Region", "99999999999999999999", "_", "~",
        ]
        for _ in 0..<20_000 {
            var text = (0..<Int.random(in: 0...8, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            if Int.random(in: 0..<10, using: &generator) == 0 {
                text += ["æ", "É", "\u{2013}", "\u{A0}"].randomElement(using: &generator)!
            }
            texts.append(text)
        }
        for text in texts {
            #expect(
                AuthorityDirectory.lookupKeys(text) == AuthorityDirectory.unicodeLookupKeys(text), "\(Array(text.utf8))"
            )
        }
    }

    /// Every alias line as shipped (read here with Foundation, line by line) names its authority: alone, or among
    /// the candidates of an ambiguous short form.
    @Test func everyShippedAliasNamesItsAuthority() throws {
        let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Geography/Resources")
        var checked = 0
        for file in ["municipality-aliases", "region-aliases"] {
            let text = try String(contentsOf: resources.appendingPathComponent("\(file).tsv"), encoding: .utf8)
            for line in text.components(separatedBy: "\n") where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let fields = line.components(separatedBy: "\t")
                let code = try #require(Int(fields[1].trimmingCharacters(in: .whitespaces)))
                let name = try #require(directory.authority(code: code)).name
                let named: Bool
                switch Result(catching: { () throws(AuthorityLookupError) in try directory.resolve(fields[0]) }) {
                case .success(let authority): named = authority.code == code
                case .failure(.ambiguous(_, let candidates)): named = candidates.contains(name)
                case .failure: named = false
                }
                #expect(named, "\(line)")
                checked += 1
            }
        }
        #expect(checked > 600)
    }

    @Test func unknownNameSuggestsClosestMatches() {
        #expect(throws: AuthorityLookupError.self) { try directory.resolve("Frederiksbrg") }
        do {
            _ = try directory.resolve("Frederiksbrg")
        } catch {
            guard case .unknown(_, let suggestions) = error else {
                Issue.record("expected .unknown, got \(error)")
                return
            }
            #expect(suggestions.first == "Frederiksberg Kommune")
            #expect(error.description.contains("Frederiksberg Kommune"))
        }
    }

    @Test func officialNamesAreDanish() throws {
        #expect(try directory.resolve("751").name == "Aarhus Kommune")
        #expect(try directory.resolve("Elsinore").name == "Helsingør Kommune")
        #expect(directory.municipalities(inRegion: 1084).count == 29)
    }
}

@Suite struct MunicipalityGeometryTests {
    @Test func everyMunicipalityHasAnOutlineInsideDenmark() throws {
        let geometry = try MunicipalityGeometry.denmark()
        let codes = Set(AuthorityDirectory.denmark.municipalities.map(\.code))
        #expect(Set(geometry.polygons.keys) == codes)
        let box = geometry.boundingBox
        #expect(box.minLongitude > 7.5 && box.maxLongitude < 15.5)
        #expect(box.minLatitude > 54.4 && box.maxLatitude < 58.0)
        for (code, shapes) in geometry.polygons {
            #expect(!shapes.isEmpty, "municipality \(code) has no polygon")
            #expect(shapes.allSatisfy { $0.first.map { $0.count >= 4 } ?? false })
        }
    }

    @Test func malformedGeoJSONIsATypedError() {
        #expect(throws: GeographyError.self) {
            try MunicipalityGeometry(geoJSON: Data(#"{"type":"Feature"}"#.utf8), file: "bad.geojson")
        }
    }
}
