import Foundation
import OverblikModel
import TestSupport
import Testing

@testable import Catalog

/// The parsed shipped catalog is cached as JSON keyed by the build and the resources' bytes; what comes back
/// must be exactly what parsing gives, stamp digest included.
@Suite struct CatalogCacheTests {
    @Test func aCachedCatalogIsTheParsedCatalog() throws {
        let directory = try Fixtures.temporaryDirectory("catalog-cache")
        let texts = try BundledCatalog.resourceTexts()
        let cache = try #require(
            CompiledCatalogCache(texts: texts, environment: ["OVERBLIK_CACHE_DIR": directory.path]))
        #expect(cache.read() == nil)
        let parsed = try BundledCatalog.parse()
        let catalog = try ProductCatalog(base: parsed.entries, baseVersion: parsed.version, layers: [])
        cache.write(entries: parsed.entries, version: parsed.version, digest: catalog.stamp.digest)
        let read = try #require(cache.read())
        #expect(read.entries == parsed.entries)
        #expect(read.version == parsed.version)
        let fromCache = try ProductCatalog(
            base: read.entries, baseVersion: read.version, layers: [], knownDigest: read.digest)
        #expect(fromCache.stamp == catalog.stamp)
        #expect(try ProductCatalog(base: read.entries, baseVersion: read.version, layers: []).stamp == catalog.stamp)
        #expect(catalog.stamp == (try ProductCatalog.bundled()).stamp)
    }

    @Test func otherResourcesOrTurningItOffMissTheCache() throws {
        let directory = try Fixtures.temporaryDirectory("catalog-cache")
        let environment = ["OVERBLIK_CACHE_DIR": directory.path]
        let texts = try BundledCatalog.resourceTexts()
        let cache = try #require(CompiledCatalogCache(texts: texts, environment: environment))
        cache.write(entries: [], version: "v", digest: "sha256:0")
        let other = try #require(CompiledCatalogCache(texts: texts + ["changed"], environment: environment))
        #expect(other.read() == nil)
        #expect(CompiledCatalogCache(texts: texts, environment: ["OVERBLIK_CATALOG_CACHE": "off"]) == nil)
        // A damaged file is ignored.
        try Data("{".utf8).write(to: cache.file)
        #expect(cache.read() == nil)
    }

    /// Each upgrade writes a file of its own: writing one removes those of other builds not read for
    /// `staleAfter`, and keeps the recent ones (another installed build may still use its file).
    @Test func writingRemovesOtherBuildsStaleFilesOnly() throws {
        let directory = try Fixtures.temporaryDirectory("catalog-cache")
        let texts = try BundledCatalog.resourceTexts()
        let manager = FileManager.default
        let stale = directory.appendingPathComponent("catalog-0123456789abcdef0123456789abcdef.json")
        let recent = directory.appendingPathComponent("catalog-fedcba9876543210fedcba9876543210.json")
        let unrelated = directory.appendingPathComponent("notes.json")
        for url in [stale, recent, unrelated] { try Data("{}".utf8).write(to: url) }
        let old = Date().addingTimeInterval(-CompiledCatalogCache.staleAfter - 86_400)
        for url in [stale, unrelated] { try manager.setAttributes([.modificationDate: old], ofItemAtPath: url.path) }
        let cache = try #require(
            CompiledCatalogCache(texts: texts, environment: ["OVERBLIK_CACHE_DIR": directory.path]))
        cache.write(entries: [], version: "v", digest: "sha256:0")
        #expect(!manager.fileExists(atPath: stale.path))
        #expect(manager.fileExists(atPath: recent.path))
        #expect(manager.fileExists(atPath: unrelated.path))
        #expect(manager.fileExists(atPath: cache.file.path))
        // A file read now counts as recent, however old it was.
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: cache.file.path)
        #expect(cache.read() != nil)
        let touched = try #require(try manager.attributesOfItem(atPath: cache.file.path)[.modificationDate] as? Date)
        #expect(touched > Date().addingTimeInterval(-3_600))
    }
}
