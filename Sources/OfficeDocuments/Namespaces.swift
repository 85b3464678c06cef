/// Namespace URIs the reader matches on (local names alone are ambiguous).
enum NS {
    static let office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    static let meta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    static let manifest = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    static let oooOffice = "http://openoffice.org/2000/office"
    static let oooMeta = "http://openoffice.org/2000/meta"
    static let oooManifest = "http://openoffice.org/2001/manifest"
    static let dc = "http://purl.org/dc/elements/1.1/"
    static let dcterms = "http://purl.org/dc/terms/"
    static let xlink = "http://www.w3.org/1999/xlink"
    static let extendedProperties = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    static let coreProperties = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    static let contentTypes = "http://schemas.openxmlformats.org/package/2006/content-types"

    static func isOffice(_ uri: String) -> Bool { uri == office || uri == oooOffice }
    static func isMeta(_ uri: String) -> Bool { uri == meta || uri == oooMeta }
    static func isManifest(_ uri: String) -> Bool { uri == manifest || uri == oooManifest }
}
