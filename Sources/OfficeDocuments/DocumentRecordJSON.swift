import Foundation
public import OverblikModel

/// Writes a ``DocumentRecord`` as one line of JSON, byte for byte what a scan's `jsonl` holds, without the cost
/// of `JSONEncoder` (which dominated a 20,000-file scan's user time). The keys and shapes are those of
/// `DocumentRecord`'s `Codable` form, so `JSONDecoder` (dates `.iso8601`) reads the lines back.
public enum DocumentRecordJSON {
    /// Appends the record's JSON object (no trailing newline) to `out`.
    public static func append(_ record: DocumentRecord, to out: inout [UInt8]) {
        var first = true
        // Room for the whole line up front: a record is a few hundred bytes, written in many small appends.
        out.reserveCapacity(out.count + 1024)
        func key(_ name: StaticString) {
            // `{"name":` or `,"name":` in one append (four made each key cost as much as its value).
            let count = name.utf8CodeUnitCount
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 4) { buffer in
                buffer[0] = first ? UInt8(ascii: "{") : UInt8(ascii: ",")
                buffer[1] = UInt8(ascii: "\"")
                _ = UnsafeMutableBufferPointer(rebasing: buffer[2..<(2 + count)]).initialize(
                    from: UnsafeBufferPointer(start: name.utf8Start, count: count))
                buffer[count + 2] = UInt8(ascii: "\"")
                buffer[count + 3] = UInt8(ascii: ":")
                out.append(contentsOf: buffer)
            }
            first = false
        }
        func string(_ name: StaticString, _ value: String?, always: Bool = true) {
            guard value != nil || always else { return }
            key(name)
            if let value { JSONText.appendString(value, to: &out) } else { JSONText.appendLiteral("null", to: &out) }
        }
        func integer(_ name: StaticString, _ value: Int64?) {
            guard let value else { return }
            key(name)
            appendInteger(value, to: &out)
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
        JSONText.appendLiteral(record.encrypted ? "true" : "false", to: &out)
        string("conformance", record.conformance?.rawValue, always: false)
        key("features")
        out.append(UInt8(ascii: "["))
        for (index, feature) in record.features.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(feature.rawValue, to: &out)
        }
        out.append(UInt8(ascii: "]"))
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
            JSONText.appendLiteral("{\"kind\":", to: &out)
            JSONText.appendString(warning.kind.rawValue, to: &out)
            JSONText.appendLiteral(",\"detail\":", to: &out)
            JSONText.appendString(warning.detail, to: &out)
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
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendString(value, to: &out)
        }
        field("creator", personal.creator)
        field("initial_creator", personal.initialCreator)
        field("printed_by", personal.printedBy)
        field("title", personal.title)
        field("subject", personal.subject)
        field("description", personal.description)
        out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        JSONText.appendLiteral("\"keywords\":[", to: &out)
        for (index, keyword) in personal.keywords.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(keyword, to: &out)
        }
        JSONText.appendLiteral("],\"user_defined\":{", to: &out)
        for (index, name) in personal.userDefined.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            JSONText.appendString(personal.userDefined[name]!, to: &out)
        }
        JSONText.appendLiteral("}}", to: &out)
    }

    static func appendCounts(_ counts: [String: Int], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        // Sorted as pairs: sorting the keys and looking each up again hashed every name a second time.
        for (index, count) in counts.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONText.appendString(count.key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendInteger(Int64(count.value), to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Decimal digits, at least `width` of them (zero-padded), written without making a `String`.
    static func appendInteger(_ value: Int64, width: Int = 1, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for UInt64.max's 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0 || buffer.count - position < min(width, buffer.count)
            out.append(contentsOf: buffer[position...])
        }
    }

    /// `"2024-03-01T10:20:30Z"`: whole seconds, UTC, as `JSONEncoder.DateEncodingStrategy.iso8601` writes.
    static func appendDate(_ date: Date, to out: inout [UInt8]) {
        let civil = UTCCivilTime(date)
        let (year, month, day, rest) = (
            Int64(civil.year), Int64(civil.month), Int64(civil.day), Int64(civil.secondsOfDay)
        )
        func pad(_ value: Int64, _ width: Int) { appendInteger(value, width: width, to: &out) }
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
