import OverblikModel
import ZipKit

/// What a ZIP package's structure says about macros, signatures, embedded and linked content: entry names and
/// OOXML content types only, never a part's text or a macro's code.
enum PackageFeatures {
    /// Formats that are templates: every document made from one inherits its macros and links.
    static let templateFormats: Set<String> = [
        "ott", "ots", "otp", "otg", "otc", "otf", "oti", "otm", "oth", "stw", "stc", "sti", "std",
        "dotx", "dotm", "xltx", "xltm", "potx", "potm", "dot", "xlt", "pot",
    ]

    /// ODF and OpenOffice.org 1.x: Basic libraries and dialogs, scripts, signatures, embedded objects.
    static func odf(_ archive: ZipArchive) -> Set<DocumentFeature> {
        var features = Set<DocumentFeature>()
        archive.forEachEntryName { name in
            if starts(name, "Basic/") || starts(name, "Dialogs/") {
                features.insert(.basic)
            } else if starts(name, "Scripts/") {
                features.insert(.scripts)
            } else if starts(name, "Object ") || starts(name, "ObjectReplacements/") {
                features.insert(.oleObjects)
            } else if equals(name, "META-INF/documentsignatures.xml") || equals(name, "META-INF/macrosignatures.xml") {
                features.insert(.signed)
            }
        }
        return features
    }

    /// OOXML content type (lowercased) → the feature a part of that type means.
    static let ooxmlContentTypes: [String: DocumentFeature] = [
        "application/vnd.ms-office.vbaproject": .vba,
        "application/vnd.ms-excel.macrosheet+xml": .xlmMacros,
        "application/vnd.ms-excel.intlmacrosheet+xml": .xlmMacros,
        "application/vnd.ms-excel.macrosheet": .xlmMacros,
        "application/vnd.ms-excel.intlmacrosheet": .xlmMacros,
        "application/vnd.ms-office.activex+xml": .activeX,
        "application/vnd.ms-office.activex": .activeX,
        "application/vnd.openxmlformats-officedocument.oleobject": .oleObjects,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.externallink+xml": .externalLinks,
        "application/vnd.ms-excel.externallink": .externalLinks,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml": .dataConnections,
        "application/vnd.ms-excel.connections": .dataConnections,
        "application/vnd.openxmlformats-package.digital-signature-origin": .signed,
        "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml": .signed,
        "application/vnd.ms-office.vbaprojectsignature": .signed,
        "application/vnd.ms-office.vbaprojectsignatureagile": .signed,
        "application/vnd.ms-office.vbaprojectsignaturev3": .signed,
    ]

    /// OOXML: parts by content type (an `Override`, or a `Default` for an extension some part has), plus
    /// embedded packages (`…/embeddings/…`), custom UI (`customUI/`) and signature parts by name.
    static func ooxml(_ archive: ZipArchive, contentTypes: ContentTypesParser) -> Set<DocumentFeature> {
        var features = Set<DocumentFeature>()
        if contentTypes.overridesMayMeanFeatures {
            for type in contentTypes.overrides.values {
                if let feature = ooxmlContentTypes[type] { features.insert(feature) }
            }
        }
        // Extensions whose default type means a feature: only a part with that extension and no override counts.
        let featureDefaults =
            contentTypes.defaultsMayMeanFeatures
            ? contentTypes.defaults.compactMapValues { ooxmlContentTypes[$0] } : [:]
        archive.forEachEntryName { name in
            if contains(name, "embeddings/") {
                features.insert(.oleObjects)
            } else if startsIgnoringCase(name, "customui/") {
                features.insert(.customUI)
            } else if starts(name, "_xmlsignatures/") {
                features.insert(.signed)
            }
            guard !featureDefaults.isEmpty, let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return }
            let ext = String(decoding: name[(dot + 1)...], as: UTF8.self).lowercased()
            guard let feature = featureDefaults[ext] else { return }
            if contentTypes.overrides[String(decoding: name, as: UTF8.self).lowercased()] == nil {
                features.insert(feature)
            }
        }
        return features
    }

    static func starts(_ name: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard name.count >= count else { return false }
        for index in 0..<count where name[index] != prefix.utf8Start[index] { return false }
        return true
    }

    static func startsIgnoringCase(_ name: UnsafeBufferPointer<UInt8>, _ lowercasePrefix: StaticString) -> Bool {
        let count = lowercasePrefix.utf8CodeUnitCount
        guard name.count >= count else { return false }
        for index in 0..<count {
            let byte = name[index]
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if lower != lowercasePrefix.utf8Start[index] { return false }
        }
        return true
    }

    static func equals(_ name: UnsafeBufferPointer<UInt8>, _ other: StaticString) -> Bool {
        name.count == other.utf8CodeUnitCount && starts(name, other)
    }

    /// Whether `part` occurs in `name` as a whole path component start (`word/embeddings/x.bin`).
    static func contains(_ name: UnsafeBufferPointer<UInt8>, _ part: StaticString) -> Bool {
        let count = part.utf8CodeUnitCount
        guard name.count > count else { return false }
        for start in 1...(name.count - count) where name[start - 1] == UInt8(ascii: "/") {
            if starts(UnsafeBufferPointer(rebasing: name[start...]), part) { return true }
        }
        return false
    }
}
