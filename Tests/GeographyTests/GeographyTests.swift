import Foundation
import Geography
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
