// swift-tools-version: 6.1
// Overblik: what Danish public authorities' document and software estates really look like.
// Layout: a thin executable (`overblik`) over libraries split by concern; dependencies point down.

import PackageDescription

/// Settings every Swift target shares: Swift 6 language mode plus the upcoming features that keep
/// C types out of public APIs (`InternalImportsByDefault`) and make imports explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The validator's engine mutates its memo tables and pattern store (stored properties of a class) millions of
/// times a run, and the dynamic exclusivity check of each access cost 5 % of `validate`'s CPU. Debug builds, which
/// run the tests, keep the check; release builds skip it.
let uncheckedExclusivityInRelease: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "Overblik",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "overblik", targets: ["overblik"]),
        // The readers of untrusted bytes, for the fuzz package in fuzz/ (a separate package, so that `make test` and
        // CI never build the fuzz targets).
        .library(
            name: "OverblikReaders",
            targets: [
                "OfficeDocuments", "CompoundFileKit", "InventoryImport", "Submissions", "Catalog", "Geography",
                "OverblikModel", "ODFValidation",
            ]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        // C libraries, found through pkg-config; apt names the Debian packages that provide them.
        .systemLibrary(
            name: "CLibZip",
            pkgConfig: "libzip",
            providers: [.apt(["libzip-dev"])]
        ),
        // Inflates the small parts a scan reads in one call, two to three times as fast as zlib.
        .systemLibrary(
            name: "CLibDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        .systemLibrary(
            name: "CLibGsf",
            pkgConfig: "libgsf-1",
            providers: [.apt(["libgsf-1-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        // File names are bytes: a lossless string form for names that are not UTF-8, and back for opening them.
        .target(name: "FileSystemNames", swiftSettings: strictSettings),

        // The only Swift code that calls libzip and libdeflate / libxml2 / libgsf (compound files).
        .target(
            name: "ZipKit", dependencies: ["CLibZip", "CLibDeflate", "FileSystemNames"], swiftSettings: strictSettings),
        .target(name: "CompoundFileKit", dependencies: ["CLibGsf"], swiftSettings: strictSettings),
        .target(name: "XMLKit", dependencies: ["CLibXML2", "CRelaxNGWorker"], swiftSettings: strictSettings),
        // A native RELAX NG validator (Clark's derivative algorithm); reads XML through XMLKit.
        .target(
            name: "RelaxNG", dependencies: ["XMLKit"], swiftSettings: strictSettings + uncheckedExclusivityInRelease),
        // libxml2's RELAX NG validator in worker processes that can be killed at a deadline (see its header).
        .target(name: "CRelaxNGWorker", dependencies: ["CLibXML2"]),

        // Shared value types: document and software records, usage declarations, submissions.
        .target(
            name: "OverblikModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),

        // Product catalog and classifier: pure, data-driven.
        .target(
            name: "Catalog",
            dependencies: ["OverblikModel", "Yams"],
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),

        // Denmark's 98 municipalities and 5 regions, their aliases and map geometry.
        .target(
            name: "Geography",
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),

        // One office document → metadata record; the tree walker and parallel scanner.
        .target(
            name: "OfficeDocuments",
            dependencies: ["ZipKit", "XMLKit", "CompoundFileKit", "OverblikModel", "Catalog", "FileSystemNames"],
            swiftSettings: strictSettings
        ),

        // ODF conformance: package rules, well-formedness and the OASIS RELAX NG schemas (shipped as resources).
        .target(
            name: "ODFValidation",
            dependencies: ["ZipKit", "XMLKit", "RelaxNG", "FileSystemNames"],
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),

        // Inventory exports (CSV, spreadsheets, agent XML/JSON, SBOMs, package lists) → software records.
        .target(
            name: "InventoryImport",
            dependencies: [
                "ZipKit", "XMLKit", "OverblikModel", "Catalog", "Geography",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),

        // The estate store: protocol, SQLite (GRDB) implementation, migrations, export and compile.
        // The submission file: its schema, verifier, encoding and the order that decides its digest. Both stores
        // and Reporting use it; verifying a file needs no database.
        .target(
            name: "Submissions",
            dependencies: ["OverblikModel", "Geography"],
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),

        .target(
            name: "Store",
            dependencies: [
                "OverblikModel", "Geography", "Submissions",
                .product(name: "GRDB", package: "GRDB.swift"),
                // Raw binding for bulk inserts (a million inventory lines per import).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                "FileSystemNames",
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "StorePostgres",
            dependencies: [
                "Store", "OverblikModel", "Submissions",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),

        // Reports: HTML with SVG map and charts, ODT/ODS (our own ODF writer), PDF, Markdown, CSV, JSON.
        .target(
            name: "Reporting",
            dependencies: [
                "OverblikModel", "Catalog", "Geography", "ZipKit", "Submissions", "InventoryImport", "Yams",
            ],
            resources: [.copy("Resources")],
            swiftSettings: strictSettings
        ),

        // The commands, as a library so tests can run them in process.
        .target(
            name: "OverblikCLI",
            dependencies: [
                "OverblikModel", "Catalog", "Geography", "OfficeDocuments", "InventoryImport",
                "ODFValidation", "Store", "StorePostgres", "Submissions", "Reporting", "FileSystemNames",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "overblik", dependencies: ["OverblikCLI"], swiftSettings: strictSettings),

        // Tests.
        .target(
            name: "TestSupport",
            dependencies: ["OverblikModel"],
            path: "Tests/TestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ZipKitTests",
            dependencies: ["ZipKit", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CompoundFileKitTests",
            dependencies: ["CompoundFileKit", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "XMLKitTests",
            dependencies: ["XMLKit", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OfficeDocumentsTests",
            dependencies: ["OfficeDocuments", "Catalog", "FileSystemNames", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RelaxNGTests",
            dependencies: ["RelaxNG", "XMLKit", "ZipKit", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ODFValidationTests",
            dependencies: ["ODFValidation", "ZipKit", "XMLKit", "OfficeDocuments", "OverblikModel", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "CatalogTests",
            dependencies: ["Catalog", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "GeographyTests",
            dependencies: ["Geography", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "InventoryImportTests",
            dependencies: ["InventoryImport", "TestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "Store", "StorePostgres", "Submissions", "TestSupport", "Geography",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's own counters (the page cache a read leaves behind).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        // Child process for the store's crash-safety and concurrency tests (killed mid-write by them).
        .executableTarget(
            name: "StoreStressHelper",
            dependencies: ["Store", "StorePostgres", "OverblikModel"],
            path: "Tests/StoreStressHelper",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReportingTests",
            dependencies: ["Reporting", "Catalog", "Geography", "OverblikModel", "Submissions", "TestSupport"],
            // Read from the repository (so `make golden` can rewrite them), not bundled.
            exclude: ["Golden"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "OverblikCLITests",
            dependencies: [
                "OverblikCLI", "TestSupport", "Store", "StorePostgres", "Submissions", "OverblikModel", "Catalog",
                "OfficeDocuments", "Reporting",
            ],
            swiftSettings: strictSettings
        ),
    ]
)
