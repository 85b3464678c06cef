#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system paths compared as the bytes the system names them by, never as Swift text.
///
/// Swift's `String` compares by canonical equivalence and groups a combining mark with the character before it:
/// `café` spelled with U+00E9 equals `café` spelled `e` + U+0301, and a name that starts with U+0301 joins the `/`
/// before it into one `Character`, so `"/srv/\u{301}x.odt".hasPrefix("/srv/")` is false. A file system sees two
/// different names in both cases (a Samba share used from macOS and from Windows holds both spellings side by
/// side), so whatever routes, groups or keys paths compares their UTF-8 bytes.
///
/// The bytes are compared with `memcmp` over contiguous UTF-8: `utf8.starts(with:)` and `utf8.elementsEqual(_:)`
/// step through both views byte by byte, and a scan compares every stored file's path this way several times.
extension String {
    /// Whether this path starts with `prefix`, byte for byte.
    public func hasPathPrefix(_ prefix: String) -> Bool {
        Self.withBytes(self, prefix) { path, prefix in
            path.count >= prefix.count && Self.equal(path.baseAddress, prefix.baseAddress, count: prefix.count)
        }
    }

    /// Whether this path is `other`, byte for byte.
    public func isSamePath(_ other: String) -> Bool {
        Self.withBytes(self, other) { path, other in
            path.count == other.count && Self.equal(path.baseAddress, other.baseAddress, count: other.count)
        }
    }

    /// Whether this path's first `count` bytes are `folder`, byte for byte (`folder` has exactly `count` bytes).
    public func hasPathBytes(_ count: Int, equalTo folder: String) -> Bool {
        Self.withBytes(self, folder) { path, folder in
            folder.count == count && path.count >= count
                && Self.equal(path.baseAddress, folder.baseAddress, count: count)
        }
    }

    /// The offset in bytes of this path's last `/`, or nil when it has none: searched in contiguous UTF-8
    /// (`utf8.lastIndex(of:)` steps back through a generic view, several times slower; a scan asks for every file).
    public var lastSlashOffset: Int? {
        var text = self
        return text.withUTF8 { bytes in bytes.lastIndex(of: UInt8(ascii: "/")) }
    }

    private static func withBytes<T>(
        _ one: String, _ other: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> T
    ) -> T {
        // Copies share storage: `withUTF8` only makes a bridged or other non-contiguous string contiguous.
        var one = one
        var other = other
        return one.withUTF8 { first in other.withUTF8 { second in body(first, second) } }
    }

    private static func equal(_ one: UnsafePointer<UInt8>?, _ other: UnsafePointer<UInt8>?, count: Int) -> Bool {
        count == 0 || memcmp(one!, other!, count) == 0
    }
}
