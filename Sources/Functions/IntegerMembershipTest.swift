// `column = constant`, `column <> constant` and `column [NOT] IN (constants)`
// over a signed integer column as an IntegerValueTest (ScanRowFilter.valueTests),
// with the comparison operators' answers on integers of any width. A Parquet
// reader answers it per dictionary entry, then per code as it decodes a page,
// or on the values where a PLAIN page holds them.

import Columnar

public struct IntegerMembershipTest: IntegerValueTest {
    /// The constants, sorted and without repeats (binary search past a few).
    private let values: [Int64]
    private let negated: Bool

    /// `negated`: the answer is whether the value is none of `values` (`<>`, NOT IN).
    public init(values: [Int64], negated: Bool) {
        self.values = Array(Set(values)).sorted()
        self.negated = negated
    }

    public func test(_ v: Vector) -> Vector {
        let n = v.count
        let validity = Kernels.combinedValidity([v], count: n)
        if n == 0 || validity?.allSatisfy({ !$0 }) ?? false { return Vector.nulls(type: .boolean, count: n) }
        var out = ContiguousArray<Bool>()
        out.reserveCapacity(n)
        Kernels.int64s(v).withUnsafeBytes { if let base = $0.baseAddress { testStored(base, width: 8, count: n, into: &out) } }
        if let validity { for i in 0..<n where !validity[i] { out[i] = false } }
        return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
    }

    public func testStored(_ values: UnsafeRawPointer, width: Int, count: Int, into out: inout ContiguousArray<Bool>) {
        guard count > 0 else { return }
        if width == 8 {
            append(count, into: &out) { values.loadUnaligned(fromByteOffset: $0 &* 8, as: Int64.self) }
        } else {
            append(count, into: &out) { Int64(values.loadUnaligned(fromByteOffset: $0 &* 4, as: Int32.self)) }
        }
    }

    /// Appends the answer for each of `count` values that `value(i)` reads (little-endian host,
    /// as the Parquet reader's raw copies assume). One constant, the common case, is one compare
    /// a value with no branch (the loop vectorises); a few are compared in turn, more searched.
    @inline(__always)
    private func append(_ count: Int, into out: inout ContiguousArray<Bool>, _ value: (Int) -> Int64) {
        let negated = self.negated
        values.withUnsafeBufferPointer { constants in
            out.appendUninitialized(count: count) { o in
                let base = o.baseAddress!
                switch constants.count {
                case 0:
                    for i in 0..<count { (base + i).initialize(to: negated) }
                case 1:
                    let c = constants[0]
                    for i in 0..<count { (base + i).initialize(to: (value(i) == c) != negated) }
                case 2...8:
                    for i in 0..<count {
                        let x = value(i)
                        var hit = false
                        for c in constants { hit = hit || x == c }
                        (base + i).initialize(to: hit != negated)
                    }
                default:
                    for i in 0..<count {
                        let x = value(i)
                        var low = 0, high = constants.count
                        while low < high {
                            let mid = (low &+ high) >> 1
                            if constants[mid] < x { low = mid &+ 1 } else { high = mid }
                        }
                        (base + i).initialize(to: (low < constants.count && constants[low] == x) != negated)
                    }
                }
            }
        }
    }
}
