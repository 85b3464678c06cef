import ODFValidation
import OverblikModel

/// Builds one JSON object as bytes, its keys written in the order given (callers give them sorted, as
/// `JSONSerialization`'s `.sortedKeys` did): Foundation's serialiser took about a sixth of `overblik validate`'s CPU.
struct JSONObjectBytes {
    private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]

    private mutating func key(_ name: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        JSONText.appendLiteral(name, to: &bytes)  // keys are plain ASCII: nothing to escape
        JSONText.appendLiteral("\":", to: &bytes)
    }

    mutating func string(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONText.appendString(value, to: &bytes) } else { JSONText.appendLiteral("null", to: &bytes) }
    }

    mutating func bool(_ name: StaticString, _ value: Bool?) {
        key(name)
        switch value {
        case true?: JSONText.appendLiteral("true", to: &bytes)
        case false?: JSONText.appendLiteral("false", to: &bytes)
        case nil: JSONText.appendLiteral("null", to: &bytes)
        }
    }

    mutating func int(_ name: StaticString, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    /// An array of strings.
    mutating func strings(_ name: StaticString, _ values: [String]) {
        array(name, values) { JSONText.appendString($1, to: &$0) }
    }

    /// An array of objects, each made by `make`.
    mutating func objects<Element>(_ name: StaticString, _ values: [Element], _ make: (Element) -> JSONObjectBytes) {
        array(name, values) { $0.append(contentsOf: make($1).closed) }
    }

    private mutating func array<Element>(
        _ name: StaticString, _ values: [Element], _ append: (inout [UInt8], Element) -> Void
    ) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(&bytes, value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object's bytes with its closing brace.
    var closed: [UInt8] { bytes + [UInt8(ascii: "}")] }
}

extension ValidationOutput {
    /// One document of `overblik validate --format jsonl`: its keys sorted, `null` where a value is absent.
    func jsonLine(_ outcome: ValidationOutcome) -> String {
        var object = JSONObjectBytes()
        switch outcome.result {
        case .failure(let error):
            object.string("error", error.description)
            object.bool("passes", passes(outcome))
            object.string("path", outcome.path)
            object.string("suite", suite(of: outcome))
            object.string("type", "document")
            object.string("verdict", "unreadable")
        case .success(let report):
            object.strings("encrypted_parts", report.encryptedParts)
            object.bool("flat", report.isFlat)
            object.string("generator", report.generator)
            object.string("media_type", report.mediaType)
            object.string("odf_version", report.declaredVersion)
            object.objects("parts", report.parts) { part in
                var fields = JSONObjectBytes()
                fields.string("not_checked", part.notChecked)
                fields.string("part", part.part)
                fields.string("schema", part.schema)
                fields.bool("valid", part.validAsIs)
                fields.bool("valid_without_foreign", part.validWithoutForeignContent)
                return fields
            }
            object.bool("passes", passes(outcome))
            object.string("path", outcome.path)
            object.objects("problems", report.problems) { problem in
                var fields = JSONObjectBytes()
                fields.string("code", problem.code.rawValue)
                fields.int("column", problem.column)
                fields.int("line", problem.line)
                fields.string("message", problem.message)
                fields.string("part", problem.part)
                return fields
            }
            object.string("suite", suite(of: outcome))
            object.string("type", "document")
            object.string("verdict", report.verdict.rawValue)
        }
        return String(decoding: object.closed + [UInt8(ascii: "\n")], as: UTF8.self)
    }
}
