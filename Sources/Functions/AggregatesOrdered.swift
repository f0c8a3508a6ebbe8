// Aggregates whose result depends on the rows themselves rather than a
// running fold: string_agg, array_agg (order-sensitive: they keep the order
// the operator feeds), and the ordered-set aggregates percentile_cont,
// percentile_disc and mode. Rows are collected as flat (group, row) entries
// over retained input vectors; finish() buckets them by group with a stable
// counting sort. The ordered-set aggregates sort each group's values
// themselves inside finish(), so they do not ask the operator for sorted input.

import Columnar

// MARK: - Collected rows

/// Input rows kept per group: the retained vectors, and for each kept row its
/// group and its index in the concatenation of those vectors.
struct CollectedRows {
    var parts: [Vector] = []
    var totalRows = 0
    var entryGroups = ContiguousArray<Int32>()
    var entryRows = ContiguousArray<Int>()

    mutating func add(_ v: Vector, groups: UnsafeBufferPointer<Int32>, rowCount: Int, skipNulls: Bool) {
        let base = totalRows
        parts.append(rowCount == v.count ? v : v.slice(0..<rowCount))
        totalRows += rowCount
        let validity = skipNulls ? AggregateSupport.validity(v, count: rowCount) : nil
        AggregateSupport.forEachValid(validity, count: rowCount) { i in
            entryGroups.append(groups[i]); entryRows.append(base + i)
        }
    }

    mutating func merge(_ other: CollectedRows, mapping: [Int32]) {
        let base = totalRows
        parts.append(contentsOf: other.parts)
        totalRows += other.totalRows
        for k in 0..<other.entryGroups.count {
            entryGroups.append(mapping[Int(other.entryGroups[k])])
            entryRows.append(base + other.entryRows[k])
        }
    }

    var maxGroup: Int32 { entryGroups.max() ?? -1 }

    /// The kept rows bucketed by group in arrival order: `values` holds them
    /// group after group, group g at `offsets[g]..<offsets[g+1]`.
    func grouped(groupCount: Int, type: DataType) throws -> (values: Vector, offsets: ContiguousArray<Int>) {
        let (order, offsets) = CollectedRows.bucket(entryGroups, groupCount: groupCount)
        guard totalRows < Int(Int32.max) else {
            throw SQLError(SQLState.programLimitExceeded, "too many rows collected by one aggregate")
        }
        let all = parts.isEmpty ? Vector.nulls(type: type, count: 0) : Vector.concat(parts, type: type)
        var rows = ContiguousArray<Int32>()
        rows.reserveCapacity(order.count)
        for e in order { rows.append(Int32(entryRows[e])) }
        return (all.gather(rows).materialized(), offsets)
    }

    /// Stable counting sort of entry indices by group.
    static func bucket(_ groups: ContiguousArray<Int32>, groupCount: Int) -> (order: ContiguousArray<Int>, offsets: ContiguousArray<Int>) {
        var offsets = ContiguousArray<Int>(repeating: 0, count: groupCount + 1)
        for g in groups where Int(g) < groupCount { offsets[Int(g) + 1] += 1 }
        for g in 0..<groupCount { offsets[g + 1] += offsets[g] }
        var next = ContiguousArray(offsets.prefix(groupCount))
        var order = ContiguousArray<Int>(repeating: 0, count: offsets[groupCount])
        for (k, g) in groups.enumerated() where Int(g) < groupCount {
            order[next[Int(g)]] = k
            next[Int(g)] += 1
        }
        return (order, offsets)
    }
}

// MARK: - array_agg

final class ArrayAggState: AggregateState {
    let elementType: DataType
    var rows = CollectedRows()

    init(elementType: DataType) { self.elementType = elementType }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        rows.add(arguments[0], groups: groups, rowCount: rowCount, skipNulls: false)
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: ArrayAggState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: Int(o.rows.maxGroup) + 1, groupCount: groupCount)
        rows.merge(o.rows, mapping: mapping)
    }

    func finish(groupCount: Int) throws -> Vector {
        let (values, offsets) = try rows.grouped(groupCount: groupCount, type: elementType)
        var listOffsets = ContiguousArray<Int32>()
        listOffsets.reserveCapacity(groupCount + 1)
        var valid = ContiguousArray<Bool>(repeating: true, count: groupCount)
        for g in 0...groupCount { listOffsets.append(Int32(offsets[g])) }
        for g in 0..<groupCount where offsets[g] == offsets[g + 1] { valid[g] = false }
        return Vector(type: .array(elementType), count: groupCount,
                      storage: .list(offsets: listOffsets, child: values), validity: valid)
    }
}

