/// One storage or stream of a compound file's directory, as libgsf lists it.
public struct CompoundFileEntry: Sendable, Hashable {
    /// Names of the storages above this entry, outermost first (empty for entries of the root storage).
    public var parent: [String]
    /// The entry's name as stored (UTF-16 decoded; may start with a control character such as `\u{5}`).
    public var name: String
    /// True for a storage (a folder of further entries), false for a stream.
    public var isStorage: Bool
    /// Declared size in bytes of a stream (0 for a storage).
    public var size: UInt64

    public init(parent: [String], name: String, isStorage: Bool, size: UInt64) {
        self.parent = parent
        self.name = name
        self.isStorage = isStorage
        self.size = size
    }

    /// The entry's path from the root, names joined by `/` (`Macros/VBA/dir`).
    public var path: String { (parent + [name]).joined(separator: "/") }
}
