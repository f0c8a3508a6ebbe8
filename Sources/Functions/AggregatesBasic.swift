// The everyday aggregates with PostgreSQL 15 semantics: count(*), count,
// sum, avg, min, max, any_value, bool_and/bool_or/every, bit_and/bit_or/bit_xor.
// Each state keeps one slot per dense group id in flat typed arrays; the
// fold-style aggregates share one generic state (`FoldState`) specialised
// per element type and combine operation, so the update loop is a typed loop.

import Columnar

// MARK: - Generic fold over one typed column

/// One associative operation folded over the non-NULL values of a group;
/// a group with no input yields NULL.
protocol AggregateFold {
    associatedtype Element
    static var zero: Element { get }
    static func load(_ v: Vector) -> ContiguousArray<Element>
    static func combine(_ acc: Element, _ x: Element) throws -> Element
    /// Final check/transform of a group's accumulator.
    static func finish(_ acc: Element) throws -> Element
    static func storage(_ values: ContiguousArray<Element>) -> VectorStorage
}

extension AggregateFold {
    static func finish(_ acc: Element) throws -> Element { acc }
}

final class FoldState<F: AggregateFold>: AggregateState {
    let resultType: DataType
    var values = ContiguousArray<F.Element>()
    var has = ContiguousArray<Bool>()

    init(resultType: DataType) { self.resultType = resultType }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        growFoldSlots(F.self, values: &values, has: &has, to: groupCount)
        try foldRows(F.self, groups: groups, argument: arguments[0], rowCount: rowCount, values: &values, has: &has)
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: FoldState<F>.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.values.count, groupCount: groupCount)
        growFoldSlots(F.self, values: &values, has: &has, to: groupCount)
        try mergeFoldSlots(F.self, from: o.values, o.has, mapping: mapping, into: &values, &has)
    }

    func finish(groupCount: Int) throws -> Vector {
        growFoldSlots(F.self, values: &values, has: &has, to: groupCount)
        var out = ContiguousArray(values.prefix(groupCount))
        for g in 0..<groupCount where has[g] { out[g] = try F.finish(out[g]) }
        return Vector(type: resultType, count: groupCount, storage: F.storage(out), validity: ContiguousArray(has.prefix(groupCount)))
    }
}

/// The per-row loop of FoldState.update. A generic class's methods run unspecialised through
/// its vtable (every Int128 copy a value-witness call); as a generic function with
/// pre-specialisations the hot sums, minima and maxima get concrete loops.
@_specialize(where F == SumInt64)
@_specialize(where F == SumInt128)
@_specialize(where F == SumDouble)
@_specialize(where F == MinInt64)
@_specialize(where F == MaxInt64)
@_specialize(where F == MinInt128)
@_specialize(where F == MaxInt128)
@_specialize(where F == MinDouble)
@_specialize(where F == MaxDouble)
@_specialize(where F == FirstInt64)
@_specialize(where F == FirstInt128)
@_specialize(where F == FirstDouble)
func foldRows<F: AggregateFold>(_ fold: F.Type, groups: UnsafeBufferPointer<Int32>, argument: Vector, rowCount: Int,
                                values: inout ContiguousArray<F.Element>, has: inout ContiguousArray<Bool>) throws {
    let xs = F.load(argument)
    guard xs.count >= rowCount else { return }
    let validity = AggregateSupport.validity(argument, count: rowCount)
    try xs.withUnsafeBufferPointer { x in
        try values.withUnsafeMutableBufferPointer { acc in
            try has.withUnsafeMutableBufferPointer { h in
                try AggregateSupport.forEachValid(validity, count: rowCount) { i in
                    let g = Int(groups[i])
                    if h[g] { acc[g] = try F.combine(acc[g], x[i]) } else { acc[g] = x[i]; h[g] = true }
                }
            }
        }
    }
}

