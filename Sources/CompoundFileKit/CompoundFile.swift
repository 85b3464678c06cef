import CLibGsf
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compound file (OLE2 / CFB: legacy Word, Excel and PowerPoint files, encrypted OOXML) opened read-only
/// through libgsf's MSOLE reader.
///
/// The directory is checked for hostile constructions first (``CompoundFileError``), then listed once at open:
/// every storage and stream with its declared size. Streams are read only on request and only a capped prefix.
/// Not thread-safe: use one instance per thread (they are cheap).
public final class CompoundFile {
    /// Default cap on directory entries (real documents have tens to a few thousand).
    public static let defaultMaxEntries = 8192
    /// Cap on storages nested in storages.
    public static let maxDepth = 32

    private let infile: OpaquePointer
    /// Every storage and stream below the root, depth first in libgsf's (name-sorted) order.
    public let entries: [CompoundFileEntry]
    /// The file's size in bytes.
    public let fileSize: UInt64
    /// Whether `entries` came from the directory read by ``CompoundFileStructure`` rather than from libgsf.
    let listedFromDirectory: Bool

    /// Where `entries` come from: the directory already read for the structure check (libgsf's listing whenever
    /// that could differ), or always libgsf (the old path, kept as the tests' oracle).
    enum Listing: Sendable { case directory, libgsf }

    /// libgsf's one-time set-up (its log messages are dropped: errors are returned instead).
    private static let setUp: Void = overblik_gsf_setup()
    /// libgsf is used by one thread at a time: scans read files on several threads, and concurrent opens
    /// crashed inside libgsf (about one scan in four of 21,000 documents with compound files among them).
    /// Compound files are a small share of an estate, so the lock costs little.
    static let libgsf = NSRecursiveLock()

    /// Opens the compound file at `path`.
    public convenience init(path: String, maxEntries: Int = CompoundFile.defaultMaxEntries) throws(CompoundFileError) {
        try self.init(path: path, maxEntries: maxEntries, listing: .directory)
    }

