// Shared plumbing for the aggregate functions: registration of every
// aggregate family, geometric growth of flat per-group arrays, the
// NULL-skipping row loop, decimal and interval arithmetic helpers used by
// sum/avg/variance, and the error raised when two different states are merged.

import Columnar
#if canImport(Glibc)
// Links libm, which Double.rounded()/squareRoot() call into on Linux.
import Glibc
#endif

func registerAggregates(into registry: FunctionRegistry) {
    registerBasicAggregates(into: registry)
    registerStatisticsAggregates(into: registry)
    registerOrderedAggregates(into: registry)
    registerSketchAggregates(into: registry)
}

enum AggregateSupport {
    /// Extends `array` with `fill` up to `count` elements (append grows capacity geometrically).
    @inline(__always)
    static func grow<T>(_ array: inout ContiguousArray<T>, to count: Int, with fill: T) {
        if array.count < count { array.append(contentsOf: repeatElement(fill, count: count - array.count)) }
    }

    /// Folds another state's per-group Int64 counters into `counts` through `mapping` (count,
    /// and the partial counts of a split DISTINCT, merge alike).
    static func mergeCounts(_ counts: inout ContiguousArray<Int64>, _ other: ContiguousArray<Int64>, mapping: [Int32],
                            groupCount: Int) throws {
        try checkMapping(mapping, otherGroups: other.count, groupCount: groupCount)
        grow(&counts, to: groupCount, with: 0)
        for g in 0..<other.count { counts[Int(mapping[g])] &+= other[g] }
    }

    /// Per-group Int64 counters as a bigint vector (0 for groups no row reached).
    static func finishCounts(_ counts: inout ContiguousArray<Int64>, groupCount: Int) -> Vector {
        grow(&counts, to: groupCount, with: 0)
        return Vector(type: .int64, count: groupCount, storage: .int64(ContiguousArray(counts.prefix(groupCount))))
    }

    /// Rows where `vector` is non-NULL (nil: every row is).
    static func validity(_ vector: Vector, count: Int) -> ContiguousArray<Bool>? {
        Kernels.combinedValidity([vector], count: count)
    }

    /// Calls `body` for each row index that is valid (all rows when `validity` is nil).
    @inline(__always)
    static func forEachValid(_ validity: ContiguousArray<Bool>?, count: Int, _ body: (Int) throws -> Void) rethrows {
        if let validity {
            try validity.withUnsafeBufferPointer { v in
                for i in 0..<min(count, v.count) where v[i] { try body(i) }
            }
        } else {
            for i in 0..<count { try body(i) }
        }
    }

    /// Checks that the operator handed over groups covering every row.
    @inline(__always)
    /// Group ids outside 0..<groupCount would write out of bounds in the unchecked loops,
    /// so one cheap pass turns an operator bug into an error instead.
    static func checkRows(_ groups: UnsafeBufferPointer<Int32>, _ rowCount: Int, _ arguments: [Vector], arity: Int,
                          groupCount: Int) throws {
        guard groups.count >= rowCount, arguments.count >= arity else {
            throw SQLError(SQLState.internalError, "aggregate called with \(arguments.count) arguments for \(rowCount) rows and \(groups.count) group ids")
        }
        for a in arguments.prefix(arity) where a.count < rowCount {
            throw SQLError(SQLState.internalError, "aggregate argument has \(a.count) rows, expected \(rowCount)")
        }
        // A min/max reduction (vectorises; every aggregate of a query runs this per batch).
        var lowest = Int32.max, highest = Int32.min
        for i in 0..<rowCount { lowest = min(lowest, groups[i]); highest = max(highest, groups[i]) }
        if rowCount > 0 && (lowest < 0 || Int(highest) >= groupCount) { throw SQLError(SQLState.internalError, "aggregate group id outside 0..<\(groupCount)") }
    }

    /// The other state of a merge, cast to this state's class.
    static func same<T: AggregateState>(_ other: AggregateState, as: T.Type) throws -> T {
        guard let o = other as? T else {
            throw SQLError(SQLState.internalError, "cannot merge aggregate states of different kinds")
        }
        return o
    }

