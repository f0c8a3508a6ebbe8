// The start-up check of a release build's CPU features (HostCPU): which of
// the required flags a /proc/cpuinfo text lacks, and "unknown" without one.

import Engine
import XCTest

final class HostCPUTests: XCTestCase {
    private let zen4 = """
        processor\t: 0
        vendor_id\t: AuthenticAMD
        model name\t: AMD EPYC
        flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr sse sse2 ht syscall nx lm fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand abm bmi1 avx2 bmi2 avx512f
        bugs\t\t: sysret_ss_attrs

        processor\t: 1
        flags\t\t: fpu sse sse2
        """

    func testAV3CPUHasEveryRequiredFlag() {
        XCTAssertEqual(HostCPU.missing(HostCPU.x86_64v3, cpuinfo: zen4), [])
    }

    func testAnOlderCPUIsToldWhatItLacks() {
        // Sandy Bridge: AVX but no AVX2, BMI, FMA, F16C or LZCNT. Only the first flags line counts.
        let sandyBridge = "processor : 0\nflags : fpu sse sse2 ssse3 cx16 sse4_1 sse4_2 popcnt xsave avx\n"
        XCTAssertEqual(HostCPU.missing(HostCPU.x86_64v3, cpuinfo: sandyBridge), ["avx2", "bmi1", "bmi2", "fma", "f16c", "abm", "movbe"])
        XCTAssertEqual(HostCPU.missing(["avx2"], cpuinfo: zen4.replacingOccurrences(of: " avx2 ", with: " ")), ["avx2"])
        // A flag is matched whole: "avx512f" is not "avx".
        XCTAssertEqual(HostCPU.missing(["avx"], cpuinfo: "flags : sse avx512f\n"), ["avx"])
    }

    func testNoFlagsLineMeansUnknown() {
        XCTAssertNil(HostCPU.missing(HostCPU.x86_64v3, cpuinfo: ""))
        XCTAssertNil(HostCPU.missing(HostCPU.x86_64v3, cpuinfo: "processor : 0\nFeatures : fp asimd evtstrm\n"))
    }
}

/// Package.swift decides whether to build for x86-64-v3 from the build machine's flags; it
/// cannot import Engine, so its list is a copy of HostCPU.x86_64v3 and must stay equal to it.
final class HostCPUManifestTests: XCTestCase {
    func testTheManifestChecksTheSameFeatures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let quoted = HostCPU.x86_64v3.map { "\"\($0)\"" }.joined(separator: ", ")
        XCTAssertTrue(manifest.contains("let v3Flags = [\(quoted)]"), "Package.swift's v3Flags differ from HostCPU.x86_64v3")
    }
}
