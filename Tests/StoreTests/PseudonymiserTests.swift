import Foundation
import Store
import Testing

/// The pseudonymiser computes HMAC-SHA256 from two precomputed hash states: it must give exactly what the
/// standard construction gives, or a store's path keys would no longer match after an upgrade.
@Suite struct PseudonymiserTests {
    /// RFC 4231 test cases 1, 2 and 6 (the last with a key longer than the block), as key hex, data and the
    /// full HMAC-SHA256; path and root keys carry its first 128 bits.
    static let vectors: [(key: String, data: String, mac: String)] = [
        (
            String(repeating: "0b", count: 20), "Hi There",
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            "4a656665", "what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            String(repeating: "aa", count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ]

    @Test(arguments: 0..<3) func pathAndRootKeysAreTheFirstHalfOfRFC4231HMAC(vector: Int) {
        let (key, data, mac) = Self.vectors[vector]
        let pseudonymiser = Pseudonymiser(keyHex: key)
        let half = String(mac.prefix(32))
        #expect(pseudonymiser.pathKey(data) == "p:" + half)
        #expect(pseudonymiser.rootKey(data) == "r:" + half)
        #expect(pseudonymiser.pathDigest(data).key == "p:" + half)
    }

    @Test func keysDifferByStoreKeyAndByPath() {
        let first = Pseudonymiser(keyHex: Pseudonymiser.newKeyHex())
        let second = Pseudonymiser(keyHex: Pseudonymiser.newKeyHex())
        let path = "/srv/share/Økonomi/Budget 2026.ods"
        #expect(first.pathKey(path) == first.pathKey(path))
        #expect(first.pathKey(path) != second.pathKey(path))
        #expect(first.pathKey(path) != first.pathKey(path + " "))
        // A path longer than one SHA-256 block still hashes as a whole.
        let long = "/srv/" + String(repeating: "afdeling/", count: 40) + "a.odt"
        #expect(first.pathKey(long) != first.pathKey(long.replacingOccurrences(of: "a.odt", with: "b.odt")))
    }
}
