import Foundation
import Testing
import TestSupport
import XMLKit
import ZipKit

@testable import ODFValidation

/// Foreign content taken out while a part is parsed (``ForeignContentFilter``, one long-lived engine) against the
/// way before, as the oracle: the part parsed into a tree, ``XMLTree/removeForeignContent(_:)``, the tree checked
/// by a schema compiled separately. Over seeded variants of real ODF 1.0, 1.1 and 1.2+ parts with foreign
/// elements (content kept or dropped by `office:process-content`, inside paragraphs or not, nested, declaring
/// their own namespaces), foreign attributes (`xml:`, unprefixed, another namespace) and a foreign root element,
/// every verdict and problem (line and message) must be the same. Flat documents, read without a tree when they
/// can be, are compared with the validator's way before in the same manner.
@Suite struct StreamedForeignContentTests {
    static let parts: [(document: String, part: String, version: ODFVersion)] = [
        ("documents/corpus/tika__testOpenOffice2.odt", "content.xml", .v1_0),
        ("validation/jopendoc__red.ods", "styles.xml", .v1_0),
        ("documents/generated/abiword.odt", "content.xml", .v1_1),
        ("validation/odftk__simple-table.odt", "content.xml", .v1_1),
        ("validation/pandoc__sourceText.odt", "content.xml", .v1_3),
    ]

    static let foreignDeclaration = "xmlns:f=\"urn:example:foreign\""

    /// Start-tag positions (`<` then a letter) after the root's.
    static func startTags(_ text: [UInt8]) -> [Int] {
        let positions = text.indices.dropLast().filter {
            text[$0] == 0x3C && (text[$0 + 1] | 0x20) >= 0x61 && (text[$0 + 1] | 0x20) <= 0x7A
        }
        return Array(positions.dropFirst())
    }

    /// One foreign element or attribute put into `text` at a random start tag.
    static func mutate(_ text: [UInt8], _ random: inout SeededGenerator) -> [UInt8] {
        let tags = startTags(text)
        guard let at = tags.randomElement(using: &random) else { return text }
        let processContent = [
            "", " office:process-content=\"true\"", " office:process-content=\"false\"",
            " office:process-content=\"maybe\"",
        ].randomElement(using: &random)!
        let contents = [
            "", "some text", "<text:span>kept?</text:span>", "<text:s/>", "<text:p>a paragraph</text:p>",
            "<f:inner>deeper<text:tab/></f:inner>", "<f:inner office:process-content=\"false\"><text:p/></f:inner>",
            "<text:span f:a=\"1\">x</text:span>",
        ]
        let inner = contents.randomElement(using: &random)!
        let insertion: String
        switch Int.random(in: 0..<6, using: &random) {
        case 0, 1, 2:
            insertion = "<f:e \(foreignDeclaration)\(processContent)>\(inner)</f:e>"
        case 3:
            // The foreign element declares the prefix its content uses.
            insertion =
                "<g:e xmlns:g=\"urn:example:other\"\(processContent)><g:x>t</g:x>\(inner.replacingOccurrences(of: "f:", with: "g:"))</g:e>"
        default:
            // A foreign attribute on the element that starts here.
            var end = at + 1
            while end < text.count, ![0x20, 0x09, 0x0A, 0x0D, 0x3E, 0x2F].contains(text[end]) { end += 1 }
            let attribute = [
                " f:a=\"1\" \(foreignDeclaration)", " xml:id=\"x\(at)\"", " plain=\"1\"",
                " office:process-content=\"true\"",
            ].randomElement(using: &random)!
            return Array(text[..<end]) + Array(attribute.utf8) + Array(text[end...])
        }
        return Array(text[..<at]) + Array(insertion.utf8) + Array(text[at...])
    }

    /// The part inside a foreign root element (left to the tree).
    static func foreignRoot(_ text: [UInt8]) -> [UInt8] {
        let start =
            startTags(text).first.map { _ in
                text.firstIndex(of: 0x3C).flatMap { first in
                    text[first + 1] == 0x3F ? text[(first + 1)...].firstIndex(of: 0x3C) : first
                }
            } ?? nil
        guard let start else { return text }
        return Array(text[..<start]) + Array("<f:root \(foreignDeclaration) office:process-content=\"true\">".utf8)
            + Array(text[start...]) + Array("</f:root>".utf8)
    }

