import Foundation
import TestSupport

/// Jing (`jing -i`, Debian's package) as the oracle: which of the instance files it finds invalid, and on which
/// lines, from one JVM run over them all.
enum Jing {
    struct Errors {
        /// file path → lines with an error.
        var lines: [String: Set<Int>] = [:]
        /// Errors that name no instance (a schema Jing refuses, for instance).
        var other: [String] = []

        func isValid(_ file: URL) -> Bool { lines[file.path] == nil }
    }

    static func check(schema: URL, files: [URL]) async throws -> Errors {
        var errors = Errors()
        // Batches keep the command line short; each is one JVM.
        for start in stride(from: 0, to: files.count, by: 400) {
            let batch = files[start..<min(start + 400, files.count)]
            let outcome = try await ChildProcess.run("/usr/bin/jing", ["-i", schema.path] + batch.map(\.path))
            for line in outcome.output.split(separator: "\n") where line.contains(": error: ") {
                let fields = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
                if fields.count >= 3, let number = Int(fields[1]), batch.contains(where: { $0.path == fields[0] }) {
                    errors.lines[String(fields[0]), default: []].insert(number)
                } else {
                    errors.other.append(String(line))
                }
            }
        }
        return errors
    }
}
