/// Numbers for strings (attribute values and text, as memo keys), found by a cheap hash of their UTF-8 bytes in an
/// ``IntegerTable`` rather than by `Dictionary`'s seeded SipHash, which was about a twentieth of a validation's
/// CPU time. A number stands for one sequence of bytes: a `String`-keyed table gave "é" and "e\u{301}" (equal to
/// Swift) one number, so one spelling got the memo entries of the other. A hit is confirmed by comparing the bytes,
/// so two strings that share a hash (chosen by a hostile document, say) never share a number: the second simply
/// gets none, and its derivatives are computed, not remembered.
struct StringNumbers {
    private var table = IntegerTable(capacity: 1024)
    private var strings: [String] = []

    var count: Int { strings.count }

    /// The number of `string`, assigning the next one when it is new and `assigns` is true; `nil` when it has
    /// none (and is not given one).
    mutating func number(_ string: String, assigns: Bool) -> Int32? {
        var text = string
        let key = text.withUTF8 { Self.hash($0) }
        if let known = table[key.0, key.1] {
            return strings[Int(known)].utf8.elementsEqual(string.utf8) ? known : nil
        }
        guard assigns else { return nil }
        let next = Int32(strings.count)
        strings.append(string)
        table.insert(next, at: key.0, key.1)
        return next
    }

    /// Two 64-bit hashes of the bytes (8 at a time, multiplied and mixed), the second with the length; the first
    /// word never `UInt64.max` (``IntegerTable``'s empty mark).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64) {
        var first: UInt64 = 0x243F_6A88_85A3_08D3
        var second: UInt64 = 0x1319_8A2E_0370_7344 ^ UInt64(bytes.count)
        var index = 0
        let raw = UnsafeRawBufferPointer(bytes)
        while index + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            first = (first ^ word) &* 0x9E37_79B9_7F4A_7C15
            first ^= first >> 29
            second = (second ^ word) &* 0xC2B2_AE3D_27D4_EB4F
            second ^= second >> 31
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        first = (first ^ tail) &* 0xFF51_AFD7_ED55_8CCD
        first ^= first >> 33
        second = (second ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        second ^= second >> 33
        return (first == .max ? 0 : first, second)
    }
}
