import Foundation
import Testing
import TestSupport
import XMLKit

@testable import RelaxNG

/// Schemas that exercise each simplification step (include with overrides, combine, div, nested grammars and
/// parentRef, externalRef, name classes, mixed, list, interleave, ns inheritance), each with instances whose
/// verdicts come from Jing on the same files.
@Suite struct SimplificationTests {
    static let structure = "xmlns=\"http://relaxng.org/ns/structure/1.0\""

    /// name → schema text; the first is the one instances are checked against.
    static let schemaFiles: [String: String] = [
        "base.rng": """
        <grammar \(structure) ns="urn:a" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
          <start><ref name="root"/></start>
          <define name="root"><element name="root"><ref name="content"/></element></define>
          <define name="content"><zeroOrMore><ref name="item"/></zeroOrMore></define>
          <define name="item"><element name="item"><optional><attribute name="n"><data type="integer"/></attribute></optional><text/></element></define>
          <define name="item" combine="choice"><element name="other"><empty/></element></define>
          <div><define name="extra"><element name="extra"><empty/></element></define></div>
        </grammar>
        """,
        "main.rng": """
        <grammar \(structure) xmlns:b="urn:b" ns="urn:a">
          <include href="base.rng" ns="urn:a">
            <define name="content">
              <interleave>
                <zeroOrMore><ref name="item"/></zeroOrMore>
                <optional><ref name="nested"/></optional>
                <optional><element name="b:mixed"><mixed><zeroOrMore><element name="em"><text/></element></zeroOrMore></mixed></element></optional>
                <optional><element name="list"><list><oneOrMore><choice><value>x</value><value>y</value></choice></oneOrMore></list></element></optional>
                <optional><ref name="wild"/></optional>
                <optional><externalRef href="external.rng"/></optional>
              </interleave>
            </define>
          </include>
          <define name="item" combine="choice"><element name="third"><attribute name="b:flag"><choice><value>on</value><value type="string">off</value></choice></attribute></element></define>
          <define name="nested">
            <grammar>
              <start><element name="nested"><zeroOrMore><parentRef name="item"/></zeroOrMore><ref name="inner"/></element></start>
              <define name="inner"><optional><element name="inner"><empty/></element></optional></define>
            </grammar>
          </define>
          <define name="wild">
            <element><anyName><except><nsName/><nsName ns="urn:b"/></except></anyName>
              <zeroOrMore><attribute><anyName/></attribute></zeroOrMore><text/></element>
          </define>
        </grammar>
        """,
        "external.rng": """
        <element name="ext" \(structure)><attribute name="when"><data type="date" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes"/></attribute></element>
        """,
    ]

    static let instances = [
        "<root xmlns='urn:a'/>",
        "<root xmlns='urn:a'><item n='3'>t</item><other/><third xmlns:b='urn:b' b:flag='on'/></root>",
        "<root xmlns='urn:a'><third xmlns:b='urn:b' b:flag=' on '/></root>",
        "<root xmlns='urn:a'><third xmlns:b='urn:b' b:flag=' off'/></root>",
        "<root xmlns='urn:a'><item n='x'/></root>",
        "<root xmlns='urn:a'><extra/></root>",
        "<root xmlns='urn:a'><nested><item/><other/><inner/></nested></root>",
        "<root xmlns='urn:a'><nested><inner/><item/></nested></root>",
        "<root xmlns='urn:a'><b:mixed xmlns:b='urn:b'>a<em xmlns='urn:b'>b</em>c</b:mixed></root>",
        "<root xmlns='urn:a'><b:mixed xmlns:b='urn:b'>a<em>b</em>c</b:mixed></root>",
        "<root xmlns='urn:a'><list> x y  x </list></root>",
        "<root xmlns='urn:a'><list> </list></root>",
        "<root xmlns='urn:a'><list>x z</list></root>",
        "<root xmlns='urn:a'><foo xmlns='urn:c' any='1'>t</foo></root>",
        "<root xmlns='urn:a'><foo xmlns='urn:b'/></root>",
        "<root xmlns='urn:a'><foo/></root>",
        "<root xmlns='urn:a'><ext when='2020-01-01'/></root>",
        "<root xmlns='urn:a'><ext xmlns='' when='2020-01-01'/></root>",
        "<root xmlns='urn:a'><ext xmlns='' when='2020-01-32'/></root>",
        "<root xmlns='urn:a'><ext xmlns=''/></root>",
        "<root xmlns='urn:a'>text</root>",
        "<root xmlns='urn:a'>  <item/>  </root>",
        "<root xmlns='urn:a'><item><other/></item></root>",
        "<root xmlns='urn:a'><nested/><nested/></root>",
        "<other xmlns='urn:a'/>",
    ]

