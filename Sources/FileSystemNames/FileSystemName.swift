#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File names on Linux are bytes, and Overblik's paths are Swift strings. A name that is not UTF-8 — an "æ"
/// written in Latin-1 or Windows-1252 by an old Samba share or a copied archive, common on municipal shares —
/// must still be opened, and two such names must never become one path (a lossy repair turns both "caf\xE9"
/// and "caf\xE8" into "caf\u{FFFD}": one document counted, the other unreadable).
///
/// So names are decoded without loss: valid UTF-8 stays as it is, and each byte that is not part of valid
/// UTF-8 becomes one scalar of an escape range in Supplementary Private Use Area-B (byte `b` ↦ U+10FE00 + `b`,
/// so U+10FE80…U+10FEFF). A name that really contains a scalar of that range has its four bytes escaped one by
/// one too, which keeps the mapping one-to-one for every byte string. Opening turns the escapes back into the
/// bytes the directory holds. The same idea as Python's "surrogateescape" (PEP 383), which Swift strings cannot
/// carry because they hold no lone surrogates.
public enum FileSystemName {
    /// Byte `b` (0x80–0xFF) is escaped as U+10FE00 + `b`.
    static let escapeBase: UInt32 = 0x10FE00
    static let escapes: ClosedRange<UInt32> = 0x10FE80...0x10FEFF

    /// The name (or path) whose bytes are `bytes`, as a string that ``withSystemPath(_:_:)`` turns back into
    /// exactly these bytes.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        // Fast path: valid UTF-8 with no byte that could start a scalar of the escape range (0xF4).
        if !bytes.contains(0xF4), let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var scalars = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var position = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if escapes.contains(scalar.value) {
                    for byte in encoded { scalars.append(escape(byte)) }
                } else {
                    scalars.append(scalar)
                }
                position += encoded.count
            case .error(let length):
                for offset in 0..<length { scalars.append(escape(bytes[position + offset])) }
                position += length
            case .emptyInput:
                return String(scalars)
            }
        }
    }

    /// Calls `body` with the UTF-8 bytes of ``decode(_:)``'s string for `name`: `name` itself when it is valid
    /// UTF-8 (nearly always), the escaped form otherwise. What hashes a name must hash these bytes, so that a
    /// name hashed from a directory listing and the same name hashed from its path string agree.
    public static func withDecodedBytes<T>(
        _ name: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> T
    ) rethrows -> T {
        if !name.contains(where: { $0 >= 0x80 }) { return try body(name) }
        var decoded = decode(name)
        return try decoded.withUTF8 { try body($0) }
    }

    public static func decode(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// Calls `body` with the path as the C string of the bytes on disk (escapes turned back into their bytes).
    public static func withSystemPath<T>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        // Escapes are four-byte scalars starting with 0xF4: a path without that byte is passed as it is.
        guard path.utf8.contains(0xF4) else { return try path.withCString(body) }
        return try systemBytes(path).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// The bytes on disk, NUL-terminated.
    static func systemBytes(_ path: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count + 1)
        for scalar in path.unicodeScalars {
            if escapes.contains(scalar.value) {
                bytes.append(UInt8(scalar.value - escapeBase))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        bytes.append(0)
        return bytes
    }

    /// The path for a person to read: each escaped byte shown as U+FFFD, as other tools show such names.
    public static func displayed(_ path: String) -> String {
        guard path.utf8.contains(0xF4) else { return path }
        return String(
            String.UnicodeScalarView(path.unicodeScalars.map { escapes.contains($0.value) ? "\u{FFFD}" : $0 }))
    }

    private static func escape(_ byte: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(escapeBase + UInt32(byte))!
    }
}