/// Grows the per-group slots of a fold to `count` groups. Specialised like foldRows so the
/// fill is a typed bulk initialisation instead of per-element value-witness copies.
@_specialize(where F == SumInt64)
@_specialize(where F == SumInt128)
@_specialize(where F == SumDouble)
@_specialize(where F == MinInt64)
@_specialize(where F == MaxInt64)
@_specialize(where F == MinInt128)
@_specialize(where F == MaxInt128)
@_specialize(where F == MinDouble)
@_specialize(where F == MaxDouble)
@_specialize(where F == FirstInt64)
@_specialize(where F == FirstInt128)
@_specialize(where F == FirstDouble)
func growFoldSlots<F: AggregateFold>(_ fold: F.Type, values: inout ContiguousArray<F.Element>,
                                     has: inout ContiguousArray<Bool>, to count: Int) {
    let missing = count - values.count
    if missing > 0 { values.append(contentsOf: repeatElement(F.zero, count: missing)) }
    let missingHas = count - has.count
    if missingHas > 0 { has.append(contentsOf: repeatElement(false, count: missingHas)) }
}

/// Folds a partial state's slots into this one: partial group g lands in group mapping[g].
/// A free generic function with pre-specialisations, so the hot element types get concrete
/// loops over raw buffers rather than the generic class's unspecialised indexing.
@_specialize(where F == SumInt64)
@_specialize(where F == SumInt128)
@_specialize(where F == SumDouble)
@_specialize(where F == MinInt64)
@_specialize(where F == MaxInt64)
@_specialize(where F == MinInt128)
@_specialize(where F == MaxInt128)
@_specialize(where F == MinDouble)
@_specialize(where F == MaxDouble)
@_specialize(where F == FirstInt64)
@_specialize(where F == FirstInt128)
@_specialize(where F == FirstDouble)
func mergeFoldSlots<F: AggregateFold>(_ fold: F.Type, from otherValues: ContiguousArray<F.Element>,
                                      _ otherHas: ContiguousArray<Bool>, mapping: [Int32],
                                      into values: inout ContiguousArray<F.Element>,
                                      _ has: inout ContiguousArray<Bool>) throws {
    let n = min(otherValues.count, otherHas.count, mapping.count)
    try otherValues.withUnsafeBufferPointer { ov in
        try otherHas.withUnsafeBufferPointer { oh in
            try mapping.withUnsafeBufferPointer { m in
                try values.withUnsafeMutableBufferPointer { acc in
                    try has.withUnsafeMutableBufferPointer { h in
                        for g in 0..<n where oh[g] {
                            let t = Int(m[g])
                            if h[t] { acc[t] = try F.combine(acc[t], ov[g]) } else { acc[t] = ov[g]; h[t] = true }
                        }
                    }
                }
            }
        }
    }
}

protocol Int64Fold: AggregateFold where Element == Int64 {}
extension Int64Fold {
    static var zero: Int64 { 0 }
    static func load(_ v: Vector) -> ContiguousArray<Int64> { Kernels.int64s(v) }
    static func storage(_ values: ContiguousArray<Int64>) -> VectorStorage { .int64(values) }
}
protocol DoubleFold: AggregateFold where Element == Double {}
extension DoubleFold {
    static var zero: Double { 0 }
    static func load(_ v: Vector) -> ContiguousArray<Double> { Kernels.doubles(v) }
    static func storage(_ values: ContiguousArray<Double>) -> VectorStorage { .float64(values) }
}
protocol Int128Fold: AggregateFold where Element == Int128 {}
extension Int128Fold {
    static var zero: Int128 { 0 }
    static func load(_ v: Vector) -> ContiguousArray<Int128> { Kernels.int128s(v) }
    static func storage(_ values: ContiguousArray<Int128>) -> VectorStorage { .int128(values) }
}
protocol IntervalFold: AggregateFold where Element == Interval {}
extension IntervalFold {
    static var zero: Interval { Interval() }
    static func load(_ v: Vector) -> ContiguousArray<Interval> { Kernels.intervals(v) }
    static func storage(_ values: ContiguousArray<Interval>) -> VectorStorage { .interval(values) }
}
protocol BoolFold: AggregateFold where Element == Bool {}
extension BoolFold {
    static var zero: Bool { false }
    static func load(_ v: Vector) -> ContiguousArray<Bool> { Kernels.bools(v) }
    static func storage(_ values: ContiguousArray<Bool>) -> VectorStorage { .bool(values) }
}

