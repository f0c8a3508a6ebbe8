// The CPU features a release build's kernels were compiled for, checked
// against the running CPU before any of them runs. Release builds target
// x86-64-v3 when the machine building them has it (Package.swift); a binary
// copied to an older CPU would die of SIGILL at its first AVX2 or BMI2
// instruction, mid-query. The check reads the kernel's view of the CPU
// (/proc/cpuinfo, whose flags already leave out what the OS does not enable,
// such as AVX without XSAVE support), so it needs no instruction the baseline
// lacks. This file is compiled for the baseline: Engine is not one of the
// kernel layers.

import Foundation

public enum HostCPU {
    /// x86-64-v3's features that code generation uses, by their /proc/cpuinfo names
    /// (LZCNT is "abm" there, on Intel and AMD alike).
    public static let x86_64v3 = ["avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "abm", "movbe", "popcnt", "sse4_2"]

    /// The `required` flags that the first "flags" line of `cpuinfo` lacks, in `required`'s
    /// order; nil when the text has no flags line (not Linux, or a kernel that hides it: unknown).
    public static func missing(_ required: [String], cpuinfo: String) -> [String]? {
        for line in cpuinfo.split(separator: "\n", omittingEmptySubsequences: true) {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == "flags" else { continue }
            let present = Set(parts[1].split(separator: " ").map(String.init))
            return required.filter { !present.contains($0) }
        }
        return nil
    }

    /// The message `lakesql` stops with when this machine lacks `required` (nil: it has them,
    /// or /proc/cpuinfo cannot tell).
    public static func refusal(_ required: [String], level: String) -> String? {
        // The first CPU's entry is enough (the kernel builds the file per CPU as it is read:
        // the whole file of a large machine costs milliseconds).
        guard let file = FileHandle(forReadingAtPath: "/proc/cpuinfo") else { return nil }
        defer { try? file.close() }
        guard let head = try? file.read(upToCount: 32 << 10), let text = String(data: head, encoding: .utf8),
              let lacking = missing(required, cpuinfo: text), !lacking.isEmpty else { return nil }
        return "this lakesql was built for \(level) CPUs, and this CPU lacks \(lacking.joined(separator: ", ")); "
            + "build it for this one with: LAKESQL_TARGET_CPU=generic swift build -c release (after rm -rf .build)"
    }
}
