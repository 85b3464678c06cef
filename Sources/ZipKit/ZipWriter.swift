public import Foundation
import CLibZip

/// Why a ZIP archive could not be written.
public enum ZipWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// libzip could not create the temporary archive.
    case cannotCreate(path: String, reason: String)
    /// An entry could not be added (bad name, duplicate, out of memory).
    case cannotAdd(entry: String, reason: String)
    /// Writing the archive out failed (disk full, permissions).
    case cannotCommit(path: String, reason: String)
    /// The writer was already committed or discarded.
    case closed

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "\(path): cannot create ZIP archive: \(reason)"
        case .cannotAdd(let entry, let reason): "cannot add ZIP entry '\(entry)': \(reason)"
        case .cannotCommit(let path, let reason): "\(path): cannot write ZIP archive: \(reason)"
        case .closed: "the ZIP writer is already closed"
        }
    }
}

/// Writes a ZIP archive entry by entry, in order, to a temporary file that ``commit()`` renames into place,
/// so no half-written archive ever carries the final name.
///
/// Entries keep the order they were added in (ODF needs `mimetype` first and stored). Timestamps are fixed
/// by the caller (`modified`), so the same entries give the same bytes.
public final class ZipWriter {
    public enum Compression: Sendable {
        case stored
        case deflated
    }

    private var archive: OpaquePointer?
    private let destination: URL
    private let temporary: URL
    private let modified: Date

    /// Starts an archive that will become `destination`; `modified` is every entry's timestamp.
    public init(destination: URL, modified: Date = Date(timeIntervalSince1970: 1_704_067_200)) throws {
        self.destination = destination
        self.modified = modified
        self.temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        var code: Int32 = 0
        guard let handle = zip_open(temporary.path, ZIP_CREATE | ZIP_EXCL, &code) else {
            var error = zip_error_t()
            zip_error_init_with_code(&error, code)
            defer { zip_error_fini(&error) }
            throw ZipWriteError.cannotCreate(
                path: destination.path, reason: String(cString: zip_error_strerror(&error)))
        }
        archive = handle
    }

    deinit {
        if let archive {
            zip_discard(archive)
            try? FileManager.default.removeItem(at: temporary)
        }
    }

    /// Adds one entry; names are archive paths (`META-INF/manifest.xml`), never file-system paths.
    public func add(_ name: String, bytes: [UInt8], compression: Compression = .deflated) throws {
        guard let archive else { throw ZipWriteError.closed }
        // libzip reads the buffer at commit time and frees it then (freep = 1), so hand it a malloc'd copy.
        let buffer = malloc(max(bytes.count, 1))!
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { buffer.copyMemory(from: base, byteCount: raw.count) }
        }
        guard let source = zip_source_buffer(archive, buffer, zip_uint64_t(bytes.count), 1) else {
            free(buffer)
            throw ZipWriteError.cannotAdd(entry: name, reason: String(cString: zip_strerror(archive)))
        }
        let index = zip_file_add(archive, name, source, zip_flags_t(ZIP_FL_ENC_UTF_8))
        guard index >= 0 else {
            zip_source_free(source)
            throw ZipWriteError.cannotAdd(entry: name, reason: String(cString: zip_strerror(archive)))
        }
        let method = compression == .stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE
        guard zip_set_file_compression(archive, zip_uint64_t(index), method, 0) == 0,
            zip_file_set_mtime(archive, zip_uint64_t(index), time_t(modified.timeIntervalSince1970), 0) == 0
        else {
            throw ZipWriteError.cannotAdd(entry: name, reason: String(cString: zip_strerror(archive)))
        }
    }

    public func add(_ name: String, data: Data, compression: Compression = .deflated) throws {
        try add(name, bytes: [UInt8](data), compression: compression)
    }

    /// Writes the archive and renames it to the destination (replacing any file there).
    public func commit() throws {
        guard let handle = archive else { throw ZipWriteError.closed }
        if zip_close(handle) != 0 {
            let reason = String(cString: zip_strerror(handle))
            zip_discard(handle)
            archive = nil
            try? FileManager.default.removeItem(at: temporary)
            throw ZipWriteError.cannotCommit(path: destination.path, reason: reason)
        }
        archive = nil
        // Flushed before the rename: a crash or a full disk never leaves half an archive under the final name.
        let descriptor = open(temporary.path, O_RDONLY)
        let flushed = descriptor >= 0 && fsync(descriptor) == 0
        if descriptor >= 0 { close(descriptor) }
        if !flushed || rename(temporary.path, destination.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ZipWriteError.cannotCommit(path: destination.path, reason: reason)
        }
    }
}
