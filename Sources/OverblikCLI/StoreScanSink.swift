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

/// Records a scan in the estate store: one store session per root (one transaction each at the end), and
/// the incremental-rescan test the scanner asks before reading a file.
final class StoreScanSink: DocumentRecordSink {
    private let store: any EstateStore
    /// Longest root first, so a file is routed to the most specific folder given.
    private var recorders: [(root: String, recorder: ScanRecorder)] = []
    private var finished = false

    init(location: StoreLocation, organisation: Int?, roots: [String], includePaths: Bool) throws {
        store = try BlockingBridge.wait { try await EstateStoreFactory.open(location) }
        let catalog = (try? ProductCatalog.bundled())?.stamp ?? CatalogStamp(version: "none", digest: "none")
        let started = Date()
        do {
            for root in Set(roots.map(normalisedRoot)).sorted(by: { $0.count > $1.count }) {
                let header = ScanHeader(
                    organisation: organisation, root: root, started: started, catalog: catalog,
                    includePaths: includePaths)
                recorders.append((root, try ScanRecorder(store: store, header: header)))
            }
        } catch {
            cancel()
            throw error
        }
    }

    /// The absolute, standardised form of a root as typed (relative to the working directory).
    static func absoluteRoot(_ path: String) -> String {
        normalisedRoot(URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    private func recorder(for path: String) -> ScanRecorder? {
        recorders.first { path == $0.root || path.hasPrefix($0.root == "/" ? "/" : $0.root + "/") }?.recorder
    }

    func accept(_ record: DocumentRecord) throws {
        try recorder(for: record.path)?.add(record)
    }

    func unchanged(path: String) throws {
        try recorder(for: path)?.markUnchanged(path: path)
    }

    func walkIssue(_ issue: WalkIssue) throws {}

    /// True when the file's size and modification time equal what the last scan of its root stored.
    var skipPredicate: @Sendable (String) -> Bool {
        let indexes = recorders.map { ($0.root, $0.recorder.index) }
        return { path in
            guard
                let index = indexes.first(where: { path == $0.0 || path.hasPrefix($0.0 == "/" ? "/" : $0.0 + "/") })?.1,
                index.count > 0
            else { return false }
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
            // The same arithmetic as the reader's, so an unchanged file compares equal to the stored time.
            let modified = Date(
                timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            return index.isUnchanged(path: path, size: Int64(info.st_size), modified: modified)
        }
    }

    /// Commits every root's scan.
    func finish() throws -> [Store.ScanSummary] {
        finished = true
        let summaries = try recorders.map { try $0.recorder.finish() }
        let store = self.store
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
