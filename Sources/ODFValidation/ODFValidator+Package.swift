import Foundation
import XMLKit
import ZipKit

extension ODFValidator {
    static let officeNamespace = ODFForeignContent.office
    static let metaNamespace = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
    static let schemaParts = ["content.xml", "styles.xml", "meta.xml", "settings.xml"]

    /// Validates a ZIP package: its package rules, every XML part's well-formedness, and the schemas.
    func validatePackage(_ archive: ZipArchive, path: String) throws(ODFValidationError) -> ValidationReport {
        var problems = archive.duplicateNames.map {
            ValidationProblem(code: .duplicateEntry, part: $0, message: "the entry occurs more than once in the ZIP")
        }
        let mediaType = checkMimetype(archive, path: path, problems: &problems)
        let manifestBytes = readEntry(archive, "META-INF/manifest.xml", problems: &problems)
        let manifest = manifestBytes.flatMap { parseManifest($0, problems: &problems) }
        let encrypted = Set(manifest?.entries.filter { $0.encryption != nil }.map(\.fullPath) ?? [])
        var partBytes: [String: [UInt8]] = [:]
        for name in Self.schemaParts where !encrypted.contains(name) {
            partBytes[name] = readEntry(archive, name, problems: &problems)
        }
        let declared = declaredVersion(partBytes: partBytes, manifest: manifest, problems: &problems)
        let version = declared.flatMap(ODFVersion.init(rawValue:))
        addVersionProblem(declared: declared, version: version, problems: &problems)
        if let manifest, let version {
            checkManifest(manifest, archive: archive, mediaType: mediaType, version: version, problems: &problems)
        } else if manifest == nil, version.map({ $0 >= .v1_2 }) ?? false {
            problems.append(
                ValidationProblem(
                    code: .manifestMissing, part: "META-INF/manifest.xml",
                    message: "ODF 1.2 and later require META-INF/manifest.xml; the package has none"))
        }
        checkOtherXMLParts(archive, manifest: manifest, skipping: encrypted, problems: &problems)
        var parts: [CheckedPart] = []
        if let version {
            let budget = SchemaBudget(limit: schemaTimeLimit)
            parts = try checkSchemaParts(partBytes, manifest: manifestBytes, version: version, budget: budget)
            parts += try checkSignatures(archive, version: version, budget: budget)
        }
        let (verdict, reported) = self.verdict(version: version, packageProblems: problems, parts: parts)
        return ValidationReport(
            path: path, verdict: verdict, declaredVersion: declared, mediaType: mediaType,
            generator: partBytes["meta.xml"].flatMap(Self.generator), isFlat: false, encryptedParts: encrypted.sorted(),
            problems: version == nil ? problems : reported, parts: parts.map(\.validation))
    }

    /// The schema checks of the main parts and the manifest, smallest first so that one part that exhausts the
    /// document's time budget leaves the others checked; reported in package order.
    private func checkSchemaParts(
        _ partBytes: [String: [UInt8]], manifest: [UInt8]?, version: ODFVersion, budget: SchemaBudget
    ) throws(ODFValidationError) -> [CheckedPart] {
        let main = try schemas.main(version)
        let manifestName = "META-INF/manifest.xml"
        var jobs = Self.schemaParts.compactMap { name in partBytes[name].map { (name, $0, main, true) } }
        if let manifest { jobs.append((manifestName, manifest, try schemas.manifest(version), false)) }
        let order = (Self.schemaParts + [manifestName])
        var checked: [String: CheckedPart] = [:]
        for (name, bytes, schema, filters) in jobs.sorted(by: { $0.1.count < $1.1.count }) {
            checked[name] =
                checkPart(
                    name, bytes: bytes, schema: schema, version: version, budget: budget, filtersForeignContent: filters
                ).checked
        }
        return order.compactMap { checked[$0] }
    }

    func readEntry(_ archive: ZipArchive, _ name: String, problems: inout [ValidationProblem]) -> [UInt8]? {
        guard let entry = archive.entry(named: name) else { return nil }
        do {
            return try archive.read(entry, limit: partSizeLimit)
        } catch {
            problems.append(ValidationProblem(code: .entryUnreadable, part: name, message: error.description))
            return nil
        }
    }