    convenience init(path: String, maxEntries: Int, listing: Listing) throws(CompoundFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .unreadable(path: path, detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        try self.init(fileDescriptor: fd, path: path, maxEntries: maxEntries, listing: listing)
    }

    /// Opens the compound file on an open descriptor (duplicated: the caller still owns and closes `fileDescriptor`).
    public convenience init(
        fileDescriptor: Int32, path: String, maxEntries: Int = CompoundFile.defaultMaxEntries
    ) throws(CompoundFileError) {
        try self.init(fileDescriptor: fileDescriptor, path: path, maxEntries: maxEntries, listing: .directory)
    }

    convenience init(fileDescriptor: Int32, path: String, maxEntries: Int, listing: Listing) throws(CompoundFileError) {
        var info = stat()
        guard fstat(fileDescriptor, &info) == 0 else {
            throw .unreadable(path: path, detail: String(cString: strerror(errno)))
        }
        let bytes = CompoundFileBytes.descriptor(fileDescriptor, size: UInt64(info.st_size), path: path)
        var structure = try CompoundFileStructure(bytes: bytes, maxEntries: maxEntries, maxDepth: Self.maxDepth)
        _ = try structure.check()
        let listed = listing == .directory ? structure.listing() : nil
        let duplicate = dup(fileDescriptor)
        guard duplicate >= 0, let file = fdopen(duplicate, "rb") else {
            if duplicate >= 0 { close(duplicate) }
            throw .unreadable(path: path, detail: String(cString: strerror(errno)))
        }
        // libgsf owns `file` from here (keep_open = false: it closes the FILE with its input).
        Self.libgsf.lock()
        defer { Self.libgsf.unlock() }
        _ = Self.setUp
        guard let input = gsf_input_stdio_new_FILE(path, file, 0) else {
            fclose(file)
            throw .unreadable(path: path, detail: "libgsf could not read the file")
        }
        try self.init(input: input, fileSize: bytes.size, listed: listed)
    }

    /// Opens a compound file held in memory (libgsf reads its own copy).
    public convenience init(bytes: [UInt8], maxEntries: Int = CompoundFile.defaultMaxEntries) throws(CompoundFileError)
    {
        try self.init(bytes: bytes, maxEntries: maxEntries, listing: .directory)
    }

    convenience init(bytes: [UInt8], maxEntries: Int, listing: Listing) throws(CompoundFileError) {
        var structure = try CompoundFileStructure(
            bytes: .memory(bytes), maxEntries: maxEntries, maxDepth: Self.maxDepth)
        _ = try structure.check()
        let listed = listing == .directory ? structure.listing() : nil
        Self.libgsf.lock()
        defer { Self.libgsf.unlock() }
        _ = Self.setUp
        let input = bytes.withUnsafeBufferPointer { gsf_input_memory_new_clone($0.baseAddress, gsf_off_t($0.count)) }
        guard let input else { throw .corrupt(detail: "libgsf could not copy the bytes") }
        try self.init(input: input, fileSize: UInt64(bytes.count), listed: listed)
    }

    /// Takes ownership of `input` (released here whether or not the open succeeds). libgsf still opens the file
    /// (its errors stand, and streams are read through it); `listed`, when given, replaces listing through it.
    private init(input: OpaquePointer, fileSize: UInt64, listed: [CompoundFileEntry]?) throws(CompoundFileError) {
        Self.libgsf.lock()
        defer { Self.libgsf.unlock() }
        _ = Self.setUp
        defer { overblik_gsf_release(UnsafeMutableRawPointer(input)) }
        var error: UnsafeMutablePointer<GError>?
        guard let infile = gsf_infile_msole_new(input, &error) else {
            let message = String(cString: overblik_gerror_message(error))
            if let error { g_error_free(error) }
            throw .corrupt(detail: message.isEmpty ? "libgsf refused the file" : message)
        }
        self.infile = infile
        self.fileSize = fileSize
        listedFromDirectory = listed != nil
        if let listed {
            entries = listed
        } else {
            var fromLibgsf: [CompoundFileEntry] = []
            Self.list(infile, parent: [], into: &fromLibgsf)
            entries = fromLibgsf
        }
    }

    deinit {
        Self.libgsf.lock()
        overblik_gsf_release(UnsafeMutableRawPointer(infile))
        Self.libgsf.unlock()
    }

    /// Appends the children of `storage` (and theirs) to `entries`. Depth is bounded by the structure check.
    private static func list(_ storage: OpaquePointer, parent: [String], into entries: inout [CompoundFileEntry]) {
        let count = gsf_infile_num_children(storage)
        guard count > 0 else { return }
        for index in 0..<count {
            let name = gsf_infile_name_by_index(storage, index).map { String(cString: $0) } ?? ""
            // A storage's child is created without reading anything; a stream's reads its chain (bounded by libgsf).
            guard let child = gsf_infile_child_by_index(storage, index) else { continue }
            defer { overblik_gsf_release(UnsafeMutableRawPointer(child)) }
            let isStorage = gsf_infile_num_children(child) >= 0
            entries.append(
                CompoundFileEntry(
                    parent: parent, name: name, isStorage: isStorage,
                    size: isStorage ? 0 : UInt64(max(0, gsf_input_size(child)))))
            if isStorage { list(child, parent: parent + [name], into: &entries) }
        }
    }

    /// The entry at `path` (names from the root), or `nil`.
    public func entry(at path: [String]) -> CompoundFileEntry? {
        entries.first { $0.parent == path.dropLast() && $0.name == path.last }
    }

    /// Reads the first `count` bytes of the stream at `path` (fewer if the stream is shorter).
    public func readPrefix(of path: [String], count: Int) throws(CompoundFileError) -> [UInt8] {
        let joined = path.joined(separator: "/")
        Self.libgsf.lock()
        defer { Self.libgsf.unlock() }
        var current: OpaquePointer? = nil
        defer { if let current { overblik_gsf_release(UnsafeMutableRawPointer(current)) } }
        for name in path {
            let parent = current ?? infile
            guard gsf_infile_num_children(parent) >= 0, let child = gsf_infile_child_by_name(parent, name) else {
                throw .noSuchStream(path: joined)
            }
            if let current { overblik_gsf_release(UnsafeMutableRawPointer(current)) }
            current = child
        }
        guard let stream = current, gsf_infile_num_children(stream) < 0 else { throw .noSuchStream(path: joined) }
        let declared = Int(gsf_input_size(stream))
        let wanted = min(max(0, count), declared)
        guard wanted > 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: wanted)
        let read = buffer.withUnsafeMutableBufferPointer { gsf_input_read(stream, wanted, $0.baseAddress) }
        guard read != nil else { throw .corrupt(detail: "stream '\(joined)' ends before its declared size") }
        return buffer
    }
}
