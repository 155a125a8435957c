// swift-tools-version: 6.1
//
// cachetag-bench: measures the Intel VT-d driver's cache-tag machinery under invalidation load
// and compares Domain-ID (DID) schemes. See README.md ("What is here") for the module graph:
// data flows one way, Workloads → Engine (the event driver) → CacheTags (schemes, tables) →
// IOMMUModel → Runs → Reports → Plots.
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
        // Hardware vocabulary: IDs, page ranges, PSI address/mask, descriptors and their encodings,
        // cache-tag types and the sink every flush walk writes into.
        .target(name: "VTd", swiftSettings: swiftSettings),
        // The metrics a run reports: name, unit, kind, meaning, chart group, better direction.
        .target(name: "Metrics", swiftSettings: swiftSettings),
        // A monotonic clock with its calibrated overhead, for every timed measurement.
        .target(name: "Timing", swiftSettings: swiftSettings),
        // The allocator's usable size of a block (malloc_usable_size), for honest bytes per tag.
        .target(name: "CAllocatorInfo"),
        // Arm SMMUv3's merged per-domain invalidation array applied to VT-d cache tags, in C: the
        // strongest public design, a peer of the optimized table.
        .target(name: "CSMMUInvs", dependencies: ["CKernelList"]),
        // Asymmetric fences (Linux membarrier) and per-thread slots for the concurrent table's readers.
        .target(name: "CMembarrier"),
        // Cache tags, the table registry and its tables, DID schemes and allocators, the directory.
        .target(
            name: "CacheTags",
            dependencies: [
                "VTd", "CAllocatorInfo", "CKernelList", "CMembarrier", "CSMMUInvs", .product(name: "Atomics", package: "swift-atomics"),
            ],
            swiftSettings: swiftSettings),
        // The kernel's list algorithm written in C, the "what C costs" anchor of the benchmarks.
        .target(name: "CKernelList"),
        // The modeled IOMMU: IOTLB, device TLBs, invalidation queue, cost model, safety oracle.
        .target(name: "IOMMUModel", dependencies: ["VTd"], swiftSettings: swiftSettings),
        // Seeded synthetic workloads, the workload registry and kernel trace replay: streams of events.
        .target(name: "Workloads", dependencies: ["VTd"], swiftSettings: swiftSettings),
        // The one event driver: applies events to a DID scheme and the tables, and tells an
        // observer (the modeled IOMMU, a counter, the software-path timer) what happened.
        .target(
            name: "Engine", dependencies: ["VTd", "Metrics", "Timing", "CacheTags", "IOMMUModel", "Workloads"],
            swiftSettings: swiftSettings),
        // The report schema: tidy CSV rows, run.json, summary, comparisons, atomic writes, strict reading.
        .target(name: "Reports", dependencies: ["Metrics"], swiftSettings: swiftSettings),
        // The performance targets' fixtures and suite: scenario, C-list adapter, write floor,
        // interleaved medians; shared by `cachetag-bench perf`, the micro benchmarks and the tests.
        // One C function per perf operation, for callgrind's instruction counts (PerfProbe).
        .target(name: "CProbe"),
        .target(
            name: "PerfSuite",
            dependencies: ["VTd", "CacheTags", "CAllocatorInfo", "CKernelList", "CProbe", "Reports", "Timing"],
            swiftSettings: swiftSettings),
        // Runs workload × point × scheme × table: modeled metrics and real timings of the software path.
        .target(
            name: "Runs",
            dependencies: [
                "VTd", "Metrics", "Timing", "CacheTags", "IOMMUModel", "Workloads", "Engine", "Reports",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: swiftSettings),
        // SVG charts and an HTML index rendered from report CSVs.
        .target(name: "Plots", dependencies: ["Metrics", "Reports"], swiftSettings: swiftSettings),
        // The command line, as a library so tests can drive it in-process.
        .target(
            name: "BenchCommands",
            dependencies: [
                "VTd", "Metrics", "CacheTags", "IOMMUModel", "Workloads", "Reports", "Runs", "PerfSuite", "Plots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "cachetag-bench", dependencies: ["BenchCommands"], swiftSettings: swiftSettings),

        // Fixtures every test target shares: topologies, seeded operations, temporary directories.
        .target(
            name: "TestSupport", dependencies: ["VTd", "Metrics", "CacheTags", "IOMMUModel", "Engine", "Workloads"],
            path: "Tests/TestSupport",
            resources: [.copy("Traces")], swiftSettings: swiftSettings),
        .testTarget(name: "VTdTests", dependencies: ["VTd", "Workloads", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CacheTagsTests", dependencies: ["VTd", "CacheTags", "PerfSuite", "Workloads", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "IOMMUModelTests", dependencies: ["VTd", "CacheTags", "IOMMUModel", "Workloads", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WorkloadsTests", dependencies: ["VTd", "Workloads", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "EngineTests",
            dependencies: ["VTd", "Metrics", "CacheTags", "IOMMUModel", "Workloads", "Engine", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "TestSupport"], swiftSettings: swiftSettings),
        // Counts allocations per thread (it defines malloc for the test binary), for the flush paths'
        // zero-allocation invariant.
        .target(name: "CMallocCounter", path: "Tests/CMallocCounter"),
        .testTarget(
            name: "PerfSuiteTests", dependencies: ["VTd", "CacheTags", "PerfSuite", "TestSupport", "CMallocCounter"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "RunsTests",
            dependencies: ["VTd", "CacheTags", "IOMMUModel", "Engine", "Workloads", "Reports", "Runs", "TestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "PlotsTests", dependencies: ["Metrics", "Reports", "Plots"], swiftSettings: swiftSettings),
        .testTarget(
            name: "BenchCommandsTests",
            dependencies: [
                "Metrics", "Reports", "BenchCommands", "CacheTags", "TestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings),

        .executableTarget(
            name: "CacheTagBenchmarks",
            dependencies: [
                "VTd", "CacheTags", "PerfSuite",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/CacheTagBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)

// Fuzz targets (docs/fuzzing.md), only when CACHETAG_FUZZ is set: `swift build` and `swift test`
// never see them, since linking one needs libFuzzer, which supplies `main`. `scripts/fuzz.sh TARGET`
// sets the variable and the sanitizer flags (why both `--sanitize fuzzer` and
// `-Xswiftc -sanitize=fuzzer,address`: see the script). Each target is one file not named
// main.swift, so SwiftPM compiles it with `-parse-as-library` itself.
if Context.environment["CACHETAG_FUZZ"] != nil {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzTraceText", ["Workloads"]),
        ("FuzzSettingsFile", ["IOMMUModel", "VTd"]),
        ("FuzzReportFiles", ["Reports"]),
    ]
    for (name, dependencies) in fuzzTargets {
        package.targets.append(
            .executableTarget(name: name, dependencies: dependencies, path: "Fuzz/\(name)", swiftSettings: swiftSettings))
        package.products.append(.executable(name: name, targets: [name]))
    }
}
