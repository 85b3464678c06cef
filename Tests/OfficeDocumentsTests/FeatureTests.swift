import Foundation
import OfficeDocuments
import OverblikModel
import TestSupport
import Testing

/// Features found in real producers' files (fixtures/features, see SOURCES.md), checked two ways: against the
/// independent peer oletools (`oletools-verdicts.tsv`, written by scripts/oletools-verdicts.py) on VBA, encryption,
/// Excel 4 macros, Word's ObjectPool and external links, with every difference explained below; and file by file
/// against `expected-features.tsv`, each row checked against how the file was made.
@Suite struct FeatureTests {
    static func rows(_ name: String) -> [[String]] {
        guard let text = try? String(contentsOf: Fixtures.url("features/\(name)"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
    }

    static func read(_ path: String) -> DocumentRecord {
        DocumentReader(classifier: nil).read(path: Fixtures.url("features/" + path).path)
    }

    /// Where oletools and Overblik disagree, and why (path → column → reason).
    static let explainedDifferences: [String: [String: String]] = [
        // PowerPoint 97-2003 keeps its VBA project compressed inside the `PowerPoint Document` stream (an
        // ExOleObjStg), not as storages: the directory does not show it, and Overblik reads no stream contents.
        "oletools/sample_with_vba.ppt": ["vba": "VBA inside the PowerPoint Document stream"],
        // A linked OLE object: an external relationship in word/_rels/document.xml.rels. Overblik reads entry
        // names and content types, not relationship parts; its `external-links` are links between workbooks.
        "oletools/sample_with_external_link_to_doc.docx": ["ext_rels": "linked OLE object in a relationship part"],
    ]

    struct Verdict: CustomTestStringConvertible, Sendable {
        var fields: [String]
        var testDescription: String { fields[0] }
    }

    static let verdicts: [Verdict] = rows("oletools-verdicts.tsv").map(Verdict.init)

    @Test(arguments: verdicts)
    func agreesWithOletools(_ verdict: Verdict) throws {
        let fields = verdict.fields
        try #require(fields.count == 7)
        let (path, container, vba, xlm, encrypted, externalRelations, objectPool) =
            (
                fields[0], fields[1], fields[2] == "yes", fields[3] == "yes", fields[4] == "yes", Int(fields[5]) ?? 0,
                fields[6] == "yes"
            )
        let record = Self.read(path)
        let explained = Self.explainedDifferences[path] ?? [:]
        #expect(record.error == nil, "\(path): \(record.errorDetail ?? "")")
        if explained["vba"] == nil {
            #expect(record.features.contains(.vba) == vba, "\(path): VBA")
        } else {
            #expect(record.features.contains(.vba) != vba, "\(path): the explained VBA difference is gone")
        }
        #expect(record.encrypted == encrypted, "\(path): encryption")
        #expect(record.features.contains(.encrypted) == encrypted, "\(path): encrypted feature")
        // oleid's XLM indicator reads the BIFF records of OLE workbooks only; in .xlsm/.xltm/.xlsb macro sheets
        // are parts with their own content type, which Overblik counts and oleid does not look at.
        if container == "OLE" { #expect(record.features.contains(.xlmMacros) == xlm, "\(path): Excel 4 macros") }
        if xlm { #expect(record.features.contains(.xlmMacros), "\(path): Excel 4 macros") }
        // oleid's ObjectPool is Word's storage of embedded objects; Overblik's ole-objects also counts Excel's
        // MBD storages, OOXML embeddings and ODF objects, so only "peer yes ⇒ ours yes" holds.
        if objectPool { #expect(record.features.contains(.oleObjects), "\(path): embedded objects") }
        if externalRelations > 0 && explained["ext_rels"] == nil {
            #expect(record.features.contains(.externalLinks), "\(path): external links")
        }
    }

    static let expected: [Verdict] = rows("expected-features.tsv").map(Verdict.init)

    @Test(arguments: expected)
    func eachFixtureHasItsFeatures(_ row: Verdict) throws {
        try #require(row.fields.count == 2)
        let wanted = row.fields[1] == "-" ? [] : row.fields[1].split(separator: ",").map(String.init)
        let record = Self.read(row.fields[0])
        #expect(record.features.sorted().map(\.rawValue) == wanted, "\(row.fields[0])")
    }

    @Test func everyFixtureIsCheckedAndEveryFeatureOccurs() throws {
        var onDisk: [String] = []
        for folder in ["oletools", "msoffcrypto", "libreoffice", "zipfile", "poi"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("features/\(folder)").path)
            // Not documents: a VBA project to add to a package, the licence and notice files kept with the sources.
            onDisk += names.filter { !$0.hasSuffix(".bin") && !["LICENSE", "NOTICE"].contains($0) }.map {
                "\(folder)/\($0)"
            }
        }
        #expect(Set(Self.verdicts.map { $0.fields[0] }) == Set(onDisk))
        #expect(Set(Self.expected.map { $0.fields[0] }) == Set(onDisk))
        let found = Set(Self.expected.flatMap { $0.fields[1].split(separator: ",").map(String.init) })
        // Every feature occurs in some real producer's file.
        #expect(Set(DocumentFeature.allCases.map(\.rawValue)).subtracting(found) == [])
    }

    /// The reader's format decisions on the compound files stay what the content says: encrypted OOXML is an
    /// encrypted Word/Excel/PowerPoint document by its extension, a Word template is `dot` whatever its name.
    @Test func compoundFilesKeepTheirRealFormat() {
        let docx = Self.read("oletools/encrypted.docx")
        #expect(docx.family == .ooxml && docx.format == "docx" && docx.encrypted && docx.container == .binary)
        let dot = Self.read("oletools/embedded-simple-2007.dot")
        #expect(dot.format == "dot" && dot.features.contains(.template))
        let xlt = Self.read("oletools/excel4_sample_macro.xlt")
        #expect(xlt.format == "xlt" && xlt.features.contains(.template))
    }
}
