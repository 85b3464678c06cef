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
}
