public import ArgumentParser
import Foundation
import OverblikModel
import Store
import Submissions

/// `overblik compile`: the facilitator loads authorities' submissions into the national store.
public struct CompileCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Verify submissions and load them into the national store.",
        discussion: """
            The newest submission per organisation and period is current; older ones are kept as history.
            Loading the same file twice changes nothing. A malformed or tampered file is rejected with its
            reason and the others still load; the exit status is 1 when any file was rejected.

            Example:
              overblik compile submissions/*.json --store national.sqlite
            """)

    @Argument(help: "Submission files.")
    public var files: [String]

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() async throws {
        let store = try await storeOptions.open(create: true)
        let verifier = try SubmissionVerifier()
        let results = await SubmissionCompiler.compile(
            files: files.map { URL(fileURLWithPath: $0) }, into: store, verifier: verifier)
        try await store.close()
        var tally: [Verdict: Int] = [:]
        for result in results {
            guard let submission = result.submission, let outcome = result.outcome else {
                tally[.rejected, default: 0] += 1
                print("rejected   \(result.file)")
                for problem in result.problems { print("             \(problem)") }
                continue
            }
            let verdict = Verdict(outcome)
            tally[verdict, default: 0] += 1
            let body = submission.body
            print(
                "\(verdict.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(result.file): "
                    + "\(body.organisation.name) (\(body.organisation.code)), \(body.period)")
        }
        print(
            "\(results.count) files: \(tally[.loaded, default: 0]) loaded as current, "
                + "\(tally[.history, default: 0]) kept as history (a newer one is held), "
                + "\(tally[.duplicate, default: 0]) already held, \(tally[.rejected, default: 0]) rejected.")
        if tally[.rejected, default: 0] > 0 { throw ExitCode(CommandExitStatus.partialFailure.rawValue) }
    }

    /// What became of one file, as the listing names it.
    enum Verdict: String {
        case loaded, history, duplicate, rejected

        init(_ outcome: SubmissionLoadOutcome) {
            switch outcome {
            case .current: self = .loaded
            case .history: self = .history
            case .duplicate: self = .duplicate
            }
        }
    }
}
