// Window functions: materialises the input, and for each function sorts row
// indexes by (PARTITION BY, ORDER BY) — or, for an aggregate over whole
// partitions, groups them by hashing the keys — walks partitions and peer groups, and
// computes ranking, offset (lag/lead), value (first/last/nth) and aggregate
// functions over ROWS / RANGE / GROUPS frames with exclusions. Aggregates
// over frames fold each row's frame into that row's own group of the
// aggregate state; frames covering the whole partition are folded once.
// Results are appended as new columns in the input's row order.

import Columnar
import Functions
import Planner

final class WindowOperator: Operator {
    private let input: Operator
    private let functions: [BoundWindowFunction]
    private let inputFields: [Field]
    private let compiler: ExpressionCompiler
    private var slicer: BatchSlicer?

    init(input: Operator, functions: [BoundWindowFunction], inputFields: [Field], compiler: ExpressionCompiler) {
        self.input = input
        self.functions = functions
        self.inputFields = inputFields
        self.compiler = compiler
    }

    func next() throws -> Batch? {
        if slicer == nil {
            let all = try input.drain(fields: inputFields, context: compiler.context)
            var columns = all.columns
            for f in functions { columns.append(try compute(f, all)) }
            var output = Batch(columns: columns, count: all.count)
            // Like PostgreSQL, rows leave in the order of the (last) window's partitioning and ordering.
            if let last = functions.last, !(last.partitionBy.isEmpty && last.orderBy.isEmpty), !last.keepsInputOrder {
                let order = try partitions(last, all).flatMap(\.rows)
                output = output.gather(order)
            }
            slicer = BatchSlicer(output)
        }
        return slicer?.next()
    }

    private struct Partition {
        /// Original row indexes in window order.
        let rows: [Int32]
        /// For each position: first and last position of its peer group.
        let peerStart: [Int], peerEnd: [Int]
        /// For each position: index of its peer group.
        let peerGroup: [Int]
    }

