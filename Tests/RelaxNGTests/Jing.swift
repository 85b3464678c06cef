import Foundation
import TestSupport
import XMLKit

/// Jing (`jing -i`, Debian's package) as the oracle: which of the instance files it finds invalid, and where, from
/// one JVM run over them all.
enum Jing {
    struct Errors {
        /// file path → lines with an error.
        var lines: [String: Set<Int>] = [:]
        /// file path → where each error is, in Jing's order (line, column).
        var positions: [String: [XMLPosition]] = [:]
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
                    errors.positions[String(fields[0]), default: []].append(
                        XMLPosition(line: number, column: Int(fields[2]) ?? 0))
                } else {
                    errors.other.append(String(line))
                }
            }
        }
        return errors
    }
}
