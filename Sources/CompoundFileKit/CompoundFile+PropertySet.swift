import CLibGsf
import Foundation

/// One property set stream of a compound file (`\u{5}SummaryInformation`, `\u{5}DocumentSummaryInformation`;
/// [MS-OLEPS]), as libgsf's reader (`gsf_doc_meta_data_read_from_msole`) decodes it: texts converted from the
/// set's code page, integers, and the FILETIME dates.
public struct PropertySet: Sendable, Equatable {
    /// Text values by libgsf's name (`gsf-meta-names.h`: ``Name/generator``, ``Name/title``, ...).
    public var texts: [String: String] = [:]
    /// Integer values (VT_I2, VT_I4, VT_UI2, VT_UI4) by libgsf's name.
    public var integers: [String: Int] = [:]
    /// FILETIME values by property id, in 100-ns ticks since 1601-01-01 UTC, of the summary section
    /// (FMTID_SummaryInformation). Read here: libgsf 1.14.50 keeps a FILETIME as 32 bits of seconds since 1970,
    /// which turns "no date" (0) into 2009-04-22 and wraps dates outside 1970-2106.
    public var fileTimes: [UInt32: UInt64] = [:]

    public init() {}

    /// libgsf's property names (`gsf-meta-names.h`) for the properties documents carry.
    public enum Name {
        public static let generator = "meta:generator"  // PIDSI_APPNAME
        public static let template = "meta:template"  // PIDSI_TEMPLATE
        public static let revision = "meta:editing-cycles"  // PIDSI_REVNUMBER (text)
        public static let title = "dc:title"
        public static let subject = "dc:subject"
        public static let creator = "dc:creator"  // PIDSI_AUTHOR
        public static let keywords = "dc:keywords"
        public static let description = "dc:description"  // PIDSI_COMMENTS
        public static let lastSavedBy = "gsf:last-saved-by"
        public static let company = "dc:publisher"  // PIDDSI_COMPANY
        public static let manager = "gsf:manager"
        public static let pageCount = "gsf:page-count"
        public static let wordCount = "gsf:word-count"
        public static let characterCount = "gsf:character-count"
        public static let lineCount = "gsf:line-count"
        public static let paragraphCount = "gsf:paragraph-count"
        public static let slideCount = "gsf:slide-count"
        public static let noteCount = "gsf:note-count"
        public static let hiddenSlideCount = "gsf:hidden-slide-count"
        /// PIDDSI_VERSION: the writing application's version, major in the high word (libgsf 1.14.50 leaves it
        /// unnamed).
        public static let applicationVersion = "msole:unknown-doc-23"
    }

    /// The texts and integers asked for here; libgsf reads the others too, and they are dropped.
    static let textNames = [
        Name.generator, Name.template, Name.revision, Name.title, Name.subject, Name.creator, Name.keywords,
        Name.description, Name.lastSavedBy, Name.company, Name.manager,
    ]
    static let integerNames = [
        Name.pageCount, Name.wordCount, Name.characterCount, Name.lineCount, Name.paragraphCount, Name.slideCount,
        Name.noteCount, Name.hiddenSlideCount, Name.applicationVersion,
    ]

    /// PIDSI_EDITTIME, PIDSI_CREATE_DTM, PIDSI_LASTSAVE_DTM.
    public static let editingTimeID: UInt32 = 10
    public static let createdID: UInt32 = 12
    public static let lastSavedID: UInt32 = 13
}

extension CompoundFile {
    /// The first bytes of a property set stream read: real ones are a few hundred bytes to a few KiB, and up to
    /// a few hundred KiB with a thumbnail (LibreOffice's .ppt: 430 KiB), stored after the texts, counts and dates.
    /// A longer stream is cut to the properties that end within this prefix (``cutToPrefix(_:)``): reading the
    /// whole thumbnail cost a .ppt about a millisecond.
    public static let propertySetPrefixBytes = 64 << 10
    /// Cap on the type words that can nest a value in libgsf's recursive value parser (see ``readPropertySet(at:)``).
    static let maxNestingTypeWords = 256