    private func partitions(_ f: BoundWindowFunction, _ batch: Batch) throws -> [Partition] {
        let n = batch.count
        let partVectors = try f.partitionBy.map { try compiler.compile($0)(batch) }
        let orderVectors = try f.orderBy.map { try compiler.compile($0.expr)(batch) }
        let partCmp = RowComparator(vectors: partVectors, keys: partVectors.map { _ in (true, false) })
        let orderCmp = RowComparator(vectors: orderVectors, keys: f.orderBy.map { ($0.ascending, $0.nullsFirst) })
        let all = RowComparator(vectors: partVectors + orderVectors,
                                keys: partVectors.map { _ in (true, false) } + f.orderBy.map { ($0.ascending, $0.nullsFirst) })
        let sorted = all.sortedIndices(count: n)
        var result: [Partition] = []
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && partCmp.equal(Int(sorted[start]), Int(sorted[end])) { end += 1 }
            let rows = Array(sorted[start..<end])
            let k = rows.count
            var peerStart = [Int](repeating: 0, count: k), peerEnd = [Int](repeating: 0, count: k), peerGroup = [Int](repeating: 0, count: k)
            var p = 0, group = 0
            while p < k {
                var q = p + 1
                while q < k && orderCmp.equal(Int(rows[p]), Int(rows[q])) { q += 1 }
                for x in p..<q { peerStart[x] = p; peerEnd[x] = q - 1; peerGroup[x] = group }
                group += 1
                p = q
            }
            result.append(Partition(rows: rows, peerStart: peerStart, peerEnd: peerEnd, peerGroup: peerGroup))
            start = end
        }
        return result
    }

    private func constantInt(_ e: BoundExpr, _ what: String) throws -> Int {
        let v = try compiler.compile(e)(Batch(columns: [], count: 1)).value(at: 0)
        switch v {
        case .int(let i) where i >= 0: return Int(i)
        case .null: throw SQLError(SQLState.nullValueNotAllowed, "\(what) must not be null")
        case .int: throw SQLError("22013", "\(what) must not be negative")
        case .double(let d) where d >= 0: return Int(d)
        case .decimal(let d) where d >= 0: return Int(d)
        default: throw SQLError(SQLState.featureNotSupported, "\(what) must be a non-negative integer")
        }
    }

    private func compute(_ f: BoundWindowFunction, _ batch: Batch) throws -> Vector {
        let n = batch.count
        if case .aggregate(let agg) = f.kind, isWholePartition(f) {
            return try aggregateOverHashedPartitions(f, agg, batch)
        }
        let parts = try partitions(f, batch)
        var out = [Value](repeating: .null, count: n)
        let args = try f.arguments.map { try compiler.compile($0)(batch) }
        switch f.kind {
        case .rowNumber, .rank, .denseRank, .percentRank, .cumeDist:
            for p in parts {
                let k = p.rows.count
                for (pos, r) in p.rows.enumerated() {
                    let v: Value
                    switch f.kind {
                    case .rowNumber: v = .int(Int64(pos + 1))
                    case .rank: v = .int(Int64(p.peerStart[pos] + 1))
                    case .denseRank: v = .int(Int64(p.peerGroup[pos] + 1))
                    case .percentRank: v = .double(k > 1 ? Double(p.peerStart[pos]) / Double(k - 1) : 0)
                    default: v = .double(Double(p.peerEnd[pos] + 1) / Double(k))
                    }
                    out[Int(r)] = v
                }
            }
        case .ntile:
            for p in parts {
                let k = p.rows.count
                for (pos, r) in p.rows.enumerated() {
                    let bucketsValue = args[0].value(at: Int(r))
                    guard case .int(let b) = bucketsValue else { out[Int(r)] = .null; continue }
                    guard b > 0 else { throw SQLError("22014", "argument of ntile must be greater than zero") }
                    let buckets = Int(b)
                    let size = k / buckets, extra = k % buckets
                    // The first `extra` buckets hold one row more.
                    let big = extra * (size + 1)
                    let bucket = pos < big ? pos / (size + 1) : (size == 0 ? pos : extra + (pos - big) / size)
                    out[Int(r)] = .int(Int64(bucket + 1))
                }
            }
        case .lag, .lead:
            for p in parts {
                for (pos, r) in p.rows.enumerated() {
                    var offset = 1
                    if args.count > 1 {
                        let ov = args[1].value(at: Int(r))
                        guard case .int(let o) = ov else { out[Int(r)] = .null; continue }
                        offset = Int(o)
                    }
                    let isLag: Bool = { if case .lag = f.kind { return true }; return false }()
                    let target = isLag ? pos - offset : pos + offset
                    if target >= 0 && target < p.rows.count {
                        out[Int(r)] = args[0].value(at: Int(p.rows[target]))
                    } else {
                        out[Int(r)] = args.count > 2 ? args[2].value(at: Int(r)) : .null
                    }
                }
            }
        case .firstValue, .lastValue, .nthValue:
            for p in parts {
                for (pos, r) in p.rows.enumerated() {
                    var frame = try frameRows(f, p, pos, batch)
                    if f.ignoreNulls { frame = frame.filter { !args[0].isNull(Int(p.rows[$0])) } }
                    let chosen: Int?
                    switch f.kind {
                    case .firstValue: chosen = frame.first
                    case .lastValue: chosen = frame.last
                    default:
                        // n is evaluated per row; NULL gives NULL.
                        guard args.count > 1, case .int(let nth) = args[1].value(at: Int(r)) else { chosen = nil; break }
                        guard nth > 0 else { throw SQLError(SQLState.invalidParameterValue, "argument of nth_value must be greater than zero") }
                        chosen = Int(nth) <= frame.count ? frame[Int(nth) - 1] : nil
                    }
                    out[Int(r)] = chosen.map { args[0].value(at: Int(p.rows[$0])) } ?? .null
                }
            }
        case .aggregate(let agg):
            return try aggregateOverFrames(f, agg, parts, batch)
        }
        return Vector.from(out, type: f.returnType)
    }

    private func aggregateOverFrames(_ f: BoundWindowFunction, _ agg: BoundAggregate, _ parts: [Partition], _ batch: Batch) throws -> Vector {
        let n = batch.count
        let args = try agg.arguments.map { try compiler.compile($0)(batch) }
        let filter = try agg.filter.map { TruthVector(try compiler.compile($0)(batch)) }
        let state = agg.resolution.makeState()
        let wholePartition = isWholePartition(f)
        var partitionOfRow = [Int](repeating: 0, count: n)
        for (pi, p) in parts.enumerated() {
            var groups: [Int32] = [], rows: [Int32] = []
            if wholePartition {
                for r in p.rows where filter?.isTrue(Int(r)) ?? true { groups.append(Int32(pi)); rows.append(r) }
                for r in p.rows { partitionOfRow[Int(r)] = pi }
            } else {
                for (pos, r) in p.rows.enumerated() {
                    for fp in try frameRows(f, p, pos, batch) {
                        let src = p.rows[fp]
                        if let filter, !filter.isTrue(Int(src)) { continue }
                        groups.append(r); rows.append(src)
                    }
                }
            }
            try compiler.context.checkCancelled()
            let gathered = args.map { $0.gather(rows) }
            let count = wholePartition ? parts.count : n
            try groups.withUnsafeBufferPointer { g in
                try state.update(groups: g, groupCount: count, arguments: gathered, rowCount: rows.count)
            }
        }
        if wholePartition {
            let perPartition = try state.finish(groupCount: parts.count)
            return perPartition.gather(partitionOfRow.map { Int32($0) })
        }
        return try state.finish(groupCount: n)
    }

    /// An aggregate over whole partitions is a GROUP BY of the partition keys (none: one
    /// group) gathered back to the rows: one hashed grouping and one pass of the aggregate, no
    /// sort (a sort of the rows and a state update per partition cost more than the aggregate
    /// itself when partitions are small, as in the windows AggregateSubqueriesToWindows makes).
    private func aggregateOverHashedPartitions(_ f: BoundWindowFunction, _ agg: BoundAggregate, _ batch: Batch) throws -> Vector {
        let n = batch.count
        let keys = try f.partitionBy.map { try compiler.compile($0)(batch) }
        var groups = ContiguousArray<Int32>()
        let groupCount: Int
        if keys.isEmpty {
            // One partition: every row (OVER ()).
            groups = ContiguousArray(repeating: 0, count: n)
            groupCount = n > 0 ? 1 : 0
        } else {
            let table = KeyTable(types: keys.map(\.type))
            groups.reserveCapacity(n)
            var start = 0
            // Batch-sized lookups keep the table's per-call buffers small.
            while start < n {
                let end = min(start + Batch.capacity, n)
                let part = start == 0 && end == n ? keys : keys.map { $0.contiguousSlice(start..<end) }
                groups.append(contentsOf: table.findOrInsert(vectors: part, count: end - start))
                start = end
                try compiler.context.checkCancelled()
            }
            groupCount = table.count
        }
        var args = try agg.arguments.map { try compiler.compile($0)(batch) }
        var rowGroups = groups
        if let filterExpr = agg.filter {
            let keep = TruthVector(try compiler.compile(filterExpr)(batch))
            let rows = ContiguousArray((0..<n).lazy.filter { keep.isTrue($0) }.map { Int32($0) })
            args = args.map { $0.gather(rows) }
            rowGroups = ContiguousArray(rows.lazy.map { groups[Int($0)] })
        }
        let state = agg.resolution.makeState()
        try rowGroups.withUnsafeBufferPointer { g in
            try state.update(groups: g, groupCount: groupCount, arguments: args, rowCount: g.count)
        }
        return try state.finish(groupCount: groupCount).gather(groups)
    }

    private func isWholePartition(_ f: BoundWindowFunction) -> Bool {
        guard let frame = f.frame else { return f.orderBy.isEmpty }
        if case .unboundedPreceding = frame.start, case .unboundedFollowing = frame.end, frame.exclusion == "no others" { return true }
        if f.orderBy.isEmpty, frame.units != "rows", frame.exclusion == "no others" {
            // Without ORDER BY every row is a peer: RANGE/GROUPS frames span the partition.
            return true
        }
        return false
    }

    /// Positions (within the partition) of the frame of the row at `pos`, in order.
    private func frameRows(_ f: BoundWindowFunction, _ p: Partition, _ pos: Int, _ batch: Batch) throws -> [Int] {
        let k = p.rows.count
        let frame = f.frame ?? BoundFrame(units: "range", start: .unboundedPreceding,
                                          end: f.orderBy.isEmpty ? .unboundedFollowing : .currentRow, exclusion: "no others")
        func position(_ b: BoundFrame.Bound, isStart: Bool) throws -> Int {
            switch (frame.units, b) {
            case (_, .unboundedPreceding): return 0
            case (_, .unboundedFollowing): return k - 1
            case ("rows", .currentRow): return pos
            case ("rows", .preceding(let e)): return pos - (try constantInt(e, "frame starting offset"))
            case ("rows", .following(let e)): return pos + (try constantInt(e, "frame ending offset"))
            case (_, .currentRow): return isStart ? p.peerStart[pos] : p.peerEnd[pos]
            case ("groups", .preceding(let e)), ("groups", .following(let e)):
                var off = try constantInt(e, "frame offset")
                if case .preceding = b { off = -off }
                let target = p.peerGroup[pos] + off
                if isStart {
                    if target < 0 { return 0 }
                    return p.peerGroup.firstIndex(of: target) ?? k
                } else {
                    if target < 0 { return -1 }
                    return p.peerGroup.lastIndex(of: target) ?? (k - 1)
                }
            case (_, .preceding(let e)), (_, .following(let e)):
                // RANGE with an offset: compare the (single, numeric) order key.
                guard let key = f.orderBy.first else { return isStart ? 0 : k - 1 }
                let keys = try compiler.compile(key.expr)(batch)
                let offsetValue = try compiler.compile(e)(Batch(columns: [], count: 1)).value(at: 0)
                guard let off = numeric(offsetValue), off >= 0 else {
                    throw SQLError("22013", "invalid preceding or following size in window function")
                }
                guard let here = numeric(keys.value(at: Int(p.rows[pos]))) else { return isStart ? p.peerStart[pos] : p.peerEnd[pos] }
                var sign: Double = key.ascending ? 1 : -1
                if case .preceding = b { sign = -sign }
                let bound = here + sign * off
                func inside(_ q: Int) -> Bool {
                    guard let v = numeric(keys.value(at: Int(p.rows[q]))) else { return false }
                    if isStart { return key.ascending ? v >= bound : v <= bound }
                    return key.ascending ? v <= bound : v >= bound
                }
                if isStart { return (0..<k).first(where: inside) ?? k }
                return (0..<k).last(where: inside) ?? -1
            }
        }
        let s = max(0, try position(frame.start, isStart: true))
        let e = min(k - 1, try position(frame.end, isStart: false))
        guard s <= e else { return [] }
        var rows = Array(s...e)
        switch frame.exclusion {
        case "current row": rows.removeAll { $0 == pos }
        case "group": rows.removeAll { p.peerGroup[$0] == p.peerGroup[pos] }
        case "ties": rows.removeAll { $0 != pos && p.peerGroup[$0] == p.peerGroup[pos] }
        default: break
        }
        return rows
    }

    private func numeric(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .decimal(let d): return Double(d)
        default: return nil
        }
    }
}
