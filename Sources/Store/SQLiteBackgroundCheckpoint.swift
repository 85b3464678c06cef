import Foundation
import GRDBSQLite

/// A passive WAL checkpoint on a connection of its own, on a thread of its own, while the store's connection goes
/// on writing: a scan's finish starts one before its finishing transaction.
///
/// A first scan's rows are committed batch by batch into the WAL, and unless the WAL passed SQLite's automatic
/// checkpoint size, all of them are still there when the finish begins. The checkpoint on closing the store then
/// copied them into the database and synced both files after the finish, on the wall clock (20,000 files: ~10 MB,
/// two `fdatasync`s of 16 and 8 ms). Copied and synced here, during the finish's index builds, the closing
/// checkpoint has only the finishing transaction's pages left. A passive checkpoint never waits for a lock or
/// blocks the writer; whatever it does not copy, the closing checkpoint copies as before, so a failure changes
/// nothing but the time.
final class SQLiteBackgroundCheckpoint: Sendable {
    /// Signalled by the thread when the checkpoint is over (and again by each waiter, for the next).
    private let done = DispatchSemaphore(value: 0)

    /// Starts checkpointing the store at `path` (a WAL-mode SQLite file).
    init(path: String) {
        let thread = Thread { [done] in
            Self.checkpoint(path: path)
            done.signal()
        }
        thread.name = "overblik-checkpoint"
        thread.start()
    }

    /// Waits until the checkpoint is over: the store's last connection must be the one to close, so that its own
    /// checkpoint runs and the WAL is removed.
    func wait() async {
        // Waited for on a dispatch thread: a blocked semaphore must not hold one of Swift's few pool threads.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [done] in
                done.wait()
                done.signal()
                continuation.resume()
            }
        }
    }

    private static func checkpoint(path: String) {
        var connection: OpaquePointer?
        defer { sqlite3_close_v2(connection) }
        guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK
        else { return }
        // As the store's connections sync: the WAL before copying, the database after.
        sqlite3_exec(connection, "PRAGMA synchronous = NORMAL", nil, nil, nil)
        sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
    }
}
