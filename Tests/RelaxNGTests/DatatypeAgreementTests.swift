import Foundation
import Testing
import TestSupport
import XMLKit

@testable import RelaxNG

/// Values accepted and refused by each datatype (and facet, and translated XSD regex) the ODF schemas use, compared
/// with Jing's verdicts on the same schema: one element per value, Jing run once over a document holding them all.
@Suite struct DatatypeAgreementTests {
    /// Element name → the pattern inside it.
    static let types: [(String, String)] = {
        let plain = [
            "string", "token", "NCName", "QName", "ID", "IDREF", "IDREFS", "integer", "nonNegativeInteger",
            "positiveInteger", "decimal", "double", "boolean", "date", "dateTime", "time", "duration", "anyURI",
            "language", "base64Binary",
        ].map { ($0, "<data type=\"\($0)\"/>") }
        func pattern(_ regex: String, _ type: String = "string") -> String {
            "<data type=\"\(type)\"><param name=\"pattern\">\(regex)</param></data>"
        }
        return plain + [
            ("length", pattern("-?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)((cm)|(mm)|(in)|(pt)|(pc)|(px))")),
            ("percent", pattern("([0-9]?[0-9](\\.[0-9]*)?|100(\\.0*)?|\\.[0-9]+)%")),
            ("lang", pattern("[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", "token")),
            ("namespaced", pattern("(([\\i-[:]][\\c-[:]]*)?:)?.+")),
            ("bracketed", pattern("\\[(([\\i-[:]][\\c-[:]]*)?:)?.+\\]")),
            ("cell", pattern("($?([^\\. ']+|'([^']|'')+'))?\\.$?[A-Z]+$?[0-9]+")),
            ("color", pattern("#[0-9a-fA-F]{6}")),
            ("anything", pattern(".")),
            ("notA", pattern("[^a]+")),
            ("digits", pattern("\\d+")),
            ("minLength", "<data type=\"string\"><param name=\"minLength\">3</param></data>"),
            ("length1", "<data type=\"string\"><param name=\"length\">1</param></data>"),
            (
                "unit",
                "<data type=\"decimal\"><param name=\"minInclusive\">0</param>"
                    + "<param name=\"maxInclusive\">1</param></data>"
            ),
            ("tokenValue", "<value>a b</value>"),
            ("stringValue", "<value type=\"string\">a b</value>"),
            ("integers", "<list><oneOrMore><data type=\"integer\"/></oneOrMore></list>"),
            ("nonNegative", "<data type=\"double\"><param name=\"minInclusive\">0</param></data>"),
        ]
    }()

    static let values = [
        "", " ", "a", "a b", " a  b ", "abc", "ab", "x:y", "x:", ":y", "undeclared:y", "1a", "_a-b.c", "é",
        "a\u{00B7}b",
        "0", "-0", "+1", "1", "-1", "007", "1.5", ".5", "5.", "-.5", "1e5", "1E-5", "INF", "-INF", "+INF", "NaN",
        "nan", "true", "false", "TRUE", "2024-02-29", "2023-02-29", "2023-02-30", "0000-01-01", "-0001-01-01",
        "2023-13-01", "2023-01-01Z", "2023-01-01+14:00", "2023-01-01+14:01", "2023-01-01T10:00:00",
        "2023-01-01T24:00:00", "2023-01-01T10:00:00.123Z", "2023-01-01T10:00", "10:00:00", "25:00:00", "P1Y",
        "P", "PT", "P1DT", "PT1H30M", "P1.5Y", "PT1.5S", "-P1D", "http://example.org/a b", "a<b", "#x",
        "en", "en-GB", "toolongtag", "da-DK-x", "QUJD", "QUJ=", "QU==", "Q===", "QUJDRA", "QU JD", "2cm", "-1.5in",
        "1,5cm", "3px", ".5pt", "10%", "100%", "100.0%", "101%", "[a:b]", "[:b]", "[1:b]", "Sheet1.A1", "$'a''b'.$A$1",
        "#ff00aa", "#FF00A", "a$b", "^a", "1 2 3", "1  x", "ω", "\t1\n", "0.5", "1.0", "1.01", "-0.0",
    ]

    static var schemaText: String {
        let elements = types.map { "<element name=\"\($0.0)\">\($0.1)</element>" }.joined()
        return """
            <element name="doc" xmlns="http://relaxng.org/ns/structure/1.0" xmlns:x="urn:x"
              datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
            <zeroOrMore><choice>\(elements)</choice></zeroOrMore></element>
            """
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\t", with: "&#9;").replacingOccurrences(of: "\n", with: "&#10;")
    }

    @Test func datatypesAgreeWithJing() async throws {
        let folder = try Fixtures.temporaryDirectory("datatypes")
        let schemaURL = folder.appendingPathComponent("types.rng")
        try Self.schemaText.write(to: schemaURL, atomically: true, encoding: .utf8)
        var lines = ["<doc xmlns:x=\"urn:x\">"]
        var cases: [(type: String, value: String)] = []
        for (type, _) in Self.types {
            for value in Self.values {
                lines.append("<\(type)>\(Self.escaped(value))</\(type)>")
                cases.append((type, value))
            }
        }
        let document = folder.appendingPathComponent("values.xml")
        try (lines + ["</doc>"]).joined(separator: "\n").write(to: document, atomically: true, encoding: .utf8)
        let jing = try await Jing.check(schema: schemaURL, files: [document])
        #expect(jing.other.isEmpty, "\(jing.other)")
        let refusedByJing = jing.lines[document.path] ?? []

        let schema = try NativeRelaxNGSchema(path: schemaURL.path, name: "types.rng")
        var disagreements: [String] = []
        for (index, item) in cases.enumerated() {
            let text = "<doc xmlns:x=\"urn:x\"><\(item.type)>\(Self.escaped(item.value))</\(item.type)></doc>"
            let check = schema.validate(bytes: Array(text.utf8), cpuLimit: .seconds(10))
            let native = check.verdict == .valid
            // Line 1 is <doc>; case `index` is on line index + 2.
            let jingValid = !refusedByJing.contains(index + 2)
            if native != jingValid {
                disagreements.append("\(item.type) \"\(item.value)\": Jing \(jingValid), native \(native)")
            }
        }
        #expect(cases.count > 2000)
        #expect(refusedByJing.count > 500, "the values must exercise refusals too")
        #expect(
            disagreements.isEmpty, "\(disagreements.count) disagreements:\n\(disagreements.joined(separator: "\n"))")
    }

    /// Every pattern facet of the shipped schemas translates to an ICU expression that compiles.
    @Test func everyShippedPatternTranslates() throws {
        let schemas = Fixtures.repositoryRoot.appendingPathComponent("Sources/ODFValidation/Resources/schemas")
        let files =
            FileManager.default.enumerator(at: schemas, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "rng" } ?? []
        var patterns = Set<String>()
        for file in files {
            let root = try SchemaElement.load(file.path)
            var stack = [root]
            while let element = stack.popLast() {
                if element.localName == "param", element.attributes["name"] == "pattern" {
                    patterns.insert(element.text)
                }
                stack += element.children
            }
        }
        #expect(patterns.count > 20)
        for pattern in patterns {
            #expect(throws: Never.self) { _ = try XSDRegex.compile(pattern) }
        }
    }
}
