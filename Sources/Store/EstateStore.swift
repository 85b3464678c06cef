/// The estate store: scans, imports, usage declarations and submissions, on SQLite or PostgreSQL.
///
/// Each role has its own protocol, so code that only scans, imports, exports or compiles can say so; the
/// two backends implement them all. A scan or import commits its batches as they come, counted nowhere until
/// its finish, which is one transaction: readers never see half of one, and a killed one is taken over.
public protocol EstateStore: ScanStore, InventoryStore, ClassifiedStore, EstateFigures, SubmissionStore {
    /// Schema version of the open store.
    func schemaVersion() async throws -> Int

    /// Releases connections. The store must not be used afterwards.
    func close() async throws
}