    /// Reads the property set stream at `path` through libgsf.
    ///
    /// Two guards stand before libgsf 1.14.50's reader, whose faults a hostile stream would reach: its dictionary
    /// reader can read up to twice the remaining bytes past a property's end (fixed upstream in 1.14.54, issue
    /// 41), so libgsf reads from a copy followed by that much zeroed memory; and it nests one C call per
    /// VT_VARIANT type word, so a stream whose variant values hold more words that could be one (0x000C or 0x100C
    /// at any offset) than ``maxNestingTypeWords`` is refused.
    public func readPropertySet(at path: [String]) throws(CompoundFileError) -> PropertySet {
        let joined = path.joined(separator: "/")
        guard let entry = entry(at: path), !entry.isStorage else { throw .noSuchStream(path: joined) }
        let wanted = Int(min(entry.size, UInt64(Self.propertySetPrefixBytes)))
        var bytes = try readPrefix(of: path, count: wanted)
        guard bytes.count == wanted else {
            throw .badPropertySet(stream: joined, detail: "the stream ends before its declared size")
        }
        if entry.size > UInt64(wanted) {
            guard let cut = Self.cutToPrefix(bytes) else {
                throw .badPropertySet(
                    stream: joined, detail: "\(entry.size) bytes, and no property ends in the first \(wanted)")
            }
            bytes = cut
        }
        guard Self.nestingTypeWords(bytes) <= Self.maxNestingTypeWords else {
            throw .badPropertySet(stream: joined, detail: "more nested values than any real property set")
        }
        var result = PropertySet()
        result.fileTimes = Self.summaryFileTimes(bytes)
        var padded = [UInt8](repeating: 0, count: bytes.count * 2 + 64)
        padded.replaceSubrange(0..<bytes.count, with: bytes)
        let message: String? = padded.withUnsafeBufferPointer { buffer -> String? in
            Self.libgsf.lock()
            defer { Self.libgsf.unlock() }
            guard let input = gsf_input_memory_new(buffer.baseAddress, gsf_off_t(bytes.count), 0) else {
                return "libgsf could not read the stream"
            }
            defer { overblik_gsf_release(UnsafeMutableRawPointer(input)) }
            guard let meta = gsf_doc_meta_data_new() else { return "libgsf could not read the stream" }
            defer { overblik_gsf_release(UnsafeMutableRawPointer(meta)) }
            if let error = gsf_doc_meta_data_read_from_msole(meta, input) {
                let message = String(cString: overblik_gerror_message(error))
                g_error_free(error)
                return message.isEmpty ? "libgsf refused the property set" : message
            }
            for name in PropertySet.textNames {
                if let text = overblik_gsf_meta_text(meta, name) { result.texts[name] = String(cString: text) }
            }
            for name in PropertySet.integerNames {
                var value: Int64 = 0
                if overblik_gsf_meta_integer(meta, name, &value) != 0 { result.integers[name] = Int(value) }
            }
            return nil
        }
        if let message { throw .badPropertySet(stream: joined, detail: message) }
        return result
    }

