import Foundation
import OverblikModel
import XMLKit
import ZipKit

// ODF and OpenOffice.org 1.x packages: media type, manifest, meta.xml (or the root of content.xml).
extension DocumentReader {
    func readODFPackage(
        _ archive: ZipArchive, duplicated: Set<String>, mediaType: String, manifest: ManifestInfo?,
        manifestProblem: String?,
        hasMimetypeEntry: Bool, ext: String, into record: inout DocumentRecord
    ) {
        let isStarOffice = mediaType.hasPrefix("application/vnd.sun.xml.")
        record.family = isStarOffice ? .starOfficeXML : .odf
        record.mimetype = mediaType
        let table = isStarOffice ? DocumentFormats.starOfficeMediaTypes : DocumentFormats.odfMediaTypes
        record.format = table[mediaType] ?? (ext.isEmpty ? (isStarOffice ? "sxw" : "odt") : ext)
        if !hasMimetypeEntry {
            record.warnings.append(DocumentWarning(kind: .mimetypeMissing, detail: "no mimetype entry"))
        }
        if let manifestProblem {
            record.warnings.append(DocumentWarning(kind: .manifestUnreadable, detail: manifestProblem))
        } else if manifest == nil {
            record.warnings.append(DocumentWarning(kind: .manifestMissing, detail: "no META-INF/manifest.xml"))
        }
        if let rootType = manifest?.rootMediaType, rootType != mediaType {
            record.warnings.append(
                DocumentWarning(
                    kind: .mimetypeManifestMismatch, detail: "manifest says '\(rootType)', mimetype '\(mediaType)'"))
        }
        warnOnExtension(&record, ext: ext)
        record.features.formUnion(PackageFeatures.odf(archive))
        readODFMetadata(archive, duplicated: duplicated, manifest: manifest, into: &record)
    }

    /// `meta.xml`; the ODF version from the first part that states it: `meta.xml`, else the root of `content.xml`
    /// or `styles.xml` (when readable: not encrypted), else the manifest's `manifest:version` (which ODF 1.2+
    /// requires to equal it, and which an encrypted document keeps readable).
    func readODFMetadata(
        _ archive: ZipArchive, duplicated: Set<String>, manifest: ManifestInfo?, into record: inout DocumentRecord
    ) {
        record.manifestVersion = manifest?.version
        let encrypted = manifest?.encryptedPaths ?? []
        record.encrypted = !encrypted.isEmpty
        if !duplicated.contains("meta.xml"), let metaEntry = archive.entry(named: "meta.xml"),
            !encrypted.contains("meta.xml")
        {
            do {
                let bytes = try archive.read(metaEntry, limit: options.maxPartBytes)
                let includePersonal = options.includePersonalData
                let parser = ODFMetadataParser(includePersonal: includePersonal)
                try parseXML(bytes, parser)
                apply(parser.metadata, to: &record)
            } catch let error as ZipError {
                fail(&record, zipError: error, part: "meta.xml")
                return
            } catch let error as XMLError {
                fail(&record, xmlError: error, part: "meta.xml")
                return
            } catch {
                record.error = .unreadable
                record.errorDetail = "meta.xml: \(error)"
                return
            }
        }
        if record.odfVersion == nil { record.odfVersion = rootVersion(archive, skipping: encrypted.union(duplicated)) }
        if record.odfVersion == nil { record.odfVersion = manifest?.version }
    }

    /// The `office:version` of the root of `content.xml`, else of `styles.xml`; parts in `skipping` are not read.
    private func rootVersion(_ archive: ZipArchive, skipping: Set<String>) -> String? {
        for part in ["content.xml", "styles.xml"] where !skipping.contains(part) {
            guard let entry = archive.entry(named: part) else { continue }
            // The root element with its namespace declarations fits comfortably in 64 KiB.
            let parser = RootElementParser()
            guard let prefix = try? archive.readPrefix(entry, count: 64 * 1024), (try? parseXML(prefix, parser)) != nil,
                let version = parser.root?.officeVersion
            else { continue }
            return version
        }
        return nil
    }

    func apply(_ meta: ODFMetadata, to record: inout DocumentRecord) {
        record.odfVersion = meta.officeVersion
        record.generator = meta.generator
        record.created = meta.created
        record.metaModified = meta.modified
        record.editingCycles = meta.editingCycles
        record.editingDuration = meta.editingDuration
        record.statistics = meta.statistics
        record.language = meta.language
        record.template = meta.template
        if options.includePersonalData { record.personal = meta.personal ?? PersonalMetadata() }
    }
}
