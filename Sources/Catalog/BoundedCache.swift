/// A memo table whose memory stays bounded whatever the input: two generations of at most `entryLimit`
/// entries and about `byteLimit` bytes each.
///
/// New entries go into the current generation; a hit in the previous generation is copied forward. When the
/// current generation is full it becomes the previous one and the oldest is dropped, so the inputs that keep
/// coming back (the few thousand real titles of an inventory) stay cached while a stream of one-off strings
/// (per-host paths, random MSI product codes) passes through. Values only ever come from the function being
/// memoised, so what is evicted changes the cost of a lookup, never its answer.
public struct BoundedCache<Key: Hashable, Value> {
    public let entryLimit: Int
    public let byteLimit: Int
    private var current: [Key: Value] = [:]
    private var previous: [Key: Value] = [:]
    private var currentBytes = 0
    private let cost: @Sendable (Key, Value) -> Int

    /// `entryLimit` and `byteLimit` apply to each of the two generations; `cost` gives the approximate bytes
    /// an entry holds (its strings' UTF-8 plus overhead), so a few huge keys rotate a generation as surely as
    /// many small ones.
    public init(entryLimit: Int, byteLimit: Int = 64 << 20, cost: @escaping @Sendable (Key, Value) -> Int) {
        precondition(entryLimit > 0 && byteLimit > 0)
        self.entryLimit = entryLimit
        self.byteLimit = byteLimit
        self.cost = cost
    }

    /// Entries held now (both generations): at most `2 * entryLimit`.
    public var count: Int { current.count + previous.count }

    /// The value for `key` if the current generation holds it (a read-only look-up: the common hit costs no
    /// exclusive access); otherwise use ``value(for:)``.
    public func recentValue(for key: Key) -> Value? { current[key] }

    /// The remembered value for `key`; a hit in the older generation is kept for longer.
    public mutating func value(for key: Key) -> Value? {
        if let value = current[key] { return value }
        guard let value = previous[key] else { return nil }
        insert(value, for: key)
        return value
    }

    /// Remembers `value` for `key`.
    public mutating func insert(_ value: Value, for key: Key) {
        let cost = self.cost(key, value)
        if current.count >= entryLimit || currentBytes + cost > byteLimit {
            previous = current
            current = [:]
            current.reserveCapacity(min(entryLimit, 4096))
            currentBytes = 0
        }
        current[key] = value
        currentBytes += cost
    }

    public mutating func removeAll() {
        current = [:]
        previous = [:]
        currentBytes = 0
    }
}

extension BoundedCache: Sendable where Key: Sendable, Value: Sendable {}
