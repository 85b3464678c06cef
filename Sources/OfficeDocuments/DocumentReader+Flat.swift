import Foundation
import OverblikModel
import XMLKit

// Flat XML documents (.fodt, .fods, ...): office:meta from the start of the file.
extension DocumentReader {

    /// `head`: the file's first bytes, already read (the whole file when it is small).
    func readFlat(_ opened: inout OpenedFile, head: [UInt8], ext: String, into record: inout DocumentRecord) {
        if readFlatQuickly(&opened, ext: ext, into: &record) { return }
        // office:meta comes first in a flat document: try a prefix, then (rarely) the whole file up to the cap.
        let prefixSize = 1 << 20
        var attempt = 0
        while true {
            let wanted = attempt == 0 ? min(Int(opened.size), prefixSize) : Int(opened.size)
            if wanted > options.maxFlatBytes {
                record.error = .entryTooLarge
                record.errorDetail = "flat document larger than \(options.maxFlatBytes) bytes without early office:meta"
                return
            }
            guard let bytes = wanted == head.count ? head : opened.read(at: 0, count: wanted) else {
                record.error = .unreadable
                record.errorDetail = "read failed"
                return
            }
            do {
                let includePersonal = options.includePersonalData
                let parser = ODFMetadataParser(includePersonal: includePersonal)
                try parseXML(bytes, parser)
                applyFlat(parser.metadata, ext: ext, into: &record)
                return
            } catch {
                if wanted < Int(opened.size), case .malformed = error {
                    attempt += 1
                    continue  // the prefix cut the document before office:meta ended
                }
                record.container = .flat
                if case .malformed = error, !DocumentFormats.flatExtensions.contains(ext),
                    !DocumentFormats.candidateExtensions.contains(ext)
                {
                    record.family = .other
                    record.format = "xml"
                }
                fail(&record, xmlError: error, part: nil)
                return
            }
        }
    }

    /// Bytes read first from a flat document not read whole at once: office:meta (after the root's namespace
    /// declarations) nearly always ends well within them.
    static let quickFlatPrefix = 16 << 10

    /// A flat document's office:meta from its first ``quickFlatPrefix`` bytes, when it was not read whole, when a parse of them
    /// succeeds: the parse stopped where the metadata ends, after exactly the events a parse of a longer prefix
    /// reports first. Any failure (most often the prefix ending inside the metadata) leaves the record as it
    /// was for the reads that follow.
    private func readFlatQuickly(_ opened: inout OpenedFile, ext: String, into record: inout DocumentRecord) -> Bool {
        guard opened.size > Int64(Self.wholeFileBytes), let bytes = opened.read(at: 0, count: Self.quickFlatPrefix)
        else { return false }
        let parser = ODFMetadataParser(includePersonal: options.includePersonalData)
        guard (try? parseXML(bytes, parser)) != nil else { return false }
        applyFlat(parser.metadata, ext: ext, into: &record)
        return true
    }

    func applyFlat(_ meta: ODFMetadata, ext: String, into record: inout DocumentRecord) {
        guard meta.rootIsOffice, meta.rootLocalName == "document" else {
            if DocumentFormats.candidateExtensions.contains(ext) {
                record.error = .wrongFormat
                record.errorDetail = "XML whose root is '\(meta.rootLocalName ?? "?")', not office:document"
            } else {
                record.family = .other
                record.format = "xml"
            }
            return
        }
        record.container = .flat
        if meta.rootIsStarOffice {
            record.family = .starOfficeXML
            record.format = DocumentFormats.starOfficeExtensions.contains(ext) ? ext : "xml"
        } else {
            record.family = .odf
            record.format = DocumentFormats.flatFormat(mediaType: meta.rootMediaType)
        }
        record.mimetype = meta.rootMediaType
        warnOnExtension(&record, ext: ext)
        apply(meta, to: &record)
    }
}
