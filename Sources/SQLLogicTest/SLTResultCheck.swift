// Compares rendered query results with a record's expected block: sorts
// (rowsort: rows by their values left to right; valuesort: all values on
// their own), both by UTF-8 bytes like C's strcmp, then either checks the
// hash form (MD5 of every value followed by "\n") or compares lines exactly.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

public enum SLTResultCheck {
    /// Byte-wise (strcmp) order of two strings.
    @inline(__always) public static func bytesLess(_ a: String, _ b: String) -> Bool {
        compareBytes(a, b) < 0
    }

    /// Three-way byte-wise comparison (negative, zero, positive), memcmp on contiguous UTF-8.
    public static func compareBytes(_ a: String, _ b: String) -> Int {
        let fast: Int?? = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb -> Int in
                let common = min(pa.count, pb.count)
                if common > 0, let x = pa.baseAddress, let y = pb.baseAddress {
                    let c = memcmp(x, y, common)
                    if c != 0 { return Int(c) }
                }
                return pa.count - pb.count
            }
        }
        if let outer = fast, let result = outer { return result }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    /// Applies the sort mode to row-major `values` with `width` values per row.
    public static func sorted(_ values: [String], width: Int, mode: SLTSortMode) -> [String] {
        switch mode {
        case .nosort:
            return values
        case .valuesort:
            return values.sorted(by: bytesLess)
        case .rowsort:
            guard width > 0 else { return values }
            let rowCount = values.count / width
            if rowCount < 2 { return values }
            let order = (0..<rowCount).sorted { x, y in
                let bx = x * width, by = y * width
                for c in 0..<width {
                    let order = compareBytes(values[bx + c], values[by + c])
                    if order != 0 { return order < 0 }
                }
                return false
            }
            var out: [String] = []
            out.reserveCapacity(values.count)
            for r in order { out.append(contentsOf: values[(r * width)..<(r * width + width)]) }
            return out
        }
    }

    /// MD5 of every value followed by "\n", in lower-case hex.
    public static func hash(_ values: [String]) -> String {
        var md5 = MD5Hasher()
        let newline: [UInt8] = [10]
        for v in values { md5.update(utf8: v); md5.update(newline) }
        return Digest.hex(md5.finalize())
    }

    /// Checks already-rendered, unsorted values. On failure, `got` describes the actual result
    /// in the expected block's own form.
    public static func check(values: [String], query: SLTQuery) -> (passed: Bool, got: String) {
        let width = query.columns.count
        let sortedValues = sorted(values, width: width, mode: query.sortMode)
        switch query.expected {
        case let .hash(count, md5):
            let digest = hash(sortedValues)
            return (count == sortedValues.count && digest == md5, "\(sortedValues.count) values hashing to \(digest)")
        case .lines(let lines):
            if query.sortMode == .valuesort {
                var expected: [String] = []
                for line in lines { expected.append(contentsOf: line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)) }
                expected.sort(by: bytesLess)
                let passed = expected == sortedValues
                if passed { return (true, "") }
                return (false, sortedValues.isEmpty ? "(no rows)" : sortedValues.joined(separator: "\n"))
            }
            let actualLines = rowLines(sortedValues, width: width)
            let passed = actualLines == lines
            if passed { return (true, "") }
            return (false, actualLines.isEmpty ? "(no rows)" : actualLines.joined(separator: "\n"))
        }
    }

    /// Row-major values joined into TAB-separated lines.
    static func rowLines(_ values: [String], width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        lines.reserveCapacity(values.count / width)
        var r = 0
        while r + width <= values.count {
            lines.append(width == 1 ? values[r] : values[r..<(r + width)].joined(separator: "\t"))
            r += width
        }
        return lines
    }
}
