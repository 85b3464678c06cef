import ArgumentParser
import Foundation
import OfficeDocuments
import OverblikCLI
import TestSupport

/// Runs `overblik` with these arguments in this process, as its `main` would.
func runOverblik(_ arguments: [String]) async throws {
    var command = try OverblikCommand.parseAsRoot(arguments)
    if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
    } else {
        try command.run()
    }
}

/// A share of real documents: the shipped fixtures (leaving out the damaged ones when asked) hard-linked `copies`
/// times into folders of 20 departments: many files, no disk cost.
func hardLinkedShare(_ label: String, copies: Int, leavingOutDamaged: Bool = false) throws -> URL {
    let documents = Fixtures.url("documents")
    let root = try Fixtures.temporaryDirectory(label).appendingPathComponent("share")
    let sources = try FileManager.default.subpathsOfDirectory(atPath: documents.path).filter {
        !(leavingOutDamaged && $0.hasPrefix("damaged")) && DocumentScannerNames.isCandidate($0)
    }
    for copy in 0..<copies {
        let folder = root.appendingPathComponent("dept\(copy % 20)/copy\(copy)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (number, source) in sources.enumerated() {
            try FileManager.default.linkItem(
                at: documents.appendingPathComponent(source),
                to: folder.appendingPathComponent("\(number)-" + (source as NSString).lastPathComponent))
        }
    }
    return root
}
