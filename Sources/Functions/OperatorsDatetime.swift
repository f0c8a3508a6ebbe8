// Date/time/interval arithmetic overloads of + - * /, as PostgreSQL 15 defines
// them: date ± integer, date - date, date/timestamp(tz) ± interval (months
// first with day clamping, then days, then time; timestamptz in the session
// zone), timestamp - timestamp (justified to days + time), date + time,
// time ± interval (wrapping at midnight), interval ± interval, and interval
// × / float8 with PostgreSQL's cascading of fractional months and days.

import Columnar
import Foundation

enum DatetimeArithmetic {
    static let day = Calendar.microsPerDay
    static let intervalOverflow = SQLError(SQLState.datetimeFieldOverflow, "interval out of range")
    static let timestampOverflow = SQLError(SQLState.datetimeFieldOverflow, "timestamp out of range")

    static func resolution(_ a: DataType, _ b: DataType, _ r: DataType, _ kernel: @escaping ScalarKernel) -> OperatorOverload {
        OperatorOverload([a, b]) { _ in ScalarResolution(argumentTypes: [a, b], returnType: r, kernel: kernel) }
    }

    /// Row loop over two int64-backed arguments producing an int64-backed result.
    static func int64Pair(_ type: DataType, _ f: @escaping (Int64, Int64, Int64) throws -> Int64) -> ScalarKernel {
        { args, n, ctx in
            let off = Int64(ctx.timeZoneOffsetSeconds) * Calendar.microsPerSecond
            let a = args[0], b = args[1], xs = Kernels.int64s(a), ys = Kernels.int64s(b)
            return try Kernels.buildInt64(count: n, type: type, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                try f(xs[i], ys[i], off)
            }
        }
    }

    /// int64-backed value (left) with an interval (right).
    static func withInterval(_ type: DataType, swapped: Bool, _ f: @escaping (Int64, Interval, Int64) throws -> Int64) -> ScalarKernel {
        { args, n, ctx in
            let off = Int64(ctx.timeZoneOffsetSeconds) * Calendar.microsPerSecond
            let a = args[swapped ? 1 : 0], b = args[swapped ? 0 : 1]
            let xs = Kernels.int64s(a), ys = Kernels.intervals(b)
            return try Kernels.buildInt64(count: n, type: type, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                try f(xs[i], ys[i], off)
            }
        }
    }

    static func isInfinite(_ x: Int64) -> Bool { x == Int64.max || x == Int64.min }

    /// Days → µs, 22008 when the date is beyond the timestamp range.
    static func dateMicros(_ d: Int64) throws -> Int64 {
        if isInfinite(d) { return d }
        let r = d.multipliedReportingOverflow(by: day)
        guard !r.overflow else { throw SQLError(SQLState.datetimeFieldOverflow, "date out of range for timestamp") }
        return r.partialValue
    }

    /// date ± days, 22008 beyond PostgreSQL's date range.
    static func dateShift(_ d: Int64, _ k: Int64) throws -> Int64 {
        let r = d.addingReportingOverflow(k)
        guard !r.overflow, Swift.abs(r.partialValue) < 2_147_483_647 else {
            throw SQLError(SQLState.datetimeFieldOverflow, "date out of range")
        }
        return r.partialValue
    }

    static func addChecked(_ a: Int64, _ b: Int64) throws -> Int64 {
        let r = a.addingReportingOverflow(b)
        guard !r.overflow else { throw timestampOverflow }
        return r.partialValue
    }

    static func negate(_ iv: Interval) throws -> Interval {
        guard iv.months != Int32.min, iv.days != Int32.min, iv.micros != Int64.min else { throw intervalOverflow }
        return Interval(months: -iv.months, days: -iv.days, micros: -iv.micros)
    }

    /// timestamp + interval (PostgreSQL's timestamp_pl_interval), on local µs.
    static func addInterval(_ t: Int64, _ iv: Interval) throws -> Int64 {
        if t == Int64.max || t == Int64.min { return t }
        var micros = t
        if iv.months != 0 {
            let (d, tod) = Calendar.split(micros: micros)
            let nd = Calendar.addMonths(days: d, months: Int(iv.months))
            let scaled = nd.multipliedReportingOverflow(by: day)
            guard !scaled.overflow else { throw timestampOverflow }
            let withTime = scaled.partialValue.addingReportingOverflow(tod)
            guard !withTime.overflow else { throw timestampOverflow }
            micros = withTime.partialValue
        }
        if iv.days != 0 {
            let r = micros.addingReportingOverflow(Int64(iv.days) &* day)  // |days| < 2^31, so the product fits
            guard !r.overflow else { throw timestampOverflow }
            micros = r.partialValue
        }
        let r = micros.addingReportingOverflow(iv.micros)
        guard !r.overflow, validTimestamps.contains(r.partialValue) else { throw timestampOverflow }
        return r.partialValue
    }

