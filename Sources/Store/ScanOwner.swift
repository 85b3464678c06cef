import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which process holds an unfinished scan (``SQLiteScanSession``'s progress row), so that the next scan of the
/// same root takes the work over only when that process is gone: killed, crashed, or the machine rebooted.
///
/// Written as `machine boot pid start`: the machine's key (a keyed hash of its host name, so no name is
/// stored), the boot id (a reboot ends every process), the process id and its start time (a process id can be
/// reused by another program later).
package struct ScanOwner: Equatable {
    var machine: String
    var boot: String
    var pid: Int32
    var start: String

    package var text: String { [machine, boot, String(pid), start].joined(separator: " ") }

    init(machine: String, boot: String, pid: Int32, start: String) {
        self.machine = machine
        self.boot = boot
        self.pid = pid
        self.start = start
    }

    init?(text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let pid = Int32(parts[2]) else { return nil }
        self.init(machine: parts[0], boot: parts[1], pid: pid, start: parts[3])
    }

    /// This process.
    package static func current(pseudonymiser: Pseudonymiser) -> ScanOwner {
        let pid = getpid()
        return ScanOwner(
            machine: pseudonymiser.pathKey("machine:" + ProcessInfo.processInfo.hostName), boot: bootID,
            pid: pid, start: startTime(of: pid) ?? "-")
    }

    /// True when the owner certainly no longer runs: on this machine, and either booted since or its process
    /// is gone (or is another program under the same id). A scan held by another machine is never taken over.
    func isGone(comparedWith me: ScanOwner) -> Bool {
        guard machine == me.machine else { return false }
        if boot != me.boot { return true }
        if pid == me.pid { return start != me.start }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        guard let running = Self.startTime(of: pid) else { return false }
        return running != start
    }

    /// ``isGone(comparedWith:)`` for an owner as stored; an owner that is absent or unreadable is not gone (its work
    /// is never taken over).
    package static func isGone(_ text: String?, comparedWith me: ScanOwner) -> Bool {
        guard let text, let owner = ScanOwner(text: text) else { return false }
        return owner.isGone(comparedWith: me)
    }

    private static let bootID: String = {
        let text = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8)) ?? "-"
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "-" : trimmed
    }()

    /// The process's start time in clock ticks since boot (`/proc/PID/stat`, field 22), where Linux tells.
    private static func startTime(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return nil }
        // After the command name (which may hold spaces) come fields 3...; the start time is field 22.
        let fields = stat[stat.index(after: end)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }
}

/// The unfinished scans a store's file index took over, per organisation and root, for the scan begun next from the
/// same store to continue. The take-over is decided when the index is read, in one transaction with marking the
/// stage as this process's: of two scans of one root starting at once, only the one whose index holds the stage's
/// files continues it; the other finds it held and reads those files itself.
package final class ClaimedStages: Sendable {
    private let claimed = Mutex<[String: Int64]>([:])

    package init() {}

    private static func key(_ organisation: Int, _ rootKey: String) -> String { "\(organisation) \(rootKey)" }

    package func remember(_ id: Int64, organisation: Int, rootKey: String) {
        claimed.withLock { $0[Self.key(organisation, rootKey)] = id }
    }

    /// The stage taken over for the root and not yet continued, if any.
    package func peek(organisation: Int, rootKey: String) -> Int64? {
        claimed.withLock { $0[Self.key(organisation, rootKey)] }
    }

    /// The same, handed to the scan that continues it (and forgotten here).
    package func take(organisation: Int, rootKey: String) -> Int64? {
        claimed.withLock { $0.removeValue(forKey: Self.key(organisation, rootKey)) }
    }
}
