import CFuzzDriver
public import Foundation

/// Runs a libFuzzer target: every input libFuzzer generates is handed to one Swift closure.
///
/// A finding is whatever libFuzzer or AddressSanitizer reports (a crash, a trap, a leak, a timeout, an
/// out-of-memory); a typed error from the reader is the expected answer to bad bytes and is ignored.
public enum FuzzHarness {
    // libFuzzer calls back through a C function pointer, which cannot capture: the closure lives here.
    // Set once before the driver starts; libFuzzer runs inputs on the one thread that called it.
    nonisolated(unsafe) private static var body: (([UInt8]) -> Void)?

    /// Hands the process's arguments to libFuzzer and runs `body` for every input; never returns.
    public static func run(_ body: @escaping ([UInt8]) -> Void) -> Never {
        Self.body = body
        let status = overblik_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv) { data, size in
            let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            FuzzHarness.body?(bytes)
            return 0
        }
        exit(status)
    }

    /// A file in a directory of this process's own that holds `bytes`, named with `fileExtension` (the readers
    /// work on paths and look at the extension where the content is ambiguous).
    public static func scratchFile(holding bytes: [UInt8], fileExtension: String) -> URL {
        let url = scratchDirectory.appendingPathComponent("input.\(fileExtension)")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(bytes))
        return url
    }

    private static let scratchDirectory: URL = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("overblik-fuzz-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()
}