    /// PostgreSQL's timestamp range: 4714-11-24 BC up to (not including) 294277-01-01.
    static let validTimestamps: ClosedRange<Int64> = -211_813_488_000_000_000...9_223_371_331_199_999_999

    /// timestamp - timestamp: microseconds justified into whole days plus time.
    static func difference(_ a: Int64, _ b: Int64) throws -> Interval {
        let r = a.subtractingReportingOverflow(b)
        guard !r.overflow else { throw intervalOverflow }
        let days = r.partialValue / day
        guard let d32 = Int32(exactly: days) else { throw intervalOverflow }
        return Interval(months: 0, days: d32, micros: r.partialValue - days * day)
    }

    static func addIntervals(_ a: Interval, _ b: Interval, subtract: Bool) throws -> Interval {
        let m = subtract ? a.months.subtractingReportingOverflow(b.months) : a.months.addingReportingOverflow(b.months)
        let d = subtract ? a.days.subtractingReportingOverflow(b.days) : a.days.addingReportingOverflow(b.days)
        let t = subtract ? a.micros.subtractingReportingOverflow(b.micros) : a.micros.addingReportingOverflow(b.micros)
        guard !m.overflow, !d.overflow, !t.overflow else { throw intervalOverflow }
        return Interval(months: m.partialValue, days: d.partialValue, micros: t.partialValue)
    }

    static func tsRound(_ x: Double) -> Double { (x * 1e6).rounded(.toNearestOrEven) / 1e6 }

    /// interval × factor with PostgreSQL 15's interval_mul cascading.
    static func multiply(_ span: Interval, _ factor: Double, divide: Bool) throws -> Interval {
        if divide && factor == 0 { throw Arithmetic.divisionByZero }
        func scaled(_ v: Double) -> Double { divide ? v / factor : v * factor }
        let monthsD = scaled(Double(span.months))
        let daysD = scaled(Double(span.days))
        guard monthsD.isFinite, daysD.isFinite, Swift.abs(monthsD) < 2147483648, Swift.abs(daysD) < 2147483648 else { throw intervalOverflow }
        let months = Int32(monthsD.rounded(.towardZero))
        var days = Int32(daysD.rounded(.towardZero))
        let monthRemainderDays = tsRound((monthsD - Double(months)) * 30)
        var secRemainder = tsRound((daysD - Double(days) + monthRemainderDays - monthRemainderDays.rounded(.towardZero)) * 86400)
        if Swift.abs(secRemainder) >= 86400 {
            let whole = (secRemainder / 86400).rounded(.towardZero)
            days = days &+ Int32(whole)
            secRemainder -= whole * 86400
        }
        days = days &+ Int32(monthRemainderDays.rounded(.towardZero))
        let timeD = (scaled(Double(span.micros)) + secRemainder * 1e6).rounded(.toNearestOrEven)
        guard timeD.isFinite, Swift.abs(timeD) < 9.2e18 else { throw intervalOverflow }
        return Interval(months: months, days: days, micros: Int64(timeD))
    }