    /// Checks that a merge mapping covers `otherGroups` groups and points inside `groupCount`.
    static func checkMapping(_ mapping: [Int32], otherGroups: Int, groupCount: Int) throws {
        guard mapping.count >= otherGroups else {
            throw SQLError(SQLState.internalError, "aggregate merge mapping has \(mapping.count) entries for \(otherGroups) groups")
        }
        for g in mapping.prefix(otherGroups) where g < 0 || Int(g) >= groupCount {
            throw SQLError(SQLState.internalError, "aggregate merge maps to group \(g) outside 0..<\(groupCount)")
        }
    }

    static let powersOfTen: [Int128] = {
        var p: [Int128] = [1]
        for _ in 1...38 { p.append(p[p.count - 1] * 10) }
        return p
    }()

    /// Largest mantissa of decimal(38, s).
    static let maxDecimalMantissa: Int128 = powersOfTen[38] - 1

    static func numericOverflow() -> SQLError {
        SQLError(SQLState.numericValueOutOfRange, "numeric field overflow",
                 detail: "A field with precision 38 must round to an absolute value less than 10^38.")
    }

    static func checkDecimal(_ m: Int128) throws -> Int128 {
        guard m <= maxDecimalMantissa && m >= -maxDecimalMantissa else { throw numericOverflow() }
        return m
    }

    /// `numerator / denominator` rounded half away from zero (denominator > 0).
    static func divideRounded(_ numerator: Int128, _ denominator: Int128) -> Int128 {
        let q = numerator / denominator, r = numerator % denominator
        let twice = r.magnitude * 2
        if twice >= denominator.magnitude { return numerator < 0 ? q - 1 : q + 1 }
        return q
    }

