import Foundation
import Geography
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport

/// A year of an authority's life against an oracle (docs/usage/lifecycle.md): random sequences of scans
/// (parent, child and overlapping roots; files added, changed (with other features: macros, signatures, embedded
/// objects), deleted, broken), imports (newer and older
/// inventories of the same hosts, the same file again, aggregate exports) and catalog changes. After every
/// sequence, the export of the store built step by step must equal the export of a fresh store loaded once
/// with the final state, which a plain model of the semantics computes. A failing sequence is shrunk to a
/// minimal one and printed.
@Suite(.tags(.store, .postgres, .slow)) struct LifecycleScenarioTests {
    static let sequences = 40
    static let steps = 14

    @Test(arguments: Backend.allCases)
    func exportEqualsAFreshStoreLoadedWithTheFinalState(backend: Backend) async throws {
        // Fewer sequences on PostgreSQL: each store there is a schema of its own on a real server.
        let count = backend == .postgres ? Self.sequences / 2 : Self.sequences
        for index in 0..<count {
            var generator = SeededGenerator(seed: 0x0B_E5B1_1C00 + UInt64(index))
            let steps = Scenario.randomSteps(count: Self.steps, using: &generator)
            guard let failure = try await Scenario.mismatch(steps, backend: backend) else { continue }
            let minimal = try await Scenario.shrink(steps, backend: backend)
            Issue.record(
                """
                Sequence \(index) on \(backend): the store built step by step exports other figures than a fresh \
                store with the final state (\(failure)). Minimal failing sequence:
                \(minimal.map { "  \($0)" }.joined(separator: "\n"))
                """)
            return
        }
    }

}

/// Hosts no newer export lists keep their last list until it is older than the maximum age; the export says
/// how old its oldest data are.
@Suite(.tags(.store, .postgres)) struct StaleInventoryTests {
    @Test(arguments: Backend.allCases)
    func hostsOlderThanTheMaximumAgeAreLeftOutAndTheDataDatesSaySo(backend: Backend) async throws {
        let store = try await backend.open()
        let now = Date()
        let old = now.addingTimeInterval(-400 * 86_400)
        let recent = now.addingTimeInterval(-10 * 86_400)
        for (hash, host, observed) in [("sha256:old", "h:retired", old), ("sha256:new", "h:active", recent)] {
            let session = try await store.beginImport(
                ImportHeader(
                    organisation: 751, fileHash: hash, fileName: "export.csv", format: "csv", catalog: testCatalog,
                    observed: observed))
            try await session.add(software: [software(line: 1, host: host)])
            _ = try await session.finish(finished: now)
        }
        let aarhus = try AuthorityDirectory.denmark.resolve("751")
        let period = ExportOptions.defaultPeriod()
        let current = try await SubmissionBuilder.build(
            from: store, options: ExportOptions(organisation: aarhus, period: period, created: now))
        #expect(current.body.installations.hosts == 1)
        #expect(current.body.installations.counts == [.init(product: "libreoffice", versionLine: "7.6", hosts: 1)])
        let cutoff = now.addingTimeInterval(-ExportOptions.defaultMaximumInventoryAge)
        let dates = try await store.inventoryDates(organisation: 751, observedSince: cutoff)
        #expect(dates.staleHosts == 1)
        // However old: both hosts, and the oldest data date is the retired host's.
        let everything = try await SubmissionBuilder.build(
            from: store,
            options: ExportOptions(organisation: aarhus, period: period, created: now, maximumInventoryAge: nil))
        #expect(everything.body.installations.hosts == 2)
        let oldest = try #require(everything.body.installations.oldest)
        #expect(abs(oldest.timeIntervalSince(old)) < 1)
        try await store.close()
    }
}

