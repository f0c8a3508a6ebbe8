// AND / OR over a batch with a selection vector, and the row selection a
// filter keeps. A conjunction's later terms run only over the rows still
// undecided (true or NULL so far for AND, false or NULL for OR), gathered
// with just the columns the term reads; PostgreSQL likewise never evaluates
// a later operand for a row an earlier one decided, so an error there
// (division by zero, a bad cast) is not raised. The loops read the terms'
// boolean buffers and validity masks directly: a filter over a Parquet scan
// runs them once per 2048 rows for every term.
//
// Three-valued logic: a row a term makes NULL stays undecided (a later
// FALSE for AND / TRUE for OR still decides it) and ends NULL otherwise.

import Columnar
import Functions

enum ConnectiveEvaluation {
    /// The truth of `terms` joined by AND (`isAnd`) or OR over batch `b`, NULL where unknown.
    /// `reads[k]`: the columns term k reads (nil: all of them).
    static func evaluate(_ b: Batch, terms: [Evaluator], reads: [Set<Int>?], isAnd: Bool) throws -> Vector {
        let n = b.count
        var values = ContiguousArray<Bool>(repeating: isAnd, count: n)
        var unknown: ContiguousArray<Bool>? = nil
        // nil while every row is undecided (the first term sees the whole batch).
        var undecided: ContiguousArray<Int32>? = nil
        for k in terms.indices {
            let live = undecided?.count ?? n
            if live == 0 { break }
            let sub: Batch
            if let rows = undecided {
                sub = rows.withUnsafeBufferPointer { gathered(b, rows: $0, columns: reads[k]) }
            } else {
                sub = b
            }
            let t = try terms[k](sub)
            guard t.count == live else {
                throw SQLError(SQLState.internalError, "a condition produced \(t.count) values for \(live) rows")
            }
            var still = ContiguousArray<Int32>()
            still.reserveCapacity(live)
            try withRows(undecided, count: live) { rowOf in
                try fold(t, live: live, isAnd: isAnd, rowOf: rowOf, values: &values, unknown: &unknown, still: &still)
            }
            // Every row still undecided (a term true or NULL everywhere, as a partition column's
            // test on its own partition): the next term reads the batch itself, not a full copy.
            undecided = still.count == n ? nil : still
        }
        let validity = unknown.map { u in ContiguousArray(u.lazy.map { !$0 }) }
        return Vector(type: .boolean, count: n, storage: .bool(values), validity: validity)
    }

    /// Calls `body` with a row mapping: sub-batch row j is batch row `rows[j]` (or j itself).
    @inline(__always)
    private static func withRows(_ rows: ContiguousArray<Int32>?, count: Int,
                                 _ body: (UnsafeBufferPointer<Int32>?) throws -> Void) rethrows {
        if let rows { try rows.withUnsafeBufferPointer { try body($0) } } else { try body(nil) }
    }

