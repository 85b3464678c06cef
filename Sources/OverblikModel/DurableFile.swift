public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files that are either the old one or the whole new one, never half: written under a temporary name beside
/// the destination, flushed to the disk, renamed into place, and the folder flushed. A full disk or a crash
/// leaves no half-written file under the final name (and no temporary one behind).
///
/// A destination that is not a file — `/dev/null`, `/dev/stdout`, a named pipe — is written into as it is:
/// renaming over it would replace the device or pipe with a file (as root, `--output /dev/null` once replaced
/// the system's `/dev/null`).
public enum DurableFile {
    /// A write that failed: the file it was for, the step, and what the system said.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
        public var file: String
        public var step: String
        public var reason: String

        public var description: String { "Cannot write \(file) (\(step)): \(reason)" }
        public var errorDescription: String? { description }
    }

    public static func write(_ data: Data, to url: URL) throws(Failure) {
        if isDeviceOrPipe(url) {
            try writeInPlace(data, to: url)
            return
        }
        let temporary = temporaryURL(beside: url)
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(url, "create") }
        guard writeAll(data, to: descriptor), fsync(descriptor) == 0 else {
            let error = failure(url, "write")
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        guard close(descriptor) == 0 else {
            let error = failure(url, "write")
            unlink(temporary.path)
            throw error
        }
        try commit(temporary, to: url)
    }

    /// Whether `url` names something that exists and is neither a regular file nor a folder (a character or
    /// block device, a named pipe, a socket), after following symbolic links.
    public static func isDeviceOrPipe(_ url: URL) -> Bool {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return type != S_IFREG && type != S_IFDIR
    }

    /// Writes `data` into an existing device or pipe as it is (no temporary, no rename, no flush to disk).
    private static func writeInPlace(_ data: Data, to url: URL) throws(Failure) {
        let descriptor = open(url.path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(url, "open") }
        defer { close(descriptor) }
        guard writeAll(data, to: descriptor) else { throw failure(url, "write") }
    }

    /// Flushes a finished temporary file and renames it to `destination`; on failure the temporary is removed.
    /// A device or pipe as `destination` gets the temporary's bytes written into it instead.
    public static func commit(_ temporary: URL, to destination: URL) throws(Failure) {
        if isDeviceOrPipe(destination) {
            defer { unlink(temporary.path) }
            guard let data = FileManager.default.contents(atPath: temporary.path) else {
                throw failure(destination, "read back")
            }
            try writeInPlace(data, to: destination)
            return
        }
        let descriptor = open(temporary.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let error = failure(destination, "flush")
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary.path)
            throw error
        }
        close(descriptor)
        guard rename(temporary.path, destination.path) == 0 else {
            let error = failure(destination, "rename")
            unlink(temporary.path)
            throw error
        }
        // The rename itself lasts once the folder is flushed.
        let folder = open(destination.deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// Writes all of `data` to `descriptor`, again after interruptions; false on an error (`errno` says which).
    private static func writeAll(_ data: Data, to descriptor: Int32) -> Bool {
        data.withUnsafeBytes { bytes -> Bool in
            var written = 0
            while written < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += count
            }
            return true
        }
    }

    /// A hidden name in the destination's folder (the same file system, so the rename is atomic).
    public static func temporaryURL(beside url: URL) -> URL {
        url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    }

    private static func failure(_ url: URL, _ step: String) -> Failure {
        Failure(file: url.path, step: step, reason: String(cString: strerror(errno)))
    }
}
