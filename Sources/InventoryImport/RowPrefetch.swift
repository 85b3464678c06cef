import Foundation

/// Rows a ``CSVReader`` found, copied into flat arrays: what one thread hands to another.
///
/// Only bytes and integers, no `String`: the reading thread never creates an object the other thread
/// releases, so the hand-over costs no shared reference counting.
struct RowBatch: Sendable {
    var bytes: [UInt8] = []
    /// Per row: the end of its last field in `fieldEnds` (exclusive).
    var rowEnds: [Int] = []
    /// Field ends as offsets into `bytes` (absolute, not per row).
    var fieldEnds: [Int] = []
    var lines: [Int] = []
    var problems: [String?] = []
    /// Set on the last batch when reading stopped with an error: rows before it are still delivered first.
    var failure: ImportError?

    var count: Int { rowEnds.count }

    mutating func append(from reader: CSVReader) {
        let base = bytes.count
        reader.appendCurrentRow(bytes: &bytes, fieldEnds: &fieldEnds, offset: base)
        rowEnds.append(fieldEnds.count)
        lines.append(reader.line)
        problems.append(reader.rowProblem)
    }
}

/// A bounded queue of row batches between the reading thread and the importing thread.
final class RowBatchQueue: @unchecked Sendable {
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    private var batches: [RowBatch] = []
    private let capacity: Int
    private var closed = false
    private var cancelled = false
    private var finished = false

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues a batch; false when the consumer has stopped (the reader should stop too).
    func push(_ batch: RowBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// The next batch in order, or nil once the reader closed the queue and everything was taken.
    func pop() -> RowBatch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !closed { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }

    /// The reader has pushed its last batch.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The reading thread has returned: it no longer touches the file.
    func markFinished() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Stops the reader (a blocked or later `push` returns false) and waits until its thread has returned.
    func cancelAndWait() {
        condition.lock()
        cancelled = true
        batches.removeAll()
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}

/// The rows of a large CSV file, scanned on a second thread: that thread reads the file (and hashes it, in
/// ``ChunkedFile``), decodes UTF-16 and finds records and fields; this one only decodes the fields it asks
/// for. Rows, line numbers, problems and errors are exactly those of the ``CSVReader`` it runs, in the same
/// order: an error ends the rows where the reader stopped.
///
/// ``stop()`` must be called before anything else uses the file (it waits for the reading thread).
final class PrefetchedRows: RowSource {
    private let queue: RowBatchQueue
    private let encoding: TextEncoding
    private var stopped = false
    var flagsShortRows: Bool { true }

    // Used by this (the importing) thread only, several times per field: no run-time exclusivity checks.
    @exclusivity(unchecked) private var batch = RowBatch()
    @exclusivity(unchecked) private var row = -1
    @exclusivity(unchecked) private var firstField = 0
    @exclusivity(unchecked) private var endField = 0
    @exclusivity(unchecked) private var interner = FieldInterner()

    /// Starts reading `reader`'s rows on a new thread, `batchRows` rows per batch, at most `queuedBatches`
    /// waiting.
    init(reader: CSVReader, batchRows: Int = 4096, queuedBatches: Int = 4) {
        encoding = reader.stream.encoding
        let queue = RowBatchQueue(capacity: queuedBatches)
        self.queue = queue
        let owned = Handover(reader)
        let thread = Thread {
            let reader = owned.value
            var batch = RowBatch()
            do throws(ImportError) {
                while try reader.advance() {
                    batch.append(from: reader)
                    if batch.count >= batchRows {
                        guard queue.push(batch) else { break }
                        batch = RowBatch()
                    }
                }
            } catch {
                batch.failure = error
            }
            if batch.count > 0 || batch.failure != nil { _ = queue.push(batch) }
            queue.close()
            queue.markFinished()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    deinit { stop() }

    /// Stops the reading thread if it is still running and waits for it.
    func stop() {
        guard !stopped else { return }
        stopped = true
        queue.cancelAndWait()
    }

    func advance() throws(ImportError) -> Bool {
        row += 1
        while row >= batch.count {
            if let failure = batch.failure {
                row = batch.count
                throw failure
            }
            guard let next = queue.pop() else {
                row = batch.count
                return false
            }
            batch = next
            row = 0
        }
        firstField = row == 0 ? 0 : batch.rowEnds[row - 1]
        endField = batch.rowEnds[row]
        return true
    }

    /// Past the last row (after `advance()` returned false or threw) these describe the last row read.
    private var current: Int { min(max(row, 0), batch.count - 1) }
    var line: Int { batch.count == 0 ? 0 : batch.lines[current] }
    var fieldCount: Int { endField - firstField }
    var rowProblem: String? { batch.count == 0 ? nil : batch.problems[current] }

    private func bounds(_ index: Int) -> (start: Int, end: Int)? {
        guard index >= 0, index < endField - firstField else { return nil }
        let field = firstField + index
        let start: Int
        if field > firstField {
            start = batch.fieldEnds[field - 1]
        } else {
            start = firstField == 0 ? 0 : batch.fieldEnds[firstField - 1]
        }
        return (start, batch.fieldEnds[field])
    }

    func field(_ index: Int) -> String {
        guard let (start, end) = bounds(index), start < end else { return "" }
        let encoding = self.encoding
        return batch.bytes.withUnsafeBufferPointer { pointer in
            interner.string(for: UnsafeBufferPointer(rebasing: pointer[start..<end])) {
                FieldDecoder.string($0, encoding: encoding)
            }
        }
    }

    func fieldIsEmpty(_ index: Int) -> Bool {
        guard let (start, end) = bounds(index) else { return true }
        return start == end
    }

    func dateValue(_ index: Int) -> Date? {
        guard let (start, end) = bounds(index) else { return nil }
        return batch.bytes.withUnsafeBufferPointer { pointer in
            ValueParsing.date(utf8: UnsafeBufferPointer(rebasing: pointer[start..<end]))
        }
    }
}

/// Moves a value that is used by one thread at a time across a thread boundary (the reading state is
/// created on the caller's thread, used only by the reading thread, then read back after it finished).
final class Handover<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
