import Foundation
import Testing
import TestSupport
import XMLKit
import ZipKit

@testable import RelaxNG

/// Seeded property test: valid and invalid variants of real ODF parts (elements dropped, duplicated, renamed;
/// attributes dropped, renamed, given other values; text put where it may not be), each checked by the native
/// validator and by Jing with the same schema. A disagreement is shrunk to the fewest mutations that still
/// disagree before it is reported.
@Suite(.serialized) struct MutationPropertyTests {
    enum Mutation: CustomStringConvertible {
        case dropElement(Int)
        case duplicateElement(Int)
        case renameElement(Int, like: Int)
        case dropAttribute(Int, Int)
        case renameAttribute(Int, Int, like: Int)
        case changeValue(Int, Int, String)
        case addText(Int, String)

        var description: String {
            switch self {
            case .dropElement(let e): "drop element #\(e)"
            case .duplicateElement(let e): "duplicate element #\(e)"
            case .renameElement(let e, let other): "rename element #\(e) like #\(other)"
            case .dropAttribute(let e, let a): "drop attribute \(a) of element #\(e)"
            case .renameAttribute(let e, let a, let other): "rename attribute \(a) of #\(e) like one of #\(other)"
            case .changeValue(let e, let a, let value): "set attribute \(a) of #\(e) to \"\(value)\""
            case .addText(let e, let text): "add text \"\(text)\" to #\(e)"
            }
        }
    }

    /// (document, part, schema) triples from the fixtures, covering ODF 1.0–1.3 and the manifest schema.
    static let parts: [(String, String, String)] = [
        ("validation/pandoc__sourceText.odt", "content.xml", "1.3/OpenDocument-v1.3-schema.rng"),
        ("validation/pandoc__preformattedText.odt", "styles.xml", "1.4/OpenDocument-v1.4-schema.rng"),
        ("validation/loonline__hello.ods", "styles.xml", "1.2/OpenDocument-v1.2-os-schema.rng"),
        ("validation/gen__abiword-3.0.5.odt", "content.xml", "1.1/OpenDocument-schema-v1.1.rng"),
        ("validation/jopendoc__red.ods", "styles.xml", "1.0/OpenDocument-schema-v1.0-os.rng"),
        ("validation/loonline__hello.ods", "META-INF/manifest.xml", "1.2/OpenDocument-v1.2-os-manifest-schema.rng"),
    ]

    static let values = ["", "x", "-1", "0", "1.5cm", "true", "#12345", "2020-13-01", "a b", "P1D", "100%"]

    static func randomMutation(_ document: MiniDocument, _ random: inout SeededGenerator) -> Mutation {
        let count = document.elements().count
        let element = Int.random(in: 0..<count, using: &random)
        let other = Int.random(in: 0..<count, using: &random)
        let attributes = document.elements()[element].element.attributes.count
        let attribute = attributes > 0 ? Int.random(in: 0..<attributes, using: &random) : 0
        switch Int.random(in: 0..<7, using: &random) {
        case 0: return .dropElement(element)
        case 1: return .duplicateElement(element)
        case 2: return .renameElement(element, like: other)
        case 3 where attributes > 0: return .dropAttribute(element, attribute)
        case 4 where attributes > 0: return .renameAttribute(element, attribute, like: other)
        case 5 where attributes > 0:
            return .changeValue(element, attribute, values.randomElement(using: &random)!)
        default: return .addText(element, ["x", " ", "1"].randomElement(using: &random)!)
        }
    }

    /// Applies `mutations` to a fresh copy of the part; mutations that no longer fit are left out.
    static func apply(_ mutations: [Mutation], to source: [UInt8]) throws -> String {
        let document = try MiniDocument(bytes: source)
        let elements = document.elements()
        for mutation in mutations {
            switch mutation {
            case .dropElement(let e), .duplicateElement(let e):
                guard let parent = elements[e].parent,
                    let index = parent.children.firstIndex(where: {
                        if case .element(let child) = $0 { return child === elements[e].element }
                        return false
                    })
                else { continue }
                if case .dropElement = mutation {
                    parent.children.remove(at: index)
                } else {
                    parent.children.insert(.element(elements[e].element.copy()), at: index + 1)
                }
            case .renameElement(let e, let other):
                elements[e].element.namespaceURI = elements[other].element.namespaceURI
                elements[e].element.localName = elements[other].element.localName
            case .dropAttribute(let e, let a):
                guard a < elements[e].element.attributes.count else { continue }
                elements[e].element.attributes.remove(at: a)
            case .renameAttribute(let e, let a, let other):
                guard a < elements[e].element.attributes.count, let model = elements[other].element.attributes.first,
                    !elements[e].element.attributes.contains(where: {
                        $0.localName == model.localName && $0.namespaceURI == model.namespaceURI
                    })
                else { continue }
                elements[e].element.attributes[a].localName = model.localName
                elements[e].element.attributes[a].namespaceURI = model.namespaceURI
            case .changeValue(let e, let a, let value):
                guard a < elements[e].element.attributes.count else { continue }
                elements[e].element.attributes[a].value = value
            case .addText(let e, let text):
                elements[e].element.children.insert(.text(text), at: 0)
            }
        }
        return document.serialized()
    }

    struct Mutant {
        var part: Int
        var mutations: [Mutation]
        var url: URL
    }

