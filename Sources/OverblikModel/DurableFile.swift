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
/// the system's `/dev/null`). So is a file that is this process's own standard output or error (`--output
/// /dev/stdout` with the shell redirecting into a file): it is written through that stream, which keeps the
/// shell's `>>`. A symbolic link stays a link: its target gets the new content (renaming over `/dev/stdout`, a
/// link, once replaced it with a regular file).
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
        if isWrittenInPlace(url) {
            try writeInPlace(data, to: url)
            return
        }
        let url = resolved(url)
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

    /// Whether `url` is written into as it is rather than replaced: it exists and is neither a regular file nor a
    /// folder (a character or block device, a named pipe, a socket) after following symbolic links, or it is
    /// the very file this process's standard output or error goes to.
    public static func isWrittenInPlace(_ url: URL) -> Bool {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return false }
        let type = info.st_mode & S_IFMT
        return (type != S_IFREG && type != S_IFDIR) || standardStream(sameAs: info) != nil
    }

    /// The standard stream (1 or 2) that `url` is the same file as, if it is one.
    public static func standardStream(_ url: URL) -> Int32? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return standardStream(sameAs: info)
    }

    private static func standardStream(sameAs info: stat) -> Int32? {
        for stream in [STDOUT_FILENO, STDERR_FILENO] {
            var open = stat()
            if fstat(stream, &open) == 0, open.st_dev == info.st_dev, open.st_ino == info.st_ino { return stream }
        }
        return nil
    }

    /// A descriptor to write `url` in place (see ``isWrittenInPlace(_:)``): a copy of the standard stream it is,
    /// else the device or pipe opened for writing; -1 with `errno` on failure.
    public static func openInPlace(_ url: URL) -> Int32 {
        var info = stat()
        if stat(url.path, &info) == 0, let stream = standardStream(sameAs: info) { return dup(stream) }
        return open(url.path, O_WRONLY | O_CLOEXEC)
    }

    /// `url` with a symbolic link as its last component followed, so that the link stays and its target is
    /// what gets replaced.
    public static func resolved(_ url: URL) -> URL {
        var info = stat()
        guard lstat(url.path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return url }
        if let real = realpath(url.path, nil) {
            defer { free(real) }
            return URL(fileURLWithPath: String(cString: real))
        }
        // A link to a file not there yet: the file it names, relative to the link's folder.
        var target = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(url.path, &target, Int(PATH_MAX))
        guard length > 0 else { return url }
        let named = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return URL(fileURLWithPath: named, relativeTo: url.deletingLastPathComponent()).standardizedFileURL
    }

    /// Writes `data` into an existing device, pipe or standard stream as it is (no temporary, no rename, no
    /// flush to disk).
    private static func writeInPlace(_ data: Data, to url: URL) throws(Failure) {
        let descriptor = openInPlace(url)
        guard descriptor >= 0 else { throw failure(url, "open") }
        defer { close(descriptor) }
        guard writeAll(data, to: descriptor) else { throw failure(url, "write") }
    }

    /// Flushes a finished temporary file and renames it to `destination`; on failure the temporary is removed.
    /// A device or pipe as `destination` gets the temporary's bytes written into it instead.
    public static func commit(_ temporary: URL, to destination: URL) throws(Failure) {
        if isWrittenInPlace(destination) {
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
        let destination = resolved(destination)
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
        let url = resolved(url)
        return url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    }

    private static func failure(_ url: URL, _ step: String) -> Failure {
        Failure(file: url.path, step: step, reason: String(cString: strerror(errno)))
    }
}
