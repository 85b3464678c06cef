import Catalog
import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

@Suite struct DocumentReaderTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    func read(_ relative: String, personal: Bool = false) -> DocumentRecord {
        DocumentReader(
            classifier: Self.classifier, options: DocumentReaderOptions(includePersonalData: personal)
        ).read(path: Fixtures.url("documents/" + relative).path)
    }

    /// Each damaged file fails (or warns) with the stable kind its defect calls for.
    @Test(arguments: [
        ("empty.odt", ReadFailureKind.empty),
        ("not-a-zip.odt", .notAZip),
        ("truncated.odt", .truncated),
        ("bad-crc.odt", .badCRC),
        ("duplicate-entries.odt", .ambiguousArchive),
        ("duplicate-content.odt", .ambiguousArchive),
        ("missing-mimetype-and-manifest.odt", .missingMimetype),
        ("zip-not-office.odt", .wrongFormat),
        ("text-named.doc", .wrongFormat),
        ("malformed-meta.odt", .malformedXML),
        ("malformed.fodt", .malformedXML),
        ("xxe-meta.odt", .forbiddenDTD),
        ("billion-laughs-meta.odt", .forbiddenDTD),
        ("xxe.fodt", .forbiddenDTD),
        ("deep-nesting-meta.odt", .tooDeep),
        ("zip-bomb-meta.odt", .entryTooLarge),
    ])
    func damagedFileFailsWithItsKind(file: String, kind: ReadFailureKind) {
        let record = read("damaged/" + file)
        #expect(record.error == kind, "\(file): \(record.errorDetail ?? "")")
        #expect(record.errorDetail?.isEmpty == false)
    }

    @Test(arguments: [
        ("mimetype-not-first.odt", "mimetype-not-first"),
        ("mimetype-deflated.odt", "mimetype-compressed"),
        ("mimetype-trailing-newline.odt", "mimetype-whitespace"),
        ("missing-mimetype.odt", "mimetype-missing"),
        ("junk-before-archive.odt", "junk-before-archive"),
        ("docx-named.odt", "extension-mismatch"),
        ("xls-named.ods", "extension-mismatch"),
    ])
    func specViolationStillReadsWithWarning(file: String, warning: String) {
        let record = read("damaged/" + file)
        #expect(record.error == nil, "\(file): \(record.errorDetail ?? "")")
        #expect(record.warnings.map(\.kind.rawValue) == [warning])
    }

    @Test func ambiguousArchiveStillReportsItsUnduplicatedMetadata() {
        let record = read("damaged/duplicate-content.odt")
        #expect(record.error == .ambiguousArchive)
        #expect(record.errorDetail == "duplicate entry names: content.xml")
        #expect(record.suite == "libreoffice")
        // meta.xml itself duplicated: nothing is taken from either copy.
        #expect(read("damaged/duplicate-entries.odt").generator == nil)
    }

    @Test func odtThatIsReallyDocxIsReportedAsDocx() {
        let record = read("damaged/docx-named.odt")
        #expect(record.family == .ooxml)
        #expect(record.format == "docx")
        #expect(record.suite == "libreoffice")
        #expect(record.appVersion == "15.0000")
    }

    @Test func libreOfficeDocumentFieldsExactly() {
        let record = read("generated/libreoffice-writer.odt")
        #expect(record.family == .odf)
        #expect(record.container == .zip)
        #expect(record.format == "odt")
        #expect(record.mimetype == "application/vnd.oasis.opendocument.text")
        #expect(record.odfVersion == "1.3")
        #expect(record.manifestVersion == "1.3")
        #expect(record.generator == "LibreOffice/7.4.7.2$Linux_X86_64 LibreOffice_project/40$Build-2")
        #expect(record.suite == "libreoffice")
        #expect(record.suiteVersion == "7.4.7.2")
        #expect(record.suiteVersionLine == "7.4")
        #expect(record.statistics["word-count"] == 13)
        #expect(record.statistics["paragraph-count"] == 3)
        #expect(record.warnings.isEmpty)
        #expect(record.error == nil)
        #expect(record.personal == nil)
    }

    @Test func openOfficeOrg1DocumentIsStarOfficeXML() {
        let record = read("corpus/tika__testStarOffice-6.0-calc.sxc")
        #expect(record.family == .starOfficeXML)
        #expect(record.format == "sxc")
        #expect(record.generator == "OpenOffice.org 632 (Win32)")
        #expect(record.suite == "openoffice.org")
        #expect(record.statistics == ["cell-count": 91, "table-count": 3])
    }

    @Test func encryptedDocumentIsFlaggedAndKeepsWhatIsReadable() {
        let record = read("corpus/roo__encrypted-letmein.ods")
        #expect(record.encrypted)
        #expect(record.error == nil)
        #expect(record.mimetype == "application/vnd.oasis.opendocument.spreadsheet")
        #expect(record.manifestVersion == "1.2")
        #expect(record.generator == nil)
        #expect(record.suite == Classification.unknownProduct)
    }

    @Test func flatDocumentStopsAfterMeta() {
        let record = read("generated/libreoffice-writer.fodt")
        #expect(record.container == .flat)
        #expect(record.format == "fodt")
        #expect(record.odfVersion == "1.3")
        #expect(record.suite == "libreoffice")
    }

    /// A flat document is read whole when small, else from its first 16 KiB, then from a longer prefix, then
    /// whole: wherever office:meta ends (a comment pads the document before or after it, across and beyond each
    /// read), the record is the unpadded document's.
    @Test(arguments: [(40_000, 0), (0, 100_000), (15_000, 100_000), (65_400, 0), (70_000, 0), (1_100_000, 0)])
    func flatDocumentMetaFoundWhereverItEnds(before: Int, after: Int) throws {
        let original = Fixtures.url("documents/generated/libreoffice-writer.fodt")
        let text = try String(contentsOf: original, encoding: .utf8)
        func comment(_ count: Int) -> String { count == 0 ? "" : "<!--" + String(repeating: "x", count: count) + "-->" }
        let padded = text.replacingOccurrences(
            of: "<office:meta>", with: comment(before) + "<office:meta>"
        ).replacingOccurrences(of: "</office:meta>", with: "</office:meta>" + comment(after))
        #expect(padded.utf8.count >= text.utf8.count + before + after)
        let url = try Fixtures.temporaryDirectory("flat-padding").appendingPathComponent("padded.fodt")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        try padded.write(to: url, atomically: true, encoding: .utf8)
        let reader = DocumentReader(classifier: Self.classifier)
        var expected = reader.read(path: original.path)
        let record = reader.read(path: url.path)
        #expect(record.error == nil, "\(record.errorDetail ?? "")")
        #expect(record.generator?.hasPrefix("LibreOffice/7.4") == true)
        expected.path = url.path
        expected.size = record.size
        expected.modified = record.modified
        #expect(record == expected)
    }

    @Test func legacyBinaryFormatsComeFromStreamNames() {
        #expect(read("generated/libreoffice-writer.doc").mimetype == "application/msword")
        #expect(read("generated/libreoffice-calc.xls").mimetype == "application/vnd.ms-excel")
        #expect(read("generated/libreoffice-impress.ppt").mimetype == "application/vnd.ms-powerpoint")
        let renamed = read("damaged/xls-named.ods")
        #expect(renamed.family == .legacy)
        #expect(renamed.format == "xls")
    }

    @Test func personalDataOnlyWhenAsked() {
        let withoutPersonal = read("corpus/phpss__DefinedNames.ods")
        #expect(withoutPersonal.personal == nil)
        let encoded = String(decoding: try! JSONEncoder().encode(withoutPersonal), as: UTF8.self)
        #expect(!encoded.contains("Mark Baker"))
        let withPersonal = read("corpus/phpss__DefinedNames.ods", personal: true)
        #expect(withPersonal.personal?.creator == "Mark Baker")
        #expect(withPersonal.personal?.initialCreator == "Mark Baker")
        let so = read("corpus/deb__html.stw", personal: true)
        #expect(so.personal?.creator == "Ilko Hoepping")
        #expect(so.personal?.title == "Standard template for HTML documents")
    }

    @Test func producersInstalledHereAreRecognised() {
        let cases: [(String, String)] = [
            ("generated/abiword.odt", "abiword"), ("generated/gnumeric-odf12.ods", "gnumeric"),
            ("generated/calligra-sheets.ods", "calligra"), ("generated/pandoc.odt", "pandoc"),
            ("generated/odfpy.odt", "odfpy"), ("generated/odfdo.odt", "odfdo"),
            ("generated/libreoffice-calc.xlsx", "libreoffice"), ("generated/gnumeric.xlsx", "gnumeric"),
            // pandoc copies its reference document's app.xml ("Microsoft Word 12.0.0"): it names Word, not pandoc.
            ("generated/pandoc.docx", "ms-office"),
        ]
        for (file, suite) in cases {
            #expect(read(file).suite == suite, "\(file)")
        }
    }

    @Test func ooxmlVersionsComeFromApplicationOrAppVersion() {
        let gnumeric = read("generated/gnumeric.xlsx")
        #expect(gnumeric.application == "gnumeric")
        #expect(gnumeric.appVersion == "1.1255")
        #expect(gnumeric.suiteVersion == "1.12.55")
        #expect(gnumeric.suiteVersionLine == "1.12")
        let pandoc = read("generated/pandoc.docx")
        #expect(pandoc.application == "Microsoft Word 12.0.0")
        #expect(pandoc.suiteVersion == "12.0.0")
        #expect(pandoc.suiteVersionLine == "2007")
    }

    @Test func fifoIsNeverOpenedForReading() throws {
        let dir = try Fixtures.temporaryDirectory("fifo")
        defer { try? FileManager.default.removeItem(at: dir) }
        let fifo = dir.appendingPathComponent("pipe.odt").path
        #expect(mkfifo(fifo, 0o644) == 0)
        // Opened non-blocking and refused as not regular: this returns instead of hanging.
        let record = DocumentReader(classifier: nil).read(path: fifo)
        #expect(record.error == .unreadable)
    }

    @Test func metadataDatesParse() {
        #expect(MetadataDate.parse("2024-03-01T10:20:30")?.timeIntervalSince1970 == 1_709_288_430)
        #expect(MetadataDate.parse("2024-03-01T10:20:30.5Z")?.timeIntervalSince1970 == 1_709_288_430.5)
        #expect(MetadataDate.parse("2024-03-01T12:20:30+02:00")?.timeIntervalSince1970 == 1_709_288_430)
        #expect(MetadataDate.parse("2024-03-01")?.timeIntervalSince1970 == 1_709_251_200)
        #expect(MetadataDate.parse("yesterday") == nil)
        #expect(MetadataDate.parse("2024-13-01") == nil)
    }
}
