// swift-tools-version: 6.1
// libFuzzer targets for Overblik's readers of untrusted bytes. A package of its own so that `make test` and CI
// never build them; `make fuzz` builds them with -sanitize=fuzzer,address and runs each for FUZZ_SECONDS.
// See FUZZING.md at the repository root.

import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let targets = [
    "fuzz-document-package", "fuzz-document-flat", "fuzz-compound-file", "fuzz-csv", "fuzz-inventory-xml",
    "fuzz-inventory-json", "fuzz-spreadsheet", "fuzz-submission", "fuzz-odf-validation",
]

let package = Package(
    name: "OverblikFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Overblik", path: "..")],
    targets: [
        // libFuzzer's driver entered from the harness (the toolchain's libclang_rt.fuzzer provides it).
        .target(name: "CFuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: ["CFuzzDriver", .product(name: "OverblikReaders", package: "Overblik")],
            swiftSettings: strictSettings
        ),
    ]
        + targets.map { name in
            .executableTarget(
                name: name,
                dependencies: ["FuzzSupport", .product(name: "OverblikReaders", package: "Overblik")],
                swiftSettings: strictSettings
            )
        }
)
