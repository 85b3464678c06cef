public import OverblikModel
import FileSystemNames
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something the walker could not read, as a ``Diagnostic``: a warning of kind `unreadable-directory`,
/// `symlink-loop`, `broken-symlink` or `special` about a path.
public typealias WalkIssue = Diagnostic

extension Diagnostic {
    init(kind: Kind, path: String, detail: String) {
        self.init(.warning, kind, file: path, message: detail)
    }
}

/// Size and modification time of a file, as `stat` gives them: what an incremental rescan compares.
public struct FileStatus: Sendable, Hashable {
    public var size: Int64
    /// Seconds since 1970 with the nanoseconds, computed exactly as the reader records them, so an unchanged
    /// file compares equal to what the store holds.
    public var modifiedSeconds: Double

    public init(size: Int64, modifiedSeconds: Double) {
        self.size = size
        self.modifiedSeconds = modifiedSeconds
    }

    init(_ info: stat) {
        size = Int64(info.st_size)
        modifiedSeconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}

/// Receives what one walker thread finds. Each walker thread gets its own visitor (from the factory given to
/// ``TreeWalker/walk(roots:threads:withStatus:visitor:)``), so a visitor needs no locking of its own.
public protocol WalkVisitor: AnyObject {
    /// A regular file given by its whole path (a root that is a file, or through the default
    /// ``file(named:in:status:)``); `status` only when the walk was asked for it (nil when `stat` failed).
    /// Return `false` to stop the whole walk.
    func file(_ path: String, status: FileStatus?) -> Bool
    /// A regular file in the directory being listed, by its name's bytes (valid only during the call) and
    /// the directory's path with a trailing `/`: a visitor that can decide from the name and status alone
    /// (a rescan skipping unchanged files) need not build the path string at all.
    func file(named name: UnsafeBufferPointer<UInt8>, in directory: String, status: FileStatus?) -> Bool
    /// A directory is about to be listed (`directory` ends with `/`); its files follow, then ``leaveDirectory()``.
    func enterDirectory(_ directory: String)
    func leaveDirectory()
    /// Something that could not be entered or was not opened.
    func issue(_ issue: WalkIssue)
    /// This walker thread is done: flush what is buffered.
    func finish()
}

extension WalkVisitor {
    public func file(named name: UnsafeBufferPointer<UInt8>, in directory: String, status: FileStatus?) -> Bool {
        file(directory + FileSystemName.decode(name), status: status)
    }

    public func enterDirectory(_ directory: String) {}
    public func leaveDirectory() {}
}

/// Walks directory trees with POSIX calls, streaming, on one or more threads.
///
/// Directories wait on one shared stack (paths only, last in first out, so it holds the siblings along the
/// current branches, not the tree); each walker thread lists one directory at a time with one open handle,
/// whatever the depth. Listing in parallel pays on a rescan, where a file costs only a `stat`, and on network
/// shares, where each listing waits on the server.
///
/// Symbolic links are not followed unless asked; when they are, every directory's (device, inode) is
/// remembered so a loop or a second path to the same directory is entered only once. FIFOs, sockets and
/// devices are never opened.
public struct TreeWalker: Sendable {
    public var followSymlinks: Bool

    public init(followSymlinks: Bool = false) {
        self.followSymlinks = followSymlinks
    }

    struct DirectoryKey: Hashable {
        var device: UInt64
        var inode: UInt64

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    /// Checks that `root` exists and is a readable file or directory.
    public func validate(root: String) throws(ScanError) {
        var info = stat()
        guard FileSystemName.withSystemPath(root, { stat($0, &info) }) == 0 else {
            throw .unreadableRoot(path: root, reason: String(cString: strerror(errno)))
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            guard let dir = FileSystemName.withSystemPath(root, { opendir($0) }) else {
                throw .unreadableRoot(path: root, reason: String(cString: strerror(errno)))
            }
            closedir(dir)
        } else if type != S_IFREG {
            throw .unreadableRoot(path: root, reason: "not a regular file or directory")
        } else if FileSystemName.withSystemPath(root, { access($0, R_OK) }) != 0 {
            throw .unreadableRoot(path: root, reason: String(cString: strerror(errno)))
        }
    }

