import OverblikModel

/// What the file name suggests, and what content signatures and media types say. Extensions only ever
/// *suggest*: the reader decides by content and warns when the two disagree.
enum DocumentFormats {
    /// ODF media type (from `mimetype` or the manifest) → format token.
    static let odfMediaTypes: [String: String] = [
        "application/vnd.oasis.opendocument.text": "odt",
        "application/vnd.oasis.opendocument.text-template": "ott",
        "application/vnd.oasis.opendocument.text-master": "odm",
        "application/vnd.oasis.opendocument.text-master-template": "otm",
        "application/vnd.oasis.opendocument.text-web": "oth",
        "application/vnd.oasis.opendocument.spreadsheet": "ods",
        "application/vnd.oasis.opendocument.spreadsheet-template": "ots",
        "application/vnd.oasis.opendocument.presentation": "odp",
        "application/vnd.oasis.opendocument.presentation-template": "otp",
        "application/vnd.oasis.opendocument.graphics": "odg",
        "application/vnd.oasis.opendocument.graphics-template": "otg",
        "application/vnd.oasis.opendocument.chart": "odc",
        "application/vnd.oasis.opendocument.chart-template": "otc",
        "application/vnd.oasis.opendocument.formula": "odf",
        "application/vnd.oasis.opendocument.formula-template": "otf",
        "application/vnd.oasis.opendocument.image": "odi",
        "application/vnd.oasis.opendocument.image-template": "oti",
        "application/vnd.oasis.opendocument.base": "odb",
        "application/vnd.oasis.opendocument.database": "odb",
    ]

    /// OpenOffice.org 1.x / StarOffice 6–7 media types → format token.
    static let starOfficeMediaTypes: [String: String] = [
        "application/vnd.sun.xml.writer": "sxw",
        "application/vnd.sun.xml.writer.template": "stw",
        "application/vnd.sun.xml.writer.global": "sxg",
        "application/vnd.sun.xml.writer.web": "stw",
        "application/vnd.sun.xml.calc": "sxc",
        "application/vnd.sun.xml.calc.template": "stc",
        "application/vnd.sun.xml.impress": "sxi",
        "application/vnd.sun.xml.impress.template": "sti",
        "application/vnd.sun.xml.draw": "sxd",
        "application/vnd.sun.xml.draw.template": "std",
        "application/vnd.sun.xml.math": "sxm",
        "application/vnd.sun.xml.base": "odb",
    ]

    /// Flat ODF: `office:mimetype` of the root → format token.
    static func flatFormat(mediaType: String?) -> String {
        switch odfMediaTypes[mediaType ?? ""] {
        case "odt", "ott", "odm", "oth": return "fodt"
        case "ods", "ots": return "fods"
        case "odp", "otp": return "fodp"
        case "odg", "otg": return "fodg"
        default: return "fodt"
        }
    }

    /// OOXML main-part content type (without `.main+xml`, or `.main` for the binary workbook) → format token.
    static let ooxmlContentTypes: [String: String] = [
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template": "dotx",
        "application/vnd.ms-word.document.macroenabled": "docm",
        "application/vnd.ms-word.template.macroenabledtemplate": "dotm",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template": "xltx",
        "application/vnd.ms-excel.sheet.macroenabled": "xlsm",
        "application/vnd.ms-excel.template.macroenabled": "xltm",
        "application/vnd.ms-excel.sheet.binary.macroenabled": "xlsb",
        "application/vnd.ms-excel.addin.macroenabled": "xlam",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.template": "potx",
        "application/vnd.openxmlformats-officedocument.presentationml.slideshow": "ppsx",
        "application/vnd.ms-powerpoint.presentation.macroenabled": "pptm",
        "application/vnd.ms-powerpoint.slideshow.macroenabled": "ppsm",
        "application/vnd.ms-powerpoint.template.macroenabled": "potm",
        "application/vnd.ms-visio.drawing": "vsdx",
    ]

    static let odfExtensions: Set<String> = [
        "odt", "ott", "odm", "otm", "oth", "ods", "ots", "odp", "otp", "odg", "otg", "odc", "otc", "odf", "otf",
        "odi", "oti", "odb",
    ]
    static let flatExtensions: Set<String> = ["fodt", "fods", "fodp", "fodg"]
    static let starOfficeExtensions: Set<String> = [
        "sxw", "stw", "sxg", "sxc", "stc", "sxi", "sti", "sxd", "std", "sxm", "sdw", "sdc", "sdd",
    ]
    static let ooxmlExtensions: Set<String> = Set(ooxmlContentTypes.values)
    static let legacyExtensions: Set<String> = [
        "doc", "dot", "xls", "xlt", "xla", "ppt", "pot", "pps", "wps", "wpd", "wri", "vsd", "pub",
    ]
    static let otherExtensions: Set<String> = ["rtf", "pdf"]

    /// Extensions whose files the scanner reads by default (everything else is skipped unless `allFiles`).
    static let candidateExtensions: Set<String> =
        odfExtensions.union(flatExtensions).union(starOfficeExtensions).union(ooxmlExtensions)
        .union(legacyExtensions).union(otherExtensions)

    /// The candidate extensions packed into integers (up to 8 ASCII bytes, lowercase): the walker checks
    /// every file name against them from its bytes, without making a string.
    private static let packedCandidates: Set<UInt64> = Set(candidateExtensions.compactMap { packed(Array($0.utf8)) })

    private static func packed(_ bytes: some Collection<UInt8>) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 8 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            value = value << 8 | UInt64(lower)
        }
        return value
    }

    /// Whether a file name (its bytes) has a candidate extension, case-insensitively; the same answer as
    /// `candidateExtensions.contains(DocumentReader.lowercasedExtension(of: name))` for names without `/`.
    static func isCandidate(name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return false }
        // A name that is only ".odt" has an extension when it sits in a folder (as the path-based check says).
        guard let key = packed(name[(dot + 1)...]) else { return false }
        return packedCandidates.contains(key)
    }

    /// Extensions that promise a ZIP container.
    static let zipExtensions: Set<String> = odfExtensions.union(starOfficeExtensions).union(ooxmlExtensions)
        .subtracting(["sdw", "sdc", "sdd"])

    /// The family an extension suggests (used only when the content says nothing, e.g. an empty file).
    static func family(forExtension ext: String) -> DocumentFamily { familyByExtension[ext] ?? .other }

    /// ``family(forExtension:)``'s answers, made once: asked for every file, one look-up rather than up to five.
    /// Where sets overlap, the first family in this order wins.
    private static let familyByExtension: [String: DocumentFamily] = {
        var families: [String: DocumentFamily] = [:]
        let ordered: [(Set<String>, DocumentFamily)] = [
            (odfExtensions, .odf), (flatExtensions, .odf), (starOfficeExtensions, .starOfficeXML),
            (ooxmlExtensions, .ooxml), (legacyExtensions, .legacy),
        ]
        for (extensions, family) in ordered {
            for ext in extensions where families[ext] == nil { families[ext] = family }
        }
        return families
    }()

    /// Two tokens name the same format (templates and their documents differ; `.jpeg`-style aliases don't exist here).
    static func extensionMatches(_ ext: String, format: String) -> Bool {
        ext == format
    }
}
