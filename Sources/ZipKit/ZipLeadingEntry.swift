/// The local file header at the very start of a ZIP file, as written (not as the central directory says).
///
/// ODF requires its `mimetype` entry to be the first thing in the file, stored, with no extra field, so that
/// the media type can be read at a fixed offset; only the local header shows that.
public struct ZipLeadingEntry: Sendable, Hashable {
    /// The entry's name as stored in the local header.
    public var name: String
    /// The compression method in the local header.
    public var compression: ZipCompression
    /// Length in bytes of the local header's extra field.
    public var extraFieldLength: Int
    /// Offset of the entry's data from the start of the file.
    public var dataOffset: Int

    /// Reads the local header at offset 0 of the file at `path`; `nil` when the file does not begin with one.
    public static func read(path: String) throws(ZipError) -> ZipLeadingEntry? {
        let head = try ZipArchive.readHead(path: path, count: 30 + 64)
        return parse(head)
    }

    /// Parses a local header from the first bytes of an archive (at least 30 plus the name's length).
    public static func parse(_ head: [UInt8]) -> ZipLeadingEntry? {
        guard head.count >= 30, head[0..<4].elementsEqual([0x50, 0x4B, 0x03, 0x04]) else { return nil }
        func uint16(_ offset: Int) -> Int { Int(head[offset]) | Int(head[offset + 1]) << 8 }
        let nameLength = uint16(26)
        let extraLength = uint16(28)
        let nameEnd = min(30 + nameLength, head.count)
        return ZipLeadingEntry(
            name: String(decoding: head[30..<nameEnd], as: UTF8.self),
            compression: ZipCompression(method: UInt16(uint16(8))), extraFieldLength: extraLength,
            dataOffset: 30 + nameLength + extraLength)
    }
}
