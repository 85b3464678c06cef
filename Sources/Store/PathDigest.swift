import Foundation
import OverblikModel

/// The 128 bits behind a path key (``Pseudonymiser/pathKey(_:)`` is `p:` + their hex), as two integers:
/// hashing and comparing it costs a fraction of the 34-character string, which matters when a rescan
/// looks up and remembers every one of 100,000 files.
public struct PathDigest: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The first 16 bytes of a MAC in memory, as two big-endian words so ``key`` spells the same hex as the
    /// bytes. Read in place: iterating a Crypto digest copies it into an array first, once per path.
    init(macBytes raw: UnsafeRawBufferPointer) {
        precondition(raw.count >= 16)
        high = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        low = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    /// Parses a stored path key (`p:` + 32 hex digits); nil for anything else.
    init?(key: String) {
        self.init(keyBytes: key.utf8)
    }

    /// Parses a stored path key from its UTF-8 bytes (straight from a database column, no String made).
    init?(keyBytes: some Collection<UInt8>) {
        guard keyBytes.count == 34 else { return nil }
        var utf8 = keyBytes.makeIterator()
        guard utf8.next() == UInt8(ascii: "p"), utf8.next() == UInt8(ascii: ":") else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        // A rescan parses every known key of its root: a table look-up per digit, not a range test.
        for index in 0..<32 {
            guard let character = utf8.next() else { return nil }
            let value = Self.hexValues[Int(character)]
            guard value < 16 else { return nil }
            if index < 16 {
                high = high << 4 | UInt64(value)
            } else {
                low = low << 4 | UInt64(value)
            }
        }
        self.high = high
        self.low = low
    }

    /// The stored form: `p:` + 32 lowercase hex digits.
    public var key: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for word in [high, low] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return "p:" + lowercaseHex(bytes)
    }

    /// The value of each byte as a hex digit, 255 for a byte that is not one.
    private static let hexValues: [UInt8] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(byte) - UInt8(ascii: "A") + 10
        default: 255
        }
    }
}
