import Foundation

/// A count that several threads may raise at once (tests count calls made from scanner threads).
public final class LockedCounter: @unchecked Sendable {
    // Unchecked: `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    /// Adds one and returns the new count.
    @discardableResult
    public func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}
