import ArgumentParser
import Foundation
import OverblikCLI
import TestSupport
import Testing

/// Generator strings and file names from the scanned files never split a row or become a formula in the scan's
/// CSV output, and come back unchanged from JSON lines; `scripts/check-output-safety.py` reads both with
/// Python's csv and json modules.
@Suite struct ScanOutputSafetyTests {
    /// `text` as XML character references (every character but letters, digits and spaces), so that the
    /// parser gives back exactly `text`, carriage returns and tabs included.
    static func xmlText(_ text: String) -> String {
        text.unicodeScalars.map { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == " "
                ? String(scalar) : "&#\(scalar.value);"
        }.joined()
    }

    /// Characters XML 1.0 cannot carry at all (a document holding one is malformed, not hostile).
    static func xmlAllowed(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
    }

    static func flatODT(generator: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" \
        office:mimetype="application/vnd.oasis.opendocument.text"><office:meta>\
        <meta:generator>\(xmlText(generator))</meta:generator></office:meta><office:body><office:text/>\
        </office:body></office:document>
        """
    }

    @Test(arguments: [1, 2] as [UInt64]) func hostileGeneratorsAndFileNamesStayText(seed: UInt64) async throws {
        #expect(onPath("python3"), "python3 is needed (make test installs it)")
        let root = try Fixtures.temporaryDirectory("scan-output-safety-\(seed)")
        let share = root.appendingPathComponent("share")
        try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
        let generators = HostileText.strings(seed: seed, count: 12, tag: "generator").map(Self.xmlAllowed)
        // A file name holds anything but "/" and NUL; half the files are broken, so they are error rows.
        let names = HostileText.strings(seed: seed &+ 100, count: 12, tag: "name").enumerated().map { index, text in
            String(text.replacingOccurrences(of: "/", with: "_").filter { $0 != "\0" }.prefix(200))
                + (index.isMultiple(of: 2) ? ".fodt" : ".odt")
        }
        for (index, name) in names.enumerated() {
            let content = index.isMultiple(of: 2) ? Self.flatODT(generator: generators[index]) : "not a zip"
            try Data(content.utf8).write(to: share.appendingPathComponent(name))
        }
        for (index, generator) in generators.enumerated() where !index.isMultiple(of: 2) {
            try Data(Self.flatODT(generator: generator).utf8).write(to: share.appendingPathComponent("g\(index).fodt"))
        }
        let expected = root.appendingPathComponent("expected.json")
        try JSONSerialization.data(withJSONObject: ["generator": generators, "file name": names]).write(to: expected)

        for format in ["csv", "jsonl"] {
            let output = root.appendingPathComponent("out.\(format)")
            var command = try OverblikCommand.parseAsRoot(
                ["scan", share.path, "--output", output.path, "--format", format, "--no-store"])
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            let check = try await runProgram(
                "python3",
                [
                    Fixtures.repositoryRoot.appendingPathComponent("scripts/check-output-safety.py").path,
                    "scan-" + format, output.path, expected.path,
                ])
            #expect(check.status == 0, "\(format), seed \(seed):\n\(check.output)")
        }
    }
}