    /// 60 seeded mutants of each part in `parts`, written to `folder`; also returns each part's source.
    static func makeMutants(in folder: URL, seed: UInt64) throws -> (sources: [[UInt8]], mutants: [Mutant]) {
        var random = SeededGenerator(seed: seed)
        var sources: [[UInt8]] = []
        var mutants: [Mutant] = []
        for (index, (document, part, _)) in Self.parts.enumerated() {
            let source = try ZipArchive(path: Fixtures.url(document).path).read(named: part)
            sources.append(source)
            let parsed = try MiniDocument(bytes: source)
            for number in 0..<60 {
                let mutations = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                    Self.randomMutation(parsed, &random)
                }
                let url = folder.appendingPathComponent("part\(index)-mutant\(number).xml")
                try Self.apply(mutations, to: source).write(to: url, atomically: true, encoding: .utf8)
                mutants.append(Mutant(part: index, mutations: mutations, url: url))
            }
        }
        return (sources, mutants)
    }

    static let schemasFolder = Fixtures.repositoryRoot.appendingPathComponent(
        "Sources/ODFValidation/Resources/schemas")

    @Test func mutantsAgreeWithJing() async throws {
        let folder = try Fixtures.temporaryDirectory("mutants")
        let (sources, mutants) = try Self.makeMutants(in: folder, seed: 20_261_206)
        let schemasFolder = Self.schemasFolder
        var validByJing = 0
        var disagreements: [String] = []
        for (index, (_, _, schemaFile)) in Self.parts.enumerated() {
            let schemaURL = schemasFolder.appendingPathComponent(schemaFile)
            let schema = try NativeRelaxNGSchema(path: schemaURL.path, name: schemaFile)
            let own = mutants.filter { $0.part == index }
            let jing = try await Jing.check(schema: schemaURL, files: own.map(\.url))
            for mutant in own {
                let native = try Self.nativeVerdict(schema, mutant.url)
                if jing.isValid(mutant.url) { validByJing += 1 }
                guard native != jing.isValid(mutant.url) else { continue }
                let smallest = try await Self.shrink(
                    mutant, source: sources[index], schema: schema, schemaURL: schemaURL)
                disagreements.append("\(Self.parts[index].0) \(Self.parts[index].1): \(smallest)")
            }
        }
        #expect(validByJing > 30 && validByJing < mutants.count - 30, "mutants must be both valid and invalid")
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
    }

    /// Where each problem is, as Jing places it (just after the start tag, the end tag or the text concerned): on
    /// every mutant both find invalid, the native engine's first problem must be at Jing's first, and each of its
    /// problems where Jing reports one (after the first, the two recover differently and may report more or fewer).
    @Test func problemPositionsAgreeWithJing() async throws {
        let folder = try Fixtures.temporaryDirectory("mutant-positions")
        let (_, mutants) = try Self.makeMutants(in: folder, seed: 20_261_207)
        var compared = 0
        var disagreements: [String] = []
        for (index, (_, _, schemaFile)) in Self.parts.enumerated() {
            let schemaURL = Self.schemasFolder.appendingPathComponent(schemaFile)
            let schema = try NativeRelaxNGSchema(path: schemaURL.path, name: schemaFile)
            let own = mutants.filter { $0.part == index }
            let jing = try await Jing.check(schema: schemaURL, files: own.map(\.url))
            for mutant in own {
                guard let expected = jing.positions[mutant.url.path] else { continue }
                let bytes = [UInt8](try Data(contentsOf: mutant.url))
                guard case .invalid(let issues) = schema.validate(bytes: bytes, cpuLimit: .seconds(30)).verdict else {
                    continue  // a verdict disagreement is mutantsAgreeWithJing's to report
                }
                compared += 1
                let own = issues.map { XMLPosition(line: $0.line, column: $0.column) }
                if own.first != expected.first || !Set(own).isSubset(of: expected) {
                    disagreements.append(
                        "\(mutant.url.lastPathComponent) \(mutant.mutations): Jing \(expected), native \(own) "
                            + "\(issues.map(\.message))")
                }
            }
        }
        #expect(compared > 150, "most mutants must be invalid for both")
        #expect(
            disagreements.isEmpty, "\(disagreements.count) of \(compared):\n\(disagreements.joined(separator: "\n"))")
    }

    static func nativeVerdict(_ schema: NativeRelaxNGSchema, _ url: URL) throws -> Bool {
        let bytes = [UInt8](try Data(contentsOf: url))
        return schema.validate(bytes: bytes, cpuLimit: .seconds(30)).verdict == .valid
    }

    /// The smallest sub-list of the mutant's mutations (single ones first, then pairs) that still makes the
    /// two validators disagree, described with both verdicts.
    static func shrink(
        _ mutant: Mutant, source: [UInt8], schema: NativeRelaxNGSchema, schemaURL: URL
    ) async throws
        -> String
    {
        let list = mutant.mutations
        var candidates = list.indices.map { [list[$0]] }
        if list.count == 3 { candidates += [[list[0], list[1]], [list[0], list[2]], [list[1], list[2]]] }
        for candidate in candidates + [list] {
            let url = mutant.url.deletingPathExtension().appendingPathExtension("shrunk.xml")
            try apply(candidate, to: source).write(to: url, atomically: true, encoding: .utf8)
            let jing = try await Jing.check(schema: schemaURL, files: [url]).isValid(url)
            let native = try nativeVerdict(schema, url)
            if jing != native { return "\(candidate) (Jing \(jing), native \(native)) in \(url.path)" }
        }
        return "\(list) (not reproducible after shrinking)"
    }
}
