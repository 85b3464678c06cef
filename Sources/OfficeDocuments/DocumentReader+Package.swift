import Foundation
import OverblikModel
import XMLKit
import ZipKit

// ZIP packages: which kind of package (ODF, OpenOffice.org 1.x, OOXML) a ZIP archive is, by its mimetype,
// manifest and content types; then the part readers in DocumentReader+ODF and DocumentReader+OOXML.
extension DocumentReader {
    // MARK: - ZIP packages (ODF, OpenOffice.org 1.x, OOXML)

    enum ArchiveSource {
        case bytes([UInt8])
        /// Bytes in this thread's read buffer, which the archive holds while it is open.
        case borrowed(ReadBuffer, count: Int)
        case fileDescriptor(Int32)
        /// Already opened (after looking past leading junk): not opened a second time.
        case archive(ZipArchive)
    }

    func readZipPackage(path: String, source: ArchiveSource, ext: String, into record: inout DocumentRecord) {
        record.container = .zip
        let archive: ZipArchive
        do {
            switch source {
            case .bytes(let bytes): archive = try ZipArchive(bytes: bytes)
            case .borrowed(let buffer, let count):
                archive = try ZipArchive(borrowing: buffer.bytes(count: count), keepingAlive: buffer)
            case .fileDescriptor(let fd): archive = try ZipArchive(fileDescriptor: fd, path: path)
            case .archive(let opened): archive = opened
            }
        } catch {
            fail(&record, zipError: error, part: nil)
            return
        }
        if archive.hasLeadingJunk {
            record.warnings.append(DocumentWarning(kind: .junkBeforeArchive, detail: "bytes precede the archive"))
        }
        if !archive.duplicateNames.isEmpty {
            // Readers may disagree on which copy counts: the file fails as ambiguous, but parts that occur
            // once still tell what they tell (a duplicated part is never read).
            readUnambiguousParts(archive, ext: ext, into: &record)
            record.error = .ambiguousArchive
            record.errorDetail = "duplicate entry names: " + archive.duplicateNames.joined(separator: ", ")
            return
        }
        readUnambiguousParts(archive, ext: ext, into: &record)
    }

    func readUnambiguousParts(_ archive: ZipArchive, ext: String, into record: inout DocumentRecord) {
        let duplicated = Set(archive.duplicateNames)
        func entry(_ name: String) -> ZipEntry? { duplicated.contains(name) ? nil : archive.entry(named: name) }
        // The mimetype entry: what the package says it is.
        var declaredType: String?
        if let entry = entry("mimetype") {
            do {
                let bytes = try archive.read(entry, limit: 1024)
                let raw = String(decoding: bytes, as: UTF8.self)
                let value = trimmingWhitespace(raw)
                declaredType = value.isEmpty ? nil : value
                if value != raw {
                    record.warnings.append(
                        DocumentWarning(
                            kind: .mimetypeWhitespace, detail: "mimetype has leading or trailing whitespace"))
                }
                if entry.index != 0 {
                    record.warnings.append(
                        DocumentWarning(kind: .mimetypeNotFirst, detail: "mimetype is entry \(entry.index), not 0"))
                }
                if entry.compression != .stored {
                    record.warnings.append(
                        DocumentWarning(kind: .mimetypeCompressed, detail: "mimetype is \(entry.compression)"))
                }
            } catch {
                fail(&record, zipError: error, part: "mimetype")
                return
            }
        }
        let isODFType = { (type: String?) in type?.hasPrefix("application/vnd.oasis.opendocument.") == true }
        let isStarOfficeType = { (type: String?) in type?.hasPrefix("application/vnd.sun.xml.") == true }

        var manifest: ManifestInfo?
        var manifestProblem: String?
        if let entry = entry("META-INF/manifest.xml") {
            do {
                let bytes = try archive.read(entry, limit: options.maxPartBytes)
                let parser = ManifestParser()
                try parseXML(bytes, parser)
                manifest = parser.info
            } catch let error as XMLError {
                manifestProblem = "META-INF/manifest.xml: \(error)"
            } catch let error as ZipError {
                manifestProblem = "META-INF/manifest.xml: \(error)"
            } catch {
                manifestProblem = "META-INF/manifest.xml: \(error)"
            }
        }

        if isODFType(declaredType) || isStarOfficeType(declaredType) {
            readODFPackage(
                archive, duplicated: duplicated, mediaType: declaredType!, manifest: manifest,
                manifestProblem: manifestProblem,
                hasMimetypeEntry: true, ext: ext, into: &record)
            return
        }
        if archive.entry(named: "[Content_Types].xml") != nil {
            if declaredType != nil {
                record.warnings.append(
                    DocumentWarning(kind: .mimetypeUnexpected, detail: "OOXML package with a mimetype entry"))
            }
            readOOXMLPackage(archive, duplicated: duplicated, ext: ext, into: &record)
            return
        }
        if let rootType = manifest?.rootMediaType, isODFType(rootType) || isStarOfficeType(rootType) {
            if let declaredType {
                record.warnings.append(
                    DocumentWarning(
                        kind: .mimetypeInvalid, detail: "mimetype '\(declaredType.prefix(80))' is not an office type")
                )
            }
            readODFPackage(
                archive, duplicated: duplicated, mediaType: rootType, manifest: manifest,
                manifestProblem: manifestProblem,
                hasMimetypeEntry: declaredType != nil, ext: ext, into: &record)
            return
        }
        // ODF-looking parts but nothing that says which ODF type: the one case ODF cannot be read as.
        if declaredType == nil
            && (archive.entry(named: "content.xml") != nil || archive.entry(named: "meta.xml") != nil)
        {
            record.family = DocumentFormats.starOfficeExtensions.contains(ext) ? .starOfficeXML : .odf
            record.error = .missingMimetype
            record.errorDetail = "no mimetype entry and no manifest media type for '/'"
            if let manifestProblem {
                record.warnings.append(DocumentWarning(kind: .manifestUnreadable, detail: manifestProblem))
            }
            // What the metadata still says is worth keeping beside the failure.
            readODFMetadata(archive, duplicated: duplicated, manifest: manifest, into: &record)
            return
        }
        if DocumentFormats.candidateExtensions.contains(ext) {
            record.error = .wrongFormat
            record.errorDetail =
                "a ZIP archive that is no office package"
                + (declaredType.map { " (mimetype '\($0.prefix(80))')" } ?? "")
        } else {
            record.family = .other
            record.format = "zip"
            record.mimetype = declaredType ?? "application/zip"
        }
    }
}
