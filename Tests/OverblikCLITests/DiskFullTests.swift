import Foundation
import OverblikModel
import Submissions
import Testing
import TestSupport

/// A full disk while writing the store, a submission or scan output: a clear error and status, the store as it
/// was, and no half-written file under its final name. The disk is a small tmpfs mounted in a private mount
/// namespace (`unshare --map-root-user --mount`), so the test needs no privileges and leaves no mount behind.
@Suite(.tags(.store, .slow)) struct DiskFullTests {
    /// Runs `script` with `sh` in a fresh mount namespace where `disk` is a tmpfs of `kilobytes`; `$BIN` is
    /// the overblik binary. Returns what it printed (both streams).
    static func onSmallDisk(_ disk: URL, kilobytes: Int, _ script: String) async throws -> String {
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = [
            "--map-root-user", "--mount", "sh", "-c",
            "set -u; mount -t tmpfs -o size=\(kilobytes)k tmpfs \"$DISK\" || exit 99\n" + script,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["DISK": disk.path, "BIN": try overblikBinary().path], uniquingKeysWith: { $1 })
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: await pipe.readAll(), as: UTF8.self)
        await process.ended()
        try #require(process.terminationStatus != 99, "cannot mount a tmpfs in a user namespace: \(output)")
        return output
    }

    /// The figures of a submission file (what must not change when a later write fails).
    static func figures(_ file: URL) throws -> [Submission.DocumentCount] {
        try decodeSubmission(Data(contentsOf: file)).body.documents.counts
    }

    @Test func aStoreOnAFullDiskRefusesTheScanAndKeepsWhatItHeld() async throws {
        let work = try Fixtures.temporaryDirectory("disk-full-store")
        let small = try hardLinkedShare("disk-full-small", copies: 1)
        let large = try hardLinkedShare("disk-full-large", copies: 40)
        let disk = work.appendingPathComponent("disk")
        let output = try await Self.onSmallDisk(
            disk, kilobytes: 3072,
            """
            scan_into() { "$BIN" scan "$1" --organisation 751 --store "$DISK/store.sqlite" --format summary >/dev/null; }
            export_to() { "$BIN" export --organisation 751 --store "$DISK/store.sqlite" --output "$1" >/dev/null; }
            scan_into "\(small.path)"; echo "first=$?"
            export_to "\(work.path)/before.json"; echo "export-before=$?"
            scan_into "\(large.path)"; echo "full=$?"
            export_to "\(work.path)/after.json"; echo "export-after=$?"
            """)
        #expect(output.contains("first=0"), "\(output)")
        #expect(output.contains("export-before=0"), "\(output)")
        // The larger scan does not fit: the store says so, and the command ends with the store's status.
        #expect(output.contains("full=74"), "\(output)")
        #expect(output.contains("database or disk is full"), "\(output)")
        #expect(output.contains("export-after=0"), "\(output)")
        #expect(
            try Self.figures(work.appendingPathComponent("after.json"))
                == (try Self.figures(work.appendingPathComponent("before.json"))))
    }

    @Test func aSubmissionOrScanOutputThatDoesNotFitLeavesNoFileBehind() async throws {
        let work = try Fixtures.temporaryDirectory("disk-full-output")
        let small = try hardLinkedShare("disk-full-output-share", copies: 1)
        let store = work.appendingPathComponent("store.sqlite").path
        let disk = work.appendingPathComponent("disk")
        let output = try await Self.onSmallDisk(
            disk, kilobytes: 64,
            """
            "$BIN" scan "\(small.path)" --organisation 751 --store "\(store)" --format summary >/dev/null
            echo "scan=$?"
            dd if=/dev/zero of="$DISK/filler" bs=4k 2>/dev/null
            "$BIN" export --organisation 751 --store "\(store)" --output "$DISK/submission.json"; echo "export=$?"
            "$BIN" scan "\(small.path)" --no-store --format jsonl --output "$DISK/records.jsonl"; echo "jsonl=$?"
            ls -a "$DISK"
            """)
        #expect(output.contains("scan=0"), "\(output)")
        #expect(output.contains("export=73"), "\(output)")
        #expect(output.contains("jsonl=73"), "\(output)")
        #expect(output.contains("No space left on device"), "\(output)")
        // Only the filler is on the disk: no submission, no records, no temporary file.
        let listing = output.split(separator: "\n").filter { !$0.contains("=") && !$0.hasPrefix("error:") }
        #expect(Set(listing.map(String.init)).isSubset(of: [".", "..", "filler"]), "\(output)")
    }
}