enum SumInt64: Int64Fold {
    static func combine(_ a: Int64, _ x: Int64) throws -> Int64 {
        let (s, o) = a.addingReportingOverflow(x)
        guard !o else { throw SQLError(SQLState.numericValueOutOfRange, "bigint out of range") }
        return s
    }
}
/// Sums int64 input (widened) and decimal mantissas; the 38-digit limit is checked at the end,
/// so intermediate sums may exceed it as long as they fit Int128 (PostgreSQL's numeric is unbounded).
enum SumInt128: Int128Fold {
    static func load(_ v: Vector) -> ContiguousArray<Int128> {
        if v.type.physical == .int64 { return ContiguousArray(Kernels.int64s(v).lazy.map { Int128($0) }) }
        return Kernels.int128s(v)
    }
    static func combine(_ a: Int128, _ x: Int128) throws -> Int128 {
        let (s, o) = a.addingReportingOverflow(x)
        guard !o else { throw AggregateSupport.numericOverflow() }
        return s
    }
    static func finish(_ acc: Int128) throws -> Int128 { try AggregateSupport.checkDecimal(acc) }
}
enum SumDouble: DoubleFold { static func combine(_ a: Double, _ x: Double) -> Double { a + x } }
/// sum(real) adds in single precision, as PostgreSQL's float4pl does.
enum SumFloat32: DoubleFold { static func combine(_ a: Double, _ x: Double) -> Double { Double(Float(a) + Float(x)) } }
enum SumInterval: IntervalFold {
    static func combine(_ a: Interval, _ x: Interval) throws -> Interval { try AggregateSupport.addIntervals(a, x) }
}

enum MinInt64: Int64Fold { static func combine(_ a: Int64, _ x: Int64) -> Int64 { x < a ? x : a } }
enum MaxInt64: Int64Fold { static func combine(_ a: Int64, _ x: Int64) -> Int64 { x > a ? x : a } }
enum MinDouble: DoubleFold { static func combine(_ a: Double, _ x: Double) -> Double { AggregateSupport.doubleLess(x, a) ? x : a } }
enum MaxDouble: DoubleFold { static func combine(_ a: Double, _ x: Double) -> Double { AggregateSupport.doubleLess(a, x) ? x : a } }
enum MinInt128: Int128Fold { static func combine(_ a: Int128, _ x: Int128) -> Int128 { x < a ? x : a } }
enum MaxInt128: Int128Fold { static func combine(_ a: Int128, _ x: Int128) -> Int128 { x > a ? x : a } }
enum MinInterval: IntervalFold {
    static func combine(_ a: Interval, _ x: Interval) -> Interval { x.comparisonKey < a.comparisonKey ? x : a }
}
enum MaxInterval: IntervalFold {
    static func combine(_ a: Interval, _ x: Interval) -> Interval { x.comparisonKey > a.comparisonKey ? x : a }
}
enum AndBool: BoolFold { static func combine(_ a: Bool, _ x: Bool) -> Bool { a && x } }
enum OrBool: BoolFold { static func combine(_ a: Bool, _ x: Bool) -> Bool { a || x } }
enum BitAnd: Int64Fold { static func combine(_ a: Int64, _ x: Int64) -> Int64 { a & x } }
enum BitOr: Int64Fold { static func combine(_ a: Int64, _ x: Int64) -> Int64 { a | x } }
enum BitXor: Int64Fold { static func combine(_ a: Int64, _ x: Int64) -> Int64 { a ^ x } }
enum FirstInt64: Int64Fold { static func combine(_ a: Int64, _ x: Int64) -> Int64 { a } }
enum FirstDouble: DoubleFold { static func combine(_ a: Double, _ x: Double) -> Double { a } }
enum FirstInt128: Int128Fold { static func combine(_ a: Int128, _ x: Int128) -> Int128 { a } }
enum FirstInterval: IntervalFold { static func combine(_ a: Interval, _ x: Interval) -> Interval { a } }
enum FirstBool: BoolFold { static func combine(_ a: Bool, _ x: Bool) -> Bool { a } }

// MARK: - count

/// count(*) when `countsNulls`, else count(x): one Int64 per group, 0 for empty groups.
final class CountState: AggregateState {
    let countsNulls: Bool
    var counts = ContiguousArray<Int64>()

