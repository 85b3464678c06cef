public import ArgumentParser
import Foundation
import OverblikModel
import Store
import Submissions

/// `overblik submission schema|verify`.
public struct SubmissionCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "submission",
        abstract: "Print the submission JSON Schema, or verify a submission file.",
        subcommands: [SchemaCommand.self, VerifyCommand.self])

    public init() {}

    public struct SchemaCommand: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "schema", abstract: "Print the JSON Schema of the submission format.")

        public init() {}

        public func run() async throws {
            print(try SubmissionSchema.text(), terminator: "")
        }
    }

    public struct VerifyCommand: AsyncParsableCommand {
        public static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check submission files: schema, digest and organisation code.",
            discussion: """
                Exit status 0 when every file is valid, 1 when any is not (each problem is listed).

                Example:
                  overblik submission verify aarhus-2026.json
                """)

        @Argument(help: "Submission files.")
        public var files: [String]

        public init() {}

        public func run() async throws {
            let verifier = try SubmissionVerifier()
            var failed = 0
            for file in files {
                do {
                    let submission = try verifier.verify(fileAt: URL(fileURLWithPath: file))
                    let body = submission.body
                    print(
                        "\(file): valid - \(body.organisation.name) (\(body.organisation.code)), period \(body.period),"
                            + " created \(ISODate.timestamp(body.created)), \(submission.digest)")
                } catch {
                    failed += 1
                    print("\(error)")
                }
            }
            if failed > 0 { throw ExitCode(CommandExitStatus.partialFailure.rawValue) }
        }
    }
}
