import Catalog
import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// Legacy compound files' property sets (`\u{5}SummaryInformation`, `\u{5}DocumentSummaryInformation`) and `.xlsb`
/// typing. Generator, versions, dates, counts and template are checked against olefile for every fixture by
/// ``ExpectedFieldsTests``; here: the personal fields against olefile, their absence by default, the suite, the
/// year, and that damaged property sets change nothing else.
@Suite struct LegacyPropertySetTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())

    static let legacyFiles: [String] = {
        let folder = Fixtures.url("documents/legacy")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".xlsb") }.sorted()
    }()

    func read(_ path: String, personal: Bool = false) -> DocumentRecord {
        DocumentReader(classifier: Self.classifier, options: DocumentReaderOptions(includePersonalData: personal))
            .read(path: path)
    }

    func fixture(_ name: String) -> String { Fixtures.url("documents/legacy/" + name).path }

    /// The personal fields of each file as olefile reads them (texts decoded with the set's code page), one line
    /// per file: `name<TAB>field=value<TAB>...`.
    static func olefilePersonal(_ paths: [String]) async throws -> [String: [String: String]] {
        let script = """
            import olefile, os, sys
            PAGES = {1200: "utf-16-le", 65001: "utf-8", 10000: "mac_roman", 10007: "mac_cyrillic"}
            def read(ole, name):
                try:
                    return ole.getproperties(name) if ole is not None and ole.exists(name) else {}
                except Exception:
                    return {}
            def text(props, pid):
                value, page = props.get(pid), props.get(1, 1252)
                if isinstance(value, bytes):
                    value = value.decode(PAGES.get(page, "cp%d" % page), "replace")
                value = (value or "").split("\\x00", 1)[0]
                return value.replace("\\t", " ").replace("\\n", " ")
            for path in sys.argv[1:]:
                try:
                    ole = olefile.OleFileIO(path)
                except Exception:
                    ole = None
                si = read(ole, "\\x05SummaryInformation")
                dsi = read(ole, "\\x05DocumentSummaryInformation")
                fields = {"creator": text(si, 4), "title": text(si, 2), "subject": text(si, 3),
                          "keywords": text(si, 5), "description": text(si, 6), "lastModifiedBy": text(si, 8),
                          "company": text(dsi, 15), "manager": text(dsi, 14)}
                print(os.path.basename(path) + "".join("\\t%s=%s" % item for item in sorted(fields.items())))
            """
        let (status, output) = try await runDebianPython(script, paths)
        #expect(status == 0, "olefile failed")
        var result: [String: [String: String]] = [:]
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            for field in fields.dropFirst() {
                let pair = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                result[String(fields[0]), default: [:]][String(pair[0])] = String(pair[1])
            }
        }
        return result
    }

    /// The record's personal fields in olefile's shape: absent and empty alike as "", whitespace trimmed.
    static func personalFields(_ personal: PersonalMetadata?) -> [String: String] {
        func clean(_ text: String?) -> String {
            (text ?? "").replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return [
            "creator": clean(personal?.creator), "title": clean(personal?.title), "subject": clean(personal?.subject),
            "keywords": clean(personal?.keywords.first), "description": clean(personal?.description),
            "lastModifiedBy": clean(personal?.userDefined["lastModifiedBy"]),
            "company": clean(personal?.userDefined["company"]), "manager": clean(personal?.userDefined["manager"]),
        ]
    }

    @Test func personalFieldsAgreeWithOlefileOnlyWhenAsked() async throws {
        #expect(Self.legacyFiles.count >= 12)
        let expected = try await Self.olefilePersonal(Self.legacyFiles.map(fixture))
        var nonEmpty = 0
        for name in Self.legacyFiles {
            let withPersonal = read(fixture(name), personal: true)
            let oracle = try #require(expected[name], "\(name)")
            let trimmedOracle = oracle.mapValues { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let ours = Self.personalFields(withPersonal.personal)
            // Files whose property sets are encrypted or broken have nothing to compare (olefile reads empty too).
            #expect(ours == trimmedOracle, "\(name)")
            nonEmpty += ours.values.filter { !$0.isEmpty }.count
            // Without the option: no personal block, and none of the values anywhere in the JSON record.
            let plain = read(fixture(name))
            #expect(plain.personal == nil)
            let json = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
            // Values the record carries anyway (a company "Microsoft" in "Microsoft Excel 14.0000") prove nothing.
            let carried = [plain.generator, plain.template].compactMap { $0 }.joined(separator: "\n")
            for value in ours.values where value.count >= 3 && !carried.contains(value) {
                #expect(!json.contains(value), "\(name): '\(value)' in the default record")
            }
        }
        #expect(nonEmpty >= 20)
    }

    /// exiftool 12.57 on the same files: a Cyrillic last author (code page 1251) and a company from the
    /// DocumentSummaryInformation.
    @Test func codePagesAndDocumentSummaryAsExiftoolReadsThem() {
        let rasp = read(fixture("poi__rasp.doc"), personal: true)
        #expect(rasp.personal?.userDefined["lastModifiedBy"] == "Дина")
        let ppt = read(fixture("poi__Password_Protected-np-hello.ppt"), personal: true)
        #expect(ppt.personal?.title == "This is a protected document")
        #expect(ppt.personal?.userDefined["company"] == "Torchbox")
        let quick = read(fixture("poi__quick.doc"), personal: true)
        #expect(quick.personal?.creator == "Nevin Nollop")
        #expect(quick.personal?.userDefined["lastModifiedBy"] == "Derek Hulley")
    }

    /// The suite as for OOXML's Application + AppVersion; `reclassify` asks the same function with the stored
    /// fields, so both agree.
    @Test(
        arguments: [
            ("poi__50833.xls", "ms-office", "2010"), ("poi__Bug49908.doc", "ms-office", "2007"),
            ("poi__quick.doc", "ms-office", "xp"), ("sheetjs__53ff62_merge_cells.xls", "ms-office", nil),
            ("poi__bug55030.ppt", "ms-office", "2003"), ("poi__Password_Protected-hello.ppt", "unknown", nil),
        ] as [(String, String, String?)])
    func suitesFromTheApplication(name: String, suite: String, line: String?) {
        let record = read(fixture(name))
        #expect(record.suite == suite, "\(name): \(record.generator ?? "-")")
        if let line { #expect(record.suiteVersionLine == line, "\(name)") }
        let again = DocumentReader.classify(
            family: record.family, generator: record.generator, application: record.application,
            appVersion: record.appVersion, with: Self.classifier)
        #expect(again.product == record.suite)
        #expect(again.versionLine == record.suiteVersionLine)
    }

    /// The year a legacy document counts in is its own last-saved date, not the file's mtime (the audit's
    /// finding 1: a copied share put every .doc into the copy's year).
    @Test func yearIsTheDocumentsOwn() throws {
        let directory = try Fixtures.temporaryDirectory("legacy-year")
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("copied.doc")
        try FileManager.default.copyItem(at: Fixtures.url("documents/legacy/poi__47304.doc"), to: copy)
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_767_225_600)], ofItemAtPath: copy.path)  // 2026-01-01
        let record = read(copy.path)
        #expect(record.year == 2009)
        #expect(record.created == Date(timeIntervalSince1970: 1_243_986_540))  // 2009-06-02T23:49:00Z
        // A file whose property set stores 0 ("no date") keeps the file's year.
        let zero = read(fixture("poi__hyperlink.doc"))
        #expect(zero.created == nil && zero.metaModified == nil)
    }

    /// Encrypted files keep their outcome (encrypted, no error); an RC4/XOR workbook's property sets stay
    /// readable and are read, an encrypted presentation's are not there.
    @Test func encryptedFilesKeepTheirOutcome() {
        let xls = read(fixture("sheetjs__9a0f50_password_2002_40_xor.xls"))
        #expect(xls.encrypted && xls.error == nil && xls.warnings.isEmpty)
        #expect(xls.generator == "Microsoft Excel 10.2625")
        let ppt = read(fixture("poi__Password_Protected-hello.ppt"))
        #expect(ppt.encrypted && ppt.error == nil && ppt.warnings.isEmpty)
        #expect(ppt.generator == nil)
    }

    /// Where the SummaryInformation stream starts in the file: its header (byte order FE FF, format 0) and the
    /// FMTID_SummaryInformation at offset 28.
    static func summaryOffset(_ bytes: [UInt8]) -> Int? {
        let formatID: [UInt8] = [0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27]
        guard bytes.count > 64 else { return nil }
        return (0..<(bytes.count - 48)).first { offset in
            bytes[offset] == 0xFE && bytes[offset + 1] == 0xFF && bytes[offset + 2] == 0 && bytes[offset + 3] == 0
                && bytes[(offset + 28)..<(offset + 42)].elementsEqual(formatID)
        }
    }

    /// Seeded damage inside the SummaryInformation stream (random bytes over its header, section table and values,
    /// up to the end of its first 512-byte sector, so the compound file's own structures stay whole): never a
    /// crash, and the outcome (family, format, encryption, features, warnings, error) is that of the undamaged file.
    @Test func damagedPropertySetsChangeNoOutcome() throws {
        let directory = try Fixtures.temporaryDirectory("legacy-damage")
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededGenerator(seed: 0x5EED_16)
        var damaged = 0
        for name in Self.legacyFiles {
            let original = try [UInt8](Data(contentsOf: Fixtures.url("documents/legacy/" + name)))
            guard let start = Self.summaryOffset(original) else { continue }
            let end = min((start / 512 + 1) * 512, original.count)
            let before = read(fixture(name))
            for round in 0..<40 {
                var bytes = original
                let flips = Int.random(in: 1...24, using: &random)
                for _ in 0..<flips {
                    let offset = Int.random(in: start..<end, using: &random)
                    bytes[offset] =
                        round % 4 == 0
                        ? [0x00, 0xFF, 0x0C, 0x10][Int.random(in: 0..<4, using: &random)]
                        : UInt8.random(in: 0...255, using: &random)
                }
                let path = directory.appendingPathComponent("\(round)-" + name).path
                FileManager.default.createFile(atPath: path, contents: Data(bytes))
                let after = read(path)
                #expect(after.family == before.family && after.format == before.format, "\(name) round \(round)")
                #expect(after.encrypted == before.encrypted && after.features == before.features, "\(name) \(round)")
                #expect(after.warnings.map(\.kind) == before.warnings.map(\.kind), "\(name) round \(round)")
                #expect(after.error == before.error, "\(name) round \(round)")
                try FileManager.default.removeItem(atPath: path)
                damaged += 1
            }
        }
        #expect(damaged >= 300)
    }

    /// `.xlsb` is typed from its main part's content type (`….sheet.binary.macroEnabled.main`, no `+xml`), with its
    /// mimetype and no warning; renamed, it is still xlsb, with the extension warning.
    @Test func binaryWorkbooksAreTypedByContent() throws {
        for name in ["sheetjs__crlf.xlsb", "poi__Simple.xlsb"] {
            let record = read(fixture(name))
            #expect(record.family == .ooxml && record.format == "xlsb", "\(name)")
            #expect(record.mimetype == "application/vnd.ms-excel.sheet.binary.macroenabled")
            #expect(record.warnings.isEmpty, "\(name): \(record.warnings)")
        }
        let directory = try Fixtures.temporaryDirectory("xlsb")
        defer { try? FileManager.default.removeItem(at: directory) }
        for renamed in ["a.xlsx", "a.zip", "a"] {
            let path = directory.appendingPathComponent(renamed)
            try FileManager.default.copyItem(at: Fixtures.url("documents/legacy/sheetjs__crlf.xlsb"), to: path)
            let record = read(path.path)
            #expect(record.format == "xlsb", "\(renamed)")
            #expect(record.warnings.map(\.kind) == [.extensionMismatch], "\(renamed)")
        }
    }
}
