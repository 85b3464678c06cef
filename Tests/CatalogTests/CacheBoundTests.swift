import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

/// The classifier's caches stay bounded on input where every line is distinct, and never change an answer.
@Suite struct CacheBoundTests {
    /// Inventory lines as a hostile or just messy export has them: real suite titles with one-off versions,
    /// random MSI product codes, per-host paths, and the same handful of real titles over and over.
    static func mixedItems(_ count: Int) -> [InventoryItem] {
        var random = SeededGenerator(seed: 20_261_123)
        func hex(_ digits: Int) -> String {
            String((0..<digits).map { _ in "0123456789ABCDEF".randomElement(using: &random)! })
        }
        let repeated = [
            InventoryItem(title: "LibreOffice 24.2.7.2", publisher: "The Document Foundation", version: "24.2.7.2"),
            InventoryItem(title: "Microsoft 365 Apps for enterprise - da-dk", publisher: "Microsoft Corporation"),
            InventoryItem(title: "LibreOffice 7.5 Help Pack (Danish)", version: "7.5.9.2"),
            InventoryItem(title: "HP Officejet Pro 8600 Help", publisher: "Hewlett-Packard"),
        ]
        return (0..<count).map { index in
            switch index % 5 {
            case 0: return repeated[index / 5 % repeated.count]
            case 1:
                return InventoryItem(
                    title: "{\(hex(8))-\(hex(4))-\(hex(4))-\(hex(4))-\(hex(12))}", package: "{\(hex(8))-\(hex(4))}")
            case 2: return InventoryItem(title: "C:\\Users\\user\(index)\\AppData\\Local\\Tool\\tool.exe")
            case 3:
                return InventoryItem(
                    title: "LibreOffice \(index % 30).\(index % 7).\(index % 9).\(index % 4)",
                    publisher: "The Document Foundation")
            default:
                return InventoryItem(title: "Apache OpenOffice 4.1.\(index)", version: "4.1\(index).\(index)")
            }
        }
    }

    @Test func manyMoreDistinctInputsThanTheCapGiveTheSameAnswersInBoundedSpace() throws {
        let catalog = try ProductCatalog.bundled()
        let capped = Classifier(catalog: catalog, cacheEntryLimit: 64)
        let reference = Classifier(catalog: catalog, cacheEntryLimit: 1_000_000, cacheByteLimit: 1 << 30)
        let items = Self.mixedItems(3_000)
        var largest = 0
        // Twice over, so later lookups meet both evicted and still-cached entries.
        for item in items + items {
            let answer = capped.classify(item)
            #expect(answer == reference.classify(item))
            #expect(answer == capped.explain(item).classification)  // explain never uses the cache
            largest = max(largest, capped.cachedInputCount)
        }
        #expect(largest <= 2 * 64)
        #expect(reference.cachedInputCount > 1_000)  // the uncapped one did keep them all
        // Generators go through the same bounds.
        for index in 0..<1_000 {
            let generator = "LibreOffice/\(index % 25).\(index % 7)$Linux_X86_64 LibreOffice_project/\(index)"
            #expect(capped.classify(generator: generator) == reference.classify(generator: generator))
        }
        #expect(capped.cachedInputCount <= 4 * 64)
    }

    @Test func applicationAndVersionPairsAreCachedWithinBoundsAndAnswerAsAFreshClassifier() throws {
        let catalog = try ProductCatalog.bundled()
        let capped = Classifier(catalog: catalog, cacheEntryLimit: 16)
        let applications = ["Microsoft Office Word", "Microsoft Excel", "gnumeric", "LibreOffice/7.5.9.2$Linux_X86_64"]
        let pairs = (0..<400).map { index in
            (applications[index % applications.count], index % 3 == 0 ? nil : "\(index % 17).\(index % 23)00")
        }
        // Twice over, so later look-ups meet both evicted and still-cached pairs; a fresh classifier (nothing
        // cached) is the oracle for every answer.
        for (application, appVersion) in pairs + pairs {
            let fresh = Classifier(catalog: catalog)
            #expect(
                capped.classify(application: application, appVersion: appVersion)
                    == fresh.classify(application: application, appVersion: appVersion))
            #expect(capped.cachedInputCount <= 4 * 16)
        }
    }

    @Test func longDistinctInputsAreBoundedByBytes() throws {
        let byteLimit = 256 << 10
        let classifier = Classifier(
            catalog: try ProductCatalog.bundled(), cacheEntryLimit: 1_000_000, cacheByteLimit: byteLimit)
        let padding = String(repeating: "x", count: 3_000)
        for index in 0..<2_000 {
            _ = classifier.classify(InventoryItem(title: "Tool \(index) \(padding)"))
        }
        // Each entry costs more than 3,000 bytes: two generations of 256 KB hold well under 200 of them.
        #expect(classifier.cachedInputCount < 2 * byteLimit / 3_000 + 2)
        #expect(classifier.cachedInputCount > 0)
    }

    @Test func frequentKeysSurviveGenerationsOfOneOffKeys() {
        var cache = BoundedCache<String, Int>(entryLimit: 10, byteLimit: 1 << 20) { key, _ in key.utf8.count }
        cache.insert(1, for: "hot")
        for index in 0..<1_000 {
            cache.insert(index, for: "cold-\(index)")
            // A key looked up at least once per generation is carried forward.
            if index % 5 == 0 { #expect(cache.value(for: "hot") == 1) }
            #expect(cache.count <= 20)
        }
        #expect(cache.value(for: "cold-0") == nil)
        #expect(cache.recentValue(for: "cold-999") == 999)
        #expect(cache.value(for: "cold-999") == 999)
        // cold-995 went into the generation before: not a recent value, but still remembered (and promoted).
        #expect(cache.recentValue(for: "cold-995") == nil)
        #expect(cache.value(for: "cold-995") == 995)
        #expect(cache.recentValue(for: "cold-995") == 995)
    }

    @Test func concurrentUseIsSafeAndAnswersDoNotDependOnTheCache() async throws {
        let catalog = try ProductCatalog.bundled()
        let shared = Classifier(catalog: catalog, cacheEntryLimit: 32)
        let items = Self.mixedItems(800)
        let expected = items.map { shared.explain($0).classification }
        let results = await withTaskGroup(of: [Classification].self) { group in
            for _ in 0..<4 { group.addTask { items.map { shared.classify($0) } } }
            var all: [[Classification]] = []
            for await result in group { all.append(result) }
            return all
        }
        for result in results { #expect(result == expected) }
        #expect(shared.cachedInputCount <= 2 * 32)
    }
}