    /// `mimetype`: present, first, stored, no extra field, an ODF media type fitting the extension.
    private func checkMimetype(_ archive: ZipArchive, path: String, problems: inout [ValidationProblem]) -> String? {
        let part = "mimetype"
        guard let entry = archive.entry(named: part) else {
            problems.append(
                ValidationProblem(code: .mimetypeMissing, part: part, message: "the package has no mimetype entry"))
            return nil
        }
        let leading = try? ZipLeadingEntry.read(path: path)
        if leading?.name != part || entry.index != 0 {
            problems.append(
                ValidationProblem(
                    code: .mimetypeNotFirst, part: part,
                    message: "mimetype must be the first entry of the ZIP file (found '\(leading?.name ?? "no entry")')"
                ))
        }
        if entry.compression != .stored {
            problems.append(
                ValidationProblem(
                    code: .mimetypeCompressed, part: part, message: "mimetype must be stored, not \(entry.compression)")
            )
        }
        if let leading, leading.name == part, leading.extraFieldLength > 0 {
            problems.append(
                ValidationProblem(
                    code: .mimetypeExtraField, part: part,
                    message:
                        "mimetype's ZIP header has a \(leading.extraFieldLength)-byte extra field; it must have none"))
        }
        guard let bytes = readEntry(archive, part, problems: &problems) else { return nil }
        let mediaType = String(decoding: bytes.prefix(200), as: UTF8.self)
        checkMediaType(mediaType, part: part, path: path, problems: &problems)
        return mediaType
    }

    func checkMediaType(_ mediaType: String, part: String, path: String, problems: inout [ValidationProblem]) {
        let fileExtension = (path as NSString).pathExtension.lowercased()
        if !ODFMediaTypes.isODF(mediaType) {
            problems.append(
                ValidationProblem(
                    code: .mediaTypeUnknown, part: part,
                    message: "'\(mediaType.prefix(60).filter { $0.isASCII && !$0.isNewline })' is not an ODF media type"
                ))
        } else if !ODFMediaTypes.fits(mediaType: mediaType, fileExtension: fileExtension) {
            problems.append(
                ValidationProblem(
                    code: .mediaTypeExtensionMismatch, part: part,
                    message: "media type '\(mediaType)' does not fit the extension '.\(fileExtension)'"))
        }
    }

    private func parseManifest(_ bytes: [UInt8], problems: inout [ValidationProblem]) -> ManifestContents? {
        let part = "META-INF/manifest.xml"
        do {
            return try ManifestContents(bytes: bytes)
        } catch {
            problems.append(Self.malformed(part, error))
            return nil
        }
    }

    /// `office:version` of the parts (they must agree), else `manifest:version` (encrypted documents).
    private func declaredVersion(
        partBytes: [String: [UInt8]], manifest: ManifestContents?, problems: inout [ValidationProblem]
    ) -> String? {
        var versions: [(String, String)] = []
        for name in Self.schemaParts {
            if let bytes = partBytes[name], let version = Self.rootVersion(bytes) { versions.append((name, version)) }
        }
        if let (first, version) = versions.first {
            for (name, other) in versions where other != version {
                problems.append(
                    ValidationProblem(
                        code: .versionInconsistent, part: name,
                        message: "office:version is \(other) here but \(version) in \(first)"))
            }
            return version
        }
        return manifest?.version
    }

    private func addVersionProblem(declared: String?, version: ODFVersion?, problems: inout [ValidationProblem]) {
        if declared == nil {
            problems.append(
                ValidationProblem(
                    code: .versionMissing, part: "", message: "no office:version: the document names no ODF version"))
        } else if version == nil, let declared {
            problems.append(
                ValidationProblem(
                    code: .versionUnknown, part: "", message: "office:version '\(declared)' is not ODF 1.0 to 1.4"))
        }
    }

    /// `office:version` on the root element, read with the streaming reader (stops at the root).
    static func rootVersion(_ bytes: [UInt8]) -> String? {
        rootElement(bytes)?.attribute("version", namespace: officeNamespace)
    }

    /// The root element's start, read with the streaming reader (stops there); `nil` when the reader fails first.
    static func rootElement(_ bytes: [UInt8]) -> XMLElementStart? {
        guard let reader = try? XMLStreamReader(bytes: bytes, options: XMLReaderOptions(allowsExternalDoctype: true))
        else { return nil }
        while let event = try? reader.next() {
            if case .startElement(let root) = event { return root }
        }
        return nil
    }

    /// `meta:generator` from meta.xml (or a flat document), streamed until found.
    static func generator(_ bytes: [UInt8]) -> String? {
        guard let reader = try? XMLStreamReader(bytes: bytes, options: XMLReaderOptions(allowsExternalDoctype: true))
        else { return nil }
        var inGenerator = false
        var text = ""
        while let event = try? reader.next() {
            switch event {
            case .startElement(let element):
                if element.localName == "generator" && element.namespaceURI == metaNamespace { inGenerator = true }
                if element.localName == "body" && element.namespaceURI == officeNamespace { return nil }
            case .text(let chunk, _) where inGenerator: text += chunk
            case .endElement where inGenerator:
                return text.trimmingCharacters(in: .whitespacesAndNewlines)
            default: break
            }
        }
        return nil
    }
}