/// The scenario language, its model of "the estate as it is now", and the runner.
enum Scenario {
    static let organisation = 751
    /// Roots: a share, a child, a grandchild, a sibling, another share.
    static let roots = ["/s", "/s/a", "/s/a/b", "/s/c", "/t"]
    static let paths = [
        "/s/top.odt", "/s/a/one.odt", "/s/a/two.docx", "/s/a/b/deep.odt", "/s/a/b/deeper.xlsx", "/s/c/side.odt",
        "/s/c/side.doc", "/t/other.odt", "/t/x/y/far.ods",
    ]
    static let hosts = ["h:1", "h:2", "h:3", "h:4", "h:5"]
    static let titles = [
        ("LibreOffice 7.6.4.1", "The Document Foundation"), ("LibreOffice 24.2.1", "The Document Foundation"),
        ("Microsoft Office Professional Plus 2016", "Microsoft Corporation"), ("Writer 1.0", "Example ApS"),
        ("OS2faktor Login", "OS2"), ("Local Tool", nil),
    ]

    enum Step: Hashable, CustomStringConvertible {
        /// Creates or changes a file (version 0 is a broken file: empty, format unconfirmed).
        case write(file: Int, version: Int)
        case delete(file: Int)
        case scan(root: Int)
        /// Imports an inventory export: `seed` decides which hosts it lists and their software, `day` when
        /// its data were taken; the same seed and day is the same file.
        case inventory(seed: Int, day: Int)
        /// A host-less aggregate export (Intune AppInvAggregate-like).
        case aggregate(seed: Int, day: Int)
        case catalog(variant: Int)

        var description: String {
            switch self {
            case .write(let file, let version): return "write \(Scenario.paths[file]) v\(version)"
            case .delete(let file): return "delete \(Scenario.paths[file])"
            case .scan(let root): return "scan \(Scenario.roots[root])"
            case .inventory(let seed, let day): return "import inventory #\(seed) observed day \(day)"
            case .aggregate(let seed, let day): return "import aggregate #\(seed) observed day \(day)"
            case .catalog(let variant): return "switch to catalog \(variant == 0 ? "A" : "B")"
            }
        }
    }

    static func randomSteps(count: Int, using generator: inout SeededGenerator) -> [Step] {
        (0..<count).map { _ in
            switch Int.random(in: 0..<20, using: &generator) {
            case 0..<6:
                return .write(
                    file: Int.random(in: 0..<paths.count, using: &generator),
                    version: .random(in: 0..<4, using: &generator))
            case 6..<8: return .delete(file: Int.random(in: 0..<paths.count, using: &generator))
            case 8..<13: return .scan(root: Int.random(in: 0..<roots.count, using: &generator))
            case 13..<17:
                return .inventory(
                    seed: .random(in: 0..<4, using: &generator), day: .random(in: 1...6, using: &generator))
            case 17..<19:
                return .aggregate(
                    seed: .random(in: 0..<3, using: &generator), day: .random(in: 1...6, using: &generator))
            default: return .catalog(variant: .random(in: 0..<2, using: &generator))
            }
        }
    }

    // MARK: Files, inventories and catalogs

    /// A file's stamp and what reading it finds, from its path and version.
    static func record(path: String, version: Int, catalog: TestCatalog) -> DocumentRecord {
        let format = String(path.split(separator: ".").last!)
        let family: DocumentFamily = ["docx", "xlsx"].contains(format) ? .ooxml : format == "doc" ? .legacy : .odf
        var record = DocumentRecord(
            path: path, family: family, container: family == .legacy ? .binary : .zip, format: format,
            size: Int64(100 * version + path.count),
            modified: Date(timeIntervalSince1970: 1_700_000_000 + Double(version)))
        if version == 0 {
            record.size = 0
            record.error = ReadFailureKind.empty
        } else if family == .ooxml {
            record.application = version == 2 ? "Writer" : "Microsoft Office Word"
            record.appVersion = "16.0000"
            record.generator = "\(record.application!) 16.0000"
            record.odfVersion = nil
        } else {
            record.generator = version == 2 ? "Writer/1.0" : "LibreOffice/7.\(version)$Linux_X86_64"
            record.odfVersion = family == .odf ? "1.\(version)" : nil
        }
        // What reading finds in its structure changes with the version, so a rescan must replace the features.
        if version > 1 {
            let macros: DocumentFeature = family == .odf ? .basic : .vba
            record.features = version == 2 ? [macros] : [macros, .signed, .oleObjects]
        }
        let suite = catalog.classifyDocument(
            family: record.family.rawValue, generator: record.generator, application: record.application,
            appVersion: record.appVersion)!
        record.suite = suite.product
        record.suiteVersion = suite.version
        record.suiteVersionLine = suite.versionLine
        return record
    }

