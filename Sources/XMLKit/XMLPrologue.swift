/// What the bytes before a document's first element say, checked before libxml2 sees them.
enum XMLPrologue {
    /// Whether the document begins with `<` (no byte-order mark, no UTF-16) and declares no encoding other
    /// than UTF-8. libxml2 2.9's reset push parser misreads a byte-order mark ("Document is empty") and keeps
    /// the previous document's encoding state, so other documents need a fresh parser.
    static func isPlainUTF8(_ bytes: [UInt8]) -> Bool {
        // Asked before every parse: read in place, with no array made for the literals or the encoding's name.
        bytes.withUnsafeBufferPointer { isPlainUTF8($0) }
    }

    private static func isPlainUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.first == 0x3C else { return false }
        guard matches(bytes, at: 0, "<?xml") else { return true }  // no declaration: UTF-8 by definition
        var end = "<?xml".utf8.count
        let limit = min(bytes.count, 512)
        while end + 1 < limit, !(bytes[end] == 0x3F && bytes[end + 1] == 0x3E) { end += 1 }
        guard end + 1 < limit else { return false }
        // The declaration is bytes[0..<end].
        let key: StaticString = "encoding"
        var index = 0
        while index + key.utf8CodeUnitCount <= end, !matches(bytes, at: index, key) { index += 1 }
        guard index + key.utf8CodeUnitCount <= end else { return true }  // no encoding: UTF-8
        var position = index + key.utf8CodeUnitCount
        func skipSpaces() {
            while position < end, isSpace(bytes[position]) { position += 1 }
        }
        skipSpaces()
        guard position < end, bytes[position] == 0x3D else { return false }
        position += 1
        skipSpaces()
        guard position < end, bytes[position] == 0x22 || bytes[position] == 0x27 else { return false }
        let quote = bytes[position]
        position += 1
        // The name: at most 16 bytes up to the closing quote, compared lowercased.
        let nameStart = position
        while position < end, bytes[position] != quote, position - nameStart < 16 { position += 1 }
        let name = UnsafeBufferPointer(rebasing: bytes[nameStart..<position])
        return equalsLowercased(name, "utf-8") || equalsLowercased(name, "utf8")
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// Whether `literal` occurs in `bytes` at `offset`.
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset + count <= bytes.count else { return false }
        for index in 0..<count where bytes[offset + index] != literal.utf8Start[index] { return false }
        return true
    }

    /// Whether `bytes`, ASCII letters lowercased, are exactly `literal`.
    private static func equalsLowercased(_ bytes: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        for (index, byte) in bytes.enumerated() {
            let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            if lower != literal.utf8Start[index] { return false }
        }
        return true
    }

    /// Whether `<!DOCTYPE` occurs before the first element (ASCII-compatible encodings).
    static func hasDoctype(_ bytes: [UInt8]) -> Bool {
        let doctype = Array("<!DOCTYPE".utf8)
        var index = 0
        let end = min(bytes.count, 1 << 20)
        while index < end {
            if bytes[index] == 0x3C, index + 1 < end {
                let next = bytes[index + 1]
                if next != 0x3F && next != 0x21 { return false }  // first element reached
                if index + doctype.count <= end && Array(bytes[index..<index + doctype.count]) == doctype {
                    return true
                }
            }
            index += 1
        }
        return false
    }
}
