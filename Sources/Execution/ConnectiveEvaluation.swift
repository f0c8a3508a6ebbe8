// AND / OR over a batch with a selection vector, and the row selection a
// filter keeps. A conjunction's later terms run only over the rows still
// undecided (true or NULL so far for AND, false or NULL for OR), gathered
// with just the columns the term reads; PostgreSQL likewise never evaluates
// a later operand for a row an earlier one decided, so an error there
// (division by zero, a bad cast) is not raised. The loops read the terms'
// boolean buffers and validity masks directly: a filter over a Parquet scan
// runs them once per row group read for every term. Only the undecided rows are
// tracked; a filter's conjunction hands them on as its selection
// (selectedRows(allOf:)) without ever building a truth vector, and a term a
// dictionary answered is read through its codes.
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
        let (still, unknown) = try undecidedRows(b, terms: terms, reads: reads, isAnd: isAnd)
        // Decided rows hold !isAnd; the rows no term decided hold isAnd, or NULL where a term was.
        guard let still else {
            return Vector(type: .boolean, count: n, storage: .bool(ContiguousArray(repeating: isAnd, count: n)),
                          validity: unknown.map { u in ContiguousArray(u.lazy.map { !$0 }) })
        }
        var values = ContiguousArray<Bool>(repeating: !isAnd, count: n)
        for r in still { values[Int(r)] = isAnd }
        let validity = unknown.map { u in ContiguousArray(u.lazy.map { !$0 }) }
        return Vector(type: .boolean, count: n, storage: .bool(values), validity: validity)
    }

    /// The rows of `b` where every one of `terms` is TRUE (ascending): the rows
    /// `selectedRows(evaluate(b, terms:, reads:, isAnd: true), count:)` keeps, with every term
    /// run on the same rows, but without building the truth of the rows a term decided.
    static func selectedRows(_ b: Batch, allOf terms: [Evaluator], reads: [Set<Int>?]) throws -> ContiguousArray<Int32> {
        let (still, unknown) = try undecidedRows(b, terms: terms, reads: reads, isAnd: true)
        guard let unknown else { return still ?? allRows(b.count) }
        guard let still else { return ContiguousArray((0..<Int32(b.count)).filter { !unknown[Int($0)] }) }
        return ContiguousArray(still.lazy.filter { !unknown[Int($0)] })
    }

    /// Rows 0..<n.
    private static func allRows(_ n: Int) -> ContiguousArray<Int32> {
        ContiguousArray(unsafeUninitializedCapacity: n) { dst, initialized in
            for i in 0..<n { dst[i] = Int32(truncatingIfNeeded: i) }
            initialized = n
        }
    }

    /// Runs the terms, each over the rows the ones before left undecided (TRUE or NULL so far
    /// for AND, FALSE or NULL for OR). Returns those rows after the last term (nil: every row)
    /// and, when some term was NULL, which of them are unknown.
    private static func undecidedRows(_ b: Batch, terms: [Evaluator], reads: [Set<Int>?], isAnd: Bool) throws
        -> (still: ContiguousArray<Int32>?, unknown: ContiguousArray<Bool>?) {
        let n = b.count
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
            // One answer for every live row (a partition column's test, a literal): the same
            // rows stay undecided, or none do; no per-row pass.
            if case .constant(let c) = t.storage {
                if case .bool(let v) = c, v == isAnd { continue }
                func markLive(unknown isUnknown: Bool) {
                    withRows(undecided, count: live) { rowOf in
                        for j in 0..<live { unknown![rowOf.map { Int($0[j]) } ?? j] = isUnknown }
                    }
                }
                if c.isNull {
                    if unknown == nil { unknown = ContiguousArray(repeating: false, count: n) }
                    markLive(unknown: true)
                } else {
                    if unknown != nil { markLive(unknown: false) }
                    undecided = []
                }
                continue
            }
            var still = ContiguousArray<Int32>()
            try withRows(undecided, count: live) { rowOf in
                try fold(t, live: live, batchRows: n, isAnd: isAnd, rowOf: rowOf, unknown: &unknown, still: &still)
            }
            // Every row still undecided (the term TRUE or NULL on every row): the next term
            // reads the batch itself, not a full copy.
            undecided = still.count == n ? nil : still
        }
        return (undecided, unknown)
    }

    /// Calls `body` with a row mapping: sub-batch row j is batch row `rows[j]` (or j itself).
    @inline(__always)
    private static func withRows(_ rows: ContiguousArray<Int32>?, count: Int,
                                 _ body: (UnsafeBufferPointer<Int32>?) throws -> Void) rethrows {
        if let rows { try rows.withUnsafeBufferPointer { try body($0) } } else { try body(nil) }
    }

    /// Folds one term's truth over the live rows: the rows it leaves undecided go to `still`.
    private static func fold(_ t: Vector, live: Int, batchRows n: Int, isAnd: Bool, rowOf: UnsafeBufferPointer<Int32>?,
                             unknown: inout ContiguousArray<Bool>?, still: inout ContiguousArray<Int32>) throws {
        @inline(__always) func row(_ j: Int) -> Int { rowOf.map { Int($0[j]) } ?? j }
        if unknown == nil, t.validity == nil {
            // The common case: no NULL anywhere yet. A term read through a dictionary of
            // answers (DictionaryEvaluation) is folded through its codes, unexpanded.
            if let kept = keptRows(throughCodesOf: t, live: live, rowOf: rowOf, isAnd: isAnd) {
                still = kept
                return
            }
            if case .bool(let truth) = t.storage, truth.count >= live {
                still = truth.withUnsafeBufferPointer { tv in keptRows(live: live, rowOf: rowOf, truth: tv, isAnd: isAnd) }
                return
            }
        }
        let plain = t.materialized()
        guard case .bool(let truth) = plain.storage else {
            throw SQLError(SQLState.internalError, "a condition produced a non-boolean vector")
        }
        let validity = plain.validity
        if unknown == nil && validity == nil && truth.count >= live {
            still = truth.withUnsafeBufferPointer { tv in keptRows(live: live, rowOf: rowOf, truth: tv, isAnd: isAnd) }
            return
        }
        still.reserveCapacity(live)
        for j in 0..<live {
            let r = row(j)
            if let validity, !validity[j] {
                if unknown == nil { unknown = ContiguousArray(repeating: false, count: n) }
                unknown![r] = true
                still.append(Int32(truncatingIfNeeded: r))
            } else if truth[j] == isAnd {
                still.append(Int32(truncatingIfNeeded: r))
            } else {
                unknown?[r] = false
            }
        }
    }

    /// For each 8-bit mask, the positions of its set bits, lowest first (the rest 0).
    static let setLanes: [SIMD8<Int32>] = (0..<256).map { mask in
        var lanes = SIMD8<Int32>(repeating: 0), k = 0
        for bit in 0..<8 where mask & (1 << bit) != 0 { lanes[k] = Int32(bit); k += 1 }
        return lanes
    }

    /// The one to four dictionary entries whose truth is `isAnd`, the last repeated to fill four
    /// (comparing against a repeated entry changes nothing); nil for none or more than four.
    static func keptEntries(_ truth: UnsafeBufferPointer<Bool>, _ isAnd: Bool) -> (Int32, Int32, Int32, Int32)? {
        var found: [Int32] = []
        for (i, t) in truth.enumerated() where t == isAnd {
            if found.count == 4 { return nil }
            found.append(Int32(i))
        }
        guard let last = found.last else { return nil }
        while found.count < 4 { found.append(last) }
        return (found[0], found[1], found[2], found[3])
    }

    /// The positions of the TRUE flags, ascending (eight flags a step, as a filter's are).
    static func trueRows(_ flags: UnsafeBufferPointer<Bool>) -> ContiguousArray<Int32> {
        keptRows(live: flags.count, rowOf: nil, truth: flags, isAnd: true)
    }

    /// The rows (batch rows through `rowOf`) among `live` whose truth equals `isAnd`. Eight
    /// truths are read as one word. Without `rowOf` its marks become an 8-bit mask (one
    /// multiply) whose set lanes are written at once (`setLanes`); with it only the set bytes
    /// are visited, so a selective term costs a load and a test per eight rows.
    private static func keptRows(live: Int, rowOf: UnsafeBufferPointer<Int32>?, truth: UnsafeBufferPointer<Bool>,
                                 isAnd: Bool) -> ContiguousArray<Int32> {
        guard let base = truth.baseAddress, live > 0 else { return [] }
        let raw = UnsafeRawPointer(base)
        // A Bool is one byte, 0 or 1: flipping bit 0 of every byte turns "false" into a mark.
        let flip: UInt64 = isAnd ? 0 : 0x0101_0101_0101_0101
        return ContiguousArray(unsafeUninitializedCapacity: live) { dst, initialized in
            guard let d = dst.baseAddress else { initialized = 0; return }
            var kept = 0, j = 0
            if rowOf == nil {
                Self.setLanes.withUnsafeBufferPointer { setLanes in
                    while j + 8 <= live {
                        let marks = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self) ^ flip
                        // Bit 0 of byte i lands in bit 56 + i (no two partial products meet).
                        let mask = Int(truncatingIfNeeded: (marks &* 0x0102_0408_1020_4080) >> 56)
                        let at = setLanes[mask] &+ SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: j))
                        UnsafeMutableRawPointer(d + kept).storeBytes(of: at, as: SIMD8<Int32>.self)
                        kept &+= mask.nonzeroBitCount
                        j += 8
                    }
                }
            }
            while j + 8 <= live {
                var marks = raw.loadUnaligned(fromByteOffset: j, as: UInt64.self) ^ flip
                while marks != 0 {
                    let k = j + marks.trailingZeroBitCount >> 3
                    d[kept] = rowOf.map { $0[k] } ?? Int32(truncatingIfNeeded: k)
                    kept &+= 1
                    marks &= marks &- 1
                }
                j += 8
            }
            while j < live {
                d[kept] = rowOf.map { $0[j] } ?? Int32(truncatingIfNeeded: j)
                kept &+= truth[j] == isAnd ? 1 : 0
                j += 1
            }
            initialized = kept
        }
    }

    /// Like keptRows(truth:) for a truth vector of codes into a dictionary of non-NULL booleans
    /// (DictionaryEvaluation's answer for a dictionary-encoded column); nil for any other vector.
    private static func keptRows(throughCodesOf t: Vector, live: Int, rowOf: UnsafeBufferPointer<Int32>?,
                                 isAnd: Bool) -> ContiguousArray<Int32>? {
        guard t.validity == nil, case .dictionary(let codes, let answers) = t.storage, answers.validity == nil,
              case .bool(let truth) = answers.storage, !truth.isEmpty, codes.count >= live else { return nil }
        return truth.withUnsafeBufferPointer { tv in
            codes.withUnsafeBufferPointer { cv in
                ContiguousArray(unsafeUninitializedCapacity: live) { dst, initialized in
                    guard let d = dst.baseAddress else { initialized = 0; return }
                    // Codes are in range (checked where the vector was made); clamped all the same.
                    let last = UInt32(tv.count - 1)
                    @inline(__always) func stays(_ j: Int) -> Int {
                        tv[Int(Swift.min(UInt32(bitPattern: cv[j]), last))] == isAnd ? 1 : 0
                    }
                    var kept = 0, j = 0
                    // Up to four entries kept (an equality or a short IN list on a dictionary-encoded
                    // column): eight codes are compared with each at once. Without `rowOf` the block's
                    // set lanes are written all at once (their positions from a table by the lanes'
                    // mask, all eight places written, the count advanced by the set ones: a tenth of
                    // the rows kept in no pattern mispredicted a per-row loop's end about once a
                    // block); the places past the count are overwritten by the next block or lie past
                    // the end, and kept ≤ j keeps all eight inside the `live` places. With `rowOf`
                    // only the set lanes are visited. (Small dictionaries only: the entries are found
                    // for every batch.)
                    if live >= 8, tv.count <= 256, let codesBase = cv.baseAddress, let entries = Self.keptEntries(tv, isAnd) {
                        let raw = UnsafeRawPointer(codesBase)
                        let lanes = SIMD8<Int32>(1, 2, 4, 8, 16, 32, 64, 128), none = SIMD8<Int32>(repeating: 0)
                        let e0 = SIMD8<Int32>(repeating: entries.0), e1 = SIMD8<Int32>(repeating: entries.1)
                        let e2 = SIMD8<Int32>(repeating: entries.2), e3 = SIMD8<Int32>(repeating: entries.3)
                        @inline(__always) func mask(_ j: Int) -> Int32 {
                            let block = raw.loadUnaligned(fromByteOffset: j &* 4, as: SIMD8<Int32>.self)
                            let hit = (block .== e0) .| (block .== e1) .| (block .== e2) .| (block .== e3)
                            return none.replacing(with: lanes, where: hit).wrappedSum()
                        }
                        if let rowOf {
                            while j + 8 <= live {
                                var bits = mask(j)
                                while bits != 0 {
                                    d[kept] = rowOf[j &+ bits.trailingZeroBitCount]; kept &+= 1; bits &= bits &- 1
                                }
                                j += 8
                            }
                        } else {
                            Self.setLanes.withUnsafeBufferPointer { setLanes in
                                while j + 8 <= live {
                                    let bits = mask(j)
                                    let at = setLanes[Int(truncatingIfNeeded: bits)] &+ SIMD8<Int32>(repeating: Int32(truncatingIfNeeded: j))
                                    UnsafeMutableRawPointer(d + kept).storeBytes(of: at, as: SIMD8<Int32>.self)
                                    kept &+= bits.nonzeroBitCount
                                    j += 8
                                }
                            }
                        }
                    }
                    // Every row is written, the count advances only for those kept (no branch on the data).
                    if let rowOf {
                        while j < live { d[kept] = rowOf[j]; kept &+= stays(j); j += 1 }
                    } else {
                        while j < live { d[kept] = Int32(truncatingIfNeeded: j); kept &+= stays(j); j += 1 }
                    }
                    initialized = kept
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
        if case .constant(let c) = v.storage {
            guard case .bool(true) = c else { return [] }
            return allRows(n)
        }
        if let kept = keptRows(throughCodesOf: v, live: n, rowOf: nil, isAnd: true) { return kept }
        let plain = v.materialized()
        guard case .bool(let truth) = plain.storage else { return [] }
        let m = min(n, truth.count)
        guard let validity = plain.validity else {
            return truth.withUnsafeBufferPointer { keptRows(live: m, rowOf: nil, truth: $0, isAnd: true) }
        }
        // Every row index is written, the count advances only for TRUE rows (no branch on the data).
        return truth.withUnsafeBufferPointer { t in
            validity.withUnsafeBufferPointer { ok in
                ContiguousArray(unsafeUninitializedCapacity: m) { dst, initialized in
                    guard let d = dst.baseAddress else { initialized = 0; return }
                    var kept = 0
                    for i in 0..<m {
                        d[kept] = Int32(truncatingIfNeeded: i)
                        kept &+= (t[i] && ok[i]) ? 1 : 0
                    }
                    initialized = kept
                }
            }
        }
    }
}
