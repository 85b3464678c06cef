import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

/// The catalog's sources, read without parsing: their fingerprint and the catalog made from them.
@Suite struct CatalogSourcesTests {
    static let example = Fixtures.url("catalog/user-catalog.example.yaml")

    @Test func theSourcesMakeTheSameCatalogAndStampAsLoadingTheFiles() throws {
        let bundled = try CatalogSources.read(userFiles: [])
        #expect(try bundled.load().stamp == ProductCatalog.bundled().stamp)
        let withUser = try CatalogSources.read(userFiles: [Self.example])
        let loaded = try ProductCatalog.load(userFiles: [Self.example])
        #expect(try withUser.load().stamp == loaded.stamp)
        #expect(try withUser.load().products.map(\.id) == loaded.products.map(\.id))
    }

    @Test func theFingerprintFollowsEveryInputAndOnlyThem() throws {
        #if os(Linux)
        let bundled = try #require(try CatalogSources.read(userFiles: []).fingerprint)
        #expect(bundled.hasPrefix("sha256:"))
        // The same inputs, read again: the same fingerprint.
        #expect(try CatalogSources.read(userFiles: []).fingerprint == bundled)
        let directory = try Fixtures.temporaryDirectory("catalog-sources")
        defer { try? FileManager.default.removeItem(at: directory) }
        let mine = directory.appendingPathComponent("mine.yaml")
        try FileManager.default.copyItem(at: Self.example, to: mine)
        let withUser = try #require(try CatalogSources.read(userFiles: [mine]).fingerprint)
        #expect(withUser != bundled)
        // Another byte in the user file (a comment: the catalog parses the same) is another fingerprint.
        var text = try String(contentsOf: mine, encoding: .utf8)
        text += "\n# local note\n"
        try text.write(to: mine, atomically: true, encoding: .utf8)
        let edited = try #require(try CatalogSources.read(userFiles: [mine]).fingerprint)
        #expect(edited != withUser)
        // The file's name is part of the stamp's version, so of the fingerprint too.
        let renamed = directory.appendingPathComponent("other.yaml")
        try FileManager.default.copyItem(at: mine, to: renamed)
        #expect(try CatalogSources.read(userFiles: [renamed]).fingerprint != edited)
        // The same file twice is not the same as once.
        #expect(try CatalogSources.read(userFiles: [mine, mine]).fingerprint != edited)
        #else
        #expect(try CatalogSources.read(userFiles: []).fingerprint == nil)
        #endif
    }

    @Test func anUnreadableUserFileIsTheSameErrorAsWhenLoading() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/catalog.yaml")
        #expect(throws: CatalogError.self) { try CatalogSources.read(userFiles: [missing]) }
        #expect(throws: CatalogError.self) { try ProductCatalog.load(userFiles: [missing]) }
        // A file that reads but does not parse fails when the catalog is made, as when loading.
        let bad = Fixtures.url("catalog/user-catalog.bad.yaml")
        let sources = try CatalogSources.read(userFiles: [bad])
        #expect(throws: CatalogError.self) { try sources.load() }
    }
}
