import Foundation
import Geography
import OverblikModel
import Store
import StorePostgres
import Testing
import TestSupport
import Submissions

@Suite(.tags(.store, .postgres)) struct SubmissionTests {
    let aarhus = AuthorityDirectory.denmark.authority(code: 751)!

    /// An authority's store seeded with everything personal a real estate holds.
    func seededStore() async throws -> any EstateStore {
        let store = try SQLiteEstateStore(path: nil)
        var personal = document("/home/jens.hansen/Fortroligt/Lønsedler 2024/Mette Frederiksen.odt")
        personal.personal = PersonalMetadata(creator: "Mette Frederiksen", initialCreator: "Jens Hansen")
        personal.template = "/home/jens.hansen/Skabeloner/brev.ott"
        personal.features = [.vba, .template]
        var signed = document("/home/jens.hansen/Fortroligt/b.docx", family: .ooxml, format: "docx", suite: "ms-office")
        signed.features = [.signed]
        try await scan(
            store, root: "/home/jens.hansen",
            [
                personal,
                signed, document("/home/jens.hansen/x/broken.odt", error: .truncated),
            ], includePaths: true)
        try await importFile(
            store, hash: "sha256:inv",
            [
                software(line: 2, host: "PC-JENS-HANSEN"), software(line: 3, host: "LAPTOP-METTE-01"),
                software(
                    line: 4, host: "LAPTOP-METTE-01", title: "Jens Hansens makroer", product: "unknown",
                    versionLine: nil, counts: false, publisher: "Jens Hansen"),
            ],
            usage: [
                UsageDeclaration(
                    organisation: 751, product: "os2kitos", relation: .uses, date: "2024", evidence: "aftale 2024",
                    evidenceKind: .usageDeclaration, source: "/home/jens.hansen/usage.csv", line: 2)
            ])
        return store
    }

    static let personalStrings = [
        "jens", "Jens", "Hansen", "Mette", "Frederiksen", "Fortroligt", "Lønsedler", "/home", "PC-", "LAPTOP",
        "usage.csv", "Skabeloner", "makroer",
    ]

    @Test func exportHoldsOnlyAggregatesNeverPathsHostsOrNames() async throws {
        let store = try await seededStore()
        let submission = try await SubmissionBuilder.build(
            from: store, options: ExportOptions(organisation: aarhus, period: "2026"))
        let text = String(decoding: try encodeSubmission(submission), as: UTF8.self)
        for needle in Self.personalStrings {
            #expect(!text.contains(needle), "submission leaks \(needle)")
        }
        // The aggregates are there.
        // The truncated file counts as a read error only, not as the document its name says.
        #expect(submission.body.documents.counts.reduce(0) { $0 + $1.count } == 2)
        #expect(submission.body.documents.errors == [.init(kind: .truncated, count: 1)])
        // Features as counts by feature, family, format and year, out of the documents read.
        let year = document("/x.odt").year
        #expect(
            submission.body.documents.readiness
                == Submission.Readiness(
                    measured: 2,
                    counts: [
                        .init(feature: .vba, family: .odf, format: "odt", year: year, count: 1),
                        .init(feature: .signed, family: .ooxml, format: "docx", year: year, count: 1),
                        .init(feature: .template, family: .odf, format: "odt", year: year, count: 1),
                    ]))
        #expect(submission.body.installations.hosts == 2)
        #expect(submission.body.installations.counts == [.init(product: "libreoffice", versionLine: "7.6", hosts: 2)])
        #expect(submission.body.usage.count == 1)
        #expect(submission.body.usage.first?.source == nil)
        #expect(submission.body.unknownTitles == nil)
        #expect(submission.body.catalog == testCatalog)
        try await store.close()
    }

    @Test func unknownTitlesOnlyWhenAsked() async throws {
        let store = try await seededStore()
        let submission = try await SubmissionBuilder.build(
            from: store, options: ExportOptions(organisation: aarhus, period: "2026", includeUnknownTitles: true))
        #expect(
            submission.body.unknownTitles == [.init(title: "Jens Hansens makroer", publisher: "Jens Hansen", count: 1)])
        try await store.close()
    }

    func writeSubmission(_ submission: Submission, to directory: URL, name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try encodeSubmission(submission).write(to: url)
        return url
    }

    @Test func exportedSubmissionVerifiesAndTamperingIsCaught() async throws {
        let store = try await seededStore()
        let submission = try await SubmissionBuilder.build(
            from: store, options: ExportOptions(organisation: aarhus, period: "2026-H2", comment: "Kun rådhuset"))
        try await store.close()
        let directory = try Fixtures.temporaryDirectory("submission")
        let url = try writeSubmission(submission, to: directory, name: "aarhus.json")
        let verifier = try SubmissionVerifier()
        #expect(try verifier.verify(fileAt: url) == submission)

        // Edit one count: the digest no longer matches.
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"hosts\" : 2", with: "\"hosts\" : 200")
        let problems = try problems(verifier, text)
        #expect(problems.contains { $0.hasPrefix("digest mismatch") })
    }

    func problems(_ verifier: SubmissionVerifier, _ text: String) throws -> [String] {
        try problems(verifier, Data(text.utf8))
    }

    func problems(_ verifier: SubmissionVerifier, _ data: Data) throws -> [String] {
        do {
            _ = try verifier.verify(data: data, name: "x.json")
            return []
        } catch SubmissionError.invalid(_, let problems) {
            return problems
        }
    }

    /// Rewrites the file's body (and, when `reseal`, its digest) to test checks beyond the digest.
    func mutated(
        _ submission: Submission, reseal: Bool = true, _ change: (inout [String: Any]) -> Void
    ) throws -> String {
        var object = try JSONSerialization.jsonObject(with: try encodeSubmission(submission)) as! [String: Any]
        var body = object["body"] as! [String: Any]
        change(&body)
        object["body"] = body
        if reseal {
            object["digest"] = SubmissionDigest.digest(
                ofCanonicalData: try SubmissionDigest.canonicalData(ofJSONObject: body))
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    @Test func schemaAndOrganisationChecksGiveClearReasons() async throws {
        let verifier = try SubmissionVerifier()
        let submission = try syntheticSubmission(code: 751, period: "2026", created: 1_750_000_000, documents: 5)

        let missing = try problems(verifier, try mutated(submission) { $0.removeValue(forKey: "period") })
        #expect(missing == ["body: missing required key \"period\""])

        let badFamily = try problems(
            verifier,
            try mutated(submission) { body in
                var documents = body["documents"] as! [String: Any]
                var counts = documents["counts"] as! [[String: Any]]
                counts[0]["family"] = "wordperfect"
                documents["counts"] = counts
                body["documents"] = documents
            })
        #expect(badFamily.count == 1)
        #expect(badFamily.first?.hasPrefix("body.documents.counts[0].family: \"wordperfect\" is not one of") == true)

        let wrongType = try problems(verifier, try mutated(submission) { $0["synthetic"] = "yes" })
        #expect(wrongType == ["body.synthetic: expected boolean, found \"yes\""])

        let extra = try problems(verifier, try mutated(submission) { $0["host_names"] = ["PC-1"] })
        #expect(extra == ["body: unexpected key \"host_names\" (not allowed by the schema)"])

        let badPeriod = try problems(verifier, try mutated(submission) { $0["period"] = "last year" })
        #expect(badPeriod.first?.hasPrefix("body.period: \"last year\" does not match") == true)

        let unknownCode = try problems(
            verifier,
            try mutated(submission) { $0["organisation"] = ["code": 999, "name": "Atlantis", "kind": "municipality"] })
        #expect(unknownCode.count == 1)
        #expect(unknownCode.first?.hasPrefix("organisation code 999 is not a Danish municipality or region") == true)

        let wrongName = try problems(
            verifier,
            try mutated(submission) {
                $0["organisation"] = ["code": 751, "name": "Odense Kommune", "kind": "municipality"]
            })
        #expect(wrongName == ["organisation 751 is \"Aarhus Kommune\", the file says \"Odense Kommune\""])

        let notJSON = try problems(verifier, "{\"format\": ")
        #expect(notJSON.count == 1 && notJSON[0].hasPrefix("not JSON"))
        // A pretty-printed submission broken on its fourth line is reported at that line.
        let brokenAtLine4 = try problems(
            verifier, "{\n  \"format\": \"overblik-submission\",\n  \"body\": {\n    \"a\": 1,,\n  }\n}")
        #expect(brokenAtLine4.count == 1 && brokenAtLine4[0].hasPrefix("not JSON at line 4: "), "\(brokenAtLine4)")
        // Bytes that are not UTF-8 on the third line: JSONSerialization words that offset differently.
        var notUTF8 = Data("{\n  \"format\": \"overblik-submission\",\n  \"body\": \"".utf8)
        notUTF8.append(contentsOf: [0xF2, 0x20] + Array("\"\n}".utf8))
        let notUTF8Problems = try problems(verifier, notUTF8)
        #expect(
            notUTF8Problems.count == 1 && notUTF8Problems[0].hasPrefix("not JSON at line 3: "), "\(notUTF8Problems)")

        let wrongFormat = try problems(
            verifier,
            try mutated(submission) { _ in }.replacingOccurrences(
                of: "\"format_version\":1", with: "\"format_version\":2"))
        #expect(wrongFormat == ["format_version: must be 1, found 2"])
    }

    @Test func schemaFileIsValidJSONAndDescribesTheFormat() throws {
        let text = try SubmissionSchema.text()
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["title"] as? String == "Overblik submission, format version 1")
        #expect((object?["required"] as? [String]) == ["format", "format_version", "body", "digest"])
    }

    /// 103 authorities export from their own stores; the facilitator compiles them all, twice, plus a
    /// newer one and a tampered one.
    @Test(arguments: Backend.persistent)
    func exportCompileRoundTripForAll103Authorities(backend: Backend) async throws {
        let directory = try Fixtures.temporaryDirectory("compile")
        var files: [URL] = []
        var expectedDocuments: [Int: Int] = [:]
        var expectedVerdicts: [Int: [DocumentConformance: Int]] = [:]
        for (index, authority) in AuthorityDirectory.denmark.all.enumerated() {
            let store = try SQLiteEstateStore(path: nil)
            var documents = (0...(index % 5)).map { document("/r/d/\($0).odt", size: Int64($0)) }
            // Every third authority's first document carries macros: compile carries the counts through.
            if index % 3 == 0 { documents[0].features = [.basic] }
            // Every fourth authority scanned without --validate (no verdicts: not measured); the others' documents
            // get verdicts in turn.
            if index % 4 != 0 {
                for position in documents.indices {
                    let verdict = DocumentConformance.allCases[(index + position) % DocumentConformance.allCases.count]
                    documents[position].conformance = verdict
                    expectedVerdicts[authority.code, default: [:]][verdict, default: 0] += 1
                }
            }
            expectedDocuments[authority.code] = documents.count
            try await scan(store, organisation: authority.code, root: "/r", documents)
            try await importFile(
                store, organisation: authority.code, hash: "sha256:\(authority.code)",
                [software(organisation: authority.code, line: 2, host: "h:\(index)")])
            let submission = try await SubmissionBuilder.build(
                from: store,
                options: ExportOptions(
                    organisation: authority, period: "2026", synthetic: true,
                    created: Date(timeIntervalSince1970: 1_780_000_000)))
            try await store.close()
            files.append(try writeSubmission(submission, to: directory, name: "\(authority.code).json"))
        }
        #expect(files.count == 103)

        let national = try await backend.open()
        let verifier = try SubmissionVerifier()
        let first = await SubmissionCompiler.compile(files: files, into: national, verifier: verifier)
        #expect(first.filter { $0.outcome == .current }.count == 103)
        let status = try await SubmissionStatus.build(store: national, period: nil)
        #expect(status.period == "2026")
        #expect(status.entries.count == 103)
        #expect(status.missing.isEmpty)
        let latest = try await national.latestSubmissions(period: "2026")
        #expect(latest.count == 103)
        for submission in latest {
            let total = submission.body.documents.counts.reduce(0) { $0 + $1.count }
            #expect(total == expectedDocuments[submission.body.organisation.code])
            let readiness = try #require(submission.body.documents.readiness)
            #expect(readiness.measured == total)
            let index = AuthorityDirectory.denmark.all.firstIndex { $0.code == submission.body.organisation.code }!
            #expect(readiness.counts.map(\.count) == (index % 3 == 0 ? [1] : []))
            // Conformance verdicts come through compile as exported; never validated stays absent, not zero.
            if let expected = expectedVerdicts[submission.body.organisation.code] {
                let conformance = try #require(submission.body.documents.conformance)
                #expect(conformance.measured == total)
                var verdicts: [DocumentConformance: Int] = [:]
                for row in conformance.counts { verdicts[row.verdict, default: 0] += row.count }
                #expect(verdicts == expected)
            } else {
                #expect(submission.body.documents.conformance == nil)
            }
        }
        #expect(latest.filter { $0.body.documents.conformance != nil }.count == expectedVerdicts.count)

        // The same files again: nothing changes.
        let second = await SubmissionCompiler.compile(files: files, into: national, verifier: verifier)
        #expect(second.allSatisfy { $0.outcome == .duplicate })
        #expect(try await national.submissionHistory(organisation: nil, period: nil).count == 103)

        // A newer submission from Aarhus, a tampered one from Odense and a garbage file: the good one loads.
        let store = try SQLiteEstateStore(path: nil)
        try await scan(store, organisation: 751, root: "/r", [document("/r/x/1.odt")])
        let newer = try await SubmissionBuilder.build(
            from: store,
            options: ExportOptions(
                organisation: aarhus, period: "2026", comment: "Rettet",
                created: Date(timeIntervalSince1970: 1_790_000_000)))
        try await store.close()
        let newerURL = try writeSubmission(newer, to: directory, name: "aarhus-new.json")
        let odense = directory.appendingPathComponent("461.json")
        let tampered = directory.appendingPathComponent("461-tampered.json")
        let original = try String(contentsOf: odense, encoding: .utf8)
        let edited = original.replacingOccurrences(of: "\"hosts\" : 1", with: "\"hosts\" : 9")
        #expect(edited != original)
        try edited.write(to: tampered, atomically: true, encoding: .utf8)
        let garbage = directory.appendingPathComponent("garbage.json")
        try Data("not a submission".utf8).write(to: garbage)
        let third = await SubmissionCompiler.compile(
            files: [tampered, garbage, newerURL], into: national, verifier: verifier)
        #expect(third.map(\.isRejected) == [true, true, false])
        #expect(third[0].problems.contains { $0.hasPrefix("digest mismatch") })
        #expect(third[2].outcome == .current)
        let aarhusHistory = try await national.submissionHistory(organisation: 751, period: "2026")
        #expect(aarhusHistory.map(\.superseded) == [true, false])
        #expect(
            try await national.latestSubmissions(period: "2026").first { $0.body.organisation.code == 751 } == newer)
        #expect(try await national.latestSubmissions(period: "2026").count == 103)
        try await national.close()
    }

    @Test func statusListsMissingAuthorities() async throws {
        let store = try SQLiteEstateStore(path: nil)
        _ = try await store.addSubmission(
            try syntheticSubmission(code: 751, period: "2025", created: 1_700_000_000, documents: 1))
        _ = try await store.addSubmission(
            try syntheticSubmission(code: 1082, period: "2025", created: 1_700_000_000, documents: 1))
        _ = try await store.addSubmission(
            try syntheticSubmission(code: 101, period: "2026", created: 1_700_000_000, documents: 1))
        let status = try await SubmissionStatus.build(store: store, period: "2025")
        #expect(status.submitted.map(\.authority.code) == [751, 1082])
        #expect(status.missing.count == 101)
        #expect(status.periods == ["2025", "2026"])
        let newest = try await SubmissionStatus.build(store: store, period: nil)
        #expect(newest.period == "2026")
        #expect(newest.submitted.map(\.authority.code) == [101])
        try await store.close()
    }
}