    init(countsNulls: Bool) { self.countsNulls = countsNulls }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: countsNulls ? 0 : 1, groupCount: groupCount)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let validity = countsNulls ? nil : AggregateSupport.validity(arguments[0], count: rowCount)
        counts.withUnsafeMutableBufferPointer { c in
            if validity == nil, groupCount <= Self.interleavedGroupLimit, rowCount >= 64 {
                Self.countInterleaved(groups, rowCount: rowCount, groupCount: groupCount, into: c)
                return
            }
            AggregateSupport.forEachValid(validity, count: rowCount) { i in c[Int(groups[i])] &+= 1 }
        }
    }

    /// Below this many groups, rows are counted into four interleaved copies of the counters.
    static let interleavedGroupLimit = 64

    /// With few groups, consecutive rows mostly hit the same counter, and each increment waits
    /// for the previous one's store (GROUP BY event_type: six counters for millions of rows).
    /// Four copies, one per row modulo 4, keep four chains in flight; they are added up after.
    static func countInterleaved(_ groups: UnsafeBufferPointer<Int32>, rowCount: Int, groupCount: Int,
                                 into c: UnsafeMutableBufferPointer<Int64>) {
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: 4 * groupCount) { p in
            guard let base = p.baseAddress else { return }
            base.initialize(repeating: 0, count: 4 * groupCount)
            let c0 = base, c1 = base + groupCount, c2 = base + 2 * groupCount, c3 = base + 3 * groupCount
            var i = 0
            while i + 4 <= rowCount {
                c0[Int(groups[i])] &+= 1
                c1[Int(groups[i + 1])] &+= 1
                c2[Int(groups[i + 2])] &+= 1
                c3[Int(groups[i + 3])] &+= 1
                i += 4
            }
            while i < rowCount {
                c0[Int(groups[i])] &+= 1
                i += 1
            }
            for g in 0..<groupCount { c[g] &+= c0[g] &+ c1[g] &+ c2[g] &+ c3[g] }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        try AggregateSupport.mergeCounts(&counts, try AggregateSupport.same(other, as: CountState.self).counts, mapping: mapping, groupCount: groupCount)
    }

    func finish(groupCount: Int) throws -> Vector { AggregateSupport.finishCounts(&counts, groupCount: groupCount) }
}

// MARK: - avg

/// avg over integers and decimals: exact Int128 sum and a count, divided at the end
/// into decimal(38, max(s, 16)). The registry uses DecimalSumState (same results, tighter
/// loop); this state stays as the reference the kernel tests compare against.
final class AvgDecimalState: AggregateState {
    let inputScale: Int, resultScale: Int
    var sums = ContiguousArray<Int128>()
    var counts = ContiguousArray<Int64>()