// MARK: - string_agg

/// Each kept row is its delimiter bytes followed by its value bytes in one arena;
/// the first row of a group drops its delimiter when the result is assembled.
final class StringAggState: AggregateState {
    let resultType: DataType
    var arena = ContiguousArray<UInt8>()
    var entryGroups = ContiguousArray<Int32>()
    var entryStarts = ContiguousArray<Int>()
    var entryDelimiterLengths = ContiguousArray<Int>()
    var entryEnds = ContiguousArray<Int>()

    init(resultType: DataType) { self.resultType = resultType }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 2, groupCount: groupCount)
        let values = Kernels.strings(arguments[0]), delimiters = Kernels.strings(arguments[1])
        guard values.count >= rowCount, delimiters.count >= rowCount else { return }
        let valueValidity = AggregateSupport.validity(arguments[0], count: rowCount)
        let delimiterValid = AggregateSupport.validity(arguments[1], count: rowCount)
        // Locals keep the row loop on unique buffers instead of per-row property access.
        var bytes = arena, eg = entryGroups, es = entryStarts, ed = entryDelimiterLengths, ee = entryEnds
        arena = []; entryGroups = []; entryStarts = []; entryDelimiterLengths = []; entryEnds = []
        values.bytes.withUnsafeBufferPointer { vb in
            delimiters.bytes.withUnsafeBufferPointer { db in
                AggregateSupport.forEachValid(valueValidity, count: rowCount) { i in
                    eg.append(groups[i])
                    let start = bytes.count
                    es.append(start)
                    // A NULL delimiter concatenates with nothing in between, as in PostgreSQL.
                    if delimiterValid?[i] ?? true {
                        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: db[delimiters.range(i)]))
                    }
                    ed.append(bytes.count - start)
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: vb[values.range(i)]))
                    ee.append(bytes.count)
                }
            }
        }
        arena = bytes; entryGroups = eg; entryStarts = es; entryDelimiterLengths = ed; entryEnds = ee
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: StringAggState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: Int(o.entryGroups.max() ?? -1) + 1, groupCount: groupCount)
        let base = arena.count
        arena.append(contentsOf: o.arena)
        for k in 0..<o.entryGroups.count {
            entryGroups.append(mapping[Int(o.entryGroups[k])])
            entryStarts.append(o.entryStarts[k] + base)
            entryDelimiterLengths.append(o.entryDelimiterLengths[k])
            entryEnds.append(o.entryEnds[k] + base)
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        let (order, offsets) = CollectedRows.bucket(entryGroups, groupCount: groupCount)
        var col = StringColumn()
        col.reserve(rows: groupCount, bytes: arena.count)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for g in 0..<groupCount {
            for k in offsets[g]..<offsets[g + 1] {
                let e = order[k]
                let from = k == offsets[g] ? entryStarts[e] + entryDelimiterLengths[e] : entryStarts[e]
                col.bytes.append(contentsOf: arena[from..<entryEnds[e]])
            }
            guard col.bytes.count <= Int(Int32.max) else {
                throw SQLError(SQLState.programLimitExceeded, "string_agg result is too large")
            }
            col.offsets.append(Int32(col.bytes.count))
            valid[g] = offsets[g] < offsets[g + 1]
        }
        return Vector(type: resultType, count: groupCount, storage: .string(col), validity: valid)
    }
}

// MARK: - ordered-set aggregates

/// "Less than" over the rows of a plain (materialized) vector, in PostgreSQL's btree order.
func rowOrder(_ v: Vector) -> (Int, Int) -> Bool {
    switch v.storage {
    case .int64(let a): return { a[$0] < a[$1] }
    case .float64(let a): return { AggregateSupport.doubleLess(a[$0], a[$1]) }
    case .int128(let a): return { a[$0] < a[$1] }
    case .bool(let a): return { !a[$0] && a[$1] }
    case .interval(let a): return { a[$0].comparisonKey < a[$1].comparisonKey }
    case .string(let s):
        return { i, j in
            s.bytes.withUnsafeBufferPointer { b in
                AggregateSupport.bytesLess(UnsafeBufferPointer(rebasing: b[s.range(i)]), UnsafeBufferPointer(rebasing: b[s.range(j)]))
            }
        }
    default: return { _, _ in false }
    }
}