    /// Walks every root with `threads` walker threads, each with its own visitor from `makeVisitor`, and
    /// returns when all are done. With `withStatus`, each file comes with its size and modification time,
    /// taken relative to the open directory: the kernel resolves one name, not the whole path again.
    public func walk(
        roots: [String], threads: Int, withStatus: Bool, visitor makeVisitor: @escaping @Sendable () -> any WalkVisitor
    ) {
        let start = begin(roots: roots, withStatus: withStatus)
        let group = DispatchGroup()
        for index in 0..<max(1, threads) {
            group.enter()
            let thread = Thread {
                let visitor = makeVisitor()
                if index == 0 { start.visitRoots(visitor) }
                drain(start.pending, withStatus: withStatus, visitor: visitor)
                visitor.finish()
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
    }

    /// The roots sorted out: directories on the shared stack, files and problems for the first visitor.
    private struct Start: Sendable {
        let pending: PendingDirectories
        let files: [(path: String, status: FileStatus?)]
        let issues: [WalkIssue]

        func visitRoots(_ visitor: any WalkVisitor) {
            for issue in issues { visitor.issue(issue) }
            for file in files where !pending.isStopped {
                if !visitor.file(file.path, status: file.status) { pending.stop() }
            }
        }
    }

    private func begin(roots: [String], withStatus: Bool) -> Start {
        let pending = PendingDirectories()
        var files: [(path: String, status: FileStatus?)] = []
        var issues: [WalkIssue] = []
        for root in roots {
            var info = stat()
            // The root itself is followed even without --follow-symlinks: the user named it.
            guard FileSystemName.withSystemPath(root, { stat($0, &info) }) == 0 else {
                issues.append(
                    WalkIssue(kind: .unreadableDirectory, path: root, detail: String(cString: strerror(errno))))
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                files.append((root, withStatus ? FileStatus(info) : nil))
            case S_IFDIR:
                let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
                if pending.firstVisit(DirectoryKey(info)) { pending.seed(base) }
            default:
                issues.append(WalkIssue(kind: .special, path: root, detail: "not a regular file or directory"))
            }
        }
        return Start(pending: pending, files: files, issues: issues)
    }

    /// Lists directories from the shared stack until the walk is over.
    private func drain(_ pending: PendingDirectories, withStatus: Bool, visitor: any WalkVisitor) {
        while let directory = pending.next() {
            pending.done(adding: list(directory, withStatus: withStatus, pending: pending, visitor: visitor))
        }
    }

    /// Lists one directory: files go to the visitor, subdirectories are returned for the shared stack.
    private func list(
        _ directory: String, withStatus: Bool, pending: PendingDirectories, visitor: any WalkVisitor
    ) -> [String] {
        guard let handle = FileSystemName.withSystemPath(directory, { opendir($0) }) else {
            visitor.issue(
                WalkIssue(kind: .unreadableDirectory, path: directory, detail: String(cString: strerror(errno))))
            return []
        }
        defer { closedir(handle) }
        let descriptor = dirfd(handle)
        let prefix = directory == "/" ? "/" : directory + "/"
        visitor.enterDirectory(prefix)
        defer { visitor.leaveDirectory() }
        var subdirectories: [String] = []
        while true {
            if pending.isStopped { return [] }
            errno = 0
            guard let entry = readdir(handle) else {
                if errno != 0 {
                    visitor.issue(
                        WalkIssue(kind: .unreadableDirectory, path: directory, detail: String(cString: strerror(errno)))
                    )
                }
                break
            }
            // The name stays as bytes inside the directory entry: most files need no string of their own.
            let keepGoing = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> Bool in
                let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let name = UnsafeBufferPointer(
                    start: base, count: strlen(raw.baseAddress!.assumingMemoryBound(to: CChar.self)))
                if name.count <= 2 && name.allSatisfy({ $0 == UInt8(ascii: ".") }) { return true }
                let cName = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var type = Int32(entry.pointee.d_type)
                var isLink = false
                if type == Int32(DT_UNKNOWN) {
                    var info = stat()
                    guard fstatat(descriptor, cName, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return true }
                    type = Self.direntType(info.st_mode)
                }
                if type == Int32(DT_LNK) {
                    guard followSymlinks else { return true }
                    isLink = true
                    var target = stat()
                    guard fstatat(descriptor, cName, &target, 0) == 0 else {
                        visitor.issue(
                            WalkIssue(
                                kind: .brokenSymlink, path: prefix + FileSystemName.decode(name),
                                detail: String(cString: strerror(errno))))
                        return true
                    }
                    type = Self.direntType(target.st_mode)
                }
                switch type {
                case Int32(DT_REG):
                    var status: FileStatus?
                    if withStatus {
                        var info = stat()
                        if fstatat(descriptor, cName, &info, isLink ? 0 : AT_SYMLINK_NOFOLLOW) == 0,
                            (info.st_mode & S_IFMT) == S_IFREG
                        {
                            status = FileStatus(info)
                        }
                    }
                    if !visitor.file(named: name, in: prefix, status: status) {
                        pending.stop()
                        return false
                    }
                case Int32(DT_DIR):
                    let path = prefix + FileSystemName.decode(name)
                    if followSymlinks {
                        var info = stat()
                        guard fstatat(descriptor, cName, &info, 0) == 0 else {
                            visitor.issue(
                                WalkIssue(
                                    kind: .unreadableDirectory, path: path, detail: String(cString: strerror(errno))))
                            return true
                        }
                        guard pending.firstVisit(DirectoryKey(info)) else {
                            if isLink {
                                visitor.issue(
                                    WalkIssue(kind: .symlinkLoop, path: path, detail: "directory already visited"))
                            }
                            return true
                        }
                    }
                    subdirectories.append(path)
                default:
                    visitor.issue(
                        WalkIssue(
                            kind: .special, path: prefix + FileSystemName.decode(name),
                            detail: "FIFO, socket or device: not opened"))
                }
                return true
            }
            if !keepGoing { return [] }
        }
        // Reversed, so the stack hands them out in listing order.
        return subdirectories.reversed()
    }

    private static func direntType(_ mode: mode_t) -> Int32 {
        switch mode & S_IFMT {
        case S_IFREG: return Int32(DT_REG)
        case S_IFDIR: return Int32(DT_DIR)
        case S_IFLNK: return Int32(DT_LNK)
        default: return Int32(DT_UNKNOWN)
        }
    }
}

/// The directories waiting to be listed, shared by the walker threads. The walk is over when the stack is
/// empty and no thread is still listing (a listing may add more), or when someone stopped it.
private final class PendingDirectories: @unchecked Sendable {
    // Unchecked: `stack`, `listing` and `visited` are only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var stack: [String] = []
    private var listing = 0
    /// Read once per directory entry by every walker: an atomic, not the lock.
    private let stopped = Atomic<Bool>(false)
    private var visited: Set<TreeWalker.DirectoryKey> = []

    func seed(_ directory: String) {
        condition.lock()
        stack.append(directory)
        condition.unlock()
    }

    /// The next directory to list, or nil when the walk is over.
    func next() -> String? {
        condition.lock()
        defer { condition.unlock() }
        while stack.isEmpty && listing > 0 && !isStopped { condition.wait() }
        guard !isStopped, let directory = stack.popLast() else {
            condition.broadcast()
            return nil
        }
        listing += 1
        return directory
    }

    /// The directory taken by ``next()`` is listed; its subdirectories join the stack.
    func done(adding subdirectories: [String]) {
        condition.lock()
        stack.append(contentsOf: subdirectories)
        listing -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// True the first time a directory is seen (symbolic links followed: loops and second paths are skipped).
    func firstVisit(_ key: TreeWalker.DirectoryKey) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return visited.insert(key).inserted
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func stop() {
        condition.lock()
        stopped.store(true, ordering: .relaxed)
        condition.broadcast()
        condition.unlock()
    }
}
