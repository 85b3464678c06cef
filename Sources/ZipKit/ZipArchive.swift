public import Foundation
import CLibZip
import FileSystemNames

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZIP archive opened read-only through libzip, from a file or from bytes in memory.
///
/// The central directory is read once at open; entries are listed in directory order, duplicate names are
/// reported (libzip would silently pick one), and every read is capped so a zip bomb cannot exhaust memory.
/// A plain archive held in memory is indexed straight from its bytes (``CentralDirectory``) and its entries are
/// inflated from them; libzip, the authority, opens anything else, and opens the same bytes when a direct read
/// fails, so errors and fallbacks are libzip's as before.
/// Not thread-safe: use one instance per thread (they are cheap).
public final class ZipArchive {
    /// Default cap on the bytes inflated from one entry (64 MiB).
    public static let defaultReadLimit = 64 << 20

    /// libzip's archive: opened at once unless `directory` indexed the bytes, else on the first read that needs it.
    private var libzipHandle: OpaquePointer?
    /// The index of an archive in memory that libzip need not open (see ``CentralDirectory``).
    private let directory: CentralDirectory?
    /// The archive's bytes when held in memory (libzip opens them lazily when `directory` is set).
    private let memory: UnsafeRawBufferPointer?
    /// The bytes in `memory` were adopted: freed with the archive.
    private let freesMemory: Bool
    /// What holds the bytes of an archive opened with ``init(borrowing:keepingAlive:)``, kept alive with it.
    private let bytesOwner: AnyObject?
    /// Number of entries in the central directory.
    public let entryCount: Int
    /// Names that occur more than once, in order of first repetition. Non-empty means the archive is ambiguous.
    public let duplicateNames: [String]
    /// True when the input does not begin with a ZIP signature (junk or a self-extractor stub before the archive).
    public let hasLeadingJunk: Bool

    /// Opens the archive at `path`.
    public convenience init(path: String) throws(ZipError) {
        let leading: [UInt8]
        do {
            leading = try Self.readHead(path: path, count: 4)
        } catch {
            throw error
        }
        if leading.isEmpty { throw .empty }
        var errorCode: Int32 = 0
        guard let handle = FileSystemName.withSystemPath(path, { zip_open($0, ZIP_RDONLY, &errorCode) }) else {
            try self.init(
                bytes: Self.bytesAfterJunk(failedOpen: errorCode, leading: leading, path: path), junkStripped: true)
            return
        }
        self.init(handle: handle, leading: leading)
    }

    /// After libzip refused a file: junk prepended to an archive shifts every offset, so the archive's real start
    /// is located from its end record and that slice is returned to be opened from memory. Otherwise the open's
    /// own error.
    private static func bytesAfterJunk(
        failedOpen code: Int32, leading: [UInt8], path: String
    ) throws(ZipError)
        -> [UInt8]
    {
        if code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS, leading != [0x50, 0x4B, 0x03, 0x04],
            let slice = archiveAfterJunk(path: path)
        {
            return slice
        }
        throw openError(code: code, leading: leading, path: path)
    }

    /// Largest file read into memory to skip leading junk (self-extractors, damaged transfers).
    static let junkRecoveryLimit = 64 << 20