    struct Line: Hashable {
        var host: String?
        var title: String
        var publisher: String?
        var count: Int
    }

    /// The lines of inventory export `seed`: hosts it lists, each with its software.
    static func inventoryLines(seed: Int, aggregate: Bool) -> [Line] {
        var generator = SeededGenerator(seed: UInt64(seed) &* 7919 &+ (aggregate ? 1 : 0))
        if aggregate {
            return titles.shuffled(using: &generator).prefix(3).map {
                Line(host: nil, title: $0.0, publisher: $0.1, count: .random(in: 1...40, using: &generator))
            }
        }
        var lines: [Line] = []
        for host in hosts where Bool.random(using: &generator) {
            for title in titles where Int.random(in: 0..<3, using: &generator) == 0 {
                lines.append(Line(host: host, title: title.0, publisher: title.1, count: 1))
            }
            // A host listed with nothing recognisable still has a list: the local tool.
            lines.append(Line(host: host, title: "Local Tool", publisher: nil, count: 1))
        }
        return lines
    }

    static func softwareRecord(_ line: Line, number: Int, catalog: TestCatalog) -> SoftwareRecord {
        SoftwareRecord(
            organisation: organisation, source: "export.csv", line: number, host: line.host, title: line.title,
            publisher: line.publisher, version: nil, package: nil, platform: "windows", installCount: line.count,
            installDate: nil,
            classification: catalog.classifySoftware(
                title: line.title, publisher: line.publisher, version: nil, package: nil, platform: "windows",
                rule: ""))
    }

    /// Two catalogs: B also knows the "Writer" suite and product and calls OS2faktor by another version line.
    struct TestCatalog: StoredRowClassifier {
        var variant: Int
        var stamp: CatalogStamp {
            CatalogStamp(version: variant == 0 ? "A" : "B", digest: variant == 0 ? "sha256:aaaa" : "sha256:bbbb")
        }

        func classifyDocument(
            family: String, generator: String?, application: String?, appVersion: String?
        )
            -> Classification?
        {
            let producer = (family == DocumentFamily.ooxml.rawValue ? application : generator) ?? ""
            if producer.hasPrefix("LibreOffice") {
                return Classification(
                    product: "libreoffice", version: "7", versionLine: "7", countsAsInstallation: true, rule: "lo")
            }
            if producer.hasPrefix("Microsoft") {
                return Classification(
                    product: "ms-office", versionLine: "2016", countsAsInstallation: true, rule: "mso")
            }
            if producer.hasPrefix("Writer"), variant == 1 {
                return Classification(product: "writer", versionLine: "1", countsAsInstallation: true, rule: "w")
            }
            return .unknown
        }

        func classifySoftware(
            title: String, publisher: String?, version: String?, package: String?, platform: String?, rule: String
        ) -> Classification {
            if title.hasPrefix("LibreOffice") {
                let line = title.contains("24.2") ? "24.2" : "7.6"
                return Classification(
                    product: "libreoffice", versionLine: line, countsAsInstallation: true, rule: "lo/\(line)")
            }
            if title.hasPrefix("Microsoft Office") {
                return Classification(
                    product: "ms-office", versionLine: "2016", countsAsInstallation: true, rule: "mso")
            }
            if title.hasPrefix("OS2faktor") {
                return Classification(
                    product: "os2faktor", versionLine: variant == 0 ? "1" : "2", countsAsInstallation: true,
                    rule: "os2")
            }
            if title.hasPrefix("Writer"), variant == 1 {
                return Classification(product: "writer", countsAsInstallation: true, rule: "w")
            }
            return .unknown
        }
    }

    // MARK: The model: what "the estate as it is now" means, in a few lines

