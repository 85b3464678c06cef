import Foundation
import Testing
import TestSupport
import XMLKit
import ZipKit

@testable import RelaxNG

/// The streamed check (``XMLEventParser``, one long-lived engine whose memo tables, name numbers and parser
/// dictionary carry over from document to document) against the tree check with a fresh engine per document:
/// over a seeded sequence of mutants of real ODF parts (valid and invalid), and documents the streamed parser
/// leaves to the tree (DOCTYPE, an unbound prefix, CDATA, not well-formed, a byte-order mark, deep nesting), every verdict and every
/// problem (line, column and message) must be the same.
@Suite struct StreamedValidationTests {
    /// A document checked as before: parsed into a tree, walked with an engine that has seen nothing else.
    static func treeVerdict(_ schema: NativeRelaxNGSchema, _ bytes: [UInt8]) -> RelaxNGVerdict {
        let tree: XMLTree
        do {
            tree = try XMLTree(bytes: bytes)
        } catch {
            return .malformed(error)
        }
        let run = ValidationRun(
            engine: DerivativeEngine(schema: schema.compiled), issueLimit: NativeRelaxNGSchema.issueLimit,
            cpuLimitNanoseconds: 60_000_000_000)
        tree.walk(TreeValidation(run))
        return schema.verdict(run, root: tree.rootPosition)
    }

    /// Variants the streamed parser must leave to the tree (or read exactly as the tree does).
    static func edgeCases(_ source: String) -> [String] {
        let rootStart = source.range(of: "<office:document")!
        let rootEnd = source.range(of: ">", range: rootStart.upperBound..<source.endIndex)!
        let prolog = String(source[..<rootStart.lowerBound])
        let rootTag = String(source[rootStart.lowerBound..<rootEnd.upperBound])
        let rest = String(source[rootEnd.upperBound...])
        return [
            prolog + "<!DOCTYPE office:document-content>" + rootTag + rest,
            prolog + rootTag + "<undeclared:thing/>" + rest,
            prolog + rootTag + "<!-- a comment --><?pi x?>" + rest,
            prolog + rootTag + "<![CDATA[ ]]>" + rest,
            String(source.dropLast(20)),
            "\u{FEFF}" + source,
            prolog + rootTag + String(repeating: "<text:span>", count: 300)
                + String(repeating: "</text:span>", count: 300)
                + rest,
        ]
    }

    @Test func streamedLongLivedEngineAgreesWithFreshTreeChecks() throws {
        var random = SeededGenerator(seed: 20_261_207)
        let schemasFolder = Fixtures.repositoryRoot.appendingPathComponent("Sources/ODFValidation/Resources/schemas")
        var compared = 0
        var invalid = 0
        var differences: [String] = []
        for (document, part, schemaFile) in MutationPropertyTests.parts {
            let schema = try NativeRelaxNGSchema(
                path: schemasFolder.appendingPathComponent(schemaFile).path, name: schemaFile)
            let source = try ZipArchive(path: Fixtures.url(document).path).read(named: part)
            let parsed = try MiniDocument(bytes: source)
            var variants = [String(decoding: source, as: UTF8.self)]
            for _ in 0..<30 {
                var mutations = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    MutationPropertyTests.randomMutation(parsed, &random)
                }
                // Values and text with characters the parser hands over encoded ("&" as "&#38;").
                let element = Int.random(in: 0..<parsed.elements().count, using: &random)
                if Bool.random(using: &random) { mutations.append(.addText(element, "a & b < c")) }
                if Bool.random(using: &random) { mutations.append(.changeValue(element, 0, "x&y<z\"")) }
                variants.append(try MutationPropertyTests.apply(mutations, to: source))
            }
            // The streamed parser reads the part and its harmless variants itself and leaves the others to the tree.
            let parser = XMLEventParser()
            #expect(parser.parse(source, handler: EventCounter()) == .complete)
            if part != "META-INF/manifest.xml" {
                let edges = Self.edgeCases(variants[0])
                let outcomes = edges.map { parser.parse([UInt8]($0.utf8), handler: EventCounter()) }
                #expect(outcomes == [.unusual, .unusual, .complete, .unusual, .unusual, .unusual, .unusual])
                variants += edges
            }
            // Twice over: the second pass meets warm tables and a parser dictionary that has seen every name.
            for (pass, text) in (variants + variants).enumerated() {
                let bytes = [UInt8](text.utf8)
                let streamed = schema.validate(bytes: bytes, cpuLimit: .seconds(60)).verdict
                let expected = Self.treeVerdict(schema, bytes)
                compared += 1
                if case .invalid = expected { invalid += 1 }
                if streamed != expected {
                    differences.append(
                        "\(document) \(part) variant \(pass % variants.count): \(streamed) != \(expected)")
                }
            }
        }
        #expect(invalid > 50 && invalid < compared - 50, "the variants must be both valid and invalid")
        #expect(differences.isEmpty, "\(differences.prefix(5).joined(separator: "\n"))")
    }
}

/// Takes every event and does nothing with it.
private final class EventCounter: XMLEventHandler {
    var elements = 0
    var shouldStop: Bool { false }
    func startElement(_ element: XMLElementEvent) { elements += 1 }
    func characters(_ text: UnsafeBufferPointer<UInt8>, end: XMLPosition) {}
    func endElement(at end: XMLPosition) {}
}
