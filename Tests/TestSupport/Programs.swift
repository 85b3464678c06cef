import Foundation

/// Runs a program and returns its exit status and output.
@discardableResult
public func runProgram(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = await pipe.readAll()
    await process.ended()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Whether a program is on PATH (the test then fails with a clear message instead of skipping).
public func onPath(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}

/// Runs a Python script with Debian's python3, where `make test` installs the modules the oracles use
/// (python3-olefile), and returns its exit status and standard output as text (errors go to the test's own).
public func runDebianPython(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = await pipe.readAll()
    await process.ended()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