    init(inputScale: Int, resultScale: Int) { self.inputScale = inputScale; self.resultScale = resultScale }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let xs = SumInt128.load(arguments[0])
        guard xs.count >= rowCount else { return }
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        try xs.withUnsafeBufferPointer { x in
            try sums.withUnsafeMutableBufferPointer { s in
                try counts.withUnsafeMutableBufferPointer { c in
                    try AggregateSupport.forEachValid(validity, count: rowCount) { i in
                        let g = Int(groups[i])
                        s[g] = try SumInt128.combine(s[g], x[i])
                        c[g] &+= 1
                    }
                }
            }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: AvgDecimalState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.sums.count, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        for g in 0..<o.sums.count {
            let t = Int(mapping[g])
            sums[t] = try SumInt128.combine(sums[t], o.sums[g])
            counts[t] &+= o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        var out = ContiguousArray<Int128>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for g in 0..<groupCount where counts[g] > 0 {
            out[g] = try AggregateSupport.decimalMean(sum: sums[g], count: counts[g], sumScale: inputScale, scale: resultScale)
            valid[g] = true
        }
        return Vector(type: .decimal(precision: 38, scale: resultScale), count: groupCount, storage: .int128(out), validity: valid)
    }
}

/// avg over float4/float8 → float8.
final class AvgDoubleState: AggregateState {
    var sums = ContiguousArray<Double>()
    var counts = ContiguousArray<Int64>()

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let xs = Kernels.doubles(arguments[0])
        guard xs.count >= rowCount else { return }
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        xs.withUnsafeBufferPointer { x in
            sums.withUnsafeMutableBufferPointer { s in
                counts.withUnsafeMutableBufferPointer { c in
                    AggregateSupport.forEachValid(validity, count: rowCount) { i in
                        let g = Int(groups[i])
                        s[g] += x[i]
                        c[g] &+= 1
                    }
                }
            }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: AvgDoubleState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.sums.count, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        for g in 0..<o.sums.count {
            let t = Int(mapping[g])
            sums[t] += o.sums[g]
            counts[t] &+= o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        var out = ContiguousArray<Double>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for g in 0..<groupCount where counts[g] > 0 {
            out[g] = sums[g] / Double(counts[g])
            valid[g] = true
        }
        return Vector(type: .float64, count: groupCount, storage: .float64(out), validity: valid)
    }
}

/// avg over intervals: interval sum (overflow-checked like PostgreSQL's) divided by the count.
final class AvgIntervalState: AggregateState {
    var sums = ContiguousArray<Interval>()
    var counts = ContiguousArray<Int64>()

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: Interval())
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let xs = Kernels.intervals(arguments[0])
        guard xs.count >= rowCount else { return }
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        try xs.withUnsafeBufferPointer { x in
            try AggregateSupport.forEachValid(validity, count: rowCount) { i in
                let g = Int(groups[i])
                sums[g] = try AggregateSupport.addIntervals(sums[g], x[i])
                counts[g] &+= 1
            }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: AvgIntervalState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.sums.count, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: Interval())
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        for g in 0..<o.sums.count {
            let t = Int(mapping[g])
            sums[t] = try AggregateSupport.addIntervals(sums[t], o.sums[g])
            counts[t] &+= o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        AggregateSupport.grow(&sums, to: groupCount, with: Interval())
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        var out = ContiguousArray<Interval>(repeating: Interval(), count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for g in 0..<groupCount where counts[g] > 0 {
            out[g] = try AggregateSupport.divideInterval(sums[g], by: Double(counts[g]))
            valid[g] = true
        }
        return Vector(type: .interval, count: groupCount, storage: .interval(out), validity: valid)
    }
}

// MARK: - min / max / any_value over strings

/// min, max or first value of text/bytea/uuid per group. Winning values live in one
/// byte arena (start + length per group); each batch first picks its best row per
/// group, then copies only those; the arena is compacted when replaced values pile up.
final class StringPickState: AggregateState {
    enum Mode { case min, max, first }
    let mode: Mode
    let resultType: DataType
    var arena = ContiguousArray<UInt8>()
    var starts = ContiguousArray<Int>()
    var lengths = ContiguousArray<Int>()
    var has = ContiguousArray<Bool>()
    var liveBytes = 0
    /// Per group, the best row of the batch being folded (-1: none); reset after each batch.
    var batchBest = ContiguousArray<Int32>()

    init(mode: Mode, resultType: DataType) { self.mode = mode; self.resultType = resultType }

    private func grow(_ n: Int) {
        AggregateSupport.grow(&starts, to: n, with: 0)
        AggregateSupport.grow(&lengths, to: n, with: 0)
        AggregateSupport.grow(&has, to: n, with: false)
        AggregateSupport.grow(&batchBest, to: n, with: -1)
    }

    @inline(__always)
    private func better(_ candidate: UnsafeBufferPointer<UInt8>, than current: UnsafeBufferPointer<UInt8>) -> Bool {
        switch mode {
        case .min: return AggregateSupport.bytesLess(candidate, current)
        case .max: return AggregateSupport.bytesLess(current, candidate)
        case .first: return false
        }
    }

    /// Replaces group g's value if `candidate` beats it (or it has none).
    private func offer(_ g: Int, _ candidate: UnsafeBufferPointer<UInt8>) {
        if has[g] {
            let replace = arena.withUnsafeBufferPointer { a in
                better(candidate, than: UnsafeBufferPointer(rebasing: a[starts[g]..<(starts[g] + lengths[g])]))
            }
            if !replace { return }
            liveBytes -= lengths[g]
        }
        starts[g] = arena.count
        lengths[g] = candidate.count
        arena.append(contentsOf: candidate)
        liveBytes += candidate.count
        has[g] = true
    }

