// `x IN (c1, c2, …)` with every item a constant of x's own type, for text and
// integer-like types: one hash-set lookup per row instead of one equality
// kernel pass per item (TPC-H Q22's `substring(c_phone, 1, 2) IN (seven codes)`
// ran seven passes of string comparisons). Only types whose SQL equality is
// exactly byte or integer equality qualify (text, varchar; int2/4/8, date,
// time, timestamp[tz]), so the answer is the one the `=` kernel would give.
// Three-valued logic as PostgreSQL: NULL x gives NULL; no match gives NULL
// when the list holds a NULL, else false; NOT IN negates true and false.

import Columnar
import Foundation
import Functions
import Planner

struct ConstantInList {
    private let ints: Set<Int64>
    private let strings: Set<[UInt8]>
    /// The same strings for short lists, compared in place (no per-row array for the set lookup).
    private let stringList: [[UInt8]]
    /// Those of at most 8 bytes as (length, bytes packed little-endian): compared in registers.
    private let packedItems: [(Int, UInt64)]
    private let isString: Bool
    private let listHasNull: Bool

    init?(_ type: DataType, _ items: [BoundExpr]) {
        let isString: Bool
        switch type {
        case .text, .varchar: isString = true
        case .int16, .int32, .int64, .date, .time, .timestamp, .timestamptz: isString = false
        default: return nil
        }
        var ints = Set<Int64>(), strings = Set<[UInt8]>(), hasNull = false
        for item in items {
            guard case .literal(let v, let t) = item, t == type else { return nil }
            switch v {
            case .null: hasNull = true
            case .string(let s) where isString: strings.insert(Array(s.utf8))
            case .int(let i) where !isString: ints.insert(i)
            default: return nil
            }
        }
        self.ints = ints; self.strings = strings; self.isString = isString; self.listHasNull = hasNull
        stringList = strings.count <= Self.linearMaximum ? Array(strings) : []
        packedItems = stringList.filter { $0.count <= 8 }.map { item in (item.count, item.withUnsafeBufferPointer { Self.pack($0) }) }
    }

    private static let linearMaximum = 32

    @inline(__always) private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var w: UInt64 = 0
        for k in 0..<bytes.count { w |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        return w
    }

    private func containsString(_ bytes: UnsafeBufferPointer<UInt8>, packed: [(Int, UInt64)]) -> Bool {
        if strings.count > Self.linearMaximum { return strings.contains(Array(bytes)) }
        if bytes.count <= 8 {
            let w = Self.pack(bytes)
            for (length, item) in packed where length == bytes.count && item == w { return true }
            return false
        }
        for item in stringList where item.count == bytes.count {
            let same = item.withUnsafeBufferPointer { p in
                p.count == 0 || memcmp(p.baseAddress!, bytes.baseAddress!, p.count) == 0
            }
            if same { return true }
        }
        return false
    }

    func evaluate(_ x: Vector, count n: Int, negated: Bool) -> Vector {
        if case .dictionary(let codes, let values) = x.storage, values.count < n, codes.count >= n {
            // Decide each dictionary entry once, then map the rows' codes.
            let perEntry = evaluate(values, count: values.count, negated: negated)
            let rowCodes = codes.count == n ? codes : ContiguousArray(codes.prefix(n))
            return Vector(type: .boolean, count: n, storage: .dictionary(indices: rowCodes, values: perEntry), validity: x.validity)
        }
        var truth = ContiguousArray<Bool>(repeating: false, count: n)
        var valid = ContiguousArray<Bool>(repeating: true, count: n)
        var anyNull = false
        if isString {
            let column = Kernels.strings(x)
            let packed = packedItems
            column.bytes.withUnsafeBufferPointer { bytes in
                for i in 0..<n {
                    if x.isNull(i) { valid[i] = false; anyNull = true; continue }
                    let r = column.range(i)
                    let hit = containsString(UnsafeBufferPointer(rebasing: bytes[r]), packed: packed)
                    if hit { truth[i] = !negated } else if listHasNull { valid[i] = false; anyNull = true } else { truth[i] = negated }
                }
            }
        } else {
            let xs = Kernels.int64s(x)
            for i in 0..<n {
                if x.isNull(i) { valid[i] = false; anyNull = true; continue }
                if ints.contains(xs[i]) { truth[i] = !negated } else if listHasNull { valid[i] = false; anyNull = true } else { truth[i] = negated }
            }
        }
        return Vector(type: .boolean, count: n, storage: .bool(truth), validity: anyNull ? valid : nil)
    }
}
