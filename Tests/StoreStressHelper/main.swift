// A small child process for the store tests: writes a synthetic scan or import into a store in
// batches, printing a line after each batch, so a test can kill it midway (SIGKILL) or run two at once.
//
//   StoreStressHelper scan STORE ORGANISATION ROOT COUNT [DELAY_MS]
//   StoreStressHelper import STORE ORGANISATION FILE_HASH COUNT [DELAY_MS]
import Foundation
import OverblikModel
import Store
import StorePostgres

let arguments = CommandLine.arguments
guard arguments.count >= 6 else {
    FileHandle.standardError.write(
        Data("usage: StoreStressHelper scan|import STORE ORG ROOT|HASH COUNT [DELAY_MS]\n".utf8))
    exit(2)
}
let mode = arguments[1]
let location = StoreLocation.resolve(arguments[2])
let organisation = Int(arguments[3])!
let name = arguments[4]
let count = Int(arguments[5])!
let delay = arguments.count > 6 ? UInt64(arguments[6])! : 0
let batch = 500
let catalog = CatalogStamp(version: "test", digest: "sha256:test")

/// Unbuffered, so the parent sees each batch line as it happens.
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func pauseBetweenBatches() async throws {
    if delay > 0 { try await Task.sleep(nanoseconds: delay * 1_000_000) }
}

do {
    let store = try await EstateStoreFactory.open(location)
    switch mode {
    case "scan":
        let session = try await store.beginScan(ScanHeader(organisation: organisation, root: name, catalog: catalog))
        var index = 0
        while index < count {
            let records = (index..<min(count, index + batch)).map { i in
                var record = DocumentRecord(
                    path: "\(name)/dept\(i % 7)/doc\(i).odt", family: .odf, container: .zip, format: "odt",
                    size: Int64(1000 + i), modified: Date(timeIntervalSince1970: 1_700_000_000 + Double(i)))
                record.suite = i % 3 == 0 ? "libreoffice" : "ms-office"
                record.odfVersion = "1.3"
                return record
            }
            try await session.add(records)
            index += records.count
            say("batch \(index)")
            try await pauseBetweenBatches()
        }
        let summary = try await session.finish(finished: Date())
        say(
            "done new=\(summary.new) changed=\(summary.changed) unchanged=\(summary.unchanged) deleted=\(summary.deleted)"
        )
    case "import":
        let session = try await store.beginImport(
            ImportHeader(
                organisation: organisation, fileHash: name, fileName: "inventory.csv", format: "csv",
                catalog: catalog, linesRead: count))
        var index = 0
        while index < count {
            let records = (index..<min(count, index + batch)).map { i in
                SoftwareRecord(
                    organisation: organisation, source: "inventory.csv", line: i + 2, host: "h:\(i % 50)",
                    title: "LibreOffice 7.6", publisher: "The Document Foundation", version: "7.6.4.1", package: nil,
                    platform: "windows", installCount: 1, installDate: nil,
                    classification: Classification(
                        product: "libreoffice", version: "7.6.4.1", versionLine: "7.6", countsAsInstallation: true,
                        rule: "test"))
            }
            try await session.add(software: records)
            index += records.count
            say("batch \(index)")
            try await pauseBetweenBatches()
        }
        let outcome = try await session.finish(finished: Date())
        say("done records=\(outcome.summary.softwareRecords)")
    default:
        FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
        exit(2)
    }
    try await store.close()
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
