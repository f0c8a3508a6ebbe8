// A (small id, integer) pair packed into one int64: the id in the top 16
// bits, the integer in the low 48, NULL a reserved integer. Key tables keyed
// by such pairs (a DISTINCT call's group id and argument, a split table's
// prefix id and user id) then compare and store one integer per row instead
// of two columns with their NULL flags. Only pairs whose id is in [0, 2^15)
// and whose integer is NULL or in [-2^47, 2^47 - 1) pack; the tables that use
// this switch to pairs for good at the first row that does not.

import Columnar
import Functions

enum PackedIntPair {
    /// The low 48 bits of a pair whose integer is NULL (the one 48-bit value no integer packs to).
    static let null: Int64 = (1 << 47) - 1

    /// The rows' pairs packed, and the rows that do not fit (their packed value is meaningless).
    static func pack(ids: ContiguousArray<Int32>, _ values: KeyView, count n: Int) -> (keys: ContiguousArray<Int64>, misfits: [Int]) {
        var misfits: [Int] = []
        guard ids.count >= n, values.ints.count >= n else { return ([], Array(0..<n)) }
        let keys = ContiguousArray<Int64>(unsafeUninitializedCapacity: n) { out, initialized in
            ids.withUnsafeBufferPointer { p in
                values.ints.withUnsafeBufferPointer { xs in
                    for i in 0..<n {
                        let isNull = values.nulls?[i] ?? false
                        let x = isNull ? null : xs[i]
                        // x + 2^47 in [0, 2^48 - 1) is x in [-2^47, 2^47 - 1); ids below 2^15 unsigned.
                        let fits = UInt32(bitPattern: p[i]) < 1 << 15
                            && (isNull || UInt64(bitPattern: x &+ (1 << 47)) < UInt64(null &+ (1 << 47)))
                        if !fits { misfits.append(i) }
                        out[i] = Int64(p[i]) << 48 | (x & 0xFFFF_FFFF_FFFF)
                    }
                }
            }
            initialized = n
        }
        return (keys, misfits)
    }

    /// Packed keys back as an int64 id vector and a vector of `valueType` (NULLs through validity).
    static func unpack(_ stored: Vector, valueType: DataType) -> (ids: Vector, values: Vector) {
        let keys = Kernels.int64s(stored)
        let n = keys.count
        var ids = ContiguousArray<Int64>(repeating: 0, count: n), xs = ContiguousArray<Int64>(repeating: 0, count: n)
        var validity = ContiguousArray<Bool>(repeating: true, count: n)
        for i in 0..<n {
            ids[i] = keys[i] >> 48
            let x = (keys[i] << 16) >> 16                          // the low 48 bits, sign-extended
            if x == null { validity[i] = false } else { xs[i] = x }
        }
        return (Vector(type: .int64, count: n, storage: .int64(ids)),
                Vector(type: valueType, count: n, storage: .int64(xs), validity: validity.contains(false) ? validity : nil))
    }
}