    /// How many little-endian 32-bit words, at any offset inside the values libgsf parses as variants, equal
    /// VT_VARIANT (0x000C) or VT_VECTOR | VT_VARIANT (0x100C): each level of libgsf's nesting reads one such type
    /// word, so this bounds its depth. Other values (a thumbnail's metafile records are full of 0x0C) nest nothing
    /// and are not counted; where the section tables do not read cleanly, the whole stream is counted.
    static func nestingTypeWords(_ bytes: [UInt8]) -> Int {
        var count = 0
        for range in variantRanges(bytes) ?? [0..<bytes.count] where range.count >= 4 {
            for offset in range.lowerBound...(range.upperBound - 4) where bytes[offset] == 0x0C {
                if (bytes[offset + 1] == 0 || bytes[offset + 1] == 0x10) && bytes[offset + 2] == 0
                    && bytes[offset + 3] == 0
                {
                    count += 1
                }
            }
        }
        return count
    }

    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32? {
        guard offset >= 0, offset + 4 <= bytes.count else { return nil }
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// The byte ranges of the property values whose type libgsf parses as a variant (0x000C or 0x100C), each from
    /// its type word to the next value or the section's end as libgsf bounds it, or `nil` when a header or table
    /// is out of bounds or unsorted offsets collide (libgsf refuses or reads those another way).
    static func variantRanges(_ bytes: [UInt8]) -> [Range<Int>]? {
        guard let sections = u32(bytes, 24), sections <= 100 else { return nil }
        var ranges: [Range<Int>] = []
        for index in 0..<Int(sections) {
            guard let start = u32(bytes, 28 + index * 20 + 16).map(Int.init), let size = u32(bytes, start),
                let count = u32(bytes, start + 4)
            else { return nil }
            let end = start + Int(size)
            guard end <= bytes.count, Int(count) <= (bytes.count - start) / 8 else { return nil }
            var offsets: [Int] = []
            for property in 0..<Int(count) {
                guard let offset = u32(bytes, start + 12 + property * 8) else { return nil }
                offsets.append(Int(offset))
            }
            offsets.sort()
            for (position, offset) in offsets.enumerated() {
                let next = position + 1 < offsets.count ? offsets[position + 1] : Int(size)
                guard offset + 4 <= next, let type = u32(bytes, start + offset) else { return nil }
                if type == 0x000C || type == 0x100C { ranges.append((start + offset)..<min(end, start + next)) }
            }
        }
        return ranges
    }

    /// A one-section property set cut to the properties whose values end within `prefix` (its first bytes):
    /// the section's size, count and id/offset table rewritten to them, the values left where they are. `nil`
    /// when the stream has other than one section or no property fits.
    static func cutToPrefix(_ prefix: [UInt8]) -> [UInt8]? {
        guard u32(prefix, 24) == 1, let start = u32(prefix, 44).map(Int.init), let size = u32(prefix, start),
            let count = u32(prefix, start + 4).map(Int.init), count <= (prefix.count - start) / 8
        else { return nil }
        var table: [(id: UInt32, offset: Int)] = []
        for index in 0..<count {
            guard let id = u32(prefix, start + 8 + index * 8), let offset = u32(prefix, start + 12 + index * 8) else {
                return nil
            }
            table.append((id, Int(offset)))
        }
        table.sort { $0.offset < $1.offset }
        let room = prefix.count - start
        var kept = 0
        while kept < table.count, (kept + 1 < table.count ? table[kept + 1].offset : Int(size)) <= room { kept += 1 }
        guard kept > 0 else { return nil }
        let newSize = kept < table.count ? table[kept].offset : Int(size)
        var cut = Array(prefix[0..<(start + newSize)])
        func put(_ value: UInt32, at offset: Int) {
            for byte in 0..<4 { cut[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(byte))) }
        }
        put(UInt32(newSize), at: start)
        put(UInt32(kept), at: start + 4)
        for (index, property) in table.prefix(kept).enumerated() {
            put(property.id, at: start + 8 + index * 8)
            put(UInt32(property.offset), at: start + 12 + index * 8)
        }
        return cut
    }

    /// FMTID_SummaryInformation, F29F85E0-4FF9-1068-AB91-08002B27B3D9, as stored.
    static let summaryFormatID: [UInt8] = [
        0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9,
    ]

    /// The VT_FILETIME (0x40) properties of the summary section: the header's section list, the section's
    /// id/offset pairs, and each value's type word and 8 bytes, every read checked against the stream's end.
    static func summaryFileTimes(_ bytes: [UInt8]) -> [UInt32: UInt64] {
        func u32(_ offset: Int) -> UInt32? { Self.u32(bytes, offset) }
        guard bytes.count >= 28, bytes[0] == 0xFE, bytes[1] == 0xFF, let sections = u32(24) else { return [:] }
        var times: [UInt32: UInt64] = [:]
        for index in 0..<Int(min(sections, 100)) {
            let entry = 28 + index * 20
            guard entry + 20 <= bytes.count else { break }
            guard bytes[entry..<entry + 16].elementsEqual(summaryFormatID), let start = u32(entry + 16),
                let size = u32(Int(start)), let count = u32(Int(start) + 4)
            else { continue }
            let section = Int(start)
            let end = min(bytes.count, section + Int(size))
            for property in 0..<Int(min(count, UInt32(max(0, end - section) / 8))) {
                guard let id = u32(section + 8 + property * 8), let offset = u32(section + 12 + property * 8),
                    [PropertySet.editingTimeID, PropertySet.createdID, PropertySet.lastSavedID].contains(id)
                else { continue }
                let value = section + Int(offset)
                guard value + 12 <= end, u32(value) == 0x40, let low = u32(value + 4), let high = u32(value + 8)
                else { continue }
                times[id] = UInt64(high) << 32 | UInt64(low)
            }
        }
        return times
    }
}
