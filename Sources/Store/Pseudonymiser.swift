public import Foundation
import FileSystemNames
import Crypto
import OverblikModel

/// Turns paths into keyed hashes so a store copied off the machine does not reveal file names.
///
/// The key is random per store (kept in the store itself), so the same path gives the same key
/// within one store — which is what incremental rescans need — and cannot be matched against a
/// list of guessed paths without the store.
public struct Pseudonymiser: @unchecked Sendable, Hashable {
    // Unchecked: both stored properties are immutable value types (a key and a keyed hash).
    let key: SymmetricKey
    private let keyed: KeyedHash

    public init(keyHex: String) {
        var bytes: [UInt8] = []
        var index = keyHex.startIndex
        while index < keyHex.endIndex {
            let next = keyHex.index(index, offsetBy: 2, limitedBy: keyHex.endIndex) ?? keyHex.endIndex
            bytes.append(UInt8(keyHex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self.key = SymmetricKey(data: bytes)
        self.keyed = KeyedHash(key: bytes)
    }

    /// A new random 256-bit key as hex.
    public static func newKeyHex() -> String {
        lowercaseHex(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    public static func == (lhs: Pseudonymiser, rhs: Pseudonymiser) -> Bool {
        lhs.key.withUnsafeBytes { Data($0) } == rhs.key.withUnsafeBytes { Data($0) }
    }

    public func hash(into hasher: inout Hasher) {
        key.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    /// `p:` + 128 bits of HMAC-SHA256 of the path, hex.
    public func pathKey(_ path: String) -> String { key("p", path) }

    /// `r:` + 128 bits of HMAC-SHA256 of a scan root, hex.
    public func rootKey(_ root: String) -> String { key("r", root) }

    /// The path key's 128 bits, without building its hex string.
    public func pathDigest(_ path: String) -> PathDigest {
        authenticationCode(path).withUnsafeBytes { PathDigest(macBytes: $0) }
    }

    /// `letter` + `:` + the MAC's first 16 bytes as lowercase hex, written into the string in place: every file a
    /// scan stores gets one, and going through the digest as a generic sequence and joining two strings cost
    /// several times the hash itself.
    private func key(_ letter: Unicode.Scalar, _ text: String) -> String {
        authenticationCode(text).withUnsafeBytes { mac in
            String(unsafeUninitializedCapacity: 34) { out in
                out[0] = UInt8(ascii: letter)
                out[1] = UInt8(ascii: ":")
                for index in 0..<16 {
                    let byte = mac[index]
                    out[2 + 2 * index] = Self.hexDigit(byte >> 4)
                    out[3 + 2 * index] = Self.hexDigit(byte & 0x0F)
                }
                return 34
            }
        }
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") - 10 + value
    }

    /// HMAC-SHA256 of the text's UTF-8 bytes (all 32 bytes).
    func authenticationCode(_ text: String) -> SHA256Digest {
        keyed.authenticationCode(text)
    }

    /// The inner hash with `prefix` absorbed: a directory's path, hashed once for all of its files.
    func prefixed(_ prefix: String) -> SHA256 {
        keyed.prefixed(prefix)
    }

    /// The path digest of `prefix` + `name` from the state ``prefixed(_:)`` returned for `prefix`.
    func pathDigest(prefixed state: SHA256, name: UnsafeBufferPointer<UInt8>) -> PathDigest {
        var innerHash = state
        // Hashed as the path string's bytes are, so a name that is not UTF-8 matches its stored key.
        FileSystemName.withDecodedBytes(name) { innerHash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return keyed.finish(innerHash).withUnsafeBytes { PathDigest(macBytes: $0) }
    }

    /// The first folder below `root` on the way to `path` (`nil` for a file directly in the root or a
    /// path outside it). Kept beside the hash so an architect can still tell departments' shares apart.
    /// Worked out on the path's bytes (see `String.hasPathPrefix`): a name starting with a combining mark still
    /// starts a component, and two spellings of one visible name are two folders.
    public static func topFolder(path: String, root: String) -> String? {
        let slash = UInt8(ascii: "/")
        var prefix = Array(root.utf8)
        while prefix.count > 1 && prefix.last == slash { prefix.removeLast() }
        if prefix != [slash] { prefix.append(slash) }
        let bytes = path.utf8
        guard bytes.starts(with: prefix) else { return nil }
        let rest = bytes.dropFirst(prefix.count).split(separator: slash, omittingEmptySubsequences: true)
        return rest.count > 1 ? String(Substring(rest[0])) : nil
    }

    /// `sha256:` + hex digest of a file, read in 1 MiB chunks.
    public static func sha256File(at url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        // read(2) into one reused buffer: FileHandle.read(upToCount:) makes a system call per 4 KB.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes {
                Foundation.read(handle.fileDescriptor, $0.baseAddress, $0.count)
            }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw CocoaError(
                    .fileReadUnknown,
                    userInfo: [
                        NSFilePathErrorKey: url.path,
                        NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO),
                    ])
            }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        return "sha256:" + lowercaseHex(hasher.finalize())
    }
}
