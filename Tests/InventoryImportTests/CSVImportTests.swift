import Foundation
import InventoryImport
import OverblikModel
import TestSupport
import Testing

/// Writes `bytes` to a fresh temporary file named `name`.
func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
    let url = try Fixtures.temporaryDirectory("import").appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

func temporaryFile(_ name: String, text: String) throws -> URL {
    try temporaryFile(name, Array(text.utf8))
}

/// Encodes text the way Windows tools write it.
enum Encoded {
    static func utf16LE(_ text: String, bom: Bool = true) -> [UInt8] {
        (bom ? [0xFF, 0xFE] : []) + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    static func utf16BE(_ text: String) -> [UInt8] {
        [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    /// Windows-1252 for the characters these tests use (ASCII, Latin-1, €, …).
    static func windows1252(_ text: String) -> [UInt8] {
        text.unicodeScalars.map { scalar in
            switch scalar.value {
            case 0x20AC: 0x80
            case 0x2026: 0x85
            case 0..<0x100: UInt8(scalar.value)
            default: UInt8(ascii: "?")
            }
        }
    }
}

@Suite struct CSVImportTests {
    /// A Danish Lansweeper-style export with ÆØÅ in host names and titles, CRLF line ends.
    static let danishText =
        "AssetName;Software;Version;Publisher\r\n"
        + "RÅDHUS-PC0001;LibreOffice 24.2.7.2;24.2.7.2;The Document Foundation\r\n"
        + "RÅDHUS-PC0002;Kørselsgodtgørelse Æble;1.0;Øresund IT\r\n"
        + "RÅDHUS-PC0003;Prisberegner €;2.1;Firma … ApS\r\n"

    @Test(arguments: [
        ("utf-8", TextEncoding.utf8), ("utf-8-bom", .utf8BOM), ("utf-16le", .utf16LE), ("utf-16be", .utf16BE),
        ("windows-1252", .windows1252),
    ])
    func readsEveryEncoding(name: String, encoding: TextEncoding) throws {
        let bytes: [UInt8] =
            switch encoding {
            case .utf8: Array(Self.danishText.utf8)
            case .utf8BOM: [0xEF, 0xBB, 0xBF] + Array(Self.danishText.utf8)
            case .utf16LE: Encoded.utf16LE(Self.danishText)
            case .utf16BE: Encoded.utf16BE(Self.danishText)
            case .windows1252: Encoded.windows1252(Self.danishText)
            }
        let url = try temporaryFile("danish-\(name).csv", bytes)
        let result = try makeImporter { $0.includeHostNames = true }.importFile(at: url)
        #expect(result.report.encoding == encoding)
        #expect(result.report.variant == "lansweeper")
        #expect(result.records.map(\.title) == ["LibreOffice 24.2.7.2", "Kørselsgodtgørelse Æble", "Prisberegner €"])
        #expect(result.records.map(\.host) == ["RÅDHUS-PC0001", "RÅDHUS-PC0002", "RÅDHUS-PC0003"])
        #expect(result.records[1].publisher == "Øresund IT")
        #expect(result.records[2].publisher == "Firma … ApS")
        #expect(result.records.map(\.line) == [2, 3, 4])
    }

    @Test func utf16WithoutBOMIsRecognisedByItsZeroBytes() throws {
        let url = try temporaryFile("nobom.csv", Encoded.utf16LE(Self.danishText, bom: false))
        let result = try makeImporter().importFile(at: url)
        #expect(result.report.encoding == .utf16LE)
        #expect(result.records.count == 3)
    }

    @Test func aWindows1252LineInAUTF8FileIsStillRead() throws {
        // Valid UTF-8 for the first chunk, then one line pasted from Danish Excel.
        var bytes = Array("Software,Version,AssetName\n".utf8)
        for index in 0..<40_000 { bytes += Array("Program \(index),1.0,PC\(index)\n".utf8) }
        bytes += Encoded.windows1252("Tilskudsberegner Æ,2.0,PC-ÅØ\n")
        let url = try temporaryFile("mixed.csv", bytes)
        let result = try makeImporter { $0.includeHostNames = true }.importFile(at: url)
        #expect(result.records.count == 40_001)
        #expect(result.records.last?.title == "Tilskudsberegner Æ")
        #expect(result.records.last?.host == "PC-ÅØ")
    }

    @Test(arguments: [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
    func detectsTheDelimiter(delimiter: String, name: String) throws {
        let rows = [
            ["DeviceName", "ApplicationName", "ApplicationVersion", "ApplicationPublisher", "InstallDate"],
            ["PC-1", "LibreOffice 7.6.4.1", "7.6.4.1", "The Document Foundation", "24-12-2023"],
            ["PC-2", "Notepad++ (64-bit x64)", "8.7.6", "Notepad++ Team", "2024-01-31"],
        ]
        let text = rows.map { $0.joined(separator: delimiter) }.joined(separator: "\n") + "\n"
        let result = try makeImporter().importFile(at: try temporaryFile("delim-\(name).txt", text: text))
        #expect(result.report.notes.contains { $0.kind == .delimiter && $0.message == "delimiter: \(name)" })
        #expect(result.report.variant == "intune-appinvrawdata")
        #expect(result.records.map(\.title) == ["LibreOffice 7.6.4.1", "Notepad++ (64-bit x64)"])
        #expect(result.records.map(\.publisher) == ["The Document Foundation", "Notepad++ Team"])
        #expect(result.records.map { $0.installDate.map(ValueParsing.isoDayString) } == ["2023-12-24", "2024-01-31"])
    }

    @Test func quotedFieldsHoldDelimitersQuotesAndNewlines() throws {
        let text = """
            Netbios_Name0,ARPDisplayName0,ProductVersion0,Publisher0
            PC-1,"Program, with comma","1.0","Vendor ""Quoted"" Inc."
            PC-2,"Two
            line title",2.0,"Multi
            line
            publisher"
            PC-3,Plain,3.0,Plain Inc.

            """
        let result = try makeImporter().importFile(at: try temporaryFile("quoted.csv", text: text))
        #expect(result.report.variant == "sccm-installed-software")
        #expect(result.records.map(\.title) == ["Program, with comma", "Two\nline title", "Plain"])
        #expect(result.records[0].publisher == "Vendor \"Quoted\" Inc.")
        #expect(result.records[1].publisher == "Multi\nline\npublisher")
        #expect(result.records.map(\.line) == [2, 3, 7])
    }

    @Test func powerShellTypeLineIsSkipped() throws {
        let text =
            "#TYPE Selected.System.Management.Automation.PSCustomObject\r\n"
            + "\"PSComputerName\",\"DisplayName\",\"DisplayVersion\",\"Publisher\",\"InstallDate\"\r\n"
            + "\"PC-17\",\"LibreOffice 24.2.7.2\",\"24.2.7.2\",\"The Document Foundation\",\"20240115\"\r\n"
            + "\"PC-17\",\"\",\"\",\"\",\"\"\r\n"
            + "\"PC-17\",\"7-Zip 23.01 (x64)\",\"23.01\",\"Igor Pavlov\",\"\"\r\n"
        let result = try makeImporter { $0.includeHostNames = true }
            .importFile(at: try temporaryFile("ps51.csv", Encoded.utf16LE(text)))
        #expect(result.report.variant == "powershell-uninstall")
        #expect(result.records.map(\.title) == ["LibreOffice 24.2.7.2", "7-Zip 23.01 (x64)"])
        #expect(result.records.map(\.host) == ["PC-17", "PC-17"])
        #expect(result.records.map(\.line) == [3, 5])
        #expect(result.records.first?.installDate.map(ValueParsing.isoDayString) == "2024-01-15")
        #expect(result.report.skipped["no title"] == 1)
    }

    @Test func danishNumbersAndDates() throws {
        let text =
            "Programnavn;Version;Antal;Installationsdato\n" + "Kontorpakke;7,6;1.234;01-03-2021\n"
            + "Regneark;1.0;12,0;31.12.2020\n" + "Tekstbehandling;2.0;1 500;2019-06-05 08:00:00\n"
            + "Ukendt;1;mange;01-01-2020\n"
        let result = try makeImporter().importFile(at: try temporaryFile("dansk.csv", text: text))
        #expect(result.records.map(\.installCount) == [1234, 12, 1500])
        #expect(result.records.map(\.version) == ["7,6", "1.0", "2.0"])
        #expect(
            result.records.compactMap { $0.installDate.map(ValueParsing.isoDayString) } == [
                "2021-03-01", "2020-12-31", "2019-06-05",
            ])
        #expect(result.report.unreadableLines == 1)
        #expect(result.report.diagnostics.first?.line == 5)
        #expect(result.records.allSatisfy { $0.host == nil })
    }

    @Test(arguments: [
        ("1.234", 1234), ("1 234", 1234), ("12,0", 12), ("3.0", 3), ("251", 251), ("1.234.567", 1_234_567),
        ("1,234", 1234),
    ])
    func installCounts(text: String, expected: Int) {
        #expect(ValueParsing.installCount(text) == expected)
    }

    @Test(arguments: ["12,5", "-3", "1.23", "abc", ""])
    func installCountsThatAreNotWholeNumbers(text: String) {
        #expect(ValueParsing.installCount(text) == nil)
    }

    @Test(arguments: [
        ("2011-10-04 00:00:00", "2011-10-04"), ("20210724", "2021-07-24"), ("2025/04/20 00:00:00", "2025-04-20"),
        ("01-03-2021", "2021-03-01"), ("18/04/2017", "2017-04-18"), ("12/31/2020", "2020-12-31"),
        ("31.12.2020", "2020-12-31"), ("2024-02-29T10:00:00Z", "2024-02-29"),
    ])
    func dates(text: String, expected: String) {
        #expect(ValueParsing.isoDay(text) == expected)
    }

    @Test(arguments: ["2023-02-30", "Fri Jun 12 14:15", "1970-00-01", "n.d.", "99999999"])
    func notDates(text: String) {
        #expect(ValueParsing.date(text) == nil)
    }

    @Test func mapNamesColumnsForUnknownExports() throws {
        let text = "PC;Program;Rev;Firma\nPC-9;LibreOffice 7.6.4.1;7.6.4.1;TDF\n"
        let url = try temporaryFile("custom.csv", text: text)
        // "Program" is a title synonym, but nothing names the host, version or publisher columns.
        let plain = try makeImporter().importFile(at: url)
        #expect(plain.records.first?.version == nil)
        let override = try ColumnMapOverride(parsing: "title=Program,version=Rev,publisher=4,host=pc")
        let mapped = try makeImporter {
            $0.columnMap = override
            $0.includeHostNames = true
        }.importFile(at: url)
        #expect(mapped.report.variant == "generic+map")
        let record = try #require(mapped.records.first)
        #expect(record.title == "LibreOffice 7.6.4.1")
        #expect(record.version == "7.6.4.1")
        #expect(record.publisher == "TDF")
        #expect(record.host == "PC-9")
    }

    @Test func mapErrorsNameTheProblem() throws {
        #expect(throws: ImportError.self) { try ColumnMapOverride(parsing: "colour=Red") }
        #expect(throws: ImportError.self) { try ColumnMapOverride(parsing: "title") }
        let url = try temporaryFile("custom.csv", text: "A,B\nx,y\n")
        let importer = try makeImporter { $0.columnMap = try? ColumnMapOverride(parsing: "title=Missing") }
        #expect {
            try importer.importFile(at: url)
        } throws: { error in
            (error as? ImportError).map { "\($0)".contains("Missing") } ?? false
        }
    }

    @Test func headerRowIsFoundBelowATitleBlock() throws {
        let text = "Software report;;\nGenerated 2026-10-01;;\n;;\nComputer;Software;Version\nPC-1;GIMP 3.0.0;3.0.0\n"
        let result = try makeImporter().importFile(at: try temporaryFile("report.csv", text: text))
        #expect(result.records.map(\.title) == ["GIMP 3.0.0"])
        #expect(result.records.first?.line == 5)
    }

    @Test func raggedRowsAreListedAndStrictFailsTheFile() throws {
        let text = "AssetName,Software,Version\nPC-1,A,1\nPC-2,B\nPC-3,C,3,extra,fields\nPC-4,\"D,4\n"
        let url = try temporaryFile("ragged.csv", text: text)
        let result = try makeImporter().importFile(at: url)
        #expect(result.records.map(\.title) == ["A", "B"])
        #expect(result.report.unreadableLines == 2)
        #expect(result.report.diagnostics.map(\.line) == [4, 5])
        #expect(result.report.diagnostics[1].message.contains("unterminated"))
        #expect(throws: ImportError.strictFailure(file: url.path, unreadableLines: 2, firstLine: 4)) {
            try makeImporter { $0.strict = true }.importFile(at: url)
        }
    }

    /// Rows cut short at random (a seeded generator decides which and where) are all kept with the fields they
    /// have, and each is flagged with its line; the generator that cut them is the model.
    @Test(arguments: [1, 2, 3] as [UInt64]) func shortRowsAreKeptAndFlaggedWithTheirLine(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let header = ["AssetName", "Software", "Version", "Publisher"]
        var lines = [header.joined(separator: ",")]
        var expected: [(line: Int, fields: [String])] = []
        var shortLines: [Int] = []
        for row in 1...60 {
            var fields = ["PC-\(row)", "Title \(row)", "\(row).0", "Publisher \(row)"]
            if Bool.random(using: &random) {
                fields = Array(fields.prefix(Int.random(in: 2...3, using: &random)))
                shortLines.append(row + 1)
            }
            lines.append(fields.joined(separator: ","))
            expected.append((row + 1, fields))
        }
        let url = try temporaryFile("short-rows-\(seed).csv", text: lines.joined(separator: "\n") + "\n")
        let result = try makeImporter().importFile(at: url)

        #expect(result.records.map(\.line) == expected.map(\.line))
        for (record, row) in zip(result.records, expected) {
            #expect(record.title == row.fields[1])
            #expect(record.version == (row.fields.count > 2 ? row.fields[2] : nil))
            #expect(record.publisher == (row.fields.count > 3 ? row.fields[3] : nil))
        }
        #expect(result.report.unreadableLines == 0)
        #expect(result.report.shortRows == shortLines.count)
        let flagged = result.report.notes.filter { $0.kind == .shortRow }
        #expect(flagged.map(\.line) == Array(shortLines.prefix(FileImportReport.listedShortRows)))
        #expect(
            flagged.allSatisfy { $0.file == "short-rows-\(seed).csv" && $0.message.contains("where the header has 4") })
    }

    @Test func aFileWithoutATitleColumnIsAClearError() throws {
        let url = try temporaryFile("numbers.csv", text: "a,b,c\n1,2,3\n")
        #expect {
            try makeImporter().importFile(at: url)
        } throws: { error in
            guard case .missingColumns(let file, let detail) = error as? ImportError else { return false }
            return file == url.path && detail.contains("--map")
        }
    }

