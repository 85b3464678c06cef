import Catalog
import Foundation
import OfficeDocuments
import OverblikModel
import Store
import StorePostgres

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Records a scan in the estate store: one store session per root (staged in batches, merged in one
/// transaction at the end), and
/// the incremental-rescan test the scanner asks before reading a file.
final class StoreScanSink: DocumentRecordSink {
    private let store: any EstateStore
    /// Longest root first, so a file is routed to the most specific folder given; `prefix` is the root with its
    /// trailing `/`, made once rather than for every file routed.
    private var recorders: [(root: String, prefix: String, recorder: ScanRecorder)] = []
    private var finished = false
    /// Makes the classifier the store's rows are classified again with when the catalog changed.
    private let rowClassifier: () throws -> any StoredRowClassifier
    /// What ``finish()`` did to keep every stored row under the scan's catalog, if anything.
    private(set) var reclassification: ReclassificationSummary?

    /// `catalog`: given the open store, how to get the stamp of the catalog the scan classifies with (the
    /// bundled one or the user's); that getter is asked once the first root's index is loaded, so the
    /// catalog can load meanwhile when the store does not already know its stamp. `readingAgain`: the stored,
    /// unchanged files the scan reads all the same (with `--validate`, ODF documents without a verdict).
    init(
        location: StoreLocation, organisation: Int?, roots: [String], includePaths: Bool,
        readingAgain: ReadAgain = .none,
        catalog: (any EstateStore) throws -> () throws -> CatalogStamp,
        rowClassifier: @escaping () throws -> any StoredRowClassifier
    ) throws {
        self.rowClassifier = rowClassifier
        store = try BlockingBridge.wait { try await EstateStoreFactory.open(location) }
        let started = Date()
        do {
            let catalog = try catalog(store)
            for root in Self.outermost(roots).sorted(by: { $0.utf8.count > $1.utf8.count }) {
                let header = ScanHeader(
                    organisation: organisation, root: root, started: started,
                    catalog: CatalogStamp(version: "", digest: ""), includePaths: includePaths)
                let recorder = try ScanRecorder(
                    store: store, header: header, catalog: catalog, readingAgain: readingAgain)
                if recorder.index.takenOver > 0 {
                    FileHandle.standardError.write(
                        Data(
                            ("Taking over the unfinished scan of \(root): \(recorder.index.takenOver) documents it "
                                + "staged before it was stopped are not read again.\n").utf8))
                }
                if recorder.index.readAgainCount > 0 {
                    FileHandle.standardError.write(
                        Data(
                            ("Validating \(recorder.index.readAgainCount) unchanged ODF documents under \(root) that "
                                + "earlier scans stored without a conformance verdict.\n").utf8))
                }
                recorders.append((root, root == "/" ? "/" : root + "/", recorder))
            }
        } catch {
            cancel()
            throw error
        }
    }

    /// The roots that lie inside no other root given: a folder inside another is already scanned with it, and
    /// one session for each would see the other's files as deleted. Compared byte for byte (`hasPathPrefix`).
    static func outermost(_ roots: [String]) -> [String] {
        var unique: [String] = []
        for root in roots.map(normalisedRoot) where !unique.contains(where: { $0.isSamePath(root) }) {
            unique.append(root)
        }
        return unique.filter { root in
            !unique.contains { other in
                !other.isSamePath(root) && (other == "/" || root.hasPathPrefix(other + "/"))
            }
        }.sorted()
    }

    /// The absolute form of a root as typed (relative to the working directory), with symbolic links resolved:
    /// a file reached through a link to its share and through the share itself is one document.
    static func absoluteRoot(_ path: String) -> String {
        normalisedRoot(URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path)
    }

    private func recorder(for path: String) -> ScanRecorder? {
        recorders.first { path.isSamePath($0.root) || path.hasPathPrefix($0.prefix) }?.recorder
    }

    func accept(_ record: DocumentRecord) throws {
        try recorder(for: record.path)?.add(record)
    }

    func walkIssue(_ issue: WalkIssue) throws {}

    /// How many files the store held under the roots before this scan: the progress line's expected total.
    var previouslyStored: Int { recorders.reduce(0) { $0 + $1.recorder.index.count } }

    /// What the last scan of each root stored, for the scanner's walker threads: a directory is routed to the
    /// most specific root containing it once, then its files are checked by name. `nil` when the store holds no
    /// file under any root (a first scan): no file can be unchanged, so the walker does not `stat` each one.
    var unchangedFiles: (any UnchangedFiles)? {
        guard previouslyStored > 0 else { return nil }
        return StoredFiles(roots: recorders.map { ($0.prefix, $0.recorder.index) })
    }

    private struct StoredFiles: UnchangedFiles {
        /// Longest root first, as the recorders.
        let roots: [(prefix: String, index: FileIndex)]

        func directory(_ directory: String) -> (any UnchangedInDirectory)? {
            guard let index = roots.first(where: { directory.hasPathPrefix($0.prefix) })?.index, index.count > 0
            else {
                return nil
            }
            return DirectoryFiles(check: index.directory(directory))
        }
    }

    private final class DirectoryFiles: UnchangedInDirectory {
        let check: FileIndex.DirectoryCheck

        init(check: FileIndex.DirectoryCheck) {
            self.check = check
        }

        func isUnchanged(name: UnsafeBufferPointer<UInt8>, status: FileStatus) -> Bool {
            check.isUnchanged(name: name, stamp: FileStamp(size: status.size, modifiedSeconds: status.modifiedSeconds))
        }

        func areUnchanged(names: UnsafeBufferPointer<UInt8>, ends: [Int], statuses: [FileStatus]) -> [Bool] {
            check.areUnchanged(
                names: names, ends: ends,
                stamps: statuses.map { FileStamp(size: $0.size, modifiedSeconds: $0.modifiedSeconds) })
        }

        func finish() { check.finish() }
    }

    /// The stored documents under every root scanned, once the scan has committed (``finish(estate:)``).
    private(set) var estate: OfficeDocuments.ScanSummary?

    /// Commits every root's scan; with `estate`, then tallies what the store holds under the roots.
    func finish(estate wanted: Bool = false) throws -> [Store.ScanSummary] {
        finished = true
        // Every stored row follows the catalog this scan classified with; done before the scan commits, so a
        // crash in between leaves rows and stamp agreeing.
        if let stamp = recorders.first?.recorder.header.catalog {
            reclassification = try CatalogInForce.apply(to: store, stamp: stamp, classifier: rowClassifier)
        }
        let summaries = try recorders.map { try $0.recorder.finish() }
        let store = self.store
        if wanted {
            var estate = OfficeDocuments.ScanSummary()
            for entry in recorders {
                let header = entry.recorder.header
                let tallies = try BlockingBridge.wait {
                    try await store.documentTallies(organisation: header.organisation, root: header.root)
                }
                for tally in tallies {
                    estate.add(
                        family: tally.family, format: tally.format, suite: tally.suite,
                        suiteVersionLine: tally.suiteVersionLine, odfVersion: tally.odfVersion, error: tally.error,
                        encrypted: tally.encrypted, withWarnings: tally.withWarnings, count: tally.count)
                }
            }
            self.estate = estate
        }
        try BlockingBridge.wait { try await store.close() }
        return summaries
    }

    /// Abandons every root's scan: the store is unchanged.
    func cancel() {
        guard !finished else { return }
        finished = true
        for entry in recorders { entry.recorder.cancel() }
        let store = self.store
        try? BlockingBridge.wait { try await store.close() }
    }

    static func render(_ summaries: [Store.ScanSummary], location: StoreLocation, unchangedSkipped: Int) -> String {
        let new = summaries.reduce(0) { $0 + $1.new }
        let changed = summaries.reduce(0) { $0 + $1.changed }
        let unchanged = summaries.reduce(0) { $0 + $1.unchanged }
        let deleted = summaries.reduce(0) { $0 + $1.deleted }
        let total = summaries.reduce(0) { $0 + $1.total }
        let folders = summaries.count == 1 ? "1 folder" : "\(summaries.count) folders"
        return
            "Store \(location): \(new) new, \(changed) changed, \(unchanged) unchanged (\(unchangedSkipped) not read "
            + "again), \(deleted) deleted; \(total) documents under \(folders).\n"
    }
}
