import Foundation
import OverblikModel
import XMLKit

// Flat XML documents (.fodt, .fods, ...): office:meta from the start of the file.
extension DocumentReader {

    func readFlat(_ opened: inout OpenedFile, ext: String, into record: inout DocumentRecord) {
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
            guard let bytes = opened.read(at: 0, count: wanted) else {
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
