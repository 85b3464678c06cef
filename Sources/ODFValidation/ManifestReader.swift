import XMLKit

/// One `manifest:file-entry`, with what the package rules need of its encryption description.
struct ManifestEntry: Sendable, Hashable {
    var fullPath: String
    var mediaType: String?
    var size: String?
    var line: Int
    var encryption: EncryptionDescription?
}

/// The attributes of a `manifest:encryption-data` and its children, as written.
struct EncryptionDescription: Sendable, Hashable {
    var checksumType: String?
    var checksum: String?
    var algorithmName: String?
    var initialisationVector: String?
    var keyDerivationName: String?
    var salt: String?
    var iterationCount: String?
    var line: Int
}

/// What `META-INF/manifest.xml` says, read with XMLKit's streaming reader.
struct ManifestContents: Sendable {
    static let namespace = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    var version: String?
    var entries: [ManifestEntry] = []
    /// Whether the root is `manifest:manifest` in the ODF namespace (OOo 1.x used another).
    var hasODFRoot = false

    init(bytes: [UInt8]) throws(XMLError) {
        // The DOCTYPE of old manifests names an external DTD that is never loaded; entities are still refused.
        let reader = try XMLStreamReader(
            bytes: bytes, options: XMLReaderOptions(maxDepth: 32, allowsExternalDoctype: true))
        while let event = try reader.next() {
            guard case .startElement(let element) = event, element.namespaceURI == Self.namespace else { continue }
            read(element, line: reader.line)
        }
    }

    private mutating func read(_ element: XMLElementStart, line: Int) {
        let ns = Self.namespace
        switch element.localName {
        case "manifest" where element.depth == 0:
            hasODFRoot = true
            version = element.attribute("version", namespace: ns)
        case "file-entry":
            entries.append(
                ManifestEntry(
                    fullPath: element.attribute("full-path", namespace: ns) ?? "",
                    mediaType: element.attribute("media-type", namespace: ns),
                    size: element.attribute("size", namespace: ns), line: line))
        case "encryption-data":
            entries.indices.last.map {
                entries[$0].encryption = EncryptionDescription(
                    checksumType: element.attribute("checksum-type", namespace: ns),
                    checksum: element.attribute("checksum", namespace: ns), line: line)
            }
        case "algorithm":
            updateEncryption {
                $0.algorithmName = element.attribute("algorithm-name", namespace: ns)
                $0.initialisationVector = element.attribute("initialisation-vector", namespace: ns)
            }
        case "key-derivation":
            updateEncryption {
                $0.keyDerivationName = element.attribute("key-derivation-name", namespace: ns)
                $0.salt = element.attribute("salt", namespace: ns)
                $0.iterationCount = element.attribute("iteration-count", namespace: ns)
            }
        default: break
        }
    }

    private mutating func updateEncryption(_ change: (inout EncryptionDescription) -> Void) {
        guard let last = entries.indices.last, var encryption = entries[last].encryption else { return }
        change(&encryption)
        entries[last].encryption = encryption
    }
}

/// ODF media types and the extensions that fit them.
enum ODFMediaTypes {
    static let byExtension: [String: String] = [
        "odt": "application/vnd.oasis.opendocument.text", "fodt": "application/vnd.oasis.opendocument.text",
        "ott": "application/vnd.oasis.opendocument.text-template",
        "odm": "application/vnd.oasis.opendocument.text-master",
        "otm": "application/vnd.oasis.opendocument.text-master-template",
        "oth": "application/vnd.oasis.opendocument.text-web",
        "ods": "application/vnd.oasis.opendocument.spreadsheet",
        "fods": "application/vnd.oasis.opendocument.spreadsheet",
        "ots": "application/vnd.oasis.opendocument.spreadsheet-template",
        "odp": "application/vnd.oasis.opendocument.presentation",
        "fodp": "application/vnd.oasis.opendocument.presentation",
        "otp": "application/vnd.oasis.opendocument.presentation-template",
        "odg": "application/vnd.oasis.opendocument.graphics", "fodg": "application/vnd.oasis.opendocument.graphics",
        "otg": "application/vnd.oasis.opendocument.graphics-template",
        "odc": "application/vnd.oasis.opendocument.chart", "otc": "application/vnd.oasis.opendocument.chart-template",
        "odf": "application/vnd.oasis.opendocument.formula",
        "otf": "application/vnd.oasis.opendocument.formula-template",
        "odi": "application/vnd.oasis.opendocument.image", "oti": "application/vnd.oasis.opendocument.image-template",
        "odb": "application/vnd.oasis.opendocument.base",
    ]

    /// Flat files may carry a template's media type too.
    static func fits(mediaType: String, fileExtension: String) -> Bool {
        guard let expected = byExtension[fileExtension] else { return true }  // unknown extension: nothing to say
        if mediaType == expected { return true }
        if fileExtension.hasPrefix("fo") { return mediaType == expected + "-template" }
        return fileExtension == "odb" && mediaType == "application/vnd.oasis.opendocument.database"
    }

    static func isODF(_ mediaType: String) -> Bool {
        mediaType.hasPrefix("application/vnd.oasis.opendocument.")
    }
}
