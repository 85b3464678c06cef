/// An open-addressing hash table from a pair of 64-bit keys to an `Int32`: the derivative engine's memo tables and
/// the pattern store's hash-consing. Swift's `Dictionary` hashes every key with a seeded SipHash (resistant to
/// chosen-key flooding), which with its probing was about a tenth of a validation's CPU time; these keys are
/// numbers the engine made itself, so a cheap integer mix is enough. Linear probing over flat arrays, kept at most
/// three quarters full; nothing is ever removed.
struct IntegerTable: Sendable {
    /// Two words per slot; a first word of `UInt64.max` marks an empty slot (callers never use it as a key).
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 48) {
        var slots = 16
        while slots * 3 < capacity * 4 { slots *= 2 }
        self.init(slots: slots)
    }

    private init(slots: Int) {
        keys = [UInt64](repeating: .max, count: slots * 2)
        values = [Int32](repeating: 0, count: slots)
        mask = slots - 1
    }

    /// MurmurHash3's 64-bit finaliser over both words: every key bit reaches the slot number.
    @inline(__always) private func slot(_ first: UInt64, _ second: UInt64) -> Int {
        var hash = first ^ (second &* 0x9E37_79B9_7F4A_7C15)
        hash ^= hash >> 33
        hash = hash &* 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash = hash &* 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return Int(truncatingIfNeeded: hash) & mask
    }

    @inline(__always) subscript(_ first: UInt64, _ second: UInt64 = 0) -> Int32? {
        var index = slot(first, second)
        while true {
            let key = keys[index &* 2]
            if key == .max { return nil }
            if key == first, keys[index &* 2 &+ 1] == second { return values[index] }
            index = (index &+ 1) & mask
        }
    }

    mutating func insert(_ value: Int32, at first: UInt64, _ second: UInt64 = 0) {
        precondition(first != .max, "IntegerTable: UInt64.max is the empty-slot marker")
        if (count + 1) * 4 > (mask + 1) * 3 { grow() }
        var index = slot(first, second)
        while true {
            let key = keys[index &* 2]
            if key == .max {
                keys[index &* 2] = first
                keys[index &* 2 &+ 1] = second
                values[index] = value
                count += 1
                return
            }
            if key == first, keys[index &* 2 &+ 1] == second {
                values[index] = value
                return
            }
            index = (index &+ 1) & mask
        }
    }

    private mutating func grow() {
        let old = (keys, values)
        self = IntegerTable(slots: (mask + 1) * 2)
        for index in old.1.indices where old.0[index * 2] != .max {
            insert(old.1[index], at: old.0[index * 2], old.0[index * 2 + 1])
        }
    }
}

/// The two words of an `IntegerTable` key made of up to four `Int32`s (any of them may be negative).
@inline(__always) func packed(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
}