    /// mean = sum / count as a decimal mantissa with `scale` digits, from a sum with `sumScale` digits.
    static func decimalMean(sum: Int128, count: Int64, sumScale: Int, scale: Int) throws -> Int128 {
        let n = Int128(count)
        let shift = scale - sumScale
        if shift <= 0 { return try checkDecimal(divideRounded(sum, n * powersOfTen[min(-shift, 38)])) }
        // Split the quotient so `sum * 10^shift` never has to exist as one number.
        let q = sum / n, r = sum % n
        let factor = powersOfTen[min(shift, 38)]
        let (hi, overflow) = q.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw numericOverflow() }
        let (frac, fracOverflow) = r.multipliedReportingOverflow(by: factor)
        guard !fracOverflow else { throw numericOverflow() }
        return try checkDecimal(hi + divideRounded(frac, n))
    }

    /// A double as a decimal(38, scale) mantissa, going through the shortest
    /// round-trip digits so 1.6666666666666667 stays …667 and 2.5 stays exact.
    static func decimalFromDouble(_ d: Double, scale: Int) throws -> Int128 {
        guard d.isFinite else { throw numericOverflow() }
        if d == 0 { return 0 }
        let text = "\(d.magnitude)"
        var digits: Int128 = 0, fractionDigits = 0, exponent = 0, seenPoint = false, significant = 0
        var chars = Substring(text)
        if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(chars[chars.index(after: e)...]) ?? 0
            chars = chars[..<e]
        }
        for c in chars {
            if c == "." { seenPoint = true; continue }
            guard let v = c.wholeNumberValue else { throw numericOverflow() }
            if significant >= 36 { if !seenPoint { exponent += 1 }; continue }
            digits = digits * 10 + Int128(v)
            if digits != 0 { significant += 1 }
            if seenPoint { fractionDigits += 1 }
        }
        let shift = scale + exponent - fractionDigits
        var m: Int128
        if shift >= 0 {
            guard shift <= 38 else { throw numericOverflow() }
            let (p, o) = digits.multipliedReportingOverflow(by: powersOfTen[shift])
            guard !o else { throw numericOverflow() }
            m = p
        } else {
            m = -shift > 38 ? 0 : divideRounded(digits, powersOfTen[-shift])
        }
        if d < 0 { m = -m }
        return try checkDecimal(m)
    }

    static func intervalOverflow() -> SQLError { SQLError(SQLState.datetimeFieldOverflow, "interval out of range") }

    static func addIntervals(_ a: Interval, _ b: Interval) throws -> Interval {
        let (m, o1) = a.months.addingReportingOverflow(b.months)
        let (d, o2) = a.days.addingReportingOverflow(b.days)
        let (u, o3) = a.micros.addingReportingOverflow(b.micros)
        guard !o1 && !o2 && !o3 else { throw intervalOverflow() }
        return Interval(months: m, days: d, micros: u)
    }

    static func subtractIntervals(_ a: Interval, _ b: Interval) throws -> Interval {
        let (m, o1) = a.months.subtractingReportingOverflow(b.months)
        let (d, o2) = a.days.subtractingReportingOverflow(b.days)
        let (u, o3) = a.micros.subtractingReportingOverflow(b.micros)
        guard !o1 && !o2 && !o3 else { throw intervalOverflow() }
        return Interval(months: m, days: d, micros: u)
    }

    /// PostgreSQL's interval_mul: fractional months spill into days (30 per month)
    /// and fractional days into microseconds, rounded to whole microseconds.
    static func multiplyInterval(_ span: Interval, by factor: Double) throws -> Interval {
        try scaleInterval(span) { $0 * factor }
    }

    /// PostgreSQL's interval_div (avg(interval) divides the sum by the count this way).
    static func divideInterval(_ span: Interval, by divisor: Double) throws -> Interval {
        guard divisor != 0 else { throw SQLError(SQLState.divisionByZero, "division by zero") }
        return try scaleInterval(span) { $0 / divisor }
    }

    private static func scaleInterval(_ span: Interval, _ apply: (Double) -> Double) throws -> Interval {
        func tsRound(_ x: Double) -> Double { (x * 1_000_000).rounded(.toNearestOrEven) / 1_000_000 }
        let monthsExact = apply(Double(span.months))
        let daysExact = apply(Double(span.days))
        guard monthsExact.isFinite, daysExact.isFinite,
              let months = Int32(exactly: monthsExact.rounded(.towardZero)),
              var days = Int32(exactly: daysExact.rounded(.towardZero)) else { throw intervalOverflow() }
        let monthRemainderDays = tsRound((monthsExact - Double(months)) * 30)
        let wholeRemainderDays = monthRemainderDays.rounded(.towardZero)
        var secRemainder = tsRound((daysExact - Double(days) + monthRemainderDays - wholeRemainderDays) * 86_400)
        if secRemainder.magnitude >= 86_400 {
            let extra = (secRemainder / 86_400).rounded(.towardZero)
            guard let e = Int32(exactly: extra) else { throw intervalOverflow() }
            let (d, o) = days.addingReportingOverflow(e)
            guard !o else { throw intervalOverflow() }
            days = d
            secRemainder -= extra * 86_400
        }
        guard let wholeDays = Int32(exactly: wholeRemainderDays) else { throw intervalOverflow() }
        let (d2, o2) = days.addingReportingOverflow(wholeDays)
        guard !o2 else { throw intervalOverflow() }
        let micros = (apply(Double(span.micros)) + secRemainder * 1_000_000).rounded(.toNearestOrEven)
        guard micros.isFinite, micros.magnitude < 9.2e18, let us = Int64(exactly: micros) else { throw intervalOverflow() }
        return Interval(months: months, days: d2, micros: us)
    }

    /// Byte-wise order of two UTF-8/bytea values (PostgreSQL's C collation and memcmp order).
    @inline(__always)
    static func bytesLess(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            let x = a[i], y = b[i]
            if x != y { return x < y }
            i += 1
        }
        return a.count < b.count
    }

    /// Double order with NaN above every other value, as PostgreSQL sorts floats.
    @inline(__always)
    static func doubleLess(_ a: Double, _ b: Double) -> Bool {
        if a.isNaN { return false }
        if b.isNaN { return true }
        return a < b
    }

    /// Types min/max/percentile_disc/mode can order (PostgreSQL btree opclasses we store).
    static func isOrderable(_ t: DataType) -> Bool {
        switch t {
        case .boolean, .int16, .int32, .int64, .oid, .float32, .float64, .decimal, .text, .varchar, .char, .bytea,
             .date, .time, .timestamp, .timestamptz, .interval, .uuid:
            return true
        default:
            return false
        }
    }

    /// Builds a registry entry.
    static func register(_ registry: FunctionRegistry, _ names: [String],
                         _ resolve: @escaping (_ name: String, _ types: [DataType], _ direct: [Value]) throws -> AggregateResolution?) {
        for name in names {
            registry.register(AggregateFunction(name: name) { types, direct in try resolve(name, types, direct) })
        }
    }
}
