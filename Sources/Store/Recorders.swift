public import Foundation
public import OverblikModel

/// Runs async store work from synchronous code (the scanner's and importer's sinks run on plain threads).
///
/// Call only from a thread outside Swift's cooperative pool (the main thread of a synchronous command, or
/// a scanner thread): the calling thread blocks while the work runs on the pool.
public enum BlockingBridge {
    private final class Box<T>: @unchecked Sendable {
        var result: Result<T, any Error>?
    }

    public static func wait<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let semaphore = DispatchSemaphore(value: 0)
        let box = Box<T>()
        Task.detached {
            do {
                box.result = .success(try await body())
            } catch {
                box.result = .failure(error)
            }
            semaphore.signal()
        }
        semaphore.wait()
        return try box.result!.get()
    }

    /// Work started in the background; ``wait()`` blocks until it is done and rethrows its error.
    public final class Pending: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private var error: (any Error)?
        private var waited = false

        fileprivate init(_ body: @escaping @Sendable () async throws -> Void) {
            Task.detached {
                do { try await body() } catch { self.error = error }
                self.semaphore.signal()
            }
        }

        public func wait() throws {
            if !waited {
                semaphore.wait()
                waited = true
            }
            if let error { throw error }
        }
    }

    /// Starts async work without waiting: the producer keeps reading while the store writes the last batch.
    public static func start(_ body: @escaping @Sendable () async throws -> Void) -> Pending {
        Pending(body)
    }
}

/// Records one scan root into a store from synchronous code, in batches; ``finish()`` commits.
public final class ScanRecorder {
    public let header: ScanHeader
    /// What the last scan of this root knew; asking it marks a file as seen unchanged.
    public let index: FileIndex
    private let session: any ScanSession
    private let feed: SessionFeed
    private var records: [DocumentRecord] = []
    private let batchSize: Int

    /// The rows a batch stages in `store` (one transaction each). The batch the readers leave last is written after
    /// the last file is read, on the wall clock: 2,000 rows cost ~10 ms there, and a commit to SQLite's append-only
    /// stage is cheap (500). PostgreSQL syncs its log at every commit, on the server: 2,000.
    public static func batchSize(for store: any EstateStore) -> Int {
        store is SQLiteEstateStore ? 500 : 2000
    }

    /// Opens a session for `header.root` and loads what the last scan of that root knew. `catalog`, when
    /// given, supplies the header's catalog stamp after the index is loaded (the catalog may still be loading
    /// on another thread meanwhile). `readingAgain`: unchanged files the scan reads all the same.
    public init(
        store: any EstateStore, header: ScanHeader, batchSize: Int? = nil,
        catalog: (() throws -> CatalogStamp)? = nil, readingAgain: ReadAgain = .none
    ) throws {
        self.batchSize = batchSize ?? Self.batchSize(for: store)
        let index = try BlockingBridge.wait {
            try await store.fileIndex(organisation: header.organisation, root: header.root, readingAgain: readingAgain)
        }
        var header = header
        if let catalog { header.catalog = try catalog() }
        let opened = header
        self.header = opened
        self.index = index
        let session = try BlockingBridge.wait { try await store.beginScan(opened) }
        self.session = session
        feed = SessionFeed(cancel: { await session.cancel() })
    }

    /// A document the scanner read.
    public func add(_ record: DocumentRecord) throws {
        records.append(record)
        if records.count >= batchSize { try flush() }
    }

    private func flush() throws {
        let batch = records
        let session = self.session
        records.removeAll(keepingCapacity: true)
        try feed.send { try await session.add(batch) }
    }

    /// Commits the scan: new, changed, unchanged and deleted counts.
    public func finish(finished: Date = Date()) throws -> ScanSummary {
        try flush()
        try feed.close()
        let session = self.session
        let unchanged = index.takeUnchanged()
        let basis = index.basis
        return try BlockingBridge.wait {
            if let counting = session as? any IndexBasedSession {
                // The index's bits as they are: no set of 100,000 digests built for an unchanged rescan.
                try await counting.markUnchanged(seen: unchanged)
                if let basis { await counting.indexBasis(basis) }
            } else {
                try await session.markUnchanged(digests: unchanged.digests)
            }
            return try await session.finish(finished: finished)
        }
    }

    /// Abandons the scan; the store is unchanged.
    public func cancel() { feed.cancel() }
}

/// Records one inventory file into a store from synchronous code, in batches; ``finish()`` commits.
public final class ImportRecorder {
    public let header: ImportHeader
    private let session: any ImportSession
    /// The same session when it takes flattened rows (SQLite): records are then flattened here, on the
    /// importer's thread, and never handed to the store's thread as `String`s.
    private let rowSession: (any RowBatchImportSession)?
    private var software: [SoftwareRecord] = []
    private var rows = SoftwareRowBatch()
    private var usage: [UsageDeclaration] = []
    private let batchSize: Int
    private let feed: SessionFeed

