/// What the bytes before a document's first element say, checked before libxml2 sees them.
enum XMLPrologue {
    /// Whether the document begins with `<` (no byte-order mark, no UTF-16) and declares no encoding other
    /// than UTF-8. libxml2 2.9's reset push parser misreads a byte-order mark ("Document is empty") and keeps
    /// the previous document's encoding state, so other documents need a fresh parser.
    static func isPlainUTF8(_ bytes: [UInt8]) -> Bool {
        guard bytes.first == 0x3C else { return false }
        let declarationStart = Array("<?xml".utf8)
        guard bytes.count >= declarationStart.count, bytes[0..<declarationStart.count].elementsEqual(declarationStart)
        else { return true }  // no declaration: UTF-8 by definition
        var end = declarationStart.count
        let limit = min(bytes.count, 512)
        while end + 1 < limit, !(bytes[end] == 0x3F && bytes[end + 1] == 0x3E) { end += 1 }
        guard end + 1 < limit else { return false }
        let declaration = bytes[0..<end]
        let key = Array("encoding".utf8)
        var index = 0
        while index + key.count <= declaration.count {
            if declaration[index..<index + key.count].elementsEqual(key) { break }
            index += 1
        }
        guard index + key.count <= declaration.count else { return true }  // no encoding: UTF-8
        var position = index + key.count
        func skipSpaces() {
            while position < declaration.count, [0x20, 0x09, 0x0A, 0x0D].contains(declaration[position]) {
                position += 1
            }
        }
        skipSpaces()
        guard position < declaration.count, declaration[position] == 0x3D else { return false }
        position += 1
        skipSpaces()
        guard position < declaration.count, declaration[position] == 0x22 || declaration[position] == 0x27 else {
            return false
        }
        let quote = declaration[position]
        position += 1
        var name: [UInt8] = []
        while position < declaration.count, declaration[position] != quote, name.count < 16 {
            let byte = declaration[position]
            name.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
            position += 1
        }
        return name.elementsEqual("utf-8".utf8) || name.elementsEqual("utf8".utf8)
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
