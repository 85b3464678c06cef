import XMLKit

/// Namespace URIs the reader matches on (local names alone are ambiguous).
enum NS {
    static let office: StaticString = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    static let meta: StaticString = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    static let manifest: StaticString = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    static let oooOffice: StaticString = "http://openoffice.org/2000/office"
    static let oooMeta: StaticString = "http://openoffice.org/2000/meta"
    static let oooManifest: StaticString = "http://openoffice.org/2001/manifest"
    static let dc: StaticString = "http://purl.org/dc/elements/1.1/"
    static let dcterms: StaticString = "http://purl.org/dc/terms/"
    static let xlink: StaticString = "http://www.w3.org/1999/xlink"
    static let extendedProperties: StaticString =
        "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    /// ISO/IEC 29500 Strict's name for the same part's vocabulary.
    static let strictExtendedProperties: StaticString =
        "http://purl.oclc.org/ooxml/officeDocument/extendedProperties"
    static let coreProperties: StaticString = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    static let contentTypes: StaticString = "http://schemas.openxmlformats.org/package/2006/content-types"

    static func isOffice(_ named: some XMLNamed) -> Bool {
        named.isInNamespace(office) || named.isInNamespace(oooOffice)
    }
    static func isExtendedProperties(_ named: some XMLNamed) -> Bool {
        named.isInNamespace(extendedProperties) || named.isInNamespace(strictExtendedProperties)
    }
    static func isMeta(_ named: some XMLNamed) -> Bool { named.isInNamespace(meta) || named.isInNamespace(oooMeta) }
    static func isManifest(_ named: some XMLNamed) -> Bool {
        named.isInNamespace(manifest) || named.isInNamespace(oooManifest)
    }
}
