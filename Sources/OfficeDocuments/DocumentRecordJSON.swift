public import Foundation
public import OverblikModel

/// Writes a ``DocumentRecord`` as one line of JSON, byte for byte what a scan's `jsonl` holds, without the cost
/// of `JSONEncoder` (which dominated a 20,000-file scan's user time). The keys and shapes are those of
/// `DocumentRecord`'s `Codable` form, so `JSONDecoder` (dates `.iso8601`) reads the lines back.
public enum DocumentRecordJSON {
    /// Appends the record's JSON object (no trailing newline) to `out`.
    public static func append(_ record: DocumentRecord, to out: inout [UInt8]) {
        var first = true
        func key(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ name: StaticString, _ value: String?, always: Bool = true) {
            guard value != nil || always else { return }
            key(name)
            if let value { appendString(value, to: &out) } else { out.append(contentsOf: Array("null".utf8)) }
        }
        func integer(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            key(name)
            out.append(contentsOf: Array(String(value).utf8))
        }
        func date(_ name: StaticString, _ value: Date?) {
            guard let value else { return }
            key(name)
            appendDate(value, to: &out)
        }
        string("path", record.path)
        string("family", record.family.rawValue)
        string("container", record.container.rawValue)
        string("format", record.format)
        string("mimetype", record.mimetype)
        string("odf_version", record.odfVersion)
        string("manifest_version", record.manifestVersion, always: false)
        string("generator", record.generator)
        string("application", record.application, always: false)
        string("app_version", record.appVersion, always: false)
        string("suite", record.suite)
        string("suite_version", record.suiteVersion)
        string("suite_version_line", record.suiteVersionLine, always: false)
        key("encrypted")
        out.append(contentsOf: Array((record.encrypted ? "true" : "false").utf8))
        date("created", record.created)
        date("meta_modified", record.metaModified)
        integer("editing_cycles", record.editingCycles.map(Int64.init))
        string("editing_duration", record.editingDuration, always: false)
        key("statistics")
        appendCounts(record.statistics, to: &out)
        string("language", record.language, always: false)
        string("template", record.template, always: false)
        key("warnings")
        out.append(UInt8(ascii: "["))
        for (index, warning) in record.warnings.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array("{\"kind\":".utf8))
            appendString(warning.kind, to: &out)
            out.append(contentsOf: Array(",\"detail\":".utf8))
            appendString(warning.detail, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        string("error", record.error?.rawValue)
        string("error_detail", record.errorDetail, always: false)
        integer("size", record.size)
        date("modified", record.modified)
        if let personal = record.personal {
            key("personal")
            appendPersonal(personal, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func appendPersonal(_ personal: PersonalMetadata, to out: inout [UInt8]) {
        var first = true
        func field(_ name: String, _ value: String?) {
            guard let value else { return }
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(value, to: &out)
        }
        field("creator", personal.creator)
        field("initial_creator", personal.initialCreator)
        field("printed_by", personal.printedBy)
        field("title", personal.title)
        field("subject", personal.subject)
        field("description", personal.description)
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        out.append(contentsOf: Array("\"keywords\":[".utf8))
        for (index, keyword) in personal.keywords.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(keyword, to: &out)
        }
        out.append(contentsOf: Array("],\"user_defined\":{".utf8))
        for (index, name) in personal.userDefined.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(personal.userDefined[name]!, to: &out)
        }
        out.append(contentsOf: Array("}}".utf8))
    }

    static func appendCounts(_ counts: [String: Int], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, name) in counts.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: Array(String(counts[name]!).utf8))
        }
        out.append(UInt8(ascii: "}"))
    }

    /// A JSON string: quotes, backslashes and control characters escaped; everything else raw UTF-8.
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `"2024-03-01T10:20:30Z"`: whole seconds, UTC, as `JSONEncoder.DateEncodingStrategy.iso8601` writes.
    static func appendDate(_ date: Date, to out: inout [UInt8]) {
        let civil = UTCCivilTime(date)
        let (year, month, day, rest) = (
            Int64(civil.year), Int64(civil.month), Int64(civil.day), Int64(civil.secondsOfDay)
        )
        func pad(_ value: Int64, _ width: Int) {
            let digits = Array(String(value).utf8)
            if digits.count < width {
                out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count))
            }
            out.append(contentsOf: digits)
        }
        out.append(UInt8(ascii: "\""))
        pad(year, 4)
        out.append(UInt8(ascii: "-"))
        pad(month, 2)
        out.append(UInt8(ascii: "-"))
        pad(day, 2)
        out.append(UInt8(ascii: "T"))
        pad(rest / 3600, 2)
        out.append(UInt8(ascii: ":"))
        pad(rest % 3600 / 60, 2)
        out.append(UInt8(ascii: ":"))
        pad(rest % 60, 2)
        out.append(contentsOf: [UInt8(ascii: "Z"), UInt8(ascii: "\"")])
    }
}
