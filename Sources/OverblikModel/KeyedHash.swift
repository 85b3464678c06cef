public import Crypto

/// HMAC-SHA256 (RFC 2104) under one key: the package's one keyed hash, behind path keys in the store and
/// host pseudonyms in imports.
///
/// Kept as its two hash states with the padded key already absorbed, copied per use: Crypto's `HMAC` absorbs
/// the key again for every message, an extra compression and key copy per path, and a rescan hashes every
/// one of 100,000 paths. Tests check the result equals Crypto's `HMAC`.
public struct KeyedHash: @unchecked Sendable {
    // Unchecked: both stored properties are immutable value types (hash states).
    private let inner: SHA256
    private let outer: SHA256

    public init(key: [UInt8]) {
        // A key longer than the block is hashed first (RFC 2104).
        var block = key.count > SHA256.blockByteCount ? Array(SHA256.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: SHA256.blockByteCount - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// The MAC of the text's UTF-8 bytes (all 32 bytes).
    public func authenticationCode(_ text: String) -> SHA256Digest {
        finish(prefixed(text))
    }

    /// The inner hash with `prefix` absorbed: a directory's path, hashed once for all of its files.
    public func prefixed(_ prefix: String) -> SHA256 {
        var innerHash = inner
        var text = prefix
        text.withUTF8 { innerHash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return innerHash
    }

    /// The MAC of everything absorbed into `innerHash` (a state from ``prefixed(_:)``, updated further).
    public func finish(_ innerHash: SHA256) -> SHA256Digest {
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// Lowercase hex of bytes (hot: one call per scanned path, so no per-byte string formatting).
public func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