    /// Folds one term's truth over the live rows into the accumulator.
    private static func fold(_ t: Vector, live: Int, isAnd: Bool, rowOf: UnsafeBufferPointer<Int32>?,
                             values: inout ContiguousArray<Bool>, unknown: inout ContiguousArray<Bool>?,
                             still: inout ContiguousArray<Int32>) throws {
        @inline(__always) func row(_ j: Int) -> Int { rowOf.map { Int($0[j]) } ?? j }
        @inline(__always) func markUnknown(_ r: Int) {
            if unknown == nil { unknown = ContiguousArray(repeating: false, count: values.count) }
            unknown![r] = true
        }
        if case .constant(let c) = t.storage {
            if c.isNull {
                for j in 0..<live { markUnknown(row(j)); still.append(Int32(row(j))) }
            } else if case .bool(let v) = c, v == isAnd {
                for j in 0..<live { still.append(Int32(row(j))) }
            } else {
                for j in 0..<live {
                    let r = row(j)
                    values[r] = !isAnd
                    unknown?[r] = false
                }
            }
            return
        }
        let plain = t.materialized()
        guard case .bool(let truth) = plain.storage else {
            throw SQLError(SQLState.internalError, "a condition produced a non-boolean vector")
        }
        let validity = plain.validity
        truth.withUnsafeBufferPointer { tv in
            values.withUnsafeMutableBufferPointer { out in
                if validity == nil && unknown == nil {
                    // The common case: no NULL anywhere yet. Decided rows take !isAnd; the others
                    // are written to `still` unconditionally and counted only when they stay
                    // (no branch on the data).
                    var kept = 0
                    let decided = !isAnd
                    let capacity = still.capacity
                    still = ContiguousArray(unsafeUninitializedCapacity: Swift.max(capacity, live)) { dst, initialized in
                        guard let d = dst.baseAddress else { initialized = 0; return }
                        if let rowOf {
                            for j in 0..<live {
                                let r = rowOf[j]
                                let stays = tv[j] == isAnd
                                d[kept] = r
                                kept &+= stays ? 1 : 0
                                if !stays { out[Int(r)] = decided }
                            }
                        } else {
                            for j in 0..<live {
                                let stays = tv[j] == isAnd
                                d[kept] = Int32(truncatingIfNeeded: j)
                                kept &+= stays ? 1 : 0
                                if !stays { out[j] = decided }
                            }
                        }
                        initialized = kept
                    }
                    return
                }
                for j in 0..<live {
                    let r = row(j)
                    if let validity, !validity[j] {
                        if unknown == nil { unknown = ContiguousArray(repeating: false, count: out.count) }
                        unknown![r] = true
                        still.append(Int32(truncatingIfNeeded: r))
                    } else if tv[j] == isAnd {
                        still.append(Int32(truncatingIfNeeded: r))
                    } else {
                        out[r] = !isAnd
                        unknown?[r] = false
                    }
                }
            }
        }
    }

    /// Rows `rows` of `b`; with `columns`, only those columns are gathered (the rest become
    /// NULL constants of the right type), since the term reads no other.
    static func gathered(_ b: Batch, rows: UnsafeBufferPointer<Int32>, columns: Set<Int>?) -> Batch {
        Batch(columns: b.columns.enumerated().map { i, column in
            columns == nil || columns!.contains(i) ? column.gather(buffer: rows) : Vector.nulls(type: column.type, count: rows.count)
        }, count: rows.count)
    }

    /// The rows of a filter's predicate result that are TRUE (not FALSE, not NULL), ascending.
    static func selectedRows(_ v: Vector, count n: Int) -> ContiguousArray<Int32> {
        var keep = ContiguousArray<Int32>()
        if case .constant(let c) = v.storage {
            guard case .bool(true) = c else { return keep }
            return ContiguousArray(unsafeUninitializedCapacity: n) { dst, initialized in
                for i in 0..<n { dst[i] = Int32(truncatingIfNeeded: i) }
                initialized = n
            }
        }
        let plain = v.materialized()
        guard case .bool(let truth) = plain.storage else { return keep }
        let m = min(n, truth.count)
        let validity = plain.validity
        // Every row index is written, the count advances only for TRUE rows (no branch on the data).
        return truth.withUnsafeBufferPointer { t in
            ContiguousArray(unsafeUninitializedCapacity: m) { dst, initialized in
                guard let d = dst.baseAddress else { initialized = 0; return }
                var kept = 0
                if let validity {
                    validity.withUnsafeBufferPointer { ok in
                        for i in 0..<m {
                            d[kept] = Int32(truncatingIfNeeded: i)
                            kept &+= (t[i] && ok[i]) ? 1 : 0
                        }
                    }
                } else {
                    for i in 0..<m {
                        d[kept] = Int32(truncatingIfNeeded: i)
                        kept &+= t[i] ? 1 : 0
                    }
                }
                initialized = kept
            }
        }
    }
}