    private func compactIfNeeded() {
        guard arena.count > 2 * liveBytes + 65_536 else { return }
        var fresh = ContiguousArray<UInt8>()
        fresh.reserveCapacity(liveBytes)
        for g in 0..<has.count where has[g] {
            let s = starts[g]
            starts[g] = fresh.count
            fresh.append(contentsOf: arena[s..<(s + lengths[g])])
        }
        arena = fresh
    }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        grow(groupCount)
        let col = Kernels.strings(arguments[0])
        guard col.count >= rowCount else { return }
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        var touched = ContiguousArray<Int32>()
        col.bytes.withUnsafeBufferPointer { bytes in
            col.offsets.withUnsafeBufferPointer { off in
                batchBest.withUnsafeMutableBufferPointer { best in
                    AggregateSupport.forEachValid(validity, count: rowCount) { i in
                        let g = Int(groups[i])
                        let b = best[g]
                        if b < 0 {
                            if mode == .first && has[g] { return }
                            best[g] = Int32(i); touched.append(Int32(g)); return
                        }
                        if mode == .first { return }
                        let cand = UnsafeBufferPointer(rebasing: bytes[Int(off[i])..<Int(off[i + 1])])
                        let cur = UnsafeBufferPointer(rebasing: bytes[Int(off[Int(b)])..<Int(off[Int(b) + 1])])
                        if better(cand, than: cur) { best[g] = Int32(i) }
                    }
                }
            }
            for g32 in touched {
                let g = Int(g32), r = Int(batchBest[g])
                batchBest[g] = -1
                offer(g, UnsafeBufferPointer(rebasing: bytes[Int(col.offsets[r])..<Int(col.offsets[r + 1])]))
            }
        }
        compactIfNeeded()
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: StringPickState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.has.count, groupCount: groupCount)
        grow(groupCount)
        o.arena.withUnsafeBufferPointer { a in
            for g in 0..<o.has.count where o.has[g] {
                let t = Int(mapping[g])
                if mode == .first && has[t] { continue }
                offer(t, UnsafeBufferPointer(rebasing: a[o.starts[g]..<(o.starts[g] + o.lengths[g])]))
            }
        }
        compactIfNeeded()
    }

    func finish(groupCount: Int) throws -> Vector {
        grow(groupCount)
        var col = StringColumn()
        col.reserve(rows: groupCount, bytes: liveBytes)
        for g in 0..<groupCount {
            if has[g] { col.append(bytes: arena[starts[g]..<(starts[g] + lengths[g])]) } else { col.appendEmpty() }
        }
        return Vector(type: resultType, count: groupCount, storage: .string(col), validity: ContiguousArray(has.prefix(groupCount)))
    }
}

// MARK: - registration

/// min/max/any_value state for an orderable type.
func makePickState(_ type: DataType, _ mode: StringPickState.Mode) -> AggregateState {
    switch (type.physical, mode) {
    case (.int64, .min): return FoldState<MinInt64>(resultType: type)
    case (.int64, .max): return FoldState<MaxInt64>(resultType: type)
    case (.int64, .first): return FoldState<FirstInt64>(resultType: type)
    case (.float64, .min): return FoldState<MinDouble>(resultType: type)
    case (.float64, .max): return FoldState<MaxDouble>(resultType: type)
    case (.float64, .first): return FoldState<FirstDouble>(resultType: type)
    case (.int128, .min): return FoldState<MinInt128>(resultType: type)
    case (.int128, .max): return FoldState<MaxInt128>(resultType: type)
    case (.int128, .first): return FoldState<FirstInt128>(resultType: type)
    case (.interval, .min): return FoldState<MinInterval>(resultType: type)
    case (.interval, .max): return FoldState<MaxInterval>(resultType: type)
    case (.interval, .first): return FoldState<FirstInterval>(resultType: type)
    case (.bool, .min): return FoldState<AndBool>(resultType: type)
    case (.bool, .max): return FoldState<OrBool>(resultType: type)
    case (.bool, .first): return FoldState<FirstBool>(resultType: type)
    default: return StringPickState(mode: mode, resultType: type)
    }
}

