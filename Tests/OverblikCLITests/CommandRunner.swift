import ArgumentParser
import OverblikCLI

/// Runs `overblik` with these arguments in this process, as its `main` would.
func runOverblik(_ arguments: [String]) async throws {
    var command = try OverblikCommand.parseAsRoot(arguments)
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
}
