// Vector utilities the executor needs beyond Columnar: assembling a result
// from pieces computed on row subsets (CASE, COALESCE, short-circuit AND/OR)
// and reading boolean vectors as three-valued logic.

import Columnar
import Functions

/// Three-valued truth per row: true, false, or NULL.
struct TruthVector {
    var values: ContiguousArray<Bool>
    var isNull: ContiguousArray<Bool>

    init(_ v: Vector) {
        values = Kernels.bools(v)
        if v.hasNulls {
            var nulls = ContiguousArray<Bool>(repeating: false, count: v.count)
            for i in 0..<v.count where v.isNull(i) { nulls[i] = true }
            isNull = nulls
        } else {
            isNull = ContiguousArray(repeating: false, count: v.count)
        }
    }

    init(count: Int, value: Bool) {
        values = ContiguousArray(repeating: value, count: count)
        isNull = ContiguousArray(repeating: false, count: count)
    }

    func isTrue(_ i: Int) -> Bool { !isNull[i] && values[i] }
    func isFalse(_ i: Int) -> Bool { !isNull[i] && !values[i] }

    /// Folds one comparison's truth into an ANY (OR) or ALL (AND) accumulator, three-valued:
    /// a decided row stays decided, NULL marks a row unknown unless a later value decides it.
    mutating func fold(_ t: TruthVector, all: Bool) {
        for i in 0..<values.count {
            if all {
                if isFalse(i) { continue }
                if t.isFalse(i) { values[i] = false; isNull[i] = false } else if t.isNull[i] { isNull[i] = true }
            } else {
                if isTrue(i) { continue }
                if t.isTrue(i) { values[i] = true; isNull[i] = false } else if t.isNull[i] { isNull[i] = true }
            }
        }
    }

    var vector: Vector {
        Vector(type: .boolean, count: values.count, storage: .bool(values),
               validity: isNull.contains(true) ? ContiguousArray(isNull.map { !$0 }) : nil)
    }
}

/// Builds a vector of `count` rows from pieces: `pieces[k].rows[j]` gets `pieces[k].values` row j.
/// Rows no piece covers are NULL.
func assemble(type: DataType, count: Int, pieces: [(rows: [Int32], values: Vector)]) -> Vector {
    if pieces.count == 1, pieces[0].rows.count == count, pieces[0].values.count == count,
       pieces[0].rows.enumerated().allSatisfy({ $0.offset == Int($0.element) }) {
        return pieces[0].values
    }
    var source = [Int32](repeating: -1, count: count)
    var pieceOf = [Int32](repeating: -1, count: count)
    for (k, p) in pieces.enumerated() {
        for (j, r) in p.rows.enumerated() { source[Int(r)] = Int32(j); pieceOf[Int(r)] = Int32(k) }
    }
    // Concatenate all pieces plus one NULL row, then gather.
    var parts = pieces.map { $0.values }
    parts.append(.nulls(type: type, count: 1))
    var offsets: [Int32] = []
    var total: Int32 = 0
    for p in parts { offsets.append(total); total += Int32(p.count) }
    let all = Vector.concat(parts.map { $0.type == type ? $0 : retype($0, type) }, type: type)
    let nullRow = offsets[offsets.count - 1]
    let indices = (0..<count).map { i -> Int32 in
        let k = pieceOf[i]
        return k < 0 ? nullRow : offsets[Int(k)] + source[i]
    }
    return all.gather(indices)
}

/// The same storage viewed as another type of the same physical class.
func retype(_ v: Vector, _ type: DataType) -> Vector {
    Vector(type: type, count: v.count, storage: v.storage, validity: v.validity)
}
