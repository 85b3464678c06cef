public import Foundation

/// A point in WGS84 longitude/latitude degrees.
public struct GeoPoint: Sendable, Hashable {
    public var longitude: Double
    public var latitude: Double

    public init(longitude: Double, latitude: Double) {
        self.longitude = longitude
        self.latitude = latitude
    }
}

/// Longitude/latitude bounds of a set of shapes.
public struct GeoBoundingBox: Sendable, Hashable {
    public var minLongitude: Double
    public var minLatitude: Double
    public var maxLongitude: Double
    public var maxLatitude: Double
}

/// Simplified outlines of the 98 municipalities (DAGI/FOT 1:500 000, 2014), for report maps.
///
/// Source and processing are described in `Resources/README.md`; reports must show the attribution
/// in ``attribution``.
public struct MunicipalityGeometry: Sendable {
    /// Municipality code → polygons → rings (the first the outline, the rest holes) → points.
    public let polygons: [Int: [[[GeoPoint]]]]
    public let boundingBox: GeoBoundingBox

    public static let attribution =
        "Contains data from Styrelsen for Dataforsyning og Infrastruktur (Geodatastyrelsen), "
        + "DAGI/FOT municipal boundaries 1:500 000, 2014-02-13."

    /// Loads the shipped GeoJSON.
    public static func denmark() throws -> MunicipalityGeometry {
        guard
            let url = Bundle.module.url(
                forResource: "municipalities", withExtension: "geojson", subdirectory: "Resources")
        else { throw GeographyError.missingResource("municipalities.geojson") }
        return try MunicipalityGeometry(geoJSON: Data(contentsOf: url), file: "municipalities.geojson")
    }

    /// Parses a GeoJSON FeatureCollection whose features carry a `code` property and Polygon or MultiPolygon geometry.
    public init(geoJSON data: Data, file: String) throws {
        func malformed(_ reason: String) -> GeographyError {
            .malformedResource(file: file, line: 0, reason: reason)
        }
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let features = root["features"] as? [[String: Any]]
        else { throw malformed("not a FeatureCollection") }

        func ring(_ value: Any) throws -> [GeoPoint] {
            guard let pairs = value as? [[Double]] else { throw malformed("ring is not a list of positions") }
            return try pairs.map { pair in
                guard pair.count >= 2 else { throw malformed("position with fewer than two numbers") }
                return GeoPoint(longitude: pair[0], latitude: pair[1])
            }
        }

        var polygons: [Int: [[[GeoPoint]]]] = [:]
        var box = GeoBoundingBox(
            minLongitude: .infinity, minLatitude: .infinity, maxLongitude: -.infinity, maxLatitude: -.infinity)
        for feature in features {
            guard let properties = feature["properties"] as? [String: Any],
                let codeText = properties["code"] as? String ?? (properties["code"] as? Int).map(String.init),
                let code = Int(codeText),
                let geometry = feature["geometry"] as? [String: Any],
                let type = geometry["type"] as? String,
                let coordinates = geometry["coordinates"] as? [Any]
            else { throw malformed("feature without code or geometry") }
            let shapes: [[[GeoPoint]]]
            switch type {
            case "Polygon": shapes = [try coordinates.map(ring)]
            case "MultiPolygon":
                shapes = try coordinates.map { polygon in
                    guard let rings = polygon as? [Any] else { throw malformed("bad MultiPolygon") }
                    return try rings.map(ring)
                }
            default: throw malformed("unsupported geometry \(type)")
            }
            for point in shapes.joined().joined() {
                box.minLongitude = min(box.minLongitude, point.longitude)
                box.maxLongitude = max(box.maxLongitude, point.longitude)
                box.minLatitude = min(box.minLatitude, point.latitude)
                box.maxLatitude = max(box.maxLatitude, point.latitude)
            }
            polygons[code, default: []].append(contentsOf: shapes)
        }
        self.polygons = polygons
        self.boundingBox = box
    }
}