    struct Model {
        /// The file system now.
        var files: [String: Int] = [:]
        /// What the store should hold: each file as the last scan that covered it saw it.
        var documents: [String: Int] = [:]
        /// Each host's newest inventory (day, then the import that came later) and its lines.
        var hostLists: [String: (day: Int, order: Int, lines: [Line])] = [:]
        var aggregate: (day: Int, order: Int, lines: [Line])?
        var importedFiles: Set<Step> = []
        var catalog = TestCatalog(variant: 0)
        var order = 0

        mutating func apply(_ step: Step) {
            switch step {
            case .write(let file, let version): files[Scenario.paths[file]] = version
            case .delete(let file): files[Scenario.paths[file]] = nil
            case .scan(let root):
                let prefix = Scenario.roots[root] + "/"
                documents = documents.filter { !$0.key.hasPrefix(prefix) }
                for (path, version) in files where path.hasPrefix(prefix) { documents[path] = version }
            case .inventory(let seed, let day):
                guard importedFiles.insert(step).inserted else { return }
                order += 1
                let lines = Scenario.inventoryLines(seed: seed, aggregate: false)
                for host in Set(lines.compactMap(\.host)) {
                    if let held = hostLists[host], held.day > day { continue }
                    hostLists[host] = (day, order, lines.filter { $0.host == host })
                }
            case .aggregate(let seed, let day):
                guard importedFiles.insert(step).inserted else { return }
                order += 1
                if let held = aggregate, held.day > day { return }
                aggregate = (day, order, Scenario.inventoryLines(seed: seed, aggregate: true))
            case .catalog(let variant): catalog = TestCatalog(variant: variant)
            }
        }
    }

    // MARK: Running

    static let firstDay = Date().addingTimeInterval(-30 * 86_400)

    /// Plays `steps` on a fresh store; returns nil when its export equals the oracle's, else what differs.
    static func mismatch(_ steps: [Step], backend: Backend) async throws -> String? {
        let store = try await backend.open()
        var model = Model()
        var catalog = TestCatalog(variant: 0)
        for step in steps {
            model.apply(step)
            switch step {
            case .write, .delete: break
            case .catalog(let variant): catalog = TestCatalog(variant: variant)
            case .scan(let root):
                try await scan(store, root: roots[root], files: model.files, catalog: catalog)
                // As `scan --format summary` does: leaves grouped documents a later summary may reuse.
                _ = try await store.documentTallies(organisation: organisation, root: roots[root])
            case .inventory(let seed, let day), .aggregate(let seed, let day):
                var aggregate = false
                if case .aggregate = step { aggregate = true }
                let lines = inventoryLines(seed: seed, aggregate: aggregate)
                try await importLines(
                    store, lines, hash: "sha256:\(step)", format: aggregate ? "intune-appinvaggregate" : "csv",
                    observed: firstDay.addingTimeInterval(Double(day) * 86_400), catalog: catalog)
            }
        }
        // The catalog in force at the end describes the figures, as export insists.
        _ = try await store.keepClassified(with: catalog.stamp) { catalog }
        let stepwise = try await export(store, catalog: catalog)
        try await store.close()

        let oracle = try await backend.open()
        try await scan(oracle, root: "/", files: model.documents, catalog: catalog)
        let hostLines = model.hostLists.keys.sorted().flatMap { model.hostLists[$0]!.lines }
        try await importLines(
            oracle, hostLines, hash: "sha256:hosts", format: "csv", observed: firstDay, catalog: catalog)
        if let aggregate = model.aggregate {
            try await importLines(
                oracle, aggregate.lines, hash: "sha256:aggregate", format: "intune-appinvaggregate",
                observed: firstDay, catalog: catalog)
        }
        _ = try await oracle.keepClassified(with: catalog.stamp) { catalog }
        let expected = try await export(oracle, catalog: catalog)
        try await oracle.close()
        return stepwise == expected ? nil : "got \(stepwise), expected \(expected)"
    }

    /// The figures of an export, without the dates (the oracle's data are dated otherwise).
    struct Figures: Equatable, CustomStringConvertible {
        var documents: [Submission.DocumentCount]
        var errors: [Submission.ErrorCount]
        /// Documents by feature (what matters in a move to ODF), family, format and year.
        var readiness: Submission.Readiness?
        var hosts: Int
        var installations: [Submission.InstallationCount]
        var unknown: [Submission.UnknownTitle]
        var catalog: CatalogStamp
        /// What a summary of each root shows (cached on SQLite between scans: the cache must hold).
        var tallies: [[String]]

