import Foundation

/// Hands out one `String` per repeated field value instead of a new one on every line.
///
/// Inventory exports repeat the same titles, publishers, versions and product codes on most lines (a
/// 1,000,000-line SCCM export has about 135 distinct titles), and making a `String` for each field is an
/// allocation, a copy and later a release. The interner remembers, for each of ``slotCount`` hash slots, the
/// bytes of the last field that landed there and the `String` made from them; a field with the same bytes
/// gets that `String` back. It is direct-mapped (a new value replaces its slot's old one) and only takes
/// fields of ``minimumBytes``...``maximumBytes`` bytes, so its memory is fixed whatever the input holds, and
/// colliding values only cost a decode each, never a longer search.
///
/// The `String` returned is always the one `decode` makes from the same bytes, so interning never changes a
/// value; the caller must use one `decode` (one encoding) for the interner's whole life.
struct FieldInterner {
    static let slotCount = 8192
    /// Shorter strings are stored inline by Swift (no allocation to save).
    static let minimumBytes = 16
    /// Longer fields rarely repeat; keeping them would make the table large.
    static let maximumBytes = 128

    /// Slot `i` holds its bytes at `i * maximumBytes` in `arena`, `lengths[i]` of them (0: empty slot).
    private var arena: [UInt8]
    private var lengths: [UInt8]
    private var strings: [String]

    init() {
        arena = Array(repeating: 0, count: Self.slotCount * Self.maximumBytes)
        lengths = Array(repeating: 0, count: Self.slotCount)
        strings = Array(repeating: "", count: Self.slotCount)
    }

    /// The `String` for `bytes`: the remembered one when the same bytes were seen last in their slot,
    /// otherwise `decode(bytes)` (then remembered).
    mutating func string(
        for bytes: UnsafeBufferPointer<UInt8>, decode: (UnsafeBufferPointer<UInt8>) -> String
    ) -> String {
        let count = bytes.count
        guard count >= Self.minimumBytes, count <= Self.maximumBytes, let source = bytes.baseAddress else {
            return decode(bytes)
        }
        let slot = Self.hash(bytes) & (Self.slotCount - 1)
        let offset = slot * Self.maximumBytes
        let known = arena.withUnsafeBufferPointer { stored in
            Int(lengths[slot]) == count && memcmp(stored.baseAddress! + offset, source, count) == 0
        }
        if known { return strings[slot] }
        let text = decode(bytes)
        arena.withUnsafeMutableBufferPointer { stored in
            (stored.baseAddress! + offset).update(from: source, count: count)
        }
        lengths[slot] = UInt8(count)
        strings[slot] = text
        return text
    }

    /// A fast, well-mixed hash of a short byte string (8 bytes at a time). Not keyed: a crafted input can
    /// only make its own values share slots, which costs decodes, not time per lookup.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let raw = UnsafeRawBufferPointer(bytes)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
        var index = 0
        while index + 8 <= raw.count {
            state = mix(state ^ raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        if index < raw.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < raw.count {
                tail |= UInt64(raw[index]) << shift
                shift += 8
                index += 1
            }
            state = mix(state ^ tail)
        }
        return Int(truncatingIfNeeded: state ^ (state >> 32))
    }

    @inline(__always)
    private static func mix(_ value: UInt64) -> UInt64 {
        var value = value &* 0xBF58_476D_1CE4_E5B9
        value ^= value >> 31
        return value &* 0x94D0_49BB_1331_11EB
    }
}
