import Foundation
import Testing
import TestSupport
import XMLKit

@testable import RelaxNG

/// The cheaper ways the validator does three things, each against the way it did them before, as the oracle:
/// string numbers from a byte hash against `Dictionary`, an element's name in messages against the name class's
/// description with the whole map of prefixes, and schema files read while parsing against a walked tree.
@Suite struct FastPathAgreementTests {
    /// Seeded strings with many repeats: ASCII, multi-byte, empty, long, and ones that differ in one byte.
    static func strings(_ random: inout SeededGenerator) -> [String] {
        let alphabet = Array("ab0 .-#:é€😀\t\n&<") + ["e\u{301}"]
        var pool: [String] = ["", " ", "a", "aaaaaaaa", "aaaaaaab", "baaaaaaa", "é", "e\u{301}"]
        for _ in 0..<400 {
            let length = [0, 1, 7, 8, 9, 15, 16, 17, 40, 255, 300].randomElement(using: &random)!
            pool.append(String((0..<length).map { _ in alphabet.randomElement(using: &random)! }))
        }
        return (0..<4000).map { _ in pool.randomElement(using: &random)! }
    }

    /// The oracle is a `Dictionary` keyed by the strings' UTF-8: a number stands for one sequence of bytes. (Keyed
    /// by `String`, as the engine's table was, "é" and "e\u{301}" shared a number, as Swift finds them equal, so
    /// whichever spelling came second got the memo entries of the first; a datatype counting characters, or a
    /// pattern, can tell them apart.)
    @Test func stringNumbersAgreeWithADictionaryOfTheirBytes() {
        var random = SeededGenerator(seed: 20_261_207)
        var numbers = StringNumbers()
        var model: [[UInt8]: Int32] = [:]
        var bytesOf: [Int32: [UInt8]] = [:]
        for string in Self.strings(&random) {
            let bytes = Array(string.utf8)
            let number = numbers.number(string, assigns: true)
            // A string always has a number here (a hash shared by two strings would leave the second without).
            #expect(number != nil, "\(string)")
            guard let number else { continue }
            if let known = model[bytes] {
                #expect(number == known, "\(string)")
            } else {
                model[bytes] = number
            }
            // Two different byte sequences never share a number.
            if let other = bytesOf[number] { #expect(other == bytes, "\(other) and \(bytes)") }
            bytesOf[number] = bytesOf[number] ?? bytes
        }
        #expect(numbers.count == model.count)
        #expect(numbers.number("é", assigns: false) != numbers.number("e\u{301}", assigns: false))
        // Without assigning, a known string keeps its number and a new one gets none.
        #expect(numbers.number("aaaaaaab", assigns: false) == model[Array("aaaaaaab".utf8)])
        #expect(numbers.number("never seen before", assigns: false) == nil)
    }

    @Test func namesInMessagesAgreeWithTheNameClassDescription() throws {
        var random = SeededGenerator(seed: 7)
        let schema = try NativeRelaxNGSchema(
            path: Fixtures.url("schemas/odf-1.3/OpenDocument-v1.3-manifest-schema.rng").path, name: "manifest")
        let run = ValidationRun(
            engine: DerivativeEngine(schema: schema.compiled), issueLimit: 10, cpuLimitNanoseconds: 1_000_000_000)
        let uris = ["", "urn:a", "urn:b", "urn:c", "http://www.w3.org/XML/1998/namespace"]
        for _ in 0..<500 {
            var context = NamespaceContext()
            // Several prefixes may be bound to one URI: the message names the one the map of prefixes kept.
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                let prefix = ["", "p", "q", "r", "s", "office", "xml"].randomElement(using: &random)!
                context.bindings[prefix] = uris.randomElement(using: &random)!
            }
            let name = QualifiedName(
                namespaceURI: uris.randomElement(using: &random)!, localName: ["x", "y"].randomElement(using: &random)!)
            let before = NameClass.name(name).describe(ValidationRun.prefixes(context)).first ?? name.description
            #expect(run.display(name, context) == before, "\(name) in \(context.bindings)")
        }
    }

    /// Every shipped schema file, and those of the fixtures, read while parsing and from a tree.
    @Test func schemaFilesReadWhileParsingEqualThoseReadFromATree() throws {
        let folders = [
            Fixtures.repositoryRoot.appendingPathComponent("Sources/ODFValidation/Resources/schemas"),
            Fixtures.url("schemas"),
        ]
        var files: [String] = []
        for folder in folders {
            let found = FileManager.default.enumerator(atPath: folder.path)?.compactMap { $0 as? String } ?? []
            files += found.filter { $0.hasSuffix(".rng") }.map { folder.appendingPathComponent($0).path }
        }
        #expect(files.count >= 15)
        for file in files {
            let streamed = try SchemaElement.load(file)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            #expect(XMLEventParser().parse(bytes, handler: SchemaElement.EventBuilder()) == .complete, "\(file)")
            let tree = try SchemaElement.fromTree(bytes, path: file)
            #expect(Self.difference(streamed, tree) == nil, "\(file)")
        }
        // A file the parser leaves to the tree (a DOCTYPE) is still read, the tree's way.
        let doctype = try Self.temporarySchema(
            "<!DOCTYPE grammar><grammar xmlns=\"http://relaxng.org/ns/structure/1.0\"><start><text/></start></grammar>")
        defer { try? FileManager.default.removeItem(atPath: doctype) }
        #expect(throws: Never.self) { _ = try SchemaElement.load(doctype) }
    }

    static func temporarySchema(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).rng")
        try Data(text.utf8).write(to: path)
        return path.path
    }

    /// Where two element trees first differ, or `nil`.
    static func difference(_ a: SchemaElement, _ b: SchemaElement) -> String? {
        guard a.localName == b.localName, a.namespaceURI == b.namespaceURI, a.attributes == b.attributes,
            a.namespaces == b.namespaces, a.line == b.line, a.text == b.text, a.children.count == b.children.count
        else { return "\(a.localName) at line \(a.line) against \(b.localName) at line \(b.line)" }
        for (x, y) in zip(a.children, b.children) {
            if let found = difference(x, y) { return found }
        }
        return nil
    }
}
