public import Foundation
public import Store
import PostgresNIO

extension PostgresEstateStore {
    /// The scans whose stage is in the store (running, or killed and waiting for the next scan of their root),
    /// oldest first.
    public func unfinishedScans() async throws -> [UnfinishedScan] {
        let scans = try await rows(
            "unfinished scans", "SELECT id, organisation, root_key, started FROM scan_progress ORDER BY id"
        ).map { try $0.decode((Int64, Int, String, Double).self) }
        var unfinished: [UnfinishedScan] = []
        for (id, organisation, rootKey, started) in scans {
            let stage = PostgresScanProgress(id: id, adoptedThrough: 0).stage
            let staged =
                try await rows("unfinished scans", "SELECT COUNT(*)::bigint FROM \(unescaped: stage)").first?.decode(
                    Int.self) ?? 0
            unfinished.append(
                UnfinishedScan(
                    organisation: organisation, rootKey: rootKey, started: Date(timeIntervalSince1970: started),
                    staged: staged))
        }
        return unfinished
    }

    /// Imports not finished (running, or killed and waiting to be taken over): organisation, file hash, and the
    /// software lines stored so far.
    public func unfinishedImports() async throws -> [(organisation: Int, fileHash: String, softwareRecords: Int)] {
        try await rows(
            "unfinished imports",
            "SELECT organisation, file_hash, software_records FROM imports WHERE NOT done ORDER BY id"
        ).map {
            let v = try $0.decode((Int, String, Int).self)
            return (v.0, v.1, v.2)
        }
    }
}