enum OrderedSetKind { case percentileCont, percentileDisc, mode }

/// percentile_cont / percentile_disc / mode: non-NULL values are collected per group
/// and sorted per group at the end. A NULL fraction gives NULL; an array of fractions
/// (percentile_cont(ARRAY[0.25, 0.5])) gives an array with one result per fraction.
final class OrderedSetState: AggregateState {
    let kind: OrderedSetKind
    let valueType: DataType
    let fractions: [Double?]
    let returnsArray: Bool
    var rows = CollectedRows()

    init(kind: OrderedSetKind, valueType: DataType, fractions: [Double?], returnsArray: Bool) {
        self.kind = kind; self.valueType = valueType; self.fractions = fractions; self.returnsArray = returnsArray
    }

    /// Type of one result (the element type when an array of fractions is given).
    var elementType: DataType { kind == .percentileCont && valueType != .interval ? .float64 : valueType }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        rows.add(arguments[0], groups: groups, rowCount: rowCount, skipNulls: true)
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: OrderedSetState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: Int(o.rows.maxGroup) + 1, groupCount: groupCount)
        rows.merge(o.rows, mapping: mapping)
    }

    func finish(groupCount: Int) throws -> Vector {
        let (values, offsets) = try rows.grouped(groupCount: groupCount, type: valueType)
        if kind != .mode && values.count > 0 {
            for case let f? in fractions where !(f >= 0 && f <= 1) {
                throw SQLError(SQLState.numericValueOutOfRange, "percentile value \(f) is not between 0 and 1")
            }
        }
        // Each group's rows, sorted, in place.
        let less = rowOrder(values)
        var sorted = Array(0..<values.count)
        for g in 0..<groupCount where offsets[g + 1] - offsets[g] > 1 {
            sorted[offsets[g]..<offsets[g + 1]].sort { less($0, $1) }
        }
        if kind == .mode { return try pick(.mode, fraction: nil, values, offsets, sorted, groupCount) }
        if !returnsArray { return try pick(kind, fraction: fractions.first ?? nil, values, offsets, sorted, groupCount) }
        let perFraction = try fractions.map { try pick(kind, fraction: $0, values, offsets, sorted, groupCount) }
        var b = VectorBuilder(type: .array(elementType), capacity: groupCount)
        for g in 0..<groupCount {
            if offsets[g] == offsets[g + 1] { b.appendNull(); continue }
            b.append(.list(perFraction.map { $0.value(at: g) }))
        }
        return b.finish()
    }

    /// One result per group for one fraction, from the per-group sorted row order.
    private func pick(_ kind: OrderedSetKind, fraction: Double?, _ values: Vector, _ offsets: ContiguousArray<Int>,
                      _ sorted: [Int], _ groupCount: Int) throws -> Vector {
        var picks = ContiguousArray<Int32>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        var interpolated = ContiguousArray<Double>(repeating: 0, count: groupCount)
        var interpolatedIntervals = ContiguousArray<Interval>(repeating: Interval(), count: groupCount)
        let less = rowOrder(values)
        for g in 0..<groupCount {
            let lo = offsets[g], n = offsets[g + 1] - lo
            guard n > 0, kind == .mode || fraction != nil else { continue }
            valid[g] = true
            switch kind {
            case .mode:
                var best = sorted[lo], bestCount = 0, run = 0
                for k in lo..<(lo + n) {
                    if k > lo && less(sorted[k - 1], sorted[k]) { run = 0 }
                    run += 1
                    if run > bestCount { bestCount = run; best = sorted[k - run + 1] }
                }
                picks[g] = Int32(best)
            case .percentileDisc:
                let position = ((fraction ?? 0) * Double(n)).rounded(.up)
                let k = max(0, min(n - 1, Int(position) - 1))
                picks[g] = Int32(sorted[lo + k])
            case .percentileCont:
                let position = (fraction ?? 0) * Double(n - 1)
                let first = max(0, min(n - 1, Int(position.rounded(.down))))
                let second = max(0, min(n - 1, Int(position.rounded(.up))))
                let a = sorted[lo + first], b = sorted[lo + second]
                let t = position - Double(first)
                switch values.storage {
                case .float64(let xs):
                    interpolated[g] = first == second ? xs[a] : xs[a] + (xs[b] - xs[a]) * t
                case .interval(let xs):
                    if first == second { interpolatedIntervals[g] = xs[a] } else {
                        let diff = try AggregateSupport.subtractIntervals(xs[b], xs[a])
                        interpolatedIntervals[g] = try AggregateSupport.addIntervals(xs[a], AggregateSupport.multiplyInterval(diff, by: t))
                    }
                default: break
                }
            }
        }
        if kind == .percentileCont {
            if valueType == .interval {
                return Vector(type: .interval, count: groupCount, storage: .interval(interpolatedIntervals), validity: valid)
            }
            return Vector(type: .float64, count: groupCount, storage: .float64(interpolated), validity: valid)
        }
        if values.count == 0 { return Vector.nulls(type: valueType, count: groupCount).materialized() }
        let picked = values.gather(picks)
        return Vector(type: valueType, count: groupCount, storage: picked.storage, validity: valid)
    }
}

