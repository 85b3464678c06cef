public import ArgumentParser
public import Catalog
import Foundation
import OverblikModel

/// `overblik catalog list|show|check`: look into the product catalog and validate user catalogs.
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List and show catalog products; check a user catalog file.",
        discussion: """
            Examples:
              overblik catalog list --kind office-suite
              overblik catalog show libreoffice
              overblik catalog check my-products.yaml
              overblik catalog list --catalog my-products.yaml
            """,
        subcommands: [List.self, Show.self, Check.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List products (id, kind, name, vendor, licence).")

        @Option(help: "Only this kind.")
        var kind: ProductKind?

        @OptionGroup var catalogOptions: CatalogOptions

        func run() throws {
            let catalog = try catalogOptions.loadCatalog()
            var products = catalog.products
            if let kind { products = catalog.products(kind: kind) }
            let idWidth = max(2, products.map(\.id.count).max() ?? 0)
            let kindWidth = max(4, products.map(\.kind.rawValue.count).max() ?? 0)
            func pad(_ text: String, _ width: Int) -> String {
                text + String(repeating: " ", count: max(0, width - text.count))
            }
            print("\(pad("ID", idWidth))  \(pad("KIND", kindWidth))  NAME — VENDOR (LICENCE)")
            for product in products {
                print(
                    "\(pad(product.id, idWidth))  \(pad(product.kind.rawValue, kindWidth))  \(product.name) — \(product.vendor) (\(product.licence))"
                )
            }
            print("\(products.count) products; catalog \(catalog.stamp.version) \(catalog.stamp.digest)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one product: description, version lines with support status, and its rules.")

        @Argument(help: "Product id, e.g. libreoffice.")
        var id: String

        @OptionGroup var catalogOptions: CatalogOptions

        func run() throws {
            let catalog = try catalogOptions.loadCatalog()
            guard let product = catalog.product(id: id), let yaml = try catalog.definitionYAML(id: id) else {
                let close = catalog.products.map(\.id).filter { $0.contains(id) || id.contains($0) }.prefix(5)
                throw ValidationError(
                    "No product \(id) in the catalog."
                        + (close.isEmpty ? "" : " Did you mean: \(close.joined(separator: ", "))?"))
            }
            print("# \(product.name) (\(product.id)), \(product.kind.rawValue)")
            if !product.versionLines.isEmpty {
                print("# support status today:")
                for line in product.versionLines {
                    let status = catalog.supportStatus(product: product.id, versionLine: line.line, on: Date())
                    print("#   \(line.line): \(ClassifyCommand.describe(status))")
                }
            }
            print(yaml, terminator: "")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a user catalog: schema, duplicate ids, patterns overlapping other products.")

        @Argument(help: "The user catalog YAML file.")
        var file: String

        @OptionGroup var catalogOptions: CatalogOptions

        func run() throws {
            let base = try catalogOptions.loadCatalog()
            let text: String
            do {
                text = try String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8)
            } catch {
                throw UnreadableInputError(path: file, reason: error.localizedDescription)
            }
            // Diagnostics name the file as the user wrote it.
            let diagnostics = CatalogChecker.check(text: text, file: file, against: base)
            for diagnostic in diagnostics { print(diagnostic) }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.count - errors
            print("\(file): \(errors) error(s), \(warnings) warning(s)")
            if errors > 0 { throw ExitCode(CommandExitStatus.partialFailure.rawValue) }
        }
    }
}

extension ProductKind: ExpressibleByArgument {}
