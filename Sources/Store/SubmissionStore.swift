public import Foundation
public import OverblikModel

/// A submission held by the (national) store.
public struct StoredSubmission: Sendable, Hashable {
    public var submission: Submission
    /// When the store received it.
    public var loaded: Date
    /// True when a newer submission for the same organisation and period replaced it.
    public var superseded: Bool

    public init(submission: Submission, loaded: Date, superseded: Bool) {
        self.submission = submission
        self.loaded = loaded
        self.superseded = superseded
    }
}

/// What loading one submission did.
public enum SubmissionLoadOutcome: Sendable, Hashable {
    /// Loaded and now the current submission for its organisation and period.
    case current
    /// Loaded as history: a newer one for the same organisation and period is already held.
    case history
    /// The exact same submission (digest) was already held; nothing changed.
    case duplicate
}

/// The national store: verified submissions by organisation and period (`compile`, `report`).
public protocol SubmissionStore: Sendable {

    /// Stores a verified submission; newest `created` per organisation and period is current.
    func addSubmission(_ submission: Submission) async throws -> SubmissionLoadOutcome
    /// The current (newest) submission per organisation, for one period or (nil) the newest period each
    /// organisation submitted for. Ordered by organisation code.
    func latestSubmissions(period: String?) async throws -> [Submission]
    /// Every submission held, current and superseded, oldest first; filters are optional.
    func submissionHistory(organisation: Int?, period: String?) async throws -> [StoredSubmission]
    /// Periods with at least one submission, sorted ascending.
    func periods() async throws -> [String]

    /// Releases connections. The store must not be used afterwards.
    func close() async throws
}