    static func overloads(_ op: ArithOp) -> [OperatorOverload] {
        var out: [OperatorOverload] = []
        switch op {
        case .add:
            out.append(resolution(.date, .int32, .date, int64Pair(.date) { d, k, _ in isInfinite(d) ? d : try dateShift(d, k) }))
            out.append(resolution(.int32, .date, .date, int64Pair(.date) { k, d, _ in isInfinite(d) ? d : try dateShift(d, k) }))
            for (t, r) in [(DataType.date, DataType.timestamp), (.timestamp, .timestamp), (.timestamptz, .timestamptz)] {
                let f: (Int64, Interval, Int64) throws -> Int64 = { x, iv, off in
                    switch t {
                    case .date: return try addInterval(try dateMicros(x), iv)
                    case .timestamptz:
                        if x == Int64.max || x == Int64.min { return x }
                        return try addInterval(x &+ off, iv) &- off
                    default: return try addInterval(x, iv)
                    }
                }
                out.append(resolution(t, .interval, r, withInterval(r, swapped: false, f)))
                out.append(resolution(.interval, t, r, withInterval(r, swapped: true, f)))
            }
            out.append(resolution(.date, .time, .timestamp, int64Pair(.timestamp) { d, t, _ in isInfinite(d) ? d : try addChecked(try dateMicros(d), t) }))
            out.append(resolution(.time, .date, .timestamp, int64Pair(.timestamp) { t, d, _ in isInfinite(d) ? d : try addChecked(try dateMicros(d), t) }))
            let timePlus: (Int64, Interval, Int64) throws -> Int64 = { t, iv, _ in
                var r = (t % day + iv.micros % day) % day
                if r < 0 { r += day }
                return r
            }
            out.append(resolution(.time, .interval, .time, withInterval(.time, swapped: false, timePlus)))
            out.append(resolution(.interval, .time, .time, withInterval(.time, swapped: true, timePlus)))
            out.append(intervalPair(subtract: false))
        case .sub:
            out.append(resolution(.date, .int32, .date, int64Pair(.date) { d, k, _ in isInfinite(d) ? d : try dateShift(d, -k) }))
            out.append(resolution(.date, .date, .int32, int64Pair(.int32) { a, b, _ in
                guard !isInfinite(a), !isInfinite(b) else {
                    throw SQLError(SQLState.datetimeFieldOverflow, "cannot subtract infinite dates")
                }
                let diff = a.subtractingReportingOverflow(b)
                guard !diff.overflow, let r = Int32(exactly: diff.partialValue) else { throw Cast.outOfRange(.int32) }
                return Int64(r)
            }))
            for (t, r) in [(DataType.date, DataType.timestamp), (.timestamp, .timestamp), (.timestamptz, .timestamptz)] {
                out.append(resolution(t, .interval, r, withInterval(r, swapped: false) { x, iv, off in
                    let neg = try negate(iv)
                    switch t {
                    case .date: return try addInterval(try dateMicros(x), neg)
                    case .timestamptz:
                        if x == Int64.max || x == Int64.min { return x }
                        return try addInterval(x &+ off, neg) &- off
                    default: return try addInterval(x, neg)
                    }
                }))
            }
            for t in [DataType.timestamp, .timestamptz] {
                out.append(OperatorOverload([t, t]) { _ in
                    ScalarResolution(argumentTypes: [t, t], returnType: .interval) { args, n, _ in
                        let a = args[0], b = args[1], xs = Kernels.int64s(a), ys = Kernels.int64s(b)
                        return try Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                            try difference(xs[i], ys[i])
                        }
                    }
                })
            }
            out.append(OperatorOverload([.time, .time]) { _ in
                ScalarResolution(argumentTypes: [.time, .time], returnType: .interval) { args, n, _ in
                    let a = args[0], b = args[1], xs = Kernels.int64s(a), ys = Kernels.int64s(b)
                    return Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                        Interval(micros: xs[i] &- ys[i])
                    }
                }
            })
            out.append(resolution(.time, .interval, .time, withInterval(.time, swapped: false) { t, iv, _ in
                var r = (t % day - iv.micros % day) % day
                if r < 0 { r += day }
                return r
            }))
            out.append(intervalPair(subtract: true))
        case .mul, .div:
            let divide = op == .div
            let k: ScalarKernel = { args, n, _ in
                let ivIndex = args[0].type == .interval ? 0 : 1
                let a = args[ivIndex], b = args[1 - ivIndex]
                let xs = Kernels.intervals(a), ys = Kernels.doubles(b)
                return try Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                    try multiply(xs[i], ys[i], divide: divide)
                }
            }
            out.append(OperatorOverload([.interval, .float64]) { _ in
                ScalarResolution(argumentTypes: [.interval, .float64], returnType: .interval, kernel: k)
            })
            if !divide {
                out.append(OperatorOverload([.float64, .interval]) { _ in
                    ScalarResolution(argumentTypes: [.float64, .interval], returnType: .interval, kernel: k)
                })
            }
        default: break
        }
        return out
    }

    static func intervalPair(subtract: Bool) -> OperatorOverload {
        OperatorOverload([.interval, .interval]) { _ in
            ScalarResolution(argumentTypes: [.interval, .interval], returnType: .interval) { args, n, _ in
                let a = args[0], b = args[1], xs = Kernels.intervals(a), ys = Kernels.intervals(b)
                return try Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                    try addIntervals(xs[i], ys[i], subtract: subtract)
                }
            }
        }
    }
}
