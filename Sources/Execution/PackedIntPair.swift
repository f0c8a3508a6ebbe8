// A (small id, integer) pair packed into one int64: the id in the top 16
// bits, the integer in the low 48, NULL a reserved integer. Key tables keyed
// by such pairs (a DISTINCT call's group id and argument, a split table's
// prefix id and user id) then compare and store one integer per row instead
// of two columns with their NULL flags. Only pairs whose id is in [0, 2^15)
// and whose integer is NULL or in [-2^47, 2^47 - 1) pack; the tables that use
// this switch to pairs for good at the first row that does not. The integer
// may be an int64 or the unscaled int128 of a numeric (one column's values
// share its scale, so equal unscaled values are equal numbers, as KeyTable
// compares them): `extract(hour FROM t)` is numeric, and a (country, hour)
// key went through the general hashed path.

import Columnar
import Functions

enum PackedIntPair {
    /// The low 48 bits of a pair whose integer is NULL (the one 48-bit value no integer packs to).
    static let null: Int64 = (1 << 47) - 1

    /// The rows' pairs packed, and the rows that do not fit (their packed value is meaningless).
    static func pack(ids: ContiguousArray<Int32>, _ values: KeyView, count n: Int) -> (keys: ContiguousArray<Int64>, misfits: [Int]) {
        guard n > 0 else { return ([], []) }
        var misfits: [Int] = []
        let keys = ContiguousArray<Int64>(unsafeUninitializedCapacity: n) { out, initialized in
            misfits = pack(ids: ids, values, count: n, into: out.baseAddress!)
            initialized = n
        }
        return (keys, misfits)
    }

    /// Whether a column of `type` can be the integer of a pair.
    static func packs(_ type: DataType) -> Bool { type.physical == .int64 || type.physical == .int128 }

    /// Packs `ids[i]` with `values[i]` into `out[i]` for i < n; returns the rows that do not
    /// pack (their slots hold no key of use), every row (slots zeroed) when the columns are
    /// too short.
    static func pack(ids: ContiguousArray<Int32>, _ values: KeyView, count n: Int, into out: UnsafeMutablePointer<Int64>) -> [Int] {
        if values.physical == .int128 {
            // Values outside the packed range become misfits through an out-of-range stand-in.
            let narrowed = ContiguousArray<Int64>(values.wides.prefix(n).lazy.map { Int64(exactly: $0) ?? Int64.max })
            return pack(ids: ids, ints: narrowed, nulls: values.nulls, count: n, into: out)
        }
        return pack(ids: ids, ints: values.ints, nulls: values.nulls, count: n, into: out)
    }

    private static func pack(ids: ContiguousArray<Int32>, ints: ContiguousArray<Int64>, nulls: ContiguousArray<Bool>?,
                             count n: Int, into out: UnsafeMutablePointer<Int64>) -> [Int] {
        var misfits: [Int] = []
        guard ids.count >= n, ints.count >= n, nulls.map({ $0.count >= n }) ?? true else {
            out.initialize(repeating: 0, count: n)
            return Array(0..<n)
        }
        ids.withUnsafeBufferPointer { p in
            ints.withUnsafeBufferPointer { xs in
                if nulls == nil {
                    // No NULLs: one pass that the compiler vectorises, the misfits looked for
                    // only when some row does not fit (a list appended in the loop kept it
                    // scalar, a serial pass over a DISTINCT call's million rows).
                    var outside: UInt64 = 0
                    for i in 0..<n {
                        let x = xs[i]
                        outside |= UInt64(truncatingIfNeeded: UInt32(bitPattern: p[i]) >> 15)
                            | (UInt64(bitPattern: x &+ (1 << 47)) >= UInt64(null &+ (1 << 47)) ? 1 : 0)
                        out[i] = Int64(p[i]) << 48 | (x & 0xFFFF_FFFF_FFFF)
                    }
                    if outside != 0 {
                        for i in 0..<n where UInt32(bitPattern: p[i]) >= 1 << 15
                            || UInt64(bitPattern: xs[i] &+ (1 << 47)) >= UInt64(null &+ (1 << 47)) { misfits.append(i) }
                    }
                    return
                }
                for i in 0..<n {
                    let isNull = nulls?[i] ?? false
                    let x = isNull ? null : xs[i]
                    // x + 2^47 in [0, 2^48 - 1) is x in [-2^47, 2^47 - 1); ids below 2^15 unsigned.
                    let fits = UInt32(bitPattern: p[i]) < 1 << 15
                        && (isNull || UInt64(bitPattern: x &+ (1 << 47)) < UInt64(null &+ (1 << 47)))
                    if !fits { misfits.append(i) }
                    out[i] = Int64(p[i]) << 48 | (x & 0xFFFF_FFFF_FFFF)
                }
            }
        }
        return misfits
    }

    /// The pairs packed in `keys[rows[j]]`, in the order of `rows`, as group ids and a vector of
    /// `valueType` (NULLs through validity), in one pass that reads each kept key once and writes
    /// each output once (a DISTINCT's kept pairs: taken out of their keys, unpacked and narrowed
    /// in three passes with zero-filled arrays, they were a single-threaded tail after m7's scan).
    static func unpack(_ keys: ContiguousArray<Int64>, rows: [Int32], valueType: DataType) -> (groupIds: ContiguousArray<Int32>, values: Vector) {
        let n = rows.count
        var nulls = 0
        var ids = ContiguousArray<Int32>(), xs = ContiguousArray<Int64>()
        keys.withUnsafeBufferPointer { k in
            rows.withUnsafeBufferPointer { r in
                ids = ContiguousArray(unsafeUninitializedCapacity: n) { idOut, idCount in
                    xs = ContiguousArray(unsafeUninitializedCapacity: n) { xOut, xCount in
                        for j in 0..<n {
                            let key = k[Int(r[j])]
                            let x = (key << 16) >> 16                  // the low 48 bits, sign-extended
                            let isNull = x == null
                            nulls &+= isNull ? 1 : 0
                            (idOut.baseAddress! + j).initialize(to: Int32(truncatingIfNeeded: key >> 48))
                            (xOut.baseAddress! + j).initialize(to: isNull ? 0 : x)
                        }
                        xCount = n
                    }
                    idCount = n
                }
            }
        }
        var validity: ContiguousArray<Bool>? = nil
        if nulls > 0 {
            validity = keys.withUnsafeBufferPointer { k in ContiguousArray(mapping: rows) { ((k[Int($0)] << 16) >> 16) != null } }
        }
        let values = valueType.physical == .int128
            ? Vector(type: valueType, count: n, storage: .int128(ContiguousArray(mapping: xs) { Int128($0) }), validity: validity)
            : Vector(type: valueType, count: n, storage: .int64(xs), validity: validity)
        return (ids, values)
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
        let valid = validity.contains(false) ? validity : nil
        let values = valueType.physical == .int128
            ? Vector(type: valueType, count: n, storage: .int128(ContiguousArray(xs.lazy.map { Int128($0) })), validity: valid)
            : Vector(type: valueType, count: n, storage: .int64(xs), validity: valid)
        return (Vector(type: .int64, count: n, storage: .int64(ids)), values)
    }
}
