import Dispatch
import Foundation
import ODFValidation
import OverblikModel

/// One file's report, or why it could not be validated.
typealias ValidationResult = Result<ValidationReport, ODFValidationError>

/// Validates files on `jobs` threads and hands the outcomes to the calling thread in input order, as they come:
/// output starts with the first file, and memory stays flat whatever the number of files (at most ``window``
/// outcomes wait for an earlier one).
enum ValidationRun {
    /// Outcomes that may wait for the one before them to be delivered; a worker takes no file further ahead.
    static let window = 256

    /// Runs `prepare` on the calling thread while the workers start (loading what delivering needs), then calls
    /// `deliver` there with its result and each outcome in input order; returns what `prepare` made. An error from
    /// either stops the workers and is rethrown once they are done.
    static func run<Prepared>(
        _ files: [String], jobs: Int, validator: ODFValidator, prepare: () throws -> Prepared,
        deliver: (Prepared, ValidationOutcome) throws -> Void
    ) throws -> Prepared {
        try run(
            files, jobs: jobs,
            validate: { path in Result { () throws(ODFValidationError) in try validator.validate(path: path) } },
            prepare: prepare, deliver: deliver)
    }

    /// ``run(_:jobs:validator:prepare:deliver:)`` with any `validate` (tests count its calls).
    static func run<Prepared>(
        _ files: [String], jobs: Int, validate: @escaping @Sendable (String) -> ValidationResult,
        prepare: () throws -> Prepared, deliver: (Prepared, ValidationOutcome) throws -> Void
    ) throws -> Prepared {
        let queue = OrderedOutcomes(count: files.count, window: window)
        let workers = max(1, min(jobs, files.count))
        let finished = DispatchGroup()
        finished.enter()
        Thread.detachNewThread {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let index = queue.claim() {
                    queue.put(validate(files[index]), at: index)
                }
            }
            finished.leave()
        }
        defer {
            queue.cancel()
            finished.wait()
        }
        let prepared = try prepare()
        for index in files.indices {
            try deliver(prepared, (files[index], queue.take(index)))
        }
        return prepared
    }

    /// All outcomes at once, in input order (for tests).
    static func run(_ files: [String], jobs: Int, validator: ODFValidator) -> [ValidationOutcome] {
        var outcomes: [ValidationOutcome] = []
        outcomes.reserveCapacity(files.count)
        // Nothing here throws: neither `prepare` nor `deliver` does.
        try? run(
            files, jobs: jobs, validator: validator, prepare: {}, deliver: { _, outcome in outcomes.append(outcome) })
        return outcomes
    }
}

/// The hand-over between the validating workers and the delivering thread: which file is next to claim, and the
/// outcomes waiting to be delivered.
private final class OrderedOutcomes: @unchecked Sendable {
    private let condition = NSCondition()
    private let count: Int
    private let window: Int
    private var nextToClaim = 0
    private var delivered = 0
    private var cancelled = false
    private var waiting: [Int: ValidationResult] = [:]

    init(count: Int, window: Int) {
        self.count = count
        self.window = window
    }

    /// The next file to validate, once it is within the window; `nil` when all are claimed or the run stopped.
    func claim() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while !cancelled && nextToClaim < count && nextToClaim >= delivered + window { condition.wait() }
        guard !cancelled, nextToClaim < count else { return nil }
        nextToClaim += 1
        return nextToClaim - 1
    }

    func put(_ outcome: ValidationResult, at index: Int) {
        condition.lock()
        waiting[index] = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// The outcome of file `index`, waiting for it (files are taken in order).
    func take(_ index: Int) -> ValidationResult {
        condition.lock()
        defer { condition.unlock() }
        while waiting[index] == nil { condition.wait() }
        delivered = index + 1
        condition.broadcast()
        return waiting.removeValue(forKey: index)!
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
