import Foundation
import OverblikModel
import XMLKit
import ZipKit

// OOXML packages: the main content type, docProps/app.xml and docProps/core.xml.
extension DocumentReader {
    func readOOXMLPackage(
        _ archive: ZipArchive, duplicated: Set<String>, ext: String, into record: inout DocumentRecord
    ) {
        record.family = .ooxml
        let contentTypes = ContentTypesParser()
        do {
            let bytes = try archive.read(named: "[Content_Types].xml", limit: options.maxPartBytes)
            try parseXML(bytes, contentTypes)
        } catch let error as ZipError {
            fail(&record, zipError: error, part: "[Content_Types].xml")
            return
        } catch let error as XMLError {
            fail(&record, xmlError: error, part: "[Content_Types].xml")
            return
        } catch {
            return
        }
        let mainType = contentTypes.mainContentType
        record.features.formUnion(PackageFeatures.ooxml(archive, contentTypes: contentTypes))
        if let mainType, let format = DocumentFormats.ooxmlContentTypes[mainType] {
            record.format = format
            record.mimetype = mainType
        } else if archive.entry(named: "word/document.xml") != nil {
            record.format = "docx"
        } else if archive.entry(named: "xl/workbook.xml") != nil {
            record.format = "xlsx"
        } else if archive.entry(named: "ppt/presentation.xml") != nil {
            record.format = "pptx"
        } else if archive.entry(named: "xl/workbook.bin") != nil {
            record.format = "xlsb"
        } else {
            record.format = DocumentFormats.ooxmlExtensions.contains(ext) ? ext : "ooxml"
            record.warnings.append(DocumentWarning(kind: .ooxmlMainPartUnknown, detail: "no known main part"))
        }
        warnOnExtension(&record, ext: ext)
        let app = OOXMLAppParser()
        let core = OOXMLCoreParser(includePersonal: options.includePersonalData)
        let parts: [(name: String, parser: any XMLContentHandler)] = [
            ("docProps/app.xml", app), ("docProps/core.xml", core),
        ]
        for (part, parser) in parts {
            guard !duplicated.contains(part), let entry = archive.entry(named: part) else { continue }
            do {
                try parseXML(try archive.read(entry, limit: options.maxPartBytes), parser)
            } catch let error as ZipError {
                fail(&record, zipError: error, part: part)
                return
            } catch let error as XMLError {
                fail(&record, xmlError: error, part: part)
                return
            } catch {
                return
            }
        }
        record.application = app.props.application
        record.appVersion = app.props.appVersion
        if let application = app.props.application {
            record.generator = [application, app.props.appVersion].compactMap { $0 }.joined(separator: " ")
        }
        record.created = core.props.created
        record.metaModified = core.props.modified
        record.editingCycles = core.props.revision
        record.editingDuration = app.props.totalTimeMinutes.map { "PT\($0)M" }
        record.statistics = app.props.statistics
        record.language = core.props.language
        record.template = app.props.template
        if options.includePersonalData { record.personal = core.props.personal }
    }
}
