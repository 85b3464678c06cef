import Foundation
import Geography
import OverblikModel
import Store
import StorePostgres
import Submissions
import Testing
import TestSupport

/// `export`'s `documents.conformance` on every backend: the stored verdicts counted by verdict, suite, suite version
/// line and ODF version, compared with a count made here from the records the store was given (the oracle); a
/// store whose documents were never validated gives no section (not measured), never zeros.
@Suite(.tags(.store, .postgres)) struct ConformanceExportTests {
    static let organisation = 751

    static func record(
        _ path: String, _ verdict: DocumentConformance?, suite: String? = "libreoffice", line: String? = "7.6",
        odf: String? = "1.3", size: Int64 = 100, error: ReadFailureKind? = nil
    ) -> DocumentRecord {
        var record = document(path, size: size, suite: suite, line: line, odf: odf, error: error)
        record.conformance = verdict
        return record
    }

    /// What a fresh store must export for `records`: readable documents with a verdict, grouped here.
    static func expectedConformance(_ records: [DocumentRecord]) -> Submission.Conformance? {
        struct Key: Hashable {
            var verdict: DocumentConformance
            var suite: String?
            var line: String?
            var odf: String?
        }
        var counts: [Key: Int] = [:]
        for record in records where record.error == nil {
            guard let verdict = record.conformance else { continue }
            let key = Key(verdict: verdict, suite: record.suite, line: record.suiteVersionLine, odf: record.odfVersion)
            counts[key, default: 0] += 1
        }
        guard !counts.isEmpty else { return nil }
        let verdictOrder = DocumentConformance.allCases
        let rows = counts.map { key, count in
            Submission.ConformanceCount(
                verdict: key.verdict, suite: key.suite, suiteVersionLine: key.line, odfVersion: key.odf, count: count)
        }.sorted {
            let left = (verdictOrder.firstIndex(of: $0.verdict)!, $0.suite ?? "", $0.suiteVersionLine ?? "")
            let right = (verdictOrder.firstIndex(of: $1.verdict)!, $1.suite ?? "", $1.suiteVersionLine ?? "")
            return left != right ? left < right : ($0.odfVersion ?? "") < ($1.odfVersion ?? "")
        }
        return Submission.Conformance(measured: counts.values.reduce(0, +), counts: rows)
    }

    /// A mixed estate: suites, lines and ODF versions over every verdict, a file read without `--validate`, a
    /// read error (with a verdict it must not count under) and an OOXML file.
    static func estate() -> [DocumentRecord] {
        var ooxml = document("/srv/x.docx", family: .ooxml, format: "docx", suite: "ms-office", line: "16", odf: nil)
        ooxml.conformance = nil
        return [
            record("/srv/a.odt", .conforming, line: "24.8", odf: "1.4"),
            record("/srv/b.odt", .extendedConforming, line: "24.8", odf: "1.4"),
            record("/srv/c.odt", .extendedConforming, line: "24.8", odf: "1.4"),
            record("/srv/d.odt", .extendedConforming, line: "7.6", odf: "1.3"),
            record("/srv/e.ods", .notConforming, suite: "apache-openoffice", line: "4.1", odf: "1.2"),
            record("/srv/f.odt", .unknownVersion, suite: "abiword", line: nil, odf: nil),
            record("/srv/g.ods", .notChecked, suite: nil, line: nil, odf: "1.2"),
            record("/srv/h.odp", .unreadable, suite: "ms-office", line: "16", odf: "1.3"),
            record("/srv/i.odt", nil, line: "7.6", odf: "1.3"),
            record("/srv/broken.odt", .notConforming, error: .truncated),
            ooxml,
        ]
    }

    @Test(arguments: Backend.allCases)
    func exportCountsTheStoredVerdictsAndARescanReplacesThem(backend: Backend) async throws {
        let store = try await backend.open()
        var files = Self.estate()
        try await scan(store, root: "/srv", files)
        let first = try await store.documentConformance(organisation: Self.organisation)
        #expect(first == Self.expectedConformance(files))
        #expect(first?.measured == 8)
        #expect(first?.counts.reduce(0) { $0 + $1.count } == first?.measured)

        // Read again: one file changes its verdict, the unvalidated one gets one, one is gone, one is read without
        // --validate and loses its verdict.
        files[0] = Self.record("/srv/a.odt", .notConforming, line: "24.8", odf: "1.4", size: 101)
        files[8] = Self.record("/srv/i.odt", .conforming, line: "7.6", odf: "1.3", size: 102)
        files[3] = Self.record("/srv/d.odt", nil, line: "7.6", odf: "1.3", size: 103)
        files.remove(at: 4)
        try await scan(store, root: "/srv", files)
        #expect(try await store.documentConformance(organisation: Self.organisation) == Self.expectedConformance(files))

        // The whole submission carries it, and the exported file passes the verifier (schema and sum check).
        let submission = try await SubmissionBuilder.build(
            from: store,
            options: ExportOptions(organisation: AuthorityDirectory.denmark.authority(code: 751)!, period: "2026"))
        #expect(submission.body.documents.conformance == Self.expectedConformance(files))
        let verified = try SubmissionVerifier().verify(data: try encodeSubmission(submission), name: "751.json")
        #expect(verified.body.documents.conformance == submission.body.documents.conformance)
        try await store.close()
    }

    /// Scanned without `--validate` (every verdict NULL): no conformance section, not a section of zeros.
    @Test(arguments: Backend.allCases)
    func aStoreNeverValidatedHasNoConformanceNotZero(backend: Backend) async throws {
        let store = try await backend.open()
        #expect(try await store.documentConformance(organisation: Self.organisation) == nil)
        try await scan(
            store, root: "/srv",
            [Self.record("/srv/a.odt", nil), Self.record("/srv/b.odt", nil), document("/srv/c.odt", error: .empty)])
        #expect(try await store.documentConformance(organisation: Self.organisation) == nil)
        let submission = try await SubmissionBuilder.build(
            from: store,
            options: ExportOptions(organisation: AuthorityDirectory.denmark.authority(code: 751)!, period: "2026"))
        #expect(submission.body.documents.conformance == nil)
        #expect(!String(decoding: try encodeSubmission(submission), as: UTF8.self).contains("conformance"))
        try await store.close()
    }
}