    @Test func foreignContentTakenOutWhileParsingAgreesWithTheTree() throws {
        var random = SeededGenerator(seed: 20_261_207)
        let streamedSchemas = ODFSchemaSet(engine: .native)
        let treeSchemas = ODFSchemaSet(engine: .native)
        var compared = 0
        var invalid = 0
        var differences: [String] = []
        for (document, part, version) in Self.parts {
            let source = try ZipArchive(path: Fixtures.url(document).path).read(named: part)
            let rule = ODFForeignContent.rule(for: version)
            var variants = [source, Self.foreignRoot(source)]
            for _ in 0..<30 {
                var variant = source
                for _ in 0..<Int.random(in: 1...4, using: &random) { variant = Self.mutate(variant, &random) }
                variants.append(variant)
            }
            let streamedSchema = try streamedSchemas.main(version)
            let treeSchema = try treeSchemas.main(version)
            // Twice over: the second pass meets warm tables.
            for (index, bytes) in (variants + variants).enumerated() {
                let streamed = streamedSchema.validate(
                    bytes: bytes, removingForeignContent: rule, cpuLimit: .seconds(60))
                let expected: RelaxNGVerdict
                do {
                    let tree = try XMLTree(bytes: bytes)
                    tree.removeForeignContent(rule)
                    expected = treeSchema.validate(tree, cpuLimit: .seconds(60)).verdict
                } catch {
                    expected = .malformed(error)
                }
                compared += 1
                if case .invalid = expected { invalid += 1 }
                if streamed.verdict != expected {
                    differences.append(
                        "\(document) \(part) variant \(index % variants.count): \(streamed.verdict) != \(expected)")
                }
            }
        }
        #expect(invalid > 40 && invalid < compared - 40, "the variants must be both valid and invalid")
        #expect(differences.isEmpty, "\(differences.prefix(5).joined(separator: "\n"))")
    }

    /// Flat documents and their variants (another version, none, a wrong root, a foreign root, a DOCTYPE, a
    /// byte-order mark, cut short, foreign content), validated as now and the way before (a tree parsed first).
    @Test(arguments: [ConformanceLevel.strict, .extended])
    func flatDocumentsReadWithoutATreeGiveTheReportsOfTheTree(_ level: ConformanceLevel) throws {
        var random = SeededGenerator(seed: 7)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sources = [
            "validation/tika__testFODS_embeddedChart.fods",
            "validation/odfkit__bulk-flatpresentation-block-content.fodp",
            "documents/generated/libreoffice-writer.fodt",
        ]
        var files: [URL] = []
        for source in sources {
            let text = String(decoding: try Data(contentsOf: Fixtures.url(source)), as: UTF8.self)
            let version = text.range(of: "office:version=\"1.")!
            let versionDigit = text.index(version.upperBound, offsetBy: 0)
            var variants = [text]
            for other in ["0", "1", "2", "4", "9"] {
                variants.append(text.replacingCharacters(in: versionDigit...versionDigit, with: other))
            }
            variants.append(text.replacingOccurrences(of: "office:version=\"1.", with: "office:nversion=\"1."))
            variants.append(text.replacingOccurrences(of: "<office:document ", with: "<office:documents "))
            variants.append(String(decoding: Self.foreignRoot(Array(text.utf8)), as: UTF8.self))
            variants.append("\u{FEFF}" + text)
            variants.append(String(text.dropLast(30)))
            variants.append(
                text.replacingOccurrences(of: "<office:document ", with: "<!DOCTYPE office:document><office:document "))
            for _ in 0..<6 {
                var bytes = Array(text.utf8)
                for _ in 0..<Int.random(in: 1...3, using: &random) { bytes = Self.mutate(bytes, &random) }
                variants.append(String(decoding: bytes, as: UTF8.self))
            }
            for (index, variant) in variants.enumerated() {
                let file = folder.appendingPathComponent("\(index)-\((source as NSString).lastPathComponent)")
                try Data(variant.utf8).write(to: file)
                files.append(file)
            }
        }
        let now = ODFValidator(level: level, schemas: ODFSchemaSet(engine: .native))
        var before = ODFValidator(level: level, schemas: ODFSchemaSet(engine: .native))
        before.parsesEveryPartHere = true
        var verdicts = Set<String>()
        for file in files {
            let ours = Result { try now.validate(path: file.path) }
            let theirs = Result { try before.validate(path: file.path) }
            switch (ours, theirs) {
            case (.success(let ours), .success(let theirs)):
                #expect(ours == theirs, "\(file.lastPathComponent)")
                verdicts.insert("\(ours.verdict)")
            case (.failure(let ours), .failure(let theirs)):
                #expect("\(ours)" == "\(theirs)", "\(file.lastPathComponent)")
                verdicts.insert("thrown")
            default:
                Issue.record("\(file.lastPathComponent): \(ours) against \(theirs)")
            }
        }
        #expect(verdicts.count >= 3, "\(verdicts)")
    }
}
