import Foundation
import OverblikModel

/// One thing a reader hands to the sink, in file order.
enum SinkItem: Sendable {
    case record(SoftwareRecord)
    case declaration(UsageDeclaration)
}

/// A bounded hand-over of batches from the reading thread to the thread that feeds the sink.
///
/// At most `capacity` batches wait, so memory stays bounded however far the reader runs ahead; the reader
/// blocks when the writer falls behind, and the writer blocks until there is work.
final class BatchChannel: @unchecked Sendable {
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [[SinkItem]] = []
    private var head = 0
    private let capacity: Int
    private var closed = false
    private var cancelled = false

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues a batch; false when the consumer has given up (the reader should stop).
    func push(_ batch: [SinkItem]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch, or nil once the reader has closed the channel and everything was taken.
    func pop() -> [SinkItem]? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !closed { condition.wait() }
        guard head < queue.count else { return nil }
        let batch = queue[head]
        queue[head] = []
        head += 1
        if head == queue.count {
            queue.removeAll(keepingCapacity: true)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// The reader is done (normally or not).
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stops taking batches: a blocked or later `push` returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        queue.removeAll()
        head = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the reader has closed the channel.
    func waitUntilClosed() {
        condition.lock()
        while !closed { condition.wait() }
        condition.unlock()
    }
}

/// The reader side's sink: collects records into batches and hands full batches over.
final class BatchingSink: ImportSink {
    struct Cancelled: Error {}

    private let channel: BatchChannel
    private let batchSize: Int
    private var batch: [SinkItem] = []

    init(channel: BatchChannel, batchSize: Int) {
        self.channel = channel
        self.batchSize = batchSize
        batch.reserveCapacity(batchSize)
    }

    func accept(_ record: SoftwareRecord) throws {
        batch.append(.record(record))
        if batch.count >= batchSize { try send() }
    }

    func accept(_ declaration: UsageDeclaration) throws {
        batch.append(.declaration(declaration))
        if batch.count >= batchSize { try send() }
    }

    /// Hands over what is left.
    func finish() throws {
        if !batch.isEmpty { try send() }
    }

    private func send() throws {
        let full = batch
        batch = []
        batch.reserveCapacity(batchSize)
        guard channel.push(full) else { throw Cancelled() }
    }
}

/// Moves a value that is used by one thread at a time across a thread boundary (the reading state is
/// created on the caller's thread, used only by the reading thread, then read back after it finished).
final class Handover<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

extension InventoryImporter {
    /// Reads, parses and classifies on a second thread while the calling thread feeds `sink` (for
    /// `--format jsonl`, encoding and writing the lines), through a bounded channel. The sink is called on
    /// the calling thread, in file order, exactly as without the pipeline; errors are the same.
    func importPipelined(
        file: ChunkedFile, url: URL, into sink: any ImportSink
    ) throws(ImportError) -> FileImportReport {
        let channel = BatchChannel(capacity: options.pipelineQueuedBatches)
        let batching = BatchingSink(channel: channel, batchSize: options.pipelineBatchSize)
        let state = Handover((file: file, batching: batching))
        let outcome = Handover<Result<FileImportReport, ImportError>?>(nil)
        let importer = self
        let thread = Thread {
            let result: Result<FileImportReport, ImportError>
            do {
                let report = try importer.importSequential(
                    file: state.value.file, url: url, into: state.value.batching)
                try state.value.batching.finish()
                result = .success(report)
            } catch let error as ImportError {
                result = .failure(error)
            } catch {
                // Only `finish()` throws anything else: the consumer cancelled, which it reports itself.
                result = .failure(.sinkFailed(file: url.path, reason: "cancelled"))
            }
            outcome.value = result
            channel.close()
        }
        thread.stackSize = 8 << 20
        thread.start()

        var sinkError: (any Error)?
        consume: while let batch = channel.pop() {
            for item in batch {
                do {
                    switch item {
                    case .record(let record): try sink.accept(record)
                    case .declaration(let declaration): try sink.accept(declaration)
                    }
                } catch {
                    sinkError = error
                    channel.cancel()
                    break consume
                }
            }
        }
        channel.waitUntilClosed()
        if let sinkError { throw .sinkFailed(file: url.path, reason: String(describing: sinkError)) }
        switch outcome.value {
        case .success(let report): return report
        case .failure(let error): throw error
        case nil: throw .sinkFailed(file: url.path, reason: "the reading thread ended without a result")
        }
    }
}