func registerBasicAggregates(into registry: FunctionRegistry) {
    AggregateSupport.register(registry, ["count_star"]) { _, types, _ in
        guard types.isEmpty else { return nil }
        return AggregateResolution(argumentTypes: [], returnType: .int64) { CountState(countsNulls: true) }
    }
    AggregateSupport.register(registry, ["count"]) { _, types, _ in
        if types.isEmpty { return AggregateResolution(argumentTypes: [], returnType: .int64) { CountState(countsNulls: true) } }
        guard types.count == 1 else { return nil }
        return AggregateResolution(argumentTypes: types, returnType: .int64) { CountState(countsNulls: false) }
    }
    AggregateSupport.register(registry, ["sum"]) { _, types, _ in
        guard types.count == 1 else { return nil }
        let t = types[0]
        switch t {
        case .int16, .int32:
            return AggregateResolution(argumentTypes: [t], returnType: .int64) { FoldState<SumInt64>(resultType: .int64) }
        case .int64:
            let r = DataType.decimal(precision: 38, scale: 0)
            return AggregateResolution(argumentTypes: [t], returnType: r) { DecimalSumState(.sum(r)) }
        case .decimal(_, let s):
            let r = DataType.decimal(precision: 38, scale: s)
            return AggregateResolution(argumentTypes: [t], returnType: r) { DecimalSumState(.sum(r)) }
        case .float32:
            return AggregateResolution(argumentTypes: [t], returnType: t) { FoldState<SumFloat32>(resultType: t) }
        case .float64:
            return AggregateResolution(argumentTypes: [t], returnType: t) { FoldState<SumDouble>(resultType: t) }
        case .interval:
            return AggregateResolution(argumentTypes: [t], returnType: t) { FoldState<SumInterval>(resultType: t) }
        default: return nil
        }
    }
    AggregateSupport.register(registry, ["avg"]) { _, types, _ in
        guard types.count == 1 else { return nil }
        let t = types[0]
        switch t {
        case .int16, .int32, .int64:
            return AggregateResolution(argumentTypes: [t], returnType: .decimal(precision: 38, scale: 16)) {
                DecimalSumState(.mean(inputScale: 0, resultScale: 16))
            }
        case .decimal(_, let s):
            let rs = min(max(s, 16), 38)
            return AggregateResolution(argumentTypes: [t], returnType: .decimal(precision: 38, scale: rs)) {
                DecimalSumState(.mean(inputScale: s, resultScale: rs))
            }
        case .float32, .float64:
            return AggregateResolution(argumentTypes: [t], returnType: .float64) { AvgDoubleState() }
        case .interval:
            return AggregateResolution(argumentTypes: [t], returnType: .interval) { AvgIntervalState() }
        default: return nil
        }
    }
    AggregateSupport.register(registry, ["min", "max", "any_value"]) { name, types, _ in
        guard types.count == 1 else { return nil }
        let t = types[0]
        let mode: StringPickState.Mode = name == "min" ? .min : name == "max" ? .max : .first
        if mode != .first && !AggregateSupport.isOrderable(t) { return nil }
        if mode == .first, case .array = t { return nil }
        if t == .null { return nil }
        return AggregateResolution(argumentTypes: [t], returnType: t) { makePickState(t, mode) }
    }
    AggregateSupport.register(registry, ["bool_and", "every", "bool_or"]) { (name: String, types: [DataType], _: [Value]) -> AggregateResolution? in
        guard types.count == 1, types[0] == .boolean || types[0] == .null else { return nil }
        let isOr = name == "bool_or"
        return AggregateResolution(argumentTypes: [.boolean], returnType: .boolean) {
            let state: AggregateState = isOr ? FoldState<OrBool>(resultType: .boolean) : FoldState<AndBool>(resultType: .boolean)
            return state
        }
    }
    AggregateSupport.register(registry, ["bit_and", "bit_or", "bit_xor"]) { (name: String, types: [DataType], _: [Value]) -> AggregateResolution? in
        guard types.count == 1, types[0].isInteger else { return nil }
        let t = types[0]
        return AggregateResolution(argumentTypes: [t], returnType: t) { () -> AggregateState in
            switch name {
            case "bit_and": return FoldState<BitAnd>(resultType: t)
            case "bit_or": return FoldState<BitOr>(resultType: t)
            default: return FoldState<BitXor>(resultType: t)
            }
        }
    }
}
