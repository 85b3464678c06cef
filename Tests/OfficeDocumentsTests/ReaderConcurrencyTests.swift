import Foundation
import Testing

@testable import OfficeDocuments

/// The readers' climb, against made-up trees whose files/s for a given number of readers is known, and the
/// mount-table reading against real `/proc/self/mountinfo` lines.
@Suite struct ReaderConcurrencyTests {
    /// Runs the climb for `windows` one-second windows on a tree whose rate at `readers` is `rate(readers)`.
    static func climb(
        from start: Int, maximum: Int, windows: Int, rate: (Int) -> Double
    ) -> [Int] {
        var climb = Climb(limit: start, maximum: maximum)
        var limits: [Int] = []
        let origin = Date(timeIntervalSince1970: 0)
        for window in 0..<windows {
            limits.append(climb.limit)
            _ = climb.next(rate: rate(climb.limit), at: origin.addingTimeInterval(Double(window)))
        }
        return limits
    }

    @Test func aCPUBoundTreeStaysAtTheCores() {
        // Two cores: more readers than two read no faster.
        let limits = Self.climb(from: 2, maximum: 8, windows: 10) { Double(min($0, 2)) * 1_000 }
        #expect(limits.prefix(3) == [2, 4, 2])
        // Settled at 2 until the retry interval has passed; only single probe windows above it.
        #expect(limits.filter { $0 == 2 }.count >= 8)
    }

    @Test func aLatencyBoundTreeClimbsToTheMaximum() {
        // Each reader waits on the device: files/s grows with readers up to 16 in flight.
        let limits = Self.climb(from: 2, maximum: 32, windows: 8) { Double(min($0, 16)) * 40 }
        #expect(limits.prefix(5) == [2, 4, 8, 16, 32])
        #expect(limits.last == 16)
    }

    @Test func aTreeThatTurnsWarmIsProbedAgainLater() {
        var climb = Climb(limit: 2, maximum: 8)
        let origin = Date(timeIntervalSince1970: 0)
        _ = climb.next(rate: 100, at: origin)  // 2 → 4
        #expect(climb.next(rate: 100, at: origin.addingTimeInterval(1)) == 2)  // no gain: back
        #expect(climb.next(rate: 100, at: origin.addingTimeInterval(2)) == 2)
        #expect(climb.next(rate: 100, at: origin.addingTimeInterval(1 + Climb.retryInterval)) == 4)
    }

    @Test func windowsWithNothingReadChangeNothing() {
        var climb = Climb(limit: 2, maximum: 8)
        for second in 0..<5 {
            #expect(climb.next(rate: 0, at: Date(timeIntervalSince1970: Double(second))) == 2)
        }
    }

    @Test func noMoreReadersReadAtOnceThanTheLimit() async {
        // Real threads, as the scanner's readers are (the test's task pool may have only two).
        let concurrency = ReaderConcurrency(fixed: 3)
        let counter = Mutex(0, 0)
        let done = DispatchGroup()
        for _ in 0..<12 {
            done.enter()
            Thread {
                for _ in 0..<50 {
                    concurrency.acquire()
                    counter.enter()
                    usleep(500)
                    counter.leave()
                    concurrency.release(filesRead: 1)
                }
                done.leave()
            }.start()
        }
        await withCheckedContinuation { finished in done.notify(queue: .global()) { finished.resume() } }
        #expect(counter.highest <= 3)
        #expect(counter.highest == 3)  // 12 threads holding a slot for 0.5 ms each: three at once happens
        #expect(concurrency.peak == 3)
    }

    @Test func readersThatKeepTheirSlotsFromBatchToBatchStayWithinTheLimit() async {
        // As the scanner's readers do: a slot taken once, counted per batch with `keep`, given back at the end.
        let concurrency = ReaderConcurrency(fixed: 2)
        let counter = Mutex(0, 0)
        let done = DispatchGroup()
        for _ in 0..<6 {
            done.enter()
            Thread {
                concurrency.acquire()
                for _ in 0..<40 {
                    counter.enter()
                    usleep(300)
                    counter.leave()
                    concurrency.keep(filesRead: 1)
                }
                concurrency.release(filesRead: 0)
                done.leave()
            }.start()
        }
        await withCheckedContinuation { finished in done.notify(queue: .global()) { finished.resume() } }
        #expect(counter.highest == 2)
    }

    @Test func readerThreadsAreStartedOnlyWhenTheLimitAllowsThem() {
        // Without --jobs on two cores: two reader threads at first, none more while the limit stays.
        let concurrency = ReaderConcurrency(initial: 2, maximum: 8)
        #expect(concurrency.readersToStart() == 2)
        #expect(concurrency.readersToStart() == 0)
        concurrency.acquire()
        #expect(concurrency.keep(filesRead: 32) == 0)
        concurrency.release(filesRead: 0)
        let fixed = ReaderConcurrency(fixed: 3)
        #expect(fixed.readersToStart() == 3)
        #expect(fixed.keep(filesRead: 1) == 0)
        // On a network file system all the climb may use, at once.
        let remote = ReaderConcurrency(initial: 2, maximum: 32, remote: true)
        #expect(remote.readersToStart() == 32)
        #expect(remote.readersToStart() == 0)
    }

