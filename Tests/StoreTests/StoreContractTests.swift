import Foundation
import Geography
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// The store contract: the same tests on SQLite (memory and file) and PostgreSQL.
@Suite(.tags(.store, .postgres)) struct StoreContractTests {
    @Test(arguments: Backend.allCases)
    func migratesAnEmptyStoreToTheCurrentSchema(backend: Backend) async throws {
        let location = try backend.freshLocation()
        let store = try await EstateStoreFactory.open(location)
        #expect(try await store.schemaVersion() == StoreSchema.currentVersion)
        #expect(try await store.scans(organisation: nil).isEmpty)
        #expect(try await store.periods().isEmpty)
        try await store.close()
        if backend != .sqliteMemory {
            // Reopening an up-to-date store applies nothing and keeps the data's pseudonym key.
            let first = try await EstateStoreFactory.open(location)
            try await scan(first, root: "/srv/a", [document("/srv/a/x/1.odt")])
            try await first.close()
            let second = try await EstateStoreFactory.open(location)
            #expect(try await second.schemaVersion() == StoreSchema.currentVersion)
            let index = try await second.fileIndex(organisation: 751, root: "/srv/a")
            #expect(index.stamp(forPath: "/srv/a/x/1.odt") != nil)
            try await second.close()
        }
    }

    static func ask(_ check: FileIndex.DirectoryCheck, _ name: String, _ stamp: FileStamp) -> Bool {
        var bytes = Array(name.utf8)
        return bytes.withUnsafeMutableBufferPointer { check.isUnchanged(name: UnsafeBufferPointer($0), stamp: stamp) }
    }

    @Test(arguments: Backend.allCases)
    func incrementalRescanCountsNewChangedUnchangedAndDeleted(backend: Backend) async throws {
        let store = try await backend.open()
        let root = "/srv/share/"
        let first = try await scan(
            store, root: root,
            [
                document("/srv/share/Økonomi/a.odt", size: 10), document("/srv/share/Økonomi/b.odt", size: 20),
                document("/srv/share/HR/c.docx", size: 30, family: .ooxml, format: "docx", suite: "ms-office"),
                document("/srv/share/d.odt", size: 40),
            ])
        #expect(first.new == 4 && first.changed == 0 && first.unchanged == 0 && first.deleted == 0)

        // The scanner asks what it can skip.
        let index = try await store.fileIndex(organisation: 751, root: "/srv/share")
        #expect(index.count == 4)
        let modified = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(index.isUnchanged(path: "/srv/share/Økonomi/a.odt", size: 10, modified: modified))
        #expect(!index.isUnchanged(path: "/srv/share/Økonomi/b.odt", size: 21, modified: modified))
        #expect(!index.isUnchanged(path: "/srv/share/new.odt", size: 1, modified: modified))
        // The walker's form of the same question: by directory, then by the name's bytes.
        let stamp = { (size: Int64) in FileStamp(size: size, modified: modified) }
        let economy = index.directory("/srv/share/Økonomi/")
        #expect(Self.ask(economy, "a.odt", stamp(10)))
        #expect(!Self.ask(economy, "b.odt", stamp(21)))
        #expect(!Self.ask(economy, "c.docx", stamp(30)))
        #expect(Self.ask(index.directory("/srv/share/HR/"), "c.docx", stamp(30)))
        #expect(Self.ask(index.directory("/srv/share/"), "d.odt", stamp(40)))
        #expect(!Self.ask(index.directory("/srv/share"), "d.odt", stamp(40)))
        economy.finish()

        // a: skipped as unchanged; b: changed; c: read again but identical; d: deleted; e: new.
        let second = try await scan(
            store, root: root,
            [
                document("/srv/share/Økonomi/b.odt", size: 21, odf: "1.2"),
                document("/srv/share/HR/c.docx", size: 30, family: .ooxml, format: "docx", suite: "ms-office"),
                document("/srv/share/Økonomi/e.odt", size: 50),
            ], unchanged: ["/srv/share/Økonomi/a.odt"])
        #expect(second.new == 1)
        #expect(second.changed == 1)
        #expect(second.unchanged == 2)
        #expect(second.deleted == 1)
        #expect(second.total == 4)

        let counts = try await store.documentCounts(organisation: 751)
        #expect(counts.reduce(0) { $0 + $1.count } == 4)
        #expect(counts.first { $0.format == "odt" && $0.odfVersion == "1.2" }?.count == 1)
        #expect(counts.first { $0.format == "docx" }?.suite == "ms-office")

        // Another root of the same organisation is untouched by a scan of this one.
        try await scan(store, root: "/srv/other", [document("/srv/other/x/y.odt")])
        let third = try await scan(store, root: root, [], unchanged: [])
        #expect(third.deleted == 4)
        #expect(try await store.documentCounts(organisation: 751).reduce(0) { $0 + $1.count } == 1)
        #expect(try await store.scans(organisation: 751).count == 4)
        try await store.close()
    }

    @Test(arguments: Backend.persistent)
    func aScanFinishedMeanwhileOnTheSameRootIsTakenIntoAccount(backend: Backend) async throws {
        // Scanner 1 reads the index of a, b, c; scanner 2 then finishes a scan that finds d as well; scanner 1
        // sees a and b unchanged, reads d and no longer finds c. Its counts must come from the store as it is
        // now, not from the index it read before: c is deleted.
        let store = try await backend.open()
        let root = "/srv/twice"
        let (a, b, c, d) = ("\(root)/a.odt", "\(root)/b.odt", "\(root)/c.odt", "\(root)/d.odt")
        try await scan(store, root: root, [a, b, c].map { document($0, size: 10) })
        let header = ScanHeader(organisation: 751, root: root, catalog: testCatalog)
        let modified = Date(timeIntervalSince1970: 1_700_000_000)
        let summary = try await DedicatedThread.run { () throws -> ScanSummary in
            let first = try ScanRecorder(store: store, header: header)
            let second = try ScanRecorder(store: store, header: header)
            for path in [a, b, c] { _ = second.index.isUnchanged(path: path, size: 10, modified: modified) }
            try second.add(document(d, size: 10))
            _ = try second.finish()
            for path in [a, b] { _ = first.index.isUnchanged(path: path, size: 10, modified: modified) }
            try first.add(document(d, size: 10))
            return try first.finish()
        }
        #expect(summary.deleted == 1)
        #expect(summary.unchanged == 3)
        #expect(summary.new == 0)
        let index = try await store.fileIndex(organisation: 751, root: root)
        #expect(index.count == 3)
        #expect(index.stamp(forPath: c) == nil)
        #expect(index.stamp(forPath: d) != nil)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func recorderRescanSkipsUnchangedFilesAndFindsTheDeletedOnes(backend: Backend) async throws {
        let store = try await backend.open()
        let root = "/srv/rescan"
        let paths = (0..<300).map { "\(root)/dept\($0 % 3)/doc\($0).odt" }
        try await scan(store, root: root, paths.map { document($0, size: 10) })
        let modified = Date(timeIntervalSince1970: 1_700_000_000)
        // Like the scanner: ask the index (asking is what counts a file as unchanged), give the recorder what
        // was read. doc0..9 are gone, doc10..19 changed size, one new file appears, the rest are unchanged.
        // Index answers are collected and checked on the test's own task (#expect needs its context).
        let (summary, indexCount, wrongAnswers) = try await DedicatedThread.run {
            () throws -> (ScanSummary, Int, [String]) in
            var wrongAnswers: [String] = []
            let recorder = try ScanRecorder(
                store: store, header: ScanHeader(organisation: 751, root: root, catalog: testCatalog), batchSize: 7)
            for (number, path) in paths.enumerated() where number >= 10 {
                if number < 20 {
                    if recorder.index.isUnchanged(path: path, size: 11, modified: modified) {
                        wrongAnswers.append(path)
                    }
                    try recorder.add(document(path, size: 11))
                } else if !recorder.index.isUnchanged(path: path, size: 10, modified: modified) {
                    wrongAnswers.append(path)
                }
            }
            try recorder.add(document("\(root)/dept0/new.odt", size: 5))
            return (try recorder.finish(), recorder.index.count, wrongAnswers)
        }
        #expect(indexCount == 300)
        #expect(wrongAnswers.isEmpty)
        #expect(summary.new == 1)
        #expect(summary.changed == 10)
        #expect(summary.unchanged == 280)
        #expect(summary.deleted == 10)
        #expect(try await store.documentCounts(organisation: 751).reduce(0) { $0 + $1.count } == 291)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func cancelledScanLeavesNothing(backend: Backend) async throws {
        let store = try await backend.open()
        let session = try await store.beginScan(ScanHeader(organisation: 751, root: "/r", catalog: testCatalog))
        try await session.add([document("/r/a/1.odt"), document("/r/a/2.odt")])
        await session.cancel()
        #expect(try await store.documentCounts(organisation: 751).isEmpty)
        #expect(try await store.scans(organisation: nil).isEmpty)
        await #expect(throws: StoreError.sessionClosed) { try await session.add([document("/r/a/3.odt")]) }
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func errorsAreCountedByKindAndYearsKept(backend: Backend) async throws {
        let store = try await backend.open()
        var old = document("/r/a/old.sxw", family: .starOfficeXML, format: "sxw", suite: "openoffice.org", line: "2.4")
        old.metaModified = ISO8601DateFormatter().date(from: "2006-05-01T10:00:00Z")
        try await scan(
            store, root: "/r",
            [
                old, document("/r/a/bad.odt", error: .badCRC), document("/r/a/bad2.odt", error: .badCRC),
                document("/r/a/empty.odt", error: .empty),
            ])
        let errors = try await store.documentErrorCounts(organisation: 751)
        #expect(errors == [.init(kind: .badCRC, count: 2), .init(kind: .empty, count: 1)])
        let counts = try await store.documentCounts(organisation: 751)
        #expect(counts.first { $0.format == "sxw" }?.year == 2006)
        #expect(try await store.lastScanFinished(organisation: 751) != nil)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func importCountsDistinctHostsAndNeverDoubleCounts(backend: Backend) async throws {
        let store = try await backend.open()
        let records = [
            software(line: 2, host: "h:1"), software(line: 3, host: "h:1"),  // same host twice: one installation
            software(line: 4, host: "h:2"),
            software(line: 5, host: "h:2", title: "LibreOffice 7.6 Help Pack (Danish)", counts: false),
            software(
                line: 6, host: "h:3", title: "Microsoft Office Professional Plus 2016", product: "ms-office",
                versionLine: "2016", publisher: "Microsoft"),
            software(
                line: 7, host: "h:3", title: "Frobnicator Pro", product: "unknown", versionLine: nil, counts: false),
            // An aggregate export line: no host, its count kept as it is.
            software(
                line: 8, host: nil, title: "Microsoft 365 Apps", product: "ms-office", versionLine: "365",
                installCount: 40, publisher: "Microsoft"),
        ]
        let first = try await importFile(store, hash: "sha256:aaa", records)
        guard case .imported(let summary) = first else {
            Issue.record("expected a new import, got \(first)")
            return
        }
        #expect(summary.softwareRecords == 7)
        let expected: [Submission.InstallationCount] = [
            .init(product: "libreoffice", versionLine: "7.6", hosts: 2),
            .init(product: "ms-office", versionLine: "2016", hosts: 1),
            .init(product: "ms-office", versionLine: "365", hosts: 40),
        ]
        #expect(try await store.installationCounts(organisation: 751) == expected)
        #expect(try await store.distinctHosts(organisation: 751) == 3)
        #expect(
            try await store.unknownTitles(organisation: 751, limit: 10) == [
                .init(title: "Frobnicator Pro", publisher: "The Document Foundation", count: 1)
            ])

        // Same file (hash) again for the same organisation: nothing added.
        let again = try await importFile(store, hash: "sha256:aaa", records)
        guard case .alreadyImported(let previous) = again else {
            Issue.record("expected already imported, got \(again)")
            return
        }
        #expect(previous.id == summary.id)
        #expect(try await store.installationCounts(organisation: 751) == expected)
        #expect(try await store.imports(organisation: 751).count == 1)
        // The same file for another organisation is that organisation's import.
        try await importFile(
            store, organisation: 101, hash: "sha256:aaa", [software(organisation: 101, line: 2, host: "h:9")])
        #expect(try await store.distinctHosts(organisation: 101) == 1)
        #expect(try await store.importSummary(organisation: 101, fileHash: "sha256:aaa") != nil)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func cancelledImportLeavesNothingAndCanBeRedone(backend: Backend) async throws {
        let store = try await backend.open()
        let session = try await store.beginImport(
            ImportHeader(
                organisation: 751, fileHash: "sha256:bbb", fileName: "x.csv", format: "csv", catalog: testCatalog))
        try await session.add(software: [software(line: 2, host: "h:1")])
        await session.cancel()
        #expect(try await store.installationCounts(organisation: 751).isEmpty)
        #expect(try await store.importSummary(organisation: 751, fileHash: "sha256:bbb") == nil)
        let outcome = try await importFile(store, hash: "sha256:bbb", [software(line: 2, host: "h:1")])
        #expect(outcome.summary.softwareRecords == 1)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func usageDeclarationsAreDeduplicatedAcrossSources(backend: Backend) async throws {
        let store = try await backend.open()
        let declarations = [
            UsageDeclaration(
                organisation: 751, product: "os2kitos", relation: .uses, date: "2024-05-01", evidence: "contract",
                evidenceKind: .usageDeclaration, source: "usage.csv", line: 2),
            UsageDeclaration(
                organisation: 101, product: "os2faktor", relation: .agreement, date: nil, evidence: nil,
                evidenceKind: .publicEvidence, source: "evidence.tsv", line: 7),
        ]
        #expect(try await store.addUsageDeclarations(declarations) == 2)
        // The same statements read from another file (other source/line) are not new.
        var moved = declarations
        moved[0].source = "other.csv"
        moved[0].line = 40
        #expect(try await store.addUsageDeclarations(moved) == 0)
        let retired = UsageDeclaration(
            organisation: 751, product: "os2kitos", relation: .retired, date: "2025-01-01", evidence: "contract",
            evidenceKind: .usageDeclaration)
        #expect(try await store.addUsageDeclarations([retired]) == 1)
        #expect(try await store.usageDeclarations(organisation: nil).count == 3)
        let aarhus = try await store.usageDeclarations(organisation: 751)
        #expect(aarhus.map(\.relation) == [.uses, .retired])
        #expect(aarhus.first?.source == "usage.csv")
        // Through an import file, counted with that import.
        let outcome = try await importFile(
            store, organisation: 101, hash: "sha256:usage", [],
            usage: [
                UsageDeclaration(
                    organisation: 101, product: "sbsys", relation: .uses, date: "2023", evidence: nil,
                    evidenceKind: .kitos)
            ])
        #expect(outcome.summary.usageDeclarations == 1)
        #expect(try await store.usageDeclarations(organisation: 101).count == 2)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func pathsArePseudonymisedUnlessAsked(backend: Backend) async throws {
        let store = try await backend.open()
        let summary = try await scan(
            store, root: "/home/jens.hansen", [document("/home/jens.hansen/Fortroligt/løn.odt")])
        #expect(!summary.root.contains("jens"))
        let kept = try await scan(
            store, organisation: 101, root: "/srv/kept", [document("/srv/kept/a/b.odt")], includePaths: true)
        #expect(kept.root == "/srv/kept")
        #expect(try await store.scans(organisation: 751).first?.root.hasPrefix("r:") == true)
        try await store.close()
    }

    @Test(arguments: Backend.allCases)
    func newestSubmissionPerOrganisationAndPeriodWins(backend: Backend) async throws {
        let store = try await backend.open()
        let older = try syntheticSubmission(code: 751, period: "2025", created: 1_700_000_000, documents: 10)
        let newer = try syntheticSubmission(code: 751, period: "2025", created: 1_700_100_000, documents: 20)
        let next = try syntheticSubmission(code: 751, period: "2026", created: 1_700_200_000, documents: 30)
        let other = try syntheticSubmission(code: 101, period: "2025", created: 1_700_000_000, documents: 5)
        #expect(try await store.addSubmission(newer) == .current)
        #expect(try await store.addSubmission(older) == .history)
        #expect(try await store.addSubmission(older) == .duplicate)
        #expect(try await store.addSubmission(other) == .current)
        #expect(try await store.periods() == ["2025"])
        #expect(try await store.latestSubmissions(period: "2025").map(\.digest) == [other.digest, newer.digest])
        #expect(try await store.addSubmission(next) == .current)
        #expect(try await store.periods() == ["2025", "2026"])
        // Without a period: each organisation's newest period.
        #expect(try await store.latestSubmissions(period: nil).map(\.digest) == [other.digest, next.digest])
        let history = try await store.submissionHistory(organisation: 751, period: "2025")
        #expect(history.map(\.submission.digest) == [older.digest, newer.digest])
        #expect(history.map(\.superseded) == [true, false])
        #expect(try await store.submissionHistory(organisation: nil, period: nil).count == 4)
        // A round trip through the store keeps the submission exactly.
        #expect(try await store.latestSubmissions(period: "2026") == [next])
        try await store.close()
    }
}

/// A small synthetic submission for store tests.
func syntheticSubmission(code: Int, period: String, created: Double, documents: Int) throws -> Submission {
    let authority = try #require(Geography.AuthorityDirectory.denmark.authority(code: code))
    let body = Submission.Body(
        organisation: .init(code: code, name: authority.name, kind: authority.kind.rawValue), period: period,
        created: Date(timeIntervalSince1970: created), catalog: testCatalog, comment: nil, synthetic: true,
        documents: .init(
            asOf: Date(timeIntervalSince1970: created),
            counts: [
                .init(
                    family: .odf, format: "odt", suite: "libreoffice", suiteVersionLine: "7.6", odfVersion: "1.3",
                    year: 2025, count: documents)
            ], errors: []),
        installations: .init(
            asOf: nil, hosts: 3, counts: [.init(product: "libreoffice", versionLine: "7.6", hosts: 3)]),
        usage: [], unknownTitles: nil)
    return try Submission(body: body)
}