    @Test func missingAndEmptyFilesAreTypedErrors() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/inventory.csv")
        #expect(throws: ImportError.unreadableFile(file: missing.path, reason: "no such file")) {
            try makeImporter().importFile(at: missing)
        }
        let empty = try temporaryFile("empty.csv", [])
        #expect(throws: ImportError.emptyFile(file: empty.path)) { try makeImporter().importFile(at: empty) }
    }

    @Test func anOrganisationColumnIsResolvedThroughTheAuthorityDirectory() throws {
        let text = "Kommune,Software,AssetName\nAarhus Kommune,A,PC1\n0101,B,PC2\nKbh.,C,PC3\nAtlantis,D,PC4\n"
        let result = try makeImporter(organisation: nil).importFile(at: try temporaryFile("orgs.csv", text: text))
        #expect(result.records.map(\.organisation) == [751, 101, 101])
        #expect(result.report.diagnostics.first?.message.contains("Atlantis") == true)
    }

    @Test func withoutAnOrganisationNothingIsImported() throws {
        let url = try temporaryFile("no-org.csv", text: "Software\nA\n")
        #expect(throws: ImportError.missingOrganisation(file: url.path)) {
            try makeImporter(organisation: nil).importFile(at: url)
        }
    }

    @Test func usageDeclarationsCSV() throws {
        let text = """
            organisation,product,relation,date,evidence
            751,os2kitos,uses,2024-05-01,signed agreement on file
            Københavns Kommune,os2kitos,retired,2019,
            101,OS2-not-a-product,uses,2024,
            101,os2kitos,sometimes,2024,

            """
        let result = try makeImporter(organisation: nil).importFile(at: try temporaryFile("usage.csv", text: text))
        #expect(result.report.format == .usageCSV)
        #expect(result.report.linesRead == 4)
        #expect(result.declarations.count + result.report.unreadableLines == 4)
        #expect(result.report.diagnostics.contains { $0.line == 5 && $0.message.contains("relation") })
    }
}

extension ValueParsing {
    /// `yyyy-mm-dd` of a date made by ``ValueParsing/date(_:)`` (UTC midnight).
    static func isoDayString(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
