import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something the walker could not enter or chose not to open; reported, never fatal.
public struct WalkIssue: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A directory that could not be opened or read (permissions, I/O error).
        case unreadableDirectory = "unreadable-directory"
        /// A symbolic link that points back into a directory already visited.
        case symlinkLoop = "symlink-loop"
        /// A dangling symbolic link.
        case brokenSymlink = "broken-symlink"
        /// A FIFO, socket or device: never opened.
        case special
    }

    public var kind: Kind
    public var path: String
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }
}

/// Walks directory trees depth-first with POSIX calls, streaming: memory grows with the depth of the tree
/// (one open directory per level), not with the number of files.
///
/// Symbolic links are not followed unless asked; when they are, every directory's (device, inode) is
/// remembered so a loop or a second path to the same directory is entered only once. FIFOs, sockets and
/// devices are never opened.
public struct TreeWalker: Sendable {
    public var followSymlinks: Bool

    public init(followSymlinks: Bool = false) {
        self.followSymlinks = followSymlinks
    }

    private struct DirectoryKey: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// Checks that `root` exists and is a readable file or directory.
    public func validate(root: String) throws(ScanError) {
        var info = stat()
        guard stat(root, &info) == 0 else {
            throw .unreadableRoot(path: root, reason: String(cString: strerror(errno)))
        }
        let type = info.st_mode & S_IFMT
        if type == S_IFDIR {
            guard let dir = opendir(root) else {
                throw .unreadableRoot(path: root, reason: String(cString: strerror(errno)))
            }
            closedir(dir)
        } else if type != S_IFREG {
            throw .unreadableRoot(path: root, reason: "not a regular file or directory")
        } else if access(root, R_OK) != 0 {
            throw .unreadableRoot(path: root, reason: String(cString: strerror(errno)))
        }
    }

    /// Calls `file` for every regular file under `root` (or `root` itself when it is a file) and `issue` for
    /// what could not be entered. Return `false` from `file` to stop the walk.
    public func walk(root: String, file: (String) -> Bool, issue: (WalkIssue) -> Void) {
        var info = stat()
        // The root itself is followed even without --follow-symlinks: the user named it.
        guard stat(root, &info) == 0 else {
            issue(WalkIssue(kind: .unreadableDirectory, path: root, detail: String(cString: strerror(errno))))
            return
        }
        if (info.st_mode & S_IFMT) == S_IFREG {
            _ = file(root)
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            issue(WalkIssue(kind: .special, path: root, detail: "not a regular file or directory"))
            return
        }
        var visited = Set<DirectoryKey>()
        visited.insert(DirectoryKey(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        let base = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        guard let rootHandle = opendir(base) else {
            issue(WalkIssue(kind: .unreadableDirectory, path: base, detail: String(cString: strerror(errno))))
            return
        }
        var stack: [(handle: OpaquePointer, path: String)] = [(rootHandle, base)]
        defer { for frame in stack { closedir(frame.handle) } }
        while let top = stack.last {
            errno = 0
            guard let entry = readdir(top.handle) else {
                if errno != 0 {
                    issue(
                        WalkIssue(kind: .unreadableDirectory, path: top.path, detail: String(cString: strerror(errno))))
                }
                closedir(top.handle)
                stack.removeLast()
                continue
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            let path = top.path == "/" ? "/" + name : top.path + "/" + name
            var type = Int32(entry.pointee.d_type)
            var isLink = false
            if type == Int32(DT_UNKNOWN) {
                var linfo = stat()
                guard lstat(path, &linfo) == 0 else { continue }
                type = Self.direntType(linfo.st_mode)
            }
            if type == Int32(DT_LNK) {
                guard followSymlinks else { continue }
                isLink = true
                var target = stat()
                guard stat(path, &target) == 0 else {
                    issue(WalkIssue(kind: .brokenSymlink, path: path, detail: String(cString: strerror(errno))))
                    continue
                }
                type = Self.direntType(target.st_mode)
            }
            switch type {
            case Int32(DT_REG):
                if !file(path) { return }
            case Int32(DT_DIR):
                var dirInfo = stat()
                guard stat(path, &dirInfo) == 0 else {
                    issue(WalkIssue(kind: .unreadableDirectory, path: path, detail: String(cString: strerror(errno))))
                    continue
                }
                let key = DirectoryKey(device: UInt64(dirInfo.st_dev), inode: UInt64(dirInfo.st_ino))
                if followSymlinks {
                    guard visited.insert(key).inserted else {
                        if isLink {
                            issue(WalkIssue(kind: .symlinkLoop, path: path, detail: "directory already visited"))
                        }
                        continue
                    }
                }
                guard let handle = opendir(path) else {
                    issue(WalkIssue(kind: .unreadableDirectory, path: path, detail: String(cString: strerror(errno))))
                    continue
                }
                stack.append((handle, path))
            default:
                issue(WalkIssue(kind: .special, path: path, detail: "FIFO, socket or device: not opened"))
            }
        }
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