    @Test func aRaisedLimitAsksForMoreReaderThreadsOnce() {
        // The climb doubles the limit after its first window in which files were read: the reader that counts
        // its next batch is told to start the two threads the new slots need, and no one is told again.
        let concurrency = ReaderConcurrency(initial: 2, maximum: 8)
        #expect(concurrency.readersToStart() == 2)
        concurrency.acquire()
        concurrency.startAdjusting(window: 0.02)
        var asked: [Int] = []
        let deadline = Date().addingTimeInterval(5)
        while asked.reduce(0, +) == 0 && Date() < deadline {
            usleep(2_000)
            asked.append(concurrency.keep(filesRead: 10))
        }
        concurrency.stop()
        concurrency.release(filesRead: 0)
        #expect(asked.reduce(0, +) == 2)
        #expect(concurrency.peak >= 4)
        #expect(concurrency.readersToStart() == 0)  // stopped: nothing more starts
    }

    @Test func theQueueHandsEveryElementOverOnceBetweenManyThreads() async {
        // Real threads, as the scanner's walkers and readers are; a small capacity makes both sides wait often.
        let queue = BoundedQueue<Int?>(capacity: 2)
        let producers = 4
        let consumers = 5
        let perProducer = 2_000
        let seen = SeenNumbers()
        let done = DispatchGroup()
        for producer in 0..<producers {
            done.enter()
            Thread {
                for index in 0..<perProducer { queue.push(producer * perProducer + index) }
                done.leave()
            }.start()
        }
        for _ in 0..<consumers {
            done.enter()
            Thread {
                while let number = queue.pop() { seen.add(number) }
                done.leave()
            }.start()
        }
        // Once every producer is done, one end marker per consumer.
        DispatchQueue.global().async {
            while seen.count < producers * perProducer { usleep(1_000) }
            for _ in 0..<consumers { queue.push(nil) }
        }
        await withCheckedContinuation { finished in done.notify(queue: .global()) { finished.resume() } }
        #expect(seen.sorted == Array(0..<(producers * perProducer)))
    }

    final class SeenNumbers: @unchecked Sendable {
        private let lock = NSLock()
        private var numbers: [Int] = []
        func add(_ number: Int) { lock.withLock { numbers.append(number) } }
        var count: Int { lock.withLock { numbers.count } }
        var sorted: [Int] { lock.withLock { numbers.sorted() } }
    }

    /// Counts threads inside and remembers the most at once.
    final class Mutex: @unchecked Sendable {
        private let lock = NSLock()
        private var inside: Int
        private(set) var highestSeen: Int
        init(_ inside: Int, _ highest: Int) {
            self.inside = inside
            self.highestSeen = highest
        }
        var highest: Int { lock.withLock { highestSeen } }
        func enter() {
            lock.withLock {
                inside += 1
                highestSeen = max(highestSeen, inside)
            }
        }
        func leave() { lock.withLock { inside -= 1 } }
    }

    static let mountInfo = """
        22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
        40 22 0:35 / /proc rw,nosuid - proc proc rw
        51 22 0:44 / /mnt/fællesdrev rw,relatime - cifs //filserver.kommune.dk/faelles rw,vers=3.1.1
        52 51 0:45 / /mnt/fællesdrev/lokal\\040kopi rw - ext4 /dev/vdb1 rw
        53 22 0:46 / /srv/arkiv rw - nfs4 nas:/arkiv rw
        54 22 0:47 / /home/it/sshfs rw - fuse.sshfs it@host: rw
        55 22 0:48 / /srv/arkivet rw - xfs /dev/vdc1 rw
        56 22 0:49 / /mnt/usb rw - fuseblk /dev/sdb1 rw
        57 22 0:50 / /mnt/bench rw - fuse.latencyfs latencyfs rw
        """

    @Test(arguments: [
        ("/mnt/fællesdrev/Økonomi/budget.ods", FileSystemKind.network("cifs")),
        ("/mnt/fællesdrev", .network("cifs")),
        ("/mnt/fællesdrev/lokal kopi/a.odt", .local("ext4")),
        ("/srv/arkiv/2019", .network("nfs4")),
        ("/srv/arkivet/2019", .local("xfs")),  // a prefix of the name is not a parent folder
        ("/home/it/sshfs/x", .network("fuse.sshfs")),
        ("/mnt/bench/d0001/a.odt", .network("fuse.latencyfs")),
        ("/mnt/usb/a.odt", .local("fuseblk")),
        ("/tmp/x", .local("ext4")),
    ])
    func mountTableGivesTheFileSystemOfAPath(_ row: (String, FileSystemKind)) {
        #expect(FileSystemKind.of(path: row.0, mountInfo: Self.mountInfo) == row.1)
    }

    @Test func thisMachinesRootIsAKnownFileSystem() {
        // The real table of this process: `/` is always mounted, and a test machine's disk is not a share.
        let kind = FileSystemKind.of(path: "/")
        #expect(kind != .unknown)
        #expect(!kind.isRemote)
    }
}
