import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `--output` naming a named pipe or a device (`/dev/null`, `/dev/stdout`) writes into it and leaves it what it
/// was: the durable temporary-then-rename write once replaced a root user's `/dev/null` with a plain file. A
/// named pipe stands in for the device here (a test must not risk the machine's `/dev/null`), read by a thread
/// as the command writes, and the bytes read must be the command's whole output.
@Suite(.tags(.slow)) struct OutputIntoPipeTests {
    /// Runs the real binary with `--output PIPE` and returns what came through the pipe.
    static func output(through arguments: (String) -> [String]) throws -> (status: Int32, text: String, pipe: String) {
        let folder = try Fixtures.temporaryDirectory("output-pipe")
        let pipe = folder.appendingPathComponent("out.fifo").path
        try #require(mkfifo(pipe, 0o600) == 0)
        let received = Received()
        let reader = Thread {
            // Opening a pipe for reading waits for a writer: the command.
            received.data = Self.readToEnd(pipe)
            received.done.signal()
        }
        reader.start()
        let process = Process()
        process.executableURL = try overblikBinary()
        process.arguments = arguments(pipe)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(received.done.wait(timeout: .now() + 60) == .success)
        return (process.terminationStatus, String(decoding: received.data, as: UTF8.self), pipe)
    }

    /// Reads a named pipe until its writer closes it (POSIX reads: Foundation's whole-file read takes the
    /// pipe's size of 0 as the end).
    static func readToEnd(_ path: String) -> Data {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return Data() }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            data.append(buffer, count: count)
        }
        return data
    }

    final class Received: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    static func isPipe(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
    }

    @Test func aScanWritesItsRecordsIntoAPipeAndLeavesThePipe() throws {
        let documents = Fixtures.url("documents/generated").path
        let result = try Self.output { ["scan", documents, "--no-store", "--format", "jsonl", "--output", $0] }
        #expect(result.status == 0)
        #expect(Self.isPipe(result.pipe))
        let lines = result.text.split(separator: "\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: documents).filter { $0 != "README.md" }
        #expect(lines.count == files.count)
        #expect(lines.allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") })
        // Nothing was left beside the pipe (no temporary, no renamed file).
        let left = try FileManager.default.contentsOfDirectory(
            atPath: (result.pipe as NSString).deletingLastPathComponent)
        #expect(left == ["out.fifo"])
    }

    @Test func anExportWritesItsSubmissionIntoAPipeAndLeavesThePipe() throws {
        let store = try Fixtures.temporaryDirectory("output-pipe-store").appendingPathComponent("s.sqlite").path
        let scan = Process()
        scan.executableURL = try overblikBinary()
        scan.arguments = [
            "scan", Fixtures.url("documents/generated").path, "--organisation", "751", "--store", store, "--format",
            "summary",
        ]
        scan.standardOutput = FileHandle.nullDevice
        try scan.run()
        scan.waitUntilExit()
        try #require(scan.terminationStatus == 0)
        let result = try Self.output { ["export", "--organisation", "751", "--store", store, "--output", $0] }
        #expect(result.status == 0)
        #expect(Self.isPipe(result.pipe))
        #expect(
            result.text.contains("\"format\":\"overblik-submission\"")
                || result.text.contains("\"format\" : \"overblik-submission\""))
    }
}
