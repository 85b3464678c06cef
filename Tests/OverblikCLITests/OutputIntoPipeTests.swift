import Foundation
import OverblikModel
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
    static func output(
        through arguments: (String) -> [String]
    ) async throws -> (status: Int32, text: String, pipe: String) {
        let folder = try Fixtures.temporaryDirectory("output-pipe")
        let pipe = folder.appendingPathComponent("out.fifo").path
        try #require(mkfifo(pipe, 0o600) == 0)
        // Opening a pipe for reading waits for a writer: the command.
        async let received = DedicatedThread.run { Self.readToEnd(pipe) }
        let process = Process()
        process.executableURL = try overblikBinary()
        process.arguments = arguments(pipe)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        await process.ended()
        // A command that never opened the pipe leaves the reader waiting for a writer: be that writer, for nothing.
        let writer = open(pipe, O_WRONLY | O_NONBLOCK)
        if writer >= 0 { close(writer) }
        return (process.terminationStatus, String(decoding: try await received, as: UTF8.self), pipe)
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

    static func isPipe(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO
    }

    @Test func aScanWritesItsRecordsIntoAPipeAndLeavesThePipe() async throws {
        let documents = Fixtures.url("documents/generated").path
        let result = try await Self.output { ["scan", documents, "--no-store", "--format", "jsonl", "--output", $0] }
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

    @Test func anExportWritesItsSubmissionIntoAPipeAndLeavesThePipe() async throws {
        let store = try Fixtures.temporaryDirectory("output-pipe-store").appendingPathComponent("s.sqlite").path
        let scan = Process()
        scan.executableURL = try overblikBinary()
        scan.arguments = [
            "scan", Fixtures.url("documents/generated").path, "--organisation", "751", "--store", store, "--format",
            "summary",
        ]
        scan.standardOutput = FileHandle.nullDevice
        try scan.run()
        await scan.ended()
        try #require(scan.terminationStatus == 0)
        let result = try await Self.output { ["export", "--organisation", "751", "--store", store, "--output", $0] }
        #expect(result.status == 0)
        #expect(Self.isPipe(result.pipe))
        #expect(
            result.text.contains("\"format\":\"overblik-submission\"")
                || result.text.contains("\"format\" : \"overblik-submission\""))
    }

    /// `--output /dev/stdout` while the shell sends standard output into a file: the records go through that
    /// stream, alone (the summary goes nowhere near them), and `/dev/stdout` stays the link it is. The durable
    /// write once renamed a file over the link and the records were lost.
    @Test func aScanIntoDevStdoutRedirectedToAFileKeepsTheRecordsAndTheLink() async throws {
        let documents = Fixtures.url("documents/generated").path
        // A link of the test's own, made as /dev/stdout is (to /proc/self/fd/1): a regression then replaces this
        // link, not the machine's.
        let stdout = try Fixtures.temporaryDirectory("output-stdout").appendingPathComponent("stdout").path
        try FileManager.default.createSymbolicLink(atPath: stdout, withDestinationPath: "/proc/self/fd/1")
        let outcome = try await ChildProcess.run(
            try overblikBinary().path, ["scan", documents, "--no-store", "--format", "jsonl", "--output", stdout])
        #expect(outcome.status == 0)
        let lines = outcome.output.split(separator: "\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: documents).filter { $0 != "README.md" }
        #expect(lines.count == files.count, "\(outcome.output.prefix(300))")
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil })
        var info = stat()
        #expect(lstat(stdout, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
    }

    /// An output named through a symbolic link (an existing target and one not there yet): the link stays a
    /// link and the target gets the content, for the scan's records, a submission and an ODF report.
    @Test func anOutputThroughASymbolicLinkKeepsTheLink() async throws {
        let folder = try Fixtures.temporaryDirectory("output-link")
        let store = folder.appendingPathComponent("s.sqlite").path
        let binary = try overblikBinary().path
        let scan = try await ChildProcess.run(
            binary,
            [
                "scan", Fixtures.url("documents/generated").path, "--organisation", "751", "--store", store, "--format",
                "summary",
            ])
        try #require(scan.status == 0, "\(scan.output)")
        let submissions = Fixtures.url("demo/submissions/2026").path
        // A report is named by its scope in --output-dir: the link takes that name in a folder of its own.
        let runs: [(name: String, arguments: (String) -> [String])] = [
            ("records.jsonl", { ["scan", Fixtures.url("documents/generated").path, "--no-store", "--output", $0] }),
            ("submission.json", { ["export", "--organisation", "751", "--store", store, "--output", $0] }),
            (
                "national.odt",
                {
                    [
                        "report", "--submissions", submissions, "--format", "odt", "--output-dir",
                        ($0 as NSString).deletingLastPathComponent,
                    ]
                }
            ),
        ]
        for run in runs {
            for existing in [true, false] {
                let target = folder.appendingPathComponent("target-\(existing)-" + run.name).path
                let linkFolder = folder.appendingPathComponent("links-\(existing)-\(run.name)")
                try FileManager.default.createDirectory(at: linkFolder, withIntermediateDirectories: true)
                let link = linkFolder.appendingPathComponent(run.name).path
                if existing { try Data("old".utf8).write(to: URL(fileURLWithPath: target)) }
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
                let outcome = try await ChildProcess.run(binary, run.arguments(link))
                #expect(outcome.status == 0, "\(run.name): \(outcome.output)")
                var info = stat()
                #expect(lstat(link, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK, "\(run.name) lost its link")
                let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
                #expect(size > 100, "\(run.name): the target holds \(size) bytes")
            }
        }
    }
}
