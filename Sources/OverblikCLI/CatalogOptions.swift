public import ArgumentParser
public import Catalog
import Foundation

/// `--catalog FILE` (repeatable): user catalogs layered on the shipped one, later files winning per id.
/// Commands that classify add `@OptionGroup var catalogOptions: CatalogOptions`.
public struct CatalogOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp(
            "A user catalog (YAML) that adds or overrides products; repeatable, later wins.",
            valueName: "file"))
    public var files: [String] = []

    public init() {}

    /// The merged catalog; a bad file is a usage error naming the file and the reason.
    public func loadCatalog() throws -> ProductCatalog {
        do {
            return try ProductCatalog.load(userFiles: files.map { URL(fileURLWithPath: $0) })
        } catch let error as CatalogError {
            throw ValidationError(error.description)
        }
    }

    /// The catalog's inputs read but not parsed (see ``CatalogSources``); an unreadable file is a usage error.
    public func readSources() throws -> CatalogSources {
        do {
            return try CatalogSources.read(userFiles: files.map { URL(fileURLWithPath: $0) })
        } catch let error as CatalogError {
            throw ValidationError(error.description)
        }
    }

    /// The merged catalog from sources read by ``readSources()``; a bad file is a usage error.
    public static func load(_ sources: CatalogSources) throws -> ProductCatalog {
        do {
            return try sources.load()
        } catch let error as CatalogError {
            throw ValidationError(error.description)
        }
    }

    /// A classifier over the merged catalog.
    public func makeClassifier() throws -> Classifier {
        Classifier(catalog: try loadCatalog())
    }
}
