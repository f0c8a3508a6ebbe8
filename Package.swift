// swift-tools-version:5.10
// LakeSQL: a SQL engine that queries data-lake files in place.
// Layers are targets; imports only point down the stack (see Docs/ARCHITECTURE.md).
import Foundation
import PackageDescription

// Release builds of the per-statement layers (parsing, binding, sessions, the
// wire server) drop Swift's run-time exclusivity checks: a swift_beginAccess
// per class-property or global access was 15% of the server's instructions
// for a `SELECT 1` round trip. The kernel layers (Columnar, Functions, Formats,
// Lake, Execution) keep them: there the flag measured neutral to +1% (its
// code generation differs) since their loops already run on locals. Debug
// builds, which run the tests, keep every check, so a violation still traps.
let statementLayerSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Release builds of the kernel layers (Columnar, Functions, Formats, Lake, Execution) on
// x86-64 target x86-64-v3 (LLVM's "haswell": AVX2, BMI1/2, FMA, LZCNT, POPCNT; every x86
// server CPU since 2013-2015) when the machine building them has it. On the baseline,
// `nonzeroBitCount` was a dozen instructions (a popcount each for the filter's row lists and
// the definition-bit counts) and loops vectorised to 128 bits: v3 measured −5% over TPC-H
// SF1 and −4 to −9% over most of the click-stream queries (Docs/BENCHMARKS.md, session 22).
// A v3 `lakesql` copied to a CPU without these features refuses to start, with a message
// (Engine/HostCPU.swift), instead of dying of an illegal instruction mid-query.
// LAKESQL_TARGET_CPU=<LLVM CPU name> builds for another CPU, LAKESQL_TARGET_CPU=generic for
// the baseline (remove .build after changing it).
// The same features as HostCPU.x86_64v3 (Tests/EngineTests/HostCPUTests checks that they agree).
let v3Flags = ["avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "abm", "movbe", "popcnt", "sse4_2"]
func buildMachineHasX86_64v3() -> Bool {
    guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") })?.split(separator: ":").last
    else { return false }
    let present = Set(flags.split(separator: " ").map(String.init))
    return v3Flags.allSatisfy(present.contains)
}
#if arch(x86_64)
let kernelCPU = Context.environment["LAKESQL_TARGET_CPU"] ?? (buildMachineHasX86_64v3() ? "haswell" : "generic")
#else
let kernelCPU = Context.environment["LAKESQL_TARGET_CPU"] ?? "generic"
#endif
let kernelLayerSettings: [SwiftSetting] = kernelCPU == "generic" ? []
    : [.unsafeFlags(["-target-cpu", kernelCPU], .when(configuration: .release))]
/// Tells the executable which CPU features to check for at start (only the v3 level is known to the check).
let hostCheckSettings: [SwiftSetting] = kernelCPU == "haswell" ? [.define("LAKESQL_X86_64_V3", .when(configuration: .release))] : []

let package = Package(
    name: "LakeSQL",
    products: [
        .executable(name: "lakesql", targets: ["lakesql"]),
        .library(name: "Engine", targets: ["Engine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries from Debian, each behind a thin system-library target.
        .systemLibrary(name: "CZstd", path: "Sources/CZstd"),
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy"),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4"),
        .systemLibrary(name: "CBrotli", path: "Sources/CBrotli"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline"),

        .target(name: "Columnar", swiftSettings: kernelLayerSettings),
        .target(name: "SQLSyntax", dependencies: ["Columnar"], swiftSettings: statementLayerSettings),
        .target(name: "Functions", dependencies: ["Columnar"], swiftSettings: kernelLayerSettings),
        .target(name: "Formats", dependencies: ["Columnar", "CZstd", "CLZ4", "CBrotli", "CZlib"], swiftSettings: kernelLayerSettings),
        .target(name: "Lake", dependencies: ["Columnar", "Formats", "Planner"], swiftSettings: kernelLayerSettings),
        .target(name: "Planner", dependencies: ["Columnar", "SQLSyntax", "Functions"], swiftSettings: statementLayerSettings),
        .target(name: "Catalog", dependencies: ["Columnar", "CSQLite"], swiftSettings: statementLayerSettings),
        .target(name: "Execution", dependencies: ["Columnar", "Functions", "Planner", "Formats"], swiftSettings: kernelLayerSettings),
        .target(name: "Engine", dependencies: ["Columnar", "SQLSyntax", "Planner", "Execution", "Formats", "Lake", "Catalog"], swiftSettings: statementLayerSettings),
        .target(name: "Shell", dependencies: ["Engine", "Columnar", "CReadline"], swiftSettings: statementLayerSettings),
        .target(name: "SQLLogicTest", dependencies: ["Engine", "Columnar"], swiftSettings: statementLayerSettings),
        .target(name: "PostgresWire", dependencies: [
            "Engine", "Columnar", "SQLSyntax",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: statementLayerSettings),
        .executableTarget(name: "lakesql", dependencies: ["Engine", "Shell", "SQLLogicTest", "PostgresWire", .product(name: "Logging", package: "swift-log")],
                          swiftSettings: statementLayerSettings + hostCheckSettings),

        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"]),
        .testTarget(name: "SQLSyntaxTests", dependencies: ["SQLSyntax"]),
        .testTarget(name: "FunctionsTests", dependencies: ["Functions", "Columnar"]),
        .testTarget(name: "FormatsTests", dependencies: ["Formats", "Columnar", "CSnappy"]),
        .testTarget(name: "LakeTests", dependencies: ["Lake", "Formats", "Planner", "Columnar"]),
        .testTarget(name: "PlannerTests", dependencies: ["Planner", "SQLSyntax", "Columnar"]),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "Columnar"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "Planner", "Catalog", "Columnar", "SQLLogicTest", "Shell"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Engine", "Columnar"]),
        .testTarget(name: "PostgresWireTests", dependencies: [
            "PostgresWire", "Engine", "Columnar", "SQLSyntax",
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
    ]
)
