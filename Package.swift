// swift-tools-version: 6.1
//
// cachetag-bench: measures the Intel VT-d driver's cache-tag machinery under invalidation load
// and compares Domain-ID (DID) schemes. See README.md and the module layout below: data flows one
// way, Workloads → Engine → CacheTags (schemes, tables) → IOMMUModel → Harness → Reports → Plots.
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "cachetag-bench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "cachetag-bench", targets: ["cachetag-bench"]),
        .library(name: "CacheTags", targets: ["CacheTags"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Hardware vocabulary: IDs, page ranges, PSI address/mask, descriptors and their encodings.
        .target(name: "VTd", swiftSettings: swiftSettings),
        // Cache tags, the two tables behind one protocol, DID schemes and allocators.
        .target(
            name: "CacheTags",
            dependencies: ["VTd", .product(name: "Atomics", package: "swift-atomics")],
            swiftSettings: swiftSettings),
        // The kernel's list algorithm written in C, the "what C costs" anchor of the benchmarks.
        .target(name: "CKernelList"),
        // The modeled IOMMU: IOTLB, device TLBs, invalidation queue, cost model, safety oracle.
        .target(name: "IOMMUModel", dependencies: ["VTd", "CacheTags"], swiftSettings: swiftSettings),
        // Seeded synthetic workloads and kernel trace replay: streams of events.
        .target(name: "Workloads", dependencies: ["VTd"], swiftSettings: swiftSettings),
        // Applies events to a DID scheme, the tables and (optionally) the modeled IOMMU.
        .target(
            name: "Engine", dependencies: ["VTd", "CacheTags", "IOMMUModel", "Workloads"],
            swiftSettings: swiftSettings),
        // The report schema: tidy CSV rows, run.json, atomic writes, strict reading.
        .target(name: "Reports", swiftSettings: swiftSettings),
        // Runs workload × scheme × table: modeled metrics and real timings of the software path.
        .target(
            name: "Harness",
            dependencies: [
                "VTd", "CacheTags", "CKernelList", "IOMMUModel", "Workloads", "Engine", "Reports",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings),
        // SVG charts and an HTML index rendered from report CSVs.
        .target(name: "Plots", dependencies: ["Reports"], swiftSettings: swiftSettings),
        // The command line, as a library so tests can drive it in-process.
        .target(
            name: "BenchCommands",
            dependencies: [
                "VTd", "CacheTags", "IOMMUModel", "Workloads", "Engine", "Reports", "Harness", "Plots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "cachetag-bench", dependencies: ["BenchCommands"], swiftSettings: swiftSettings),

        .testTarget(name: "VTdTests", dependencies: ["VTd", "Workloads"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CacheTagsTests", dependencies: ["VTd", "CacheTags", "CKernelList", "Workloads"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IOMMUModelTests", dependencies: ["VTd", "CacheTags", "IOMMUModel", "Workloads", "Engine"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WorkloadsTests", dependencies: ["VTd", "CacheTags", "IOMMUModel", "Workloads", "Engine"],
            resources: [.copy("Traces")], swiftSettings: swiftSettings),
        .testTarget(name: "ReportsTests", dependencies: ["Reports"], swiftSettings: swiftSettings),
        .testTarget(name: "PlotsTests", dependencies: ["Reports", "Plots"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HarnessTests", dependencies: ["Harness", "BenchCommands", "Reports"],
            swiftSettings: swiftSettings),

        .executableTarget(
            name: "CacheTagBenchmarks",
            dependencies: [
                "VTd", "CacheTags", "CKernelList",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CacheTagBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