        var description: String {
            "documents \(documents.map { "\($0.format)/\($0.suite ?? "-")/\($0.odfVersion ?? "-")×\($0.count)" }), "
                + "errors \(errors.map { "\($0.kind.rawValue)×\($0.count)" }), features "
                + "\(readiness.map { r in r.counts.map { "\($0.feature.rawValue)/\($0.format)×\($0.count)" } } ?? []) "
                + "of \(readiness?.measured ?? 0), hosts \(hosts), installations "
                + "\(installations.map { "\($0.product)/\($0.versionLine ?? "-")×\($0.hosts)" }), unknown "
                + "\(unknown.map { "\($0.title)×\($0.count)" }), catalog \(catalog.version), tallies \(tallies)"
        }
    }

    static func export(_ store: any EstateStore, catalog: TestCatalog) async throws -> Figures {
        let aarhus = try AuthorityDirectory.denmark.resolve("751")
        let body = try await SubmissionBuilder.build(
            from: store,
            options: ExportOptions(
                organisation: aarhus, period: ExportOptions.defaultPeriod(), includeUnknownTitles: true,
                catalog: try await store.classificationStamp(), maximumInventoryAge: nil)
        ).body
        var tallies: [[String]] = []
        for root in roots {
            tallies.append(
                try await store.documentTallies(organisation: organisation, root: root).map { "\($0)" }.sorted())
        }
        return Figures(
            documents: body.documents.counts, errors: body.documents.errors, readiness: body.documents.readiness,
            hosts: body.installations.hosts,
            installations: body.installations.counts, unknown: body.unknownTitles ?? [], catalog: body.catalog,
            tallies: tallies)
    }

    /// A scan as `overblik scan` makes it: the root's file index decides what is read again, the recorder
    /// records it, and the store's rows follow the scan's catalog before it commits.
    static func scan(
        _ store: any EstateStore, root: String, files: [String: Int], catalog: TestCatalog
    ) async throws {
        let prefix = root == "/" ? "/" : root + "/"
        try await DedicatedThread.run {
            let recorder = try ScanRecorder(
                store: store, header: ScanHeader(organisation: organisation, root: root, catalog: catalog.stamp),
                batchSize: 3)
            for (path, version) in files.sorted(by: { $0.key < $1.key }) where path.hasPrefix(prefix) {
                let record = Scenario.record(path: path, version: version, catalog: catalog)
                if recorder.index.isUnchanged(path: path, size: record.size, modified: record.modified) { continue }
                try recorder.add(record)
            }
            _ = try BlockingBridge.wait { try await store.keepClassified(with: catalog.stamp) { catalog } }
            _ = try recorder.finish()
        }
    }

    static func importLines(
        _ store: any EstateStore, _ lines: [Line], hash: String, format: String, observed: Date, catalog: TestCatalog
    ) async throws {
        _ = try await store.keepClassified(with: catalog.stamp) { catalog }
        try await DedicatedThread.run {
            let recorder = try ImportRecorder(
                store: store,
                header: ImportHeader(
                    organisation: organisation, fileHash: hash, fileName: "export.csv", format: format,
                    catalog: catalog.stamp, observed: observed),
                batchSize: 4)
            for (number, line) in lines.enumerated() {
                try recorder.add(softwareRecord(line, number: number + 1, catalog: catalog))
            }
            _ = try recorder.finish(format: format, linesRead: lines.count, unreadableLines: 0)
        }
    }

    /// Removes steps one at a time while the sequence still fails: a minimal failing sequence.
    static func shrink(_ steps: [Step], backend: Backend) async throws -> [Step] {
        var current = steps
        var shrunk = true
        while shrunk {
            shrunk = false
            for index in current.indices.reversed() {
                var candidate = current
                candidate.remove(at: index)
                if try await mismatch(candidate, backend: backend) != nil {
                    current = candidate
                    shrunk = true
                }
            }
        }
        return current
    }
}