    /// When the end-of-central-directory record shows that the archive begins after some leading bytes,
    /// returns the bytes from that start. Only the 22-byte end record (plus up to 64 KiB of comment) is examined.
    static func archiveAfterJunk(path: String) -> [UInt8]? {
        let fd = FileSystemName.withSystemPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        let size = Int(info.st_size)
        guard size >= 22, size <= junkRecoveryLimit else { return nil }
        let tailLength = min(size, 22 + 65_535)
        var tail = [UInt8](repeating: 0, count: tailLength)
        let got = tail.withUnsafeMutableBytes { pread(fd, $0.baseAddress, tailLength, off_t(size - tailLength)) }
        guard got == tailLength else { return nil }
        func u32(_ at: Int) -> Int {
            Int(tail[at]) | Int(tail[at + 1]) << 8 | Int(tail[at + 2]) << 16 | Int(tail[at + 3]) << 24
        }
        var position = tailLength - 22
        while position >= 0 {
            if tail[position] == 0x50 && tail[position + 1] == 0x4B && tail[position + 2] == 0x05
                && tail[position + 3] == 0x06
            {
                let directorySize = u32(position + 12)
                let directoryOffset = u32(position + 16)
                let recordOffset = size - tailLength + position
                let junk = recordOffset - directorySize - directoryOffset
                guard junk > 0, junk < size else { return nil }
                var bytes = [UInt8](repeating: 0, count: size - junk)
                let read = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size - junk, off_t(junk)) }
                return read == size - junk ? bytes : nil
            }
            position -= 1
        }
        return nil
    }

    /// Opens the archive on an already open file descriptor (saves a second path lookup and open when the
    /// caller has opened the file to sniff it). The descriptor is duplicated: the caller still owns and closes
    /// `fileDescriptor` (whose file offset libzip moves: read it with `pread`). `path` is used for messages and
    /// the junk-recovery fallback.
    public convenience init(fileDescriptor: Int32, path: String) throws(ZipError) {
        var leading = [UInt8](repeating: 0, count: 4)
        let got = leading.withUnsafeMutableBytes { pread(fileDescriptor, $0.baseAddress, 4, 0) }
        if got < 0 { throw .unreadable(path: path, detail: String(cString: strerror(errno))) }
        leading.removeSubrange(got...)
        if leading.isEmpty { throw .empty }
        let duplicate = dup(fileDescriptor)
        if duplicate < 0 { throw .unreadable(path: path, detail: String(cString: strerror(errno))) }
        var errorCode: Int32 = 0
        // On success libzip owns `duplicate` and closes it with the archive.
        guard let handle = zip_fdopen(duplicate, 0, &errorCode) else {
            close(duplicate)
            try self.init(
                bytes: Self.bytesAfterJunk(failedOpen: errorCode, leading: leading, path: path), junkStripped: true)
            return
        }
        self.init(handle: handle, leading: leading)
    }

    /// Opens an archive held in memory (the bytes are copied; libzip owns the copy).
    public convenience init(bytes: [UInt8]) throws(ZipError) {
        try self.init(bytes: bytes, junkStripped: false)
    }

    private convenience init(bytes: [UInt8], junkStripped: Bool) throws(ZipError) {
        if bytes.isEmpty { throw .empty }
        guard let copy = malloc(bytes.count) else { throw .inconsistent(detail: "out of memory") }
        bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        try self.init(
            adopting: UnsafeMutableRawBufferPointer(start: copy, count: bytes.count), junkStripped: junkStripped)
    }

    /// Opens an archive held in memory that was allocated with `malloc`, without copying it: the archive owns
    /// `buffer` from here on (libzip frees it with the archive; it is freed here when the open fails).
    public convenience init(adopting buffer: UnsafeMutableRawBufferPointer) throws(ZipError) {
        try self.init(adopting: buffer, junkStripped: false)
    }

    /// `indexing`: false only in tests, which compare the index with libzip's open of the same bytes.
    convenience init(
        adopting buffer: UnsafeMutableRawBufferPointer, junkStripped: Bool, indexing: Bool = true
    )
        throws(ZipError)
    {
        guard buffer.baseAddress != nil, !buffer.isEmpty else {
            free(buffer.baseAddress)
            throw .empty
        }
        try self.init(
            memory: UnsafeRawBufferPointer(buffer), frees: true, junkStripped: junkStripped, indexing: indexing)
    }

    /// Opens an archive held in memory that `owner` keeps (for example a buffer a thread reads every file
    /// into), without copying it: the archive holds `owner` until it is discarded, so the owner can tell when
    /// its bytes are free again (`isKnownUniquelyReferenced`). The bytes must not change meanwhile.
    public convenience init(borrowing buffer: UnsafeRawBufferPointer, keepingAlive owner: AnyObject) throws(ZipError) {
        try self.init(borrowing: buffer, keepingAlive: owner, indexing: true)
    }

    /// `indexing`: false only in tests, which compare the index with libzip's open of the same bytes.
    convenience init(
        borrowing buffer: UnsafeRawBufferPointer, keepingAlive owner: AnyObject, indexing: Bool
    )
        throws(ZipError)
    {
        guard buffer.baseAddress != nil, !buffer.isEmpty else { throw .empty }
        try self.init(memory: buffer, frees: false, junkStripped: false, indexing: indexing, bytesOwner: owner)
    }

    /// An archive over bytes in memory: indexed directly when plain, else opened by libzip (whose error is
    /// thrown as before). With `frees` the bytes are the archive's, freed with it (or here, when the open fails).
    private convenience init(
        memory: UnsafeRawBufferPointer, frees: Bool, junkStripped: Bool, indexing: Bool, bytesOwner: AnyObject? = nil
    ) throws(ZipError) {
        // An archive found after junk keeps libzip, which reports it as before.
        if indexing, !junkStripped, let directory = CentralDirectory(memory) {
            self.init(directory: directory, memory: memory, frees: frees, bytesOwner: bytesOwner)
            return
        }
        let leading = Array(memory.prefix(4))
        let handle: OpaquePointer
        do {
            handle = try Self.openInMemory(memory, leading: leading)
        } catch {
            if frees { free(UnsafeMutableRawPointer(mutating: memory.baseAddress)) }
            throw error
        }
        self.init(
            handle: handle, leading: leading, junkStripped: junkStripped, memory: memory, frees: frees,
            bytesOwner: bytesOwner)
    }

    /// libzip's archive over bytes in memory, which stay the caller's (freep = 0).
    private static func openInMemory(
        _ memory: UnsafeRawBufferPointer, leading: [UInt8]
    ) throws(ZipError)
        -> OpaquePointer
    {
        var error = zip_error_t()
        zip_error_init(&error)
        defer { zip_error_fini(&error) }
        guard let source = zip_source_buffer_create(memory.baseAddress, zip_uint64_t(memory.count), 0, &error) else {
            throw .inconsistent(detail: String(cString: zip_error_strerror(&error)))
        }
        guard let handle = zip_open_from_source(source, ZIP_RDONLY, &error) else {
            let code = zip_error_code_zip(&error)
            zip_source_free(source)
            throw openError(code: code, leading: leading, path: nil)
        }
        return handle
    }

    /// libzip's archive, opened now on the same bytes when the archive was indexed directly (a direct read
    /// failed, or needs libzip's stream). libzip accepts every archive the index accepts.
    private func openedHandle() throws(ZipError) -> OpaquePointer {
        if let libzipHandle { return libzipHandle }
        guard let memory else { preconditionFailure("an archive without bytes in memory is opened by libzip") }
        let opened = try Self.openInMemory(memory, leading: Array(memory.prefix(4)))
        libzipHandle = opened
        return opened
    }

    /// Opens an archive held in memory.
    public convenience init(data: Data) throws(ZipError) {
        try self.init(bytes: [UInt8](data))
    }

    private init(
        handle: OpaquePointer, leading: [UInt8], junkStripped: Bool = false, memory: UnsafeRawBufferPointer? = nil,
        frees: Bool = false, bytesOwner: AnyObject? = nil
    ) {
        libzipHandle = handle
        directory = nil
        self.memory = memory
        freesMemory = frees
        self.bytesOwner = bytesOwner
        entryCount = max(0, Int(zip_get_num_entries(handle, 0)))
        // libzip keeps a hash of the names it read (the first entry wins a name); an entry whose name leads
        // to another index repeats an earlier name. Checked in C, so no Swift string is made per entry.
        var duplicates: [String] = []
        for index in 0..<entryCount {
            guard let name = zip_get_name(handle, zip_uint64_t(index), 0) else { continue }
            let first = zip_name_locate(handle, name, 0)
            guard first >= 0, Int(first) != index else { continue }
            let repeated = String(cString: name)
            if !duplicates.contains(repeated) { duplicates.append(repeated) }
        }
        duplicateNames = duplicates
        // "PK\u{3}\u{4}" (local header) or "PK\u{5}\u{6}" (end record of an empty archive).
        self.hasLeadingJunk =
            junkStripped || (leading != [0x50, 0x4B, 0x03, 0x04] && leading != [0x50, 0x4B, 0x05, 0x06])
    }

    private init(directory: CentralDirectory, memory: UnsafeRawBufferPointer, frees: Bool, bytesOwner: AnyObject?) {
        libzipHandle = nil
        self.directory = directory
        self.memory = memory
        freesMemory = frees
        self.bytesOwner = bytesOwner
        entryCount = directory.records.count
        duplicateNames = directory.duplicateNames
        // The index accepts only archives that begin with a local header.
        hasLeadingJunk = false
    }

    /// True when the archive was indexed from its bytes rather than opened by libzip (tests count them).
    var isIndexedDirectly: Bool { directory != nil }

    deinit {
        if let libzipHandle { zip_discard(libzipHandle) }
        // libzip's buffer source does not own the bytes (freep = 0): freed after it is gone.
        if freesMemory { free(UnsafeMutableRawPointer(mutating: memory?.baseAddress)) }
    }

    /// Entries in central-directory order.
    public var entries: [ZipEntry] { (0..<entryCount).compactMap(entry(at:)) }

    /// The first entry in the central directory (ODF requires it to be `mimetype`, stored).
    public var firstEntry: ZipEntry? { entry(at: 0) }

    /// The entry at `index` in the central directory, as declared there.
    public func entry(at index: Int) -> ZipEntry? { entry(at: index, knownName: nil) }

    /// `knownName`: the name the entry was located by, which is its name exactly (libzip's look-up compares the
    /// same decoded names `zip_stat` reports), so it need not be copied out of libzip again.
    private func entry(at index: Int, knownName: String?) -> ZipEntry? {
        guard index >= 0, index < entryCount else { return nil }
        if let directory { return directory.entry(at: index, knownName: knownName) }
        guard let handle = libzipHandle else { return nil }
        var stat = zip_stat_t()
        zip_stat_init(&stat)
        guard zip_stat_index(handle, zip_uint64_t(index), 0, &stat) == 0 else { return nil }
        return ZipEntry(
            index: index, name: knownName ?? stat.name.map { String(cString: $0) } ?? "",
            compressedSize: stat.comp_size,
            uncompressedSize: stat.size, compression: ZipCompression(method: stat.comp_method), crc32: stat.crc,
            isEncrypted: stat.encryption_method != UInt16(ZIP_EM_NONE))
    }

    /// Calls `body` with each entry name's raw bytes, in central-directory order, without making a Swift string
    /// (callers test a few prefixes per name). The bytes are valid only during the call.
    public func forEachEntryName(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if let directory {
            for record in directory.records { body(directory.name(of: record).assumingMemoryBound(to: UInt8.self)) }
            return
        }
        guard let handle = libzipHandle else { return }
        for index in 0..<entryCount {
            guard let name = zip_get_name(handle, zip_uint64_t(index), zip_flags_t(ZIP_FL_ENC_RAW)) else { continue }
            name.withMemoryRebound(to: UInt8.self, capacity: 1) { bytes in
                body(UnsafeBufferPointer(start: bytes, count: strlen(name)))
            }
        }
    }

    /// The first entry named exactly `name`, or `nil`. With duplicates, see ``duplicateNames``.
    public func entry(named name: String) -> ZipEntry? {
        if let directory { return directory.index(of: name).map { directory.entry(at: $0, knownName: name) } }
        guard let handle = libzipHandle else { return nil }
        let index = zip_name_locate(handle, name, 0)
        return index < 0 ? nil : entry(at: Int(index), knownName: name)
    }

    /// Reads and inflates `entry`, checking its CRC-32. Throws `.entryTooLarge` as soon as more than `limit`
    /// bytes would be produced, whatever the archive declares.
    public func read(_ entry: ZipEntry, limit: Int = ZipArchive.defaultReadLimit) throws(ZipError) -> [UInt8] {
        if entry.isEncrypted { throw .encrypted(entry: entry.name) }
        if entry.uncompressedSize > UInt64(limit) { throw .entryTooLarge(entry: entry.name, limit: limit) }
        if let bytes = readDirectly(entry) { return bytes }
        let handle = try openedHandle()
        if let bytes = EntryInflater.current?.read(from: handle, entry) { return bytes }
        guard let file = zip_fopen_index(handle, zip_uint64_t(entry.index), 0) else {
            throw mapError(zip_get_error(handle), entry: entry)
        }
        defer { zip_fclose(file) }
        // Declared size is only a hint. libzip inflates straight into an output of the declared size plus one
        // byte (no zero-filled chunk, no second copy); filling that extra byte means the entry is longer than
        // it says, and the rest is read in chunks, still capped at `limit`.
        let expected = Int(min(entry.uncompressedSize, UInt64(limit))) + 1
        var failure: ZipError?
        var output = [UInt8](unsafeUninitializedCapacity: expected) { buffer, initialized in
            while initialized < buffer.count {
                let readCount = zip_fread(
                    file, buffer.baseAddress! + initialized, zip_uint64_t(buffer.count - initialized))
                if readCount < 0 { failure = mapError(zip_file_get_error(file), entry: entry) }
                if readCount <= 0 { return }
                initialized += Int(readCount)
            }
        }
        if let failure { throw failure }
        guard output.count == expected else { return output }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if output.count > limit { throw .entryTooLarge(entry: entry.name, limit: limit) }
            let wanted = min(chunk.count, limit + 1 - output.count)
            let readCount = chunk.withUnsafeMutableBytes { buffer in
                zip_fread(file, buffer.baseAddress, zip_uint64_t(wanted))
            }
            if readCount < 0 { throw mapError(zip_file_get_error(file), entry: entry) }
            if readCount == 0 { return output }
            output.append(contentsOf: chunk[0..<Int(readCount)])
        }
    }

    /// Reads only the first `count` inflated bytes of `entry` (or fewer, if it is shorter). The CRC cannot be
    /// checked on a partial read; use this to look at the root element of a large part.
    public func readPrefix(_ entry: ZipEntry, count: Int) throws(ZipError) -> [UInt8] {
        if entry.isEncrypted { throw .encrypted(entry: entry.name) }
        // An entry no longer than the prefix, exactly as declared and with its CRC: read whole in one call
        // (the bytes libzip's stream would give; no zlib stream, 32 KB window or zero-filled output).
        let fitsInPrefix = entry.uncompressedSize <= UInt64(max(count, 0))
        if fitsInPrefix, let whole = readDirectly(entry) { return whole }
        let handle = try openedHandle()
        if fitsInPrefix, let whole = EntryInflater.current?.read(from: handle, entry) { return whole }
        guard let file = zip_fopen_index(handle, zip_uint64_t(entry.index), 0) else {
            throw mapError(zip_get_error(handle), entry: entry)
        }
        defer { zip_fclose(file) }
        let wanted = max(count, 0)
        var failure: ZipError?
        let output = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, filled in
            while filled < wanted {
                let readCount = zip_fread(file, buffer.baseAddress! + filled, zip_uint64_t(wanted - filled))
                if readCount < 0 { failure = mapError(zip_file_get_error(file), entry: entry) }
                if readCount <= 0 { return }
                filled += Int(readCount)
            }
        }
        if let failure { throw failure }
        return output
    }

    /// An indexed archive's entry inflated from the bytes in memory, when complete and exactly as declared (else
    /// `nil`, and libzip reads it as before).
    private func readDirectly(_ entry: ZipEntry) -> [UInt8]? {
        guard let directory, let compressed = directory.compressedData(entry) else { return nil }
        return EntryInflater.current?.read(compressed: compressed, entry)
    }

    /// Reads the first entry named `name`; throws `.noSuchEntry` when there is none.
    public func read(named name: String, limit: Int = ZipArchive.defaultReadLimit) throws(ZipError) -> [UInt8] {
        guard let entry = entry(named: name) else { throw .noSuchEntry(name: name) }
        return try read(entry, limit: limit)
    }

    private func mapError(_ error: UnsafeMutablePointer<zip_error_t>?, entry: ZipEntry) -> ZipError {
        guard let error else { return .corruptEntry(entry: entry.name, detail: "unknown libzip error") }
        let code = zip_error_code_zip(error)
        let message = String(cString: zip_error_strerror(error))
        switch code {
        case ZIP_ER_CRC: return .badCRC(entry: entry.name)
        case ZIP_ER_ENCRNOTSUPP, ZIP_ER_NOPASSWD, ZIP_ER_WRONGPASSWD: return .encrypted(entry: entry.name)
        case ZIP_ER_COMPNOTSUPP: return .unsupportedCompression(entry: entry.name, method: entry.compression.method)
        default: return .corruptEntry(entry: entry.name, detail: message)
        }
    }

    private static func openError(code: Int32, leading: [UInt8], path: String?) -> ZipError {
        let message = zipErrorMessage(code)
        let startsLikeZip = leading.count >= 2 && leading[0] == 0x50 && leading[1] == 0x4B
        switch code {
        case ZIP_ER_NOZIP:
            // A local header at the start but no end record: the file was cut off.
            return startsLikeZip ? .truncated(detail: "no end of central directory") : .notAZip(detail: message)
        case ZIP_ER_INCONS, ZIP_ER_MULTIDISK:
            // The end record was found, so the file is whole but its directory contradicts itself (or a name
            // flagged as UTF-8 is not): not the same as cut short.
            return .inconsistent(detail: message)
        case ZIP_ER_EOF:
            return .truncated(detail: message)
        case ZIP_ER_OPEN, ZIP_ER_READ, ZIP_ER_SEEK, ZIP_ER_NOENT:
            return .unreadable(path: path.map { FileSystemName.displayed($0) } ?? "<memory>", detail: message)
        default:
            return .inconsistent(detail: message)
        }
    }

    private static func zipErrorMessage(_ code: Int32) -> String {
        var error = zip_error_t()
        zip_error_init_with_code(&error, code)
        defer { zip_error_fini(&error) }
        return String(cString: zip_error_strerror(&error))
    }

    /// Reads up to `count` bytes from the start of a file with POSIX calls (no Foundation buffering).
    static func readHead(path: String, count: Int) throws(ZipError) -> [UInt8] {
        let fd = FileSystemName.withSystemPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
        if fd < 0 { throw .unreadable(path: path, detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
        if got < 0 { throw .unreadable(path: path, detail: String(cString: strerror(errno))) }
        return Array(buffer.prefix(got))
    }
}