    @Test func simplifiedSchemaAgreesWithJing() async throws {
        let folder = try Fixtures.temporaryDirectory("simplification")
        for (name, text) in Self.schemaFiles {
            try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        var files: [URL] = []
        for (index, text) in Self.instances.enumerated() {
            let url = folder.appendingPathComponent("instance\(index).xml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            files.append(url)
        }
        let schemaURL = folder.appendingPathComponent("main.rng")
        let jing = try await Jing.check(schema: schemaURL, files: files)
        #expect(jing.other.isEmpty, "\(jing.other)")
        let schema = try NativeRelaxNGSchema(path: schemaURL.path, name: "main.rng")
        var validCount = 0
        for (index, file) in files.enumerated() {
            let check = schema.validate(bytes: Array(Self.instances[index].utf8), cpuLimit: .seconds(10))
            let native = check.verdict == .valid
            if native { validCount += 1 }
            #expect(native == jing.isValid(file), "\(Self.instances[index]): Jing \(jing.isValid(file)), \(check)")
        }
        #expect(validCount > 3 && validCount < files.count - 3)
    }

    /// What the library cannot do is refused, naming the schema file and line, never skipped.
    @Test func unsupportedConstructsAreRefused() async throws {
        let folder = try Fixtures.temporaryDirectory("refused")
        let cases = [
            "<element name='a' \(Self.structure)><data type='string' datatypeLibrary='urn:unknown'/></element>",
            "<element name='a' \(Self.structure) datatypeLibrary='http://www.w3.org/2001/XMLSchema-datatypes'>"
                + "<data type='gMonthDay'/></element>",
            "<element name='a' \(Self.structure)><include href='http://example.org/x.rng'/></element>",
            "<grammar \(Self.structure)><start><ref name='missing'/></start></grammar>",
            "<grammar \(Self.structure)><start><ref name='a'/></start><define name='a'><ref name='a'/></define></grammar>",
        ]
        for (index, text) in cases.enumerated() {
            let url = folder.appendingPathComponent("bad\(index).rng")
            try text.write(to: url, atomically: true, encoding: .utf8)
            #expect(throws: RelaxNGSchemaError.self) { _ = try NativeRelaxNGSchema(path: url.path, name: "bad") }
            do {
                _ = try NativeRelaxNGSchema(path: url.path, name: "bad")
            } catch {
                #expect(error.schema.hasSuffix("bad\(index).rng"), "\(error)")
            }
            // Jing refuses the broken ones too (its exit status says so); gMonthDay is merely unsupported here and
            // a URL is never fetched, so Jing is not asked about those.
            guard index != 1 && index != 2 else { continue }
            let instance = folder.appendingPathComponent("a.xml")
            try "<a/>".write(to: instance, atomically: true, encoding: .utf8)
            let outcome = try await ChildProcess.run("/usr/bin/jing", ["-i", url.path, instance.path])
            #expect(outcome.status != 0, "Jing accepts \(text)")
        }
    }

    /// Every shipped schema compiles, the strict 1.0/1.1 ones with their include overrides too.
    @Test func shippedSchemasCompile() throws {
        let schemas = Fixtures.repositoryRoot.appendingPathComponent("Sources/ODFValidation/Resources/schemas")
        let files =
            FileManager.default.enumerator(at: schemas, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "rng" } ?? []
        #expect(files.count == 15)
        for file in files {
            let schema = try NativeRelaxNGSchema(path: file.path, name: file.lastPathComponent)
            #expect(schema.patternCount > 3)
        }
    }
}