func registerOrderedAggregates(into registry: FunctionRegistry) {
    AggregateSupport.register(registry, ["array_agg"]) { _, types, _ in
        guard types.count == 1 else { return nil }
        let t = types[0] == .null ? DataType.text : types[0]
        return AggregateResolution(argumentTypes: [t], returnType: .array(t), isOrderSensitive: true) {
            ArrayAggState(elementType: t)
        }
    }
    AggregateSupport.register(registry, ["string_agg"]) { _, types, _ in
        guard types.count == 2 else { return nil }
        if types.allSatisfy({ $0 == .bytea || $0 == .null }) && types.contains(.bytea) {
            return AggregateResolution(argumentTypes: [.bytea, .bytea], returnType: .bytea, isOrderSensitive: true) {
                StringAggState(resultType: .bytea)
            }
        }
        guard types.allSatisfy({ $0.isString || $0 == .null }) else { return nil }
        return AggregateResolution(argumentTypes: [.text, .text], returnType: .text, isOrderSensitive: true) {
            StringAggState(resultType: .text)
        }
    }
    AggregateSupport.register(registry, ["percentile_cont", "percentile_disc"]) { name, types, direct in
        guard types.count == 1, direct.count == 1 else { return nil }
        func fraction(_ v: Value) -> Double?? {
            switch v {
            case .null: return .some(nil)
            case .double(let d): return .some(d)
            case .int(let i): return .some(Double(i))
            default: return nil
            }
        }
        var fractions: [Double?] = []
        var returnsArray = false
        if case .list(let items) = direct[0] {
            returnsArray = true
            for item in items {
                guard let f = fraction(item) else { return nil }
                fractions.append(f)
            }
        } else {
            guard let f = fraction(direct[0]) else { return nil }
            fractions = [f]
        }
        let t = types[0]
        let valueType: DataType
        let kind: OrderedSetKind
        if name == "percentile_cont" {
            guard t == .interval || t.isNumeric || t == .null else { return nil }
            valueType = t == .interval ? .interval : .float64
            kind = .percentileCont
        } else {
            guard AggregateSupport.isOrderable(t) else { return nil }
            valueType = t
            kind = .percentileDisc
        }
        let element = kind == .percentileCont && valueType != .interval ? DataType.float64 : valueType
        return AggregateResolution(argumentTypes: [valueType], returnType: returnsArray ? .array(element) : element) {
            OrderedSetState(kind: kind, valueType: valueType, fractions: fractions, returnsArray: returnsArray)
        }
    }
    AggregateSupport.register(registry, ["mode"]) { _, types, direct in
        guard types.count == 1, direct.isEmpty, AggregateSupport.isOrderable(types[0]) else { return nil }
        let t = types[0]
        return AggregateResolution(argumentTypes: [t], returnType: t) {
            OrderedSetState(kind: .mode, valueType: t, fractions: [], returnsArray: false)
        }
    }
}
