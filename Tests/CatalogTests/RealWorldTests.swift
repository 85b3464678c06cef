import Catalog
import Foundation
import OverblikModel
import TestSupport
import Testing

/// The real-world set (fixtures/catalog/real-world/): generator strings and inventory titles harvested from public
/// repositories and pages, each row with its source. The classifier must agree with ≥ 99 % of them; every miss is
/// printed, so a failing run says which strings and rules to look at.
enum RealWorldData {
    struct GeneratorRow: Sendable {
        var line: Int
        var generator: String
        /// `odf` (`meta:generator`) or `ooxml` (`docProps/app.xml` `Application`, with `AppVersion`).
        var field: String
        var appVersion: String?
        var suite: String
        var versionLine: String?
    }

    struct TitleRow: Sendable {
        var line: Int
        var title: String
        var publisher: String?
        var version: String?
        var platform: String?
        var product: String
        var countsAsInstallation: Bool
        /// The package id beside the title (optional column).
        var package: String?
        /// The release the source shows for an installation (optional column).
        var expectedVersion: String?
    }

    static func rows(_ name: String) -> [(line: Int, fields: [String])] {
        guard let text = try? String(contentsOf: Fixtures.url("catalog/real-world/\(name)"), encoding: .utf8) else {
            return []
        }
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().dropFirst()
            .filter { !$0.element.isEmpty }
            .map {
                (
                    line: $0.offset + 1,
                    fields: $0.element.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                )
            }
    }

    static let generators: [GeneratorRow] = rows("generators.tsv").compactMap { line, fields in
        guard fields.count >= 6 else { return nil }
        return GeneratorRow(
            // The fixture writes a newline inside a generator as `\n` (flat-ODF writers wrap long ones): restore it.
            line: line, generator: fields[0].replacingOccurrences(of: "\\n", with: "\n"), field: fields[1],
            appVersion: fields[2].isEmpty ? nil : fields[2],
            suite: fields[3], versionLine: fields[4].isEmpty ? nil : fields[4])
    }

    static let titles: [TitleRow] = rows("titles.tsv").compactMap { line, fields in
        guard fields.count >= 7 else { return nil }
        return TitleRow(
            line: line, title: fields[0], publisher: fields[1].isEmpty ? nil : fields[1],
            version: fields[2].isEmpty ? nil : fields[2], platform: fields[3].isEmpty ? nil : fields[3],
            product: fields[4], countsAsInstallation: fields[5] == "yes",
            package: fields.count > 7 && !fields[7].isEmpty ? fields[7] : nil,
            expectedVersion: fields.count > 8 && !fields[8].isEmpty ? fields[8] : nil)
    }

    /// Share of `hits` in `total`, 1 for an empty set.
    static func share(_ hits: Int, of total: Int) -> Double { total == 0 ? 1 : Double(hits) / Double(total) }
}

@Suite struct RealWorldTests {
    static let classifier = Classifier(catalog: try! ProductCatalog.bundled())
    static let required = 0.99

    @Test func setIsPresentAndLabelledWithCatalogIDs() {
        #expect(RealWorldData.generators.count >= 600)
        #expect(RealWorldData.titles.count >= 1_500)
        let catalog = Self.classifier.catalog
        let ids = Set(RealWorldData.generators.map(\.suite) + RealWorldData.titles.map(\.product))
        for id in ids.sorted() where id != Classification.unknownProduct {
            #expect(catalog.product(id: id) != nil, "label \(id) is not a catalog id")
        }
    }

    @Test func generatorsAreClassifiedAsLabelled() {
        var misses: [String] = []
        var lineMisses: [String] = []
        for row in RealWorldData.generators {
            let result =
                row.field == "ooxml"
                ? Self.classifier.classify(application: row.generator, appVersion: row.appVersion)
                : Self.classifier.classify(generator: row.generator)
            if result.product != row.suite {
                misses.append(
                    "  line \(row.line): \(row.generator) → \(result.product) (\(result.rule)), labelled \(row.suite)")
            } else if let line = row.versionLine, result.versionLine != line {
                lineMisses.append(
                    "  line \(row.line): \(row.generator) → line \(result.versionLine ?? "nil"), labelled \(line)")
            }
        }
        let total = RealWorldData.generators.count
        let score = RealWorldData.share(total - misses.count, of: total)
        print(
            "real-world generators: \(total - misses.count)/\(total) suite (\(String(format: "%.2f", score * 100)) %), "
                + "\(lineMisses.count) version-line disagreements")
        if !misses.isEmpty { print(misses.joined(separator: "\n")) }
        if !lineMisses.isEmpty { print(lineMisses.joined(separator: "\n")) }
        #expect(score >= Self.required, "generator → suite \(score); misses:\n\(misses.joined(separator: "\n"))")
        #expect(RealWorldData.share(total - lineMisses.count, of: total) >= 0.95)
    }

    @Test func titlesAreClassifiedAsLabelled() {
        var productMisses: [String] = []
        var countMisses: [String] = []
        var versionMisses: [String] = []
        for row in RealWorldData.titles {
            let item = InventoryItem(
                title: row.title, publisher: row.publisher, version: row.version, package: row.package,
                platform: row.platform)
            let result = Self.classifier.classify(item)
            let describe =
                "line \(row.line): \(row.title.isEmpty ? row.package ?? "" : row.title) [\(row.publisher ?? "-") | \(row.version ?? "-") | \(row.platform ?? "-")]"
            if result.product != row.product {
                productMisses.append("  \(describe) → \(result.product) (\(result.rule)), labelled \(row.product)")
            } else if let expected = row.expectedVersion,
                !(result.version ?? "").hasPrefix(expected) && result.versionLine != expected
            {
                versionMisses.append(
                    "  \(describe) → version \(result.version ?? "nil") line \(result.versionLine ?? "nil"), labelled \(expected)"
                )
            }
            if result.countsAsInstallation != row.countsAsInstallation {
                countMisses.append(
                    "  \(describe) → counts \(result.countsAsInstallation) (\(result.rule)), labelled \(row.countsAsInstallation)"
                )
            }
        }
        let total = RealWorldData.titles.count
        let product = RealWorldData.share(total - productMisses.count, of: total)
        let counts = RealWorldData.share(total - countMisses.count, of: total)
        print(
            "real-world titles: product \(total - productMisses.count)/\(total) (\(String(format: "%.2f", product * 100)) %), "
                + "counts-as-installation \(total - countMisses.count)/\(total) (\(String(format: "%.2f", counts * 100)) %)"
        )
        if !productMisses.isEmpty { print("product misses:\n" + productMisses.joined(separator: "\n")) }
        if !countMisses.isEmpty { print("counts-as-installation misses:\n" + countMisses.joined(separator: "\n")) }
        #expect(product >= Self.required, "product \(product)")
        #expect(counts >= Self.required, "counts-as-installation \(counts)")
        // Versions are the releases the sources show: every one must be read right.
        #expect(versionMisses.isEmpty, "version misses:\n\(versionMisses.joined(separator: "\n"))")
    }
}