    public init(store: any EstateStore, header: ImportHeader, batchSize: Int = 5000) throws {
        self.header = header
        self.batchSize = batchSize
        let session = try BlockingBridge.wait { try await store.beginImport(header) }
        self.session = session
        self.rowSession = session as? any RowBatchImportSession
        feed = SessionFeed(cancel: { await session.cancel() })
        if rowSession != nil { rows = SoftwareRowBatch(reservingRows: batchSize) }
    }

    public func add(_ record: SoftwareRecord) throws {
        if rowSession != nil {
            rows.append(record, organisation: header.organisation)
            if rows.count >= batchSize { try flush() }
            return
        }
        software.append(record)
        if software.count >= batchSize { try flush() }
    }

    public func add(_ declaration: UsageDeclaration) throws {
        usage.append(declaration)
        if usage.count >= batchSize { try flush() }
    }

    private func flush() throws {
        let records = software
        let flattened = rows
        let declarations = usage
        let session = self.session
        let rowSession = self.rowSession
        software.removeAll(keepingCapacity: true)
        if rowSession != nil && !rows.isEmpty { rows = SoftwareRowBatch(reservingRows: batchSize) }
        usage.removeAll(keepingCapacity: true)
        try feed.send {
            if let rowSession { try await rowSession.add(rows: flattened) }
            try await session.add(software: records)
            try await session.add(usage: declarations)
        }
    }

    /// Commits the file, or reports that the same file was imported before (nothing added).
    /// `format`, `linesRead` and `unreadableLines` (known only after reading) replace the header's.
    public func finish(
        finished: Date = Date(), format: String? = nil, linesRead: Int? = nil, unreadableLines: Int? = nil
    ) throws -> ImportOutcome {
        try flush()
        try feed.close()
        let session = self.session
        let header = self.header
        return try BlockingBridge.wait {
            if format != nil || linesRead != nil || unreadableLines != nil {
                try await session.describe(
                    format: format ?? header.format, linesRead: linesRead ?? header.linesRead,
                    unreadableLines: unreadableLines ?? header.unreadableLines)
            }
            return try await session.finish(finished: finished)
        }
    }

    /// Abandons the file; the store is unchanged.
    public func cancel() { feed.cancel() }
}

/// A store session fed from synchronous code in batches: at most one batch in flight while the producer goes
/// on, and the session cancelled (nothing recorded) unless its recorder closes it to finish it.
private final class SessionFeed {
    private let cancelSession: @Sendable () async -> Void
    private var open = true
    private var pending: BlockingBridge.Pending?

    init(cancel: @escaping @Sendable () async -> Void) {
        cancelSession = cancel
    }

    deinit {
        if open {
            let cancel = cancelSession
            Task { await cancel() }
        }
    }

    /// Waits for the batch in flight (rethrowing its error), then starts `batch`.
    func send(_ batch: @escaping @Sendable () async throws -> Void) throws {
        try pending?.wait()
        pending = BlockingBridge.start(batch)
    }

    /// Waits for the last batch; the session is then the recorder's to finish, and never cancelled here.
    func close() throws {
        try pending?.wait()
        open = false
    }

    func cancel() {
        guard open else { return }
        open = false
        try? pending?.wait()
        let cancel = cancelSession
        try? BlockingBridge.wait { await cancel() }
    }
}

/// A value computed once, when first asked (on the asking thread) or in the background once ``start()`` is
/// called; every ``value()`` returns that one result or rethrows its error. An unchanged rescan never asks
/// for the parsed catalog, so it is never made.
public final class LazyValue<T: Sendable>: @unchecked Sendable {
    // Unchecked: `state` is only touched under `condition`'s lock; `body` is immutable.
    private enum State {
        case idle
        case running
        case done(Result<T, any Error>)
    }

    private let condition = NSCondition()
    private var state = State.idle
    private let body: @Sendable () throws -> T

    public init(_ body: @escaping @Sendable () throws -> T) {
        self.body = body
    }

    /// A value whose computation starts now, on a thread of its own, while the caller goes on.
    public static func started(_ body: @escaping @Sendable () throws -> T) -> LazyValue {
        let value = LazyValue(body)
        value.start()
        return value
    }

    /// Starts computing the value on a thread of its own, unless it is already started or done.
    public func start() {
        guard claim() else { return }
        let thread = Thread { [self] in finish(Result { try body() }) }
        thread.start()
    }

    public func value() throws -> T {
        if claim() { finish(Result { try body() }) }
        condition.lock()
        defer { condition.unlock() }
        while true {
            if case .done(let result) = state { return try result.get() }
            condition.wait()
        }
    }

    /// True for the one caller that is to compute the value.
    private func claim() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard case .idle = state else { return false }
        state = .running
        return true
    }

    private func finish(_ result: Result<T, any Error>) {
        condition.lock()
        state = .done(result)
        condition.broadcast()
        condition.unlock()
    }
}

/// A session that can use what its scan's ``FileIndex`` was read from (the SQLite session).
protocol IndexBasedSession: ScanSession {
    func indexBasis(_ basis: FileIndex.Basis) async
    /// ``ScanSession/markUnchanged(digests:)`` with the files as the index's bits.
    func markUnchanged(seen: SeenUnchanged) async throws
}
