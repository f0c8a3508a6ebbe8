// Date/time functions with PostgreSQL 15 semantics: date_trunc, date_part
// (double) and extract (numeric), age (PostgreSQL's field-wise borrow
// algorithm), make_date/make_time/make_timestamp[tz]/make_interval, now() and
// friends, justify_*, date_bin, isfinite and timezone(zone, ts). Dates are
// days and timestamps µs since 1970-01-01; timestamptz values are UTC and are
// broken into fields in the session zone's fixed offset
// (FunctionContext.timeZoneOffsetSeconds). to_char/to_date/to_timestamp are
// in DateTimeFormatting at the end of this file: a template is tokenized once
// per distinct format string (longest keyword match, FM prefix, TH suffix,
// quoted literals) and then rendered or parsed per row; NumberFormatting
// handles to_char/to_number for numbers.

import Foundation
import Columnar

/// A datetime field name as date_trunc/date_part/extract accept it.
enum DateUnit: String {
    case microseconds, milliseconds, second, minute, hour, day, week, month, quarter, year, decade, century, millennium
    case dow, doy, isodow, isoyear, epoch, julian, timezone, timezoneHour = "timezone_hour", timezoneMinute = "timezone_minute"

    static let aliases: [String: DateUnit] = {
        var m: [String: DateUnit] = [:]
        let table: [(DateUnit, [String])] = [
            (.microseconds, ["microsecond", "microseconds", "microsecon", "us", "usec", "usecs", "useconds"]),
            (.milliseconds, ["millisecond", "milliseconds", "millisecon", "ms", "msec", "msecs", "mseconds"]),
            (.second, ["second", "seconds", "sec", "secs", "s"]),
            (.minute, ["minute", "minutes", "min", "mins", "m"]),
            (.hour, ["hour", "hours", "h", "hr", "hrs"]),
            (.day, ["day", "days", "d"]),
            (.week, ["week", "weeks", "w"]),
            (.month, ["month", "months", "mon", "mons"]),
            (.quarter, ["quarter", "qtr"]),
            (.year, ["year", "years", "y", "yr", "yrs"]),
            (.decade, ["decade", "decades", "dec", "decs"]),
            (.century, ["century", "centuries", "c", "cent"]),
            (.millennium, ["millennium", "millennia", "mil", "mils", "millenniums"]),
            (.dow, ["dow"]), (.doy, ["doy"]), (.isodow, ["isodow"]), (.isoyear, ["isoyear"]),
            (.epoch, ["epoch"]), (.julian, ["julian", "j"]),
            (.timezone, ["timezone"]), (.timezoneHour, ["timezone_h", "timezone_hour"]), (.timezoneMinute, ["timezone_m", "timezone_minute"]),
        ]
        for (u, names) in table { for n in names { m[n] = u } }
        return m
    }()

    static func parse(_ text: String, for type: DataType) throws -> DateUnit {
        let key = text.lowercased().trimmingCharacters(in: .whitespaces)
        guard let u = aliases[key] else {
            throw SQLError(SQLState.invalidParameterValue, "unit \"\(text)\" not recognized for type \(type)")
        }
        return u
    }

    func unsupported(_ type: DataType) -> SQLError {
        SQLError(SQLState.featureNotSupported, "unit \"\(rawValue)\" not supported for type \(type)")
    }
}

/// Broken-down civil fields of a local timestamp.
struct CivilTime {
    var days: Int64
    var timeOfDay: Int64
    var year: Int, month: Int, day: Int
    var hour: Int, minute: Int, second: Int, micros: Int

    init(micros t: Int64) {
        let (d, tod) = Calendar.split(micros: t)
        days = d; timeOfDay = tod
        (year, month, day) = Calendar.civil(days: d)
        (hour, minute, second, micros) = Calendar.clock(timeOfDay: tod)
    }

    init(days d: Int64) { self.init(micros: d &* Calendar.microsPerDay) ; days = d }

    var dayOfYear: Int { Int(days - Calendar.days(year: year, month: 1, day: 1)) + 1 }

    /// ISO 8601 week-numbering year and week.
    var isoWeek: (year: Int, week: Int) {
        let thursday = days - Int64(Calendar.isoWeekday(days: days) - 1) + 3
        let y = Calendar.civil(days: thursday).year
        return (y, Int((thursday - Calendar.days(year: y, month: 1, day: 1)) / 7) + 1)
    }

    /// PostgreSQL prints year 0 of the astronomical calendar as 1 BC (-1).
    var displayYear: Int { year > 0 ? year : year - 1 }
}

public enum DateTimeFunctions {
    static func register(into registry: FunctionRegistry) {
        let r = OverloadTable()
        registerTruncAndExtract(r)
        registerConstructors(r)
        registerCurrent(r)
        registerArithmetic(r)
        registerFormatting(r)
        r.install(into: registry)
    }

    /// Days representable as µs timestamps in an Int64.
    static let maxTimestampDays: Int64 = Int64.max / Calendar.microsPerDay - 1

    static func offsetMicros(_ ctx: FunctionContext) -> Int64 { Int64(ctx.timeZoneOffsetSeconds) * Calendar.microsPerSecond }

    static func rangeError(_ what: String = "timestamp") -> SQLError {
        SQLError(SQLState.datetimeFieldOverflow, "\(what) out of range")
    }

    /// Field name of a constant vector, parsed once; per-row otherwise.
    final class UnitCache {
        private var last: [UInt8]? = nil
        private var lastUnit: DateUnit = .day
        let type: DataType
        init(type: DataType) { self.type = type }
        func unit(_ bytes: UnsafeBufferPointer<UInt8>) throws -> DateUnit {
            if let last, last.elementsEqual(bytes) { return lastUnit }
            lastUnit = try DateUnit.parse(String(decoding: bytes, as: UTF8.self), for: type)
            last = Array(bytes)
            return lastUnit
        }
    }

    // MARK: date_trunc

    static func truncate(_ unit: DateUnit, micros t: Int64, type: DataType) throws -> Int64 {
        let c = CivilTime(micros: t)
        // The start of the first or last representable day (or week) would not fit in µs.
        guard Swift.abs(c.days) < maxTimestampDays - 7 else { throw rangeError() }
        let dayStart = c.days * Calendar.microsPerDay
        func yearStart(_ y: Int) -> Int64 { Calendar.days(year: y, month: 1, day: 1) * Calendar.microsPerDay }
        switch unit {
        case .microseconds: return t
        case .milliseconds: return t - floorMod(t, 1000)
        case .second: return t - floorMod(t, Calendar.microsPerSecond)
        case .minute: return t - floorMod(t, Calendar.microsPerMinute)
        case .hour: return t - floorMod(t, Calendar.microsPerHour)
        case .day: return dayStart
        case .week: return (c.days - Int64(Calendar.isoWeekday(days: c.days) - 1)) * Calendar.microsPerDay
        case .month: return Calendar.days(year: c.year, month: c.month, day: 1) * Calendar.microsPerDay
        case .quarter: return Calendar.days(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1) * Calendar.microsPerDay
        case .year: return yearStart(c.year)
        case .decade: return yearStart(c.year >= 0 ? c.year / 10 * 10 : -((9 - c.year) / 10) * 10)
        case .century:
            let y = c.displayYear
            return yearStart(y > 0 ? (y + 99) / 100 * 100 - 99 : -((99 - (y + 1)) / 100) * 100 + 1)
        case .millennium:
            let y = c.displayYear
            return yearStart(y > 0 ? (y + 999) / 1000 * 1000 - 999 : -((999 - (y + 1)) / 1000) * 1000 + 1)
        default: throw unit.unsupported(type)
        }
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { let m = a % b; return m < 0 ? m + b : m }

    static func truncateInterval(_ unit: DateUnit, _ iv: Interval) throws -> Interval {
        var years = Int(iv.months) / 12, months = Int(iv.months) % 12
        var days = iv.days
        var micros = iv.micros
        let hours = micros / Calendar.microsPerHour
        switch unit {
        case .millennium: years = years / 1000 * 1000; months = 0; days = 0; micros = 0
        case .century: years = years / 100 * 100; months = 0; days = 0; micros = 0
        case .decade: years = years / 10 * 10; months = 0; days = 0; micros = 0
        case .year: months = 0; days = 0; micros = 0
        case .quarter: months = months / 3 * 3; days = 0; micros = 0
        case .month: days = 0; micros = 0
        case .day: micros = 0
        case .hour: micros = hours * Calendar.microsPerHour
        case .minute: micros = micros / Calendar.microsPerMinute * Calendar.microsPerMinute
        case .second: micros = micros / Calendar.microsPerSecond * Calendar.microsPerSecond
        case .milliseconds: micros = micros / 1000 * 1000
        case .microseconds: break
        case .week:
            throw SQLError(SQLState.featureNotSupported, "interval units \"week\" not supported because months usually have fractional weeks")
        default: throw unit.unsupported(.interval)
        }
        return Interval(months: Int32(years * 12 + months), days: days, micros: micros)
    }

    // MARK: extract / date_part

    /// A field's value as a numeric mantissa and scale.
    typealias Extracted = (mantissa: Int128, scale: Int)

    static func extractTimestamp(_ unit: DateUnit, micros t: Int64, type: DataType, utcMicros: Int64, zoneSeconds: Int) throws -> Extracted {
        // Fields of the time of day need no calendar date (`extract(hour …)` per row in GROUP BY).
        switch unit {
        case .microseconds, .milliseconds, .second, .minute, .hour:
            let (hour, minute, second, micros) = Calendar.clock(timeOfDay: Calendar.split(micros: t).1)
            let secMicros = Int128(second) * 1_000_000 + Int128(micros)
            switch unit {
            case .microseconds: return (secMicros, 0)
            case .milliseconds: return (secMicros, 3)
            case .second: return (secMicros, 6)
            case .minute: return (Int128(minute), 0)
            default: return (Int128(hour), 0)
            }
        default:
            break
        }
        let c = CivilTime(micros: t)
        let secMicros = Int128(c.second) * 1_000_000 + Int128(c.micros)
        switch unit {
        case .microseconds: return (secMicros, 0)
        case .milliseconds: return (secMicros, 3)
        case .second: return (secMicros, 6)
        case .minute: return (Int128(c.minute), 0)
        case .hour: return (Int128(c.hour), 0)
        case .day: return (Int128(c.day), 0)
        case .month: return (Int128(c.month), 0)
        case .quarter: return (Int128((c.month - 1) / 3 + 1), 0)
        case .year: return (Int128(c.displayYear), 0)
        case .week: return (Int128(c.isoWeek.week), 0)
        case .isoyear:
            let y = c.isoWeek.year
            return (Int128(y > 0 ? y : y - 1), 0)
        case .dow: return (Int128(Calendar.isoWeekday(days: c.days) % 7), 0)
        case .isodow: return (Int128(Calendar.isoWeekday(days: c.days)), 0)
        case .doy: return (Int128(c.dayOfYear), 0)
        case .decade:
            let y = c.year
            return (Int128(y >= 0 ? y / 10 : -((8 - (y - 1)) / 10)), 0)
        case .century:
            let y = c.displayYear
            return (Int128(y > 0 ? (y + 99) / 100 : -((99 - (y - 1)) / 100)), 0)
        case .millennium:
            let y = c.displayYear
            return (Int128(y > 0 ? (y + 999) / 1000 : -((999 - (y - 1)) / 1000)), 0)
        case .epoch: return (Int128(utcMicros), 6)
        case .julian:
            // Julian day number plus the fraction of the day, 16 fractional digits like PostgreSQL.
            let jd = Int128(c.days + 2_440_588)
            let day = Int128(Calendar.microsPerDay)
            let frac = (Int128(c.timeOfDay) * Dec.pow10[16] + day / 2) / day
            return (jd * Dec.pow10[16] + frac, 16)
        case .timezone, .timezoneHour, .timezoneMinute:
            guard type == .timestamptz else { throw unit.unsupported(type) }
            switch unit {
            case .timezone: return (Int128(zoneSeconds), 0)
            case .timezoneHour: return (Int128(zoneSeconds / 3600), 0)
            default: return (Int128(zoneSeconds / 60 % 60), 0)
            }
        }
    }

    static func extractDate(_ unit: DateUnit, days: Int64) throws -> Extracted {
        switch unit {
        case .microseconds, .milliseconds, .second, .minute, .hour, .timezone, .timezoneHour, .timezoneMinute:
            throw unit.unsupported(.date)
        case .epoch: return (Int128(days) * 86400, 0)
        case .julian: return (Int128(days + 2_440_588), 0)
        default:
            return try extractTimestamp(unit, micros: days * Calendar.microsPerDay, type: .date, utcMicros: 0, zoneSeconds: 0)
        }
    }

    static func extractTime(_ unit: DateUnit, micros t: Int64) throws -> Extracted {
        let secMicros = Int128(t % Calendar.microsPerMinute)
        switch unit {
        case .microseconds: return (secMicros, 0)
        case .milliseconds: return (secMicros, 3)
        case .second: return (secMicros, 6)
        case .minute: return (Int128(t / Calendar.microsPerMinute % 60), 0)
        case .hour: return (Int128(t / Calendar.microsPerHour), 0)
        case .epoch: return (Int128(t), 6)
        default: throw unit.unsupported(.time)
        }
    }

    static func extractInterval(_ unit: DateUnit, _ iv: Interval) throws -> Extracted {
        let years = Int128(iv.months / 12), months = Int128(iv.months % 12)
        let secMicros = Int128(iv.micros % Calendar.microsPerMinute)
        switch unit {
        case .microseconds: return (secMicros, 0)
        case .milliseconds: return (secMicros, 3)
        case .second: return (secMicros, 6)
        case .minute: return (Int128(iv.micros / Calendar.microsPerMinute % 60), 0)
        case .hour: return (Int128(iv.micros / Calendar.microsPerHour), 0)
        case .day: return (Int128(iv.days), 0)
        case .month: return (months, 0)
        case .quarter: return (months / 3 + 1, 0)
        case .year: return (years, 0)
        case .decade: return (years / 10, 0)
        case .century: return (years / 100, 0)
        case .millennium: return (years / 1000, 0)
        case .epoch:
            // 365.25-day years and 30-day months, as PostgreSQL's interval epoch.
            let secs = years * 31_557_600 + months * 2_592_000 + Int128(iv.days) * 86_400
            return (secs * 1_000_000 + Int128(iv.micros), 6)
        default: throw unit.unsupported(.interval)
        }
    }

    /// The numeric scale extract() gives `unit` on `type` (PostgreSQL 14+).
    static func extractScale(_ unit: DateUnit, type: DataType) -> Int {
        switch unit {
        case .second: return 6
        case .milliseconds: return 3
        case .epoch: return type == .date ? 0 : 6
        case .julian: return type == .date ? 0 : 16
        default: return 0
        }
    }

    /// Resolution of EXTRACT(field FROM x) when the binder knows the field: the
    /// result is numeric with exactly PostgreSQL's scale (e.g. 6 for second).
    /// The registered "extract"(text, x) function always returns scale 6.
    /// `withFieldArgument`: the call still passes the field text as its first argument (ignored by the kernel).
    public static func resolveExtract(field: String, argumentType: DataType, withFieldArgument: Bool = false) throws -> ScalarResolution? {
        let source: DataType
        switch argumentType {
        case .date, .time, .timestamp, .timestamptz, .interval: source = argumentType
        case .null: source = .timestamptz
        default: return nil
        }
        let unit = try DateUnit.parse(field, for: source)
        let scale = extractScale(unit, type: source)
        let out = DataType.decimal(precision: 38, scale: scale)
        let valueIndex = withFieldArgument ? 1 : 0
        return ScalarResolution(argumentTypes: withFieldArgument ? [.text, source] : [source], returnType: out) { a, n, ctx in
            try extractKernel(values: a[valueIndex], fields: nil, fixedUnit: unit, source: source, count: n, ctx: ctx, scale: scale)
        }
    }

    /// Extracts a field from every row into numeric at `scale` (nil scale: double precision).
    static func extractKernel(values: Vector, fields: Vector?, fixedUnit: DateUnit?, source: DataType, count n: Int,
                              ctx: FunctionContext, scale: Int?) throws -> Vector {
        let cache = UnitCache(type: source)
        let off = offsetMicros(ctx)
        var fields = fields, fixedUnit = fixedUnit
        if let f = fields, let text = constantString(f) {
            // A constant field (the usual case) is parsed once; no per-row field strings.
            fixedUnit = try DateUnit.parse(text, for: source)
            fields = nil
        }
        if let unit = fixedUnit, fields == nil, source == .timestamp, let scale, unit == .hour || unit == .minute {
            // The hour or minute of a timestamp column (GROUP BY extract(hour FROM t)): one pass
            // over the values, where the general path's per-row closure, field lookup and
            // rescaling took ~16 ns a row (4% of click-stream m7).
            let out = DataType.decimal(precision: 38, scale: scale)
            return try Map.unary(values, out) { (t: Int64) -> Int128 in
                let clock = Calendar.clock(timeOfDay: Calendar.split(micros: t).timeOfDay)
                return try Dec.rescale(Int128(unit == .hour ? clock.hour : clock.minute), from: 0, to: scale)
            }
        }
        let ints = source == .interval ? [] : Kernels.int64s(values)
        let ivs = source == .interval ? Kernels.intervals(values) : []
        func value(_ row: Int, _ unit: DateUnit) throws -> Extracted {
            switch source {
            case .date: return try extractDate(unit, days: ints[row])
            case .time: return try extractTime(unit, micros: ints[row])
            case .interval: return try extractInterval(unit, ivs[row])
            case .timestamptz:
                return try extractTimestamp(unit, micros: ints[row] &+ off, type: .timestamptz, utcMicros: ints[row], zoneSeconds: ctx.timeZoneOffsetSeconds)
            default:
                return try extractTimestamp(unit, micros: ints[row], type: .timestamp, utcMicros: ints[row], zoneSeconds: 0)
            }
        }
        let all = fields.map { [$0, values] } ?? [values]
        if let scale {
            let out = DataType.decimal(precision: 38, scale: scale)
            return try Map.fromString(fields.map { [$0] } ?? [], all: all, count: n, out) { row, inp -> Int128? in
                let unit = try fixedUnit ?? cache.unit(inp[0])
                let e = try value(row, unit)
                return try Dec.rescale(e.mantissa, from: e.scale, to: scale)
            }
        }
        return try Map.fromString(fields.map { [$0] } ?? [], all: all, count: n, .float64) { row, inp -> Double? in
            let unit = try fixedUnit ?? cache.unit(inp[0])
            let e = try value(row, unit)
            return Dec.toDouble(e.mantissa, scale: e.scale)
        }
    }

    private static func registerTruncAndExtract(_ r: OverloadTable) {
        // A time argument goes through PostgreSQL's implicit time → interval cast.
        r.register(["date_trunc"], [[.text, .exact(.timestamp)], [.text, .exact(.timestamptz)], [.text, .exact(.interval)], [.text, .exact(.time)]]) { i, t in
            let type = i == 3 ? DataType.interval : t[1]
            return ScalarResolution(argumentTypes: t, returnType: type) { a, n, ctx in
                let cache = UnitCache(type: type)
                if i >= 2 {
                    let ivs = i == 2 ? Kernels.intervals(a[1]) : ContiguousArray(Kernels.int64s(a[1]).map { Interval(micros: $0) })
                    return try Map.fromString([a[0]], all: a, count: n, .interval) { row, inp -> Interval? in
                        try truncateInterval(try cache.unit(inp[0]), ivs[row])
                    }
                }
                let off = i == 1 ? offsetMicros(ctx) : 0
                if let field = constantString(a[0]) {
                    // The usual case, date_trunc('month', col): parse the unit once and map the column.
                    let unit = try DateUnit.parse(field, for: type)
                    return try Map.unary(a[1], type) { (x: Int64) -> Int64 in try truncate(unit, micros: x &+ off, type: type) &- off }
                }
                let values = Kernels.int64s(a[1])
                return try Map.fromString([a[0]], all: a, count: n, type) { row, inp -> Int64? in
                    try truncate(try cache.unit(inp[0]), micros: values[row] &+ off, type: type) &- off
                }
            }
        }
        let sources: [DataType] = [.timestamp, .timestamptz, .interval, .time]
        r.register(["date_part"], (sources + [.date]).map { [.text, .exact($0)] }) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .float64) { a, n, ctx in
                if t[1] == .date {
                    // PostgreSQL's date_part(text, date) is date_part(text, date::timestamp).
                    let asTimestamp = Map.unary(a[1], .timestamp) { (d: Int64) -> Int64 in d &* Calendar.microsPerDay }
                    return try extractKernel(values: asTimestamp, fields: a[0], fixedUnit: nil, source: .timestamp, count: n, ctx: ctx, scale: nil)
                }
                return try extractKernel(values: a[1], fields: a[0], fixedUnit: nil, source: t[1], count: n, ctx: ctx, scale: nil)
            }
        }
        r.register(["extract"], ([DataType.date] + sources).map { [.text, .exact($0)] }) { _, t in
            let out = DataType.decimal(precision: 38, scale: 6)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, n, ctx in
                try extractKernel(values: a[1], fields: a[0], fixedUnit: nil, source: t[1], count: n, ctx: ctx, scale: 6)
            }
        }
    }

    // MARK: make_*, age, justify, date_bin, isfinite, timezone

    static func makeDate(_ y: Int64, _ m: Int64, _ d: Int64) throws -> Int64 {
        // Negative years are BC: -1 is 1 BC, i.e. astronomical year 0.
        let year = y < 0 ? y + 1 : y
        guard y != 0, (1...12).contains(m), year > -4713, year < 5_874_898, d >= 1,
              d <= Int64(Calendar.daysInMonth(year: Int(year), month: Int(m))) else {
            throw SQLError(SQLState.datetimeFieldOverflow, "date field value out of range: \(y)-\(pad2(m))-\(pad2(d))")
        }
        return Calendar.days(year: Int(year), month: Int(m), day: Int(d))
    }

    static func pad2(_ v: Int64) -> String { v >= 0 && v < 10 ? "0\(v)" : "\(v)" }

    static func makeTime(_ h: Int64, _ m: Int64, _ s: Double) throws -> Int64 {
        let us = (s * 1e6).rounded()
        guard (0...24).contains(h), (0...59).contains(m), s >= 0, us <= 60e6,
              h < 24 || (m == 0 && us == 0) else {
            throw SQLError(SQLState.datetimeFieldOverflow, "time field value out of range: \(h):\(pad2(m)):\(pad2(Int64(s)))")
        }
        return h * Calendar.microsPerHour + m * Calendar.microsPerMinute + Int64(us)
    }

    /// PostgreSQL's age(): field-wise difference with borrowing from the larger fields.
    static func age(_ t1: Int64, _ t2: Int64) -> Interval {
        let a = CivilTime(micros: t1), b = CivilTime(micros: t2)
        var us = a.micros - b.micros, sec = a.second - b.second, min = a.minute - b.minute
        var hour = a.hour - b.hour, day = a.day - b.day, mon = a.month - b.month, year = a.year - b.year
        let flip = t1 < t2
        if flip { us = -us; sec = -sec; min = -min; hour = -hour; day = -day; mon = -mon; year = -year }
        while us < 0 { us += 1_000_000; sec -= 1 }
        while sec < 0 { sec += 60; min -= 1 }
        while min < 0 { min += 60; hour -= 1 }
        while hour < 0 { hour += 24; day -= 1 }
        while day < 0 {
            let ref = flip ? a : b
            day += Calendar.daysInMonth(year: ref.year, month: ref.month)
            mon -= 1
        }
        while mon < 0 { mon += 12; year -= 1 }
        if flip { us = -us; sec = -sec; min = -min; hour = -hour; day = -day; mon = -mon; year = -year }
        let micros = ((Int64(hour) * 60 + Int64(min)) * 60 + Int64(sec)) * 1_000_000 + Int64(us)
        return Interval(months: Int32(clamping: year * 12 + mon), days: Int32(clamping: day), micros: micros)
    }

    static func justifyHours(_ iv: Interval) -> Interval {
        var r = iv
        let extraDays = r.micros / Calendar.microsPerDay
        r.micros -= extraDays * Calendar.microsPerDay
        r.days = Int32(clamping: Int64(r.days) + extraDays)
        if r.days > 0 && r.micros < 0 { r.micros += Calendar.microsPerDay; r.days -= 1 }
        else if r.days < 0 && r.micros > 0 { r.micros -= Calendar.microsPerDay; r.days += 1 }
        return r
    }

    static func justifyDays(_ iv: Interval) -> Interval {
        var r = iv
        let extraMonths = r.days / 30
        r.days -= extraMonths * 30
        r.months = r.months &+ extraMonths
        if r.months > 0 && r.days < 0 { r.days += 30; r.months -= 1 }
        else if r.months < 0 && r.days > 0 { r.days -= 30; r.months += 1 }
        return r
    }

    static func justifyInterval(_ iv: Interval) -> Interval {
        var r = iv
        let extraDays = r.micros / Calendar.microsPerDay
        r.micros -= extraDays * Calendar.microsPerDay
        r.days = Int32(clamping: Int64(r.days) + extraDays)
        let extraMonths = r.days / 30
        r.days -= extraMonths * 30
        r.months = r.months &+ extraMonths
        if r.months > 0 && (r.days < 0 || (r.days == 0 && r.micros < 0)) { r.days += 30; r.months -= 1 }
        else if r.months < 0 && (r.days > 0 || (r.days == 0 && r.micros > 0)) { r.days -= 30; r.months += 1 }
        if r.days > 0 && r.micros < 0 { r.micros += Calendar.microsPerDay; r.days -= 1 }
        else if r.days < 0 && r.micros > 0 { r.micros -= Calendar.microsPerDay; r.days += 1 }
        return r
    }

    private static func registerConstructors(_ r: OverloadTable) {
        let I = Param.exact(.int32), D = Param.exact(.float64)
        r.register(["make_date"], [[I, I, I]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .date) { a, n, _ in
                let y = Kernels.int64s(a[0]), m = Kernels.int64s(a[1]), d = Kernels.int64s(a[2])
                return try Map.rows(a, count: n, .date) { row -> Int64? in try makeDate(y[row], m[row], d[row]) }
            }
        }
        r.register(["make_time"], [[I, I, D]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .time) { a, n, _ in
                let h = Kernels.int64s(a[0]), m = Kernels.int64s(a[1]), s = Kernels.doubles(a[2])
                return try Map.rows(a, count: n, .time) { row -> Int64? in try makeTime(h[row], m[row], s[row]) }
            }
        }
        for tz in [false, true] {
            r.register([tz ? "make_timestamptz" : "make_timestamp"], [[I, I, I, I, I, D]]) { _, t in
                let out: DataType = tz ? .timestamptz : .timestamp
                return ScalarResolution(argumentTypes: t, returnType: out) { a, n, ctx in
                    let c = (0..<5).map { Kernels.int64s(a[$0]) }, s = Kernels.doubles(a[5])
                    let off = tz ? offsetMicros(ctx) : 0
                    return try Map.rows(a, count: n, out) { row -> Int64? in
                        let day = try makeDate(c[0][row], c[1][row], c[2][row])
                        guard Swift.abs(day) < maxTimestampDays else { throw rangeError() }
                        return try day * Calendar.microsPerDay + makeTime(c[3][row], c[4][row], s[row]) - off
                    }
                }
            }
        }
        // make_timestamptz(y, mo, d, h, mi, s, zone): the wall-clock time in the given zone.
        r.register(["make_timestamptz"], [[I, I, I, I, I, D, .text]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .timestamptz) { a, n, _ in
                let c = (0..<5).map { Kernels.int64s(a[$0]) }, s = Kernels.doubles(a[5])
                var lastZone: String? = nil
                var zone = ZoneRule.fixed(0)
                return try Map.fromString([a[6]], all: a, count: n, .timestamptz) { row, inp -> Int64? in
                    let day = try makeDate(c[0][row], c[1][row], c[2][row])
                    guard Swift.abs(day) < maxTimestampDays - 1 else { throw rangeError() }
                    let name = String(decoding: inp[0], as: UTF8.self)
                    if name != lastZone { zone = try ZoneRule.parse(name); lastZone = name }
                    return zone.utc(fromLocal: try day * Calendar.microsPerDay + makeTime(c[3][row], c[4][row], s[row]))
                }
            }
        }
        // make_interval(years, months, weeks, days, hours, mins, secs), trailing arguments optional.
        let intervalParams: [Param] = [I, I, I, I, I, I, D]
        r.register(["make_interval"], (0...7).map { Array(intervalParams.prefix($0)) }) { k, t in
            ScalarResolution(argumentTypes: t, returnType: .interval) { a, n, _ in
                let ints = (0..<min(k, 6)).map { Kernels.int64s(a[$0]) }
                let secs = k == 7 ? Kernels.doubles(a[6]) : []
                return try Map.rows(a, count: n, .interval) { row -> Interval? in
                    func f(_ j: Int) -> Int64 { j < ints.count ? ints[j][row] : 0 }
                    let months = f(0) * 12 + f(1), days = f(2) * 7 + f(3)
                    let sec = k == 7 ? secs[row] : 0
                    let outOfRange = SQLError(SQLState.datetimeFieldOverflow, "interval out of range")
                    guard let m = Int32(exactly: months), let d = Int32(exactly: days), sec.isFinite, abs(sec) < 9.2e12 else { throw outOfRange }
                    let (hm, o1) = (f(4) * Calendar.microsPerHour).addingReportingOverflow(f(5) * Calendar.microsPerMinute)
                    let (micros, o2) = hm.addingReportingOverflow(Int64((sec * 1e6).rounded()))
                    if o1 || o2 { throw outOfRange }
                    return Interval(months: m, days: d, micros: micros)
                }
            }
        }
    }

    private static func registerCurrent(_ r: OverloadTable) {
        func constant(_ names: [String], _ type: DataType, volatile: Bool = false, _ value: @escaping (FunctionContext) -> Int64) {
            for name in names {
                r.register(ScalarFunction(name: name) { args, _ in
                    guard args.isEmpty else { return nil }
                    return ScalarResolution(argumentTypes: [], returnType: type, isVolatile: volatile) { _, n, ctx in
                        Map.constant(.int(value(ctx)), type, n)
                    }
                })
            }
        }
        constant(["now", "current_timestamp", "transaction_timestamp", "statement_timestamp"], .timestamptz) { $0.statementTimestamp }
        constant(["clock_timestamp"], .timestamptz, volatile: true) { _ in
            Int64((Date().timeIntervalSince1970 * 1e6).rounded())
        }
        constant(["current_date"], .date) { ctx in Calendar.split(micros: ctx.statementTimestamp + offsetMicros(ctx)).days }
        constant(["current_time", "localtime"], .time) { ctx in Calendar.split(micros: ctx.statementTimestamp + offsetMicros(ctx)).timeOfDay }
        constant(["localtimestamp"], .timestamp) { ctx in ctx.statementTimestamp + offsetMicros(ctx) }
        r.register(ScalarFunction(name: "timeofday") { args, _ in
            guard args.isEmpty else { return nil }
            return ScalarResolution(argumentTypes: [], returnType: .text, isVolatile: true) { _, n, _ in
                Map.constant(.string(Date().description), .text, n)
            }
        })
    }

    private static func registerArithmetic(_ r: OverloadTable) {
        r.register(["age"], [[.exact(.timestamp), .exact(.timestamp)], [.exact(.timestamptz), .exact(.timestamptz)],
                             [.exact(.timestamp)], [.exact(.timestamptz)]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .interval) { a, n, ctx in
                let off = (i == 1 || i == 3) ? offsetMicros(ctx) : 0
                if i >= 2 {
                    // age(x) = age(current_date at midnight, x)
                    let today = Calendar.split(micros: ctx.statementTimestamp + offsetMicros(ctx)).days * Calendar.microsPerDay
                    return Map.unary(a[0], .interval) { (x: Int64) in age(today, x &+ off) }
                }
                return Map.binary(a[0], a[1], .interval) { (x: Int64, y: Int64) in age(x &+ off, y &+ off) }
            }
        }
        for (name, f) in [("justify_days", justifyDays), ("justify_hours", justifyHours), ("justify_interval", justifyInterval)] as [(String, (Interval) -> Interval)] {
            r.register([name], [[.exact(.interval)]]) { _, t in
                ScalarResolution(argumentTypes: t, returnType: .interval) { a, _, _ in Map.unary(a[0], .interval, f) }
            }
        }
        r.register(["date_bin"], [[.exact(.interval), .exact(.timestamp), .exact(.timestamp)],
                                  [.exact(.interval), .exact(.timestamptz), .exact(.timestamptz)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: t[1]) { a, n, _ in
                let strides = Kernels.intervals(a[0]), xs = Kernels.int64s(a[1]), origins = Kernels.int64s(a[2])
                return try Map.rows(a, count: n, t[1]) { row -> Int64? in
                    let s = strides[row]
                    if s.months != 0 {
                        throw SQLError(SQLState.featureNotSupported, "timestamps cannot be binned into intervals containing months or years")
                    }
                    let (dayMicros, o1) = Int64(s.days).multipliedReportingOverflow(by: Calendar.microsPerDay)
                    let (stride, o2) = dayMicros.addingReportingOverflow(s.micros)
                    if o1 || o2 { throw rangeError("interval") }
                    if stride <= 0 { throw SQLError(SQLState.invalidParameterValue, "stride must be greater than zero") }
                    let (delta, o) = xs[row].subtractingReportingOverflow(origins[row])
                    if o { throw rangeError("interval") }
                    var bin = delta - delta % stride
                    if delta < 0 && delta % stride != 0 { bin = bin &- stride }
                    let (result, o3) = origins[row].addingReportingOverflow(bin)
                    if o3 { throw rangeError() }
                    return result
                }
            }
        }
        r.register(["isfinite"], [[.exact(.date)], [.exact(.timestamp)], [.exact(.timestamptz)], [.exact(.interval)]]) { _, t in
            // LakeSQL stores no infinite dates, timestamps or intervals.
            ScalarResolution(argumentTypes: t, returnType: .boolean) { a, n, _ in
                Map.rows(a, count: n, .boolean) { _ -> Bool? in true }
            }
        }
        r.register(["timezone"], [[.text, .exact(.timestamp)], [.text, .exact(.timestamptz)],
                                  [.exact(.interval), .exact(.timestamp)], [.exact(.interval), .exact(.timestamptz)]]) { i, t in
            let toTZ = t[1] == .timestamp
            let out: DataType = toTZ ? .timestamptz : .timestamp
            return ScalarResolution(argumentTypes: t, returnType: out) { a, n, _ in
                let xs = Kernels.int64s(a[1])
                if i >= 2 {
                    let ivs = Kernels.intervals(a[0])
                    return try Map.rows(a, count: n, out) { row -> Int64? in
                        let iv = ivs[row]
                        if iv.months != 0 || iv.days != 0 {
                            throw SQLError(SQLState.invalidParameterValue, "interval time zone \"\(iv)\" must not include months or days")
                        }
                        let (v, o) = toTZ ? xs[row].subtractingReportingOverflow(iv.micros) : xs[row].addingReportingOverflow(iv.micros)
                        if o { throw rangeError() }
                        return v
                    }
                }
                var lastName: String? = nil
                var zone = ZoneRule.fixed(0)
                return try Map.fromString([a[0]], all: a, count: n, out) { row, inp -> Int64? in
                    let name = String(decoding: inp[0], as: UTF8.self)
                    if name != lastName { zone = try ZoneRule.parse(name); lastName = name }
                    guard Swift.abs(xs[row]) < Int64.max - 2 * Calendar.microsPerDay else { throw rangeError() }
                    return toTZ ? zone.utc(fromLocal: xs[row]) : xs[row] + zone.offsetMicros(utc: xs[row])
                }
            }
        }
    }

    private static func registerFormatting(_ r: OverloadTable) {
        DateTimeFormatting.register(r)
        DateTimeFormatting.registerToNumber(r)
    }
}

/// A time zone given to timezone()/AT TIME ZONE: a fixed offset or a named (IANA) zone.
enum ZoneRule {
    case fixed(Int64)  // µs east of UTC
    case named(TimeZone)

    static func parse(_ text: String) throws -> ZoneRule {
        let s = text.trimmingCharacters(in: .whitespaces)
        let upper = s.uppercased()
        if ["UTC", "GMT", "Z", "ZULU", "UCT", "UNIVERSAL", "ETC/UTC"].contains(upper) { return .fixed(0) }
        // POSIX-style numeric offsets ("+05", "-03:30") count hours WEST of Greenwich, as in PostgreSQL.
        if let first = s.first, first == "+" || first == "-" || first.isNumber {
            var sign: Int64 = 1, body = Substring(s)
            if first == "+" { body = body.dropFirst() } else if first == "-" { sign = -1; body = body.dropFirst() }
            let parts = body.split(separator: ":")
            guard (1...3).contains(parts.count), let h = Int64(parts[0]) else { throw unknown(text) }
            let m = parts.count > 1 ? Int64(parts[1]) : 0, sec = parts.count > 2 ? Int64(parts[2]) : 0
            guard let m, let sec, h <= 15 * 24, m < 60, sec < 60 else { throw unknown(text) }
            return .fixed(-sign * ((h * 60 + m) * 60 + sec) * Calendar.microsPerSecond)
        }
        if let tz = TimeZone(identifier: s) ?? TimeZone(abbreviation: upper) { return .named(tz) }
        throw unknown(text)
    }

    static func unknown(_ text: String) -> SQLError {
        SQLError(SQLState.invalidParameterValue, "time zone \"\(text)\" not recognized")
    }

    func offsetMicros(utc: Int64) -> Int64 {
        switch self {
        case .fixed(let o): return o
        case .named(let tz):
            return Int64(tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utc) / 1e6))) * Calendar.microsPerSecond
        }
    }

    /// The UTC instant of a local wall-clock time (two passes settle DST transitions).
    func utc(fromLocal local: Int64) -> Int64 {
        var guess = local - offsetMicros(utc: local)
        guess = local - offsetMicros(utc: guess)
        return guess
    }
}

// MARK: - to_char / to_date / to_timestamp

enum DateTimeFormatting {
    enum Field: String {
        case hh = "HH", hh12 = "HH12", hh24 = "HH24", mi = "MI", ss = "SS", ms = "MS", us = "US", ssss = "SSSS", sssss = "SSSSS"
        case ff1 = "FF1", ff2 = "FF2", ff3 = "FF3", ff4 = "FF4", ff5 = "FF5", ff6 = "FF6"
        case am = "AM", pm = "PM", amDots = "A.M.", pmDots = "P.M.", bc = "BC", ad = "AD", bcDots = "B.C.", adDots = "A.D."
        case yCommaYYY = "Y,YYY", yyyy = "YYYY", yyy = "YYY", yy = "YY", y = "Y", iyyy = "IYYY", iyy = "IYY", iy = "IY", i = "I"
        case month = "MONTH", mon = "MON", mm = "MM", day = "DAY", dy = "DY", ddd = "DDD", iddd = "IDDD", dd = "DD", d = "D", id = "ID"
        case w = "W", ww = "WW", iw = "IW", cc = "CC", j = "J", q = "Q", rm = "RM", tz = "TZ", tzh = "TZH", tzm = "TZM", of = "OF", fx = "FX"
    }
    /// How a name is capitalised: "MONTH", "Month" or "month".
    enum Style { case upper, capitalized, lower }

    enum Token {
        case literal([UInt8])
        case field(Field, style: Style, fillMode: Bool, ordinal: Style?)
    }

    /// Keywords in every spelling PostgreSQL accepts, longest first.
    static let keywords: [(text: [UInt8], field: Field, style: Style)] = {
        var out: [([UInt8], Field, Style)] = []
        let named: Set<Field> = [.month, .mon, .day, .dy, .am, .pm, .amDots, .pmDots, .bc, .ad, .bcDots, .adDots, .rm, .tz]
        let all: [Field] = [.hh, .hh12, .hh24, .mi, .ss, .ms, .us, .ssss, .sssss, .ff1, .ff2, .ff3, .ff4, .ff5, .ff6, .am, .pm, .amDots, .pmDots,
                            .bc, .ad, .bcDots, .adDots, .yCommaYYY, .yyyy, .yyy, .yy, .y, .iyyy, .iyy, .iy, .i, .month, .mon, .mm, .day, .dy,
                            .ddd, .iddd, .dd, .d, .id, .w, .ww, .iw, .cc, .j, .q, .rm, .tz, .tzh, .tzm, .of, .fx]
        for f in all {
            out.append((Array(f.rawValue.utf8), f, .upper))
            out.append((Array(f.rawValue.lowercased().utf8), f, .lower))
            // "Dy" is the one two-letter keyword with a capitalised spelling (no "Am" or "Rm").
            if named.contains(f) && (f.rawValue.count > 2 || f == .dy) && !f.rawValue.contains(".") {
                out.append((Array((f.rawValue.prefix(1) + f.rawValue.dropFirst().lowercased()).utf8), f, .capitalized))
            }
        }
        return out.sorted { $0.0.count > $1.0.count }
    }()

    static func tokenize(_ fmt: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var literal: [UInt8] = []
        var i = 0
        func flush() { if !literal.isEmpty { tokens.append(.literal(literal)); literal = [] } }
        func matches(_ k: [UInt8], at p: Int) -> Bool {
            guard p + k.count <= fmt.count else { return false }
            for x in 0..<k.count where fmt[p + x] != k[x] { return false }
            return true
        }
        while i < fmt.count {
            let c = fmt[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                while i < fmt.count && fmt[i] != UInt8(ascii: "\"") {
                    if fmt[i] == UInt8(ascii: "\\"), i + 1 < fmt.count { i += 1 }
                    literal.append(fmt[i]); i += 1
                }
                i += 1
                continue
            }
            if c == UInt8(ascii: "\\"), i + 1 < fmt.count { literal.append(fmt[i + 1]); i += 2; continue }
            var fill = false
            var p = i
            if matches(Array("FM".utf8), at: p) || matches(Array("fm".utf8), at: p) { fill = true; p += 2 }
            if let k = keywords.first(where: { matches($0.text, at: p) }) {
                flush()
                p += k.text.count
                var ordinal: Style? = nil
                if matches(Array("TH".utf8), at: p) { ordinal = .upper; p += 2 }
                else if matches(Array("th".utf8), at: p) { ordinal = .lower; p += 2 }
                if k.field != .fx { tokens.append(.field(k.field, style: k.style, fillMode: fill, ordinal: ordinal)) }
                i = p
                continue
            }
            if fill { i += 2; continue }
            literal.append(c); i += 1
        }
        flush()
        return tokens
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
    static let dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let romanMonths = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

    /// The values a template can print, from a timestamp or an interval.
    struct Fields {
        var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
        var dayOfYear = 1, weekday = 0 /* 0 = Sunday */, isoYear = 0, isoWeek = 1, isoDayOfYear = 1, julian: Int64 = 0
        var zoneSeconds: Int? = nil, zoneName = ""
        var isInterval = false

        init(civil c: CivilTime) {
            year = c.displayYear; month = c.month; day = c.day; hour = c.hour; minute = c.minute; second = c.second; micros = c.micros
            dayOfYear = c.dayOfYear; weekday = Calendar.isoWeekday(days: c.days) % 7
            let iso = c.isoWeek
            isoYear = iso.year; isoWeek = iso.week
            isoDayOfYear = (iso.week - 1) * 7 + Calendar.isoWeekday(days: c.days)
            julian = c.days + 2_440_588
        }

        init(interval iv: Interval) {
            isInterval = true
            year = Int(iv.months / 12); month = Int(iv.months % 12); day = Int(iv.days)
            let t = iv.micros
            hour = Int(t / Calendar.microsPerHour); minute = Int(t / Calendar.microsPerMinute % 60)
            second = Int(t / Calendar.microsPerSecond % 60); micros = Int(t % Calendar.microsPerSecond)
        }
    }

    static func ordinalSuffix(_ n: Int, _ style: Style) -> String {
        let v = abs(n)
        let s: String
        if (11...13).contains(v % 100) { s = "th" }
        else { switch v % 10 { case 1: s = "st"; case 2: s = "nd"; case 3: s = "rd"; default: s = "th" } }
        return style == .upper ? s.uppercased() : s
    }

    static func styled(_ name: String, _ style: Style, pad: Int, fill: Bool) -> String {
        var s: String
        switch style {
        case .upper: s = name.uppercased()
        case .lower: s = name.lowercased()
        case .capitalized: s = name
        }
        if !fill && s.count < pad { s += String(repeating: " ", count: pad - s.count) }
        return s
    }

    static func number(_ v: Int, width: Int, fill: Bool) -> String {
        let digits = String(abs(v))
        let padded = fill || digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        return v < 0 ? "-" + padded : padded
    }

    /// Decimal digits of `v`, zero-padded to `width` unless in fill mode, without building a String.
    static func appendNumber(_ v: Int, width: Int, fill: Bool, _ out: inout ContiguousArray<UInt8>) {
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            repeat { buf[count] = UInt8(m % 10) + 48; m /= 10; count += 1 } while m > 0 && count < 20
            if !fill { for _ in count..<max(count, width) { out.append(48) } }
            for k in stride(from: count - 1, through: 0, by: -1) { out.append(buf[k]) }
        }
    }

    static func render(_ tokens: [Token], _ f: Fields, into out: inout ContiguousArray<UInt8>) {
        for token in tokens {
            switch token {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case let .field(field, style, fill, ordinal):
                var numeric: Int? = nil
                var width = 0  // > 0: print `numeric` zero-padded to this width straight into `out`
                var text = ""
                let hour12 = f.hour % 12 == 0 ? 12 : f.hour % 12
                switch field {
                case .hh, .hh12: numeric = hour12; width = 2
                case .hh24: numeric = f.hour; width = 2
                case .mi: numeric = f.minute; width = 2
                case .ss: numeric = f.second; width = 2
                case .ms: numeric = f.micros / 1000; width = 3
                case .us: numeric = f.micros; width = 6
                case .ff1, .ff2, .ff3, .ff4, .ff5, .ff6:
                    let digits = Int(String(field.rawValue.last ?? "6")) ?? 6
                    var v = f.micros
                    for _ in digits..<6 { v /= 10 }
                    text = number(v, width: digits, fill: false)
                case .ssss, .sssss:
                    let v = (f.hour * 60 + f.minute) * 60 + f.second
                    numeric = v; text = String(v)
                case .am, .pm, .amDots, .pmDots:
                    let isPM = f.hour % 24 >= 12
                    let dotted = field == .amDots || field == .pmDots
                    text = dotted ? (isPM ? "P.M." : "A.M.") : (isPM ? "PM" : "AM")
                    if style == .lower { text = text.lowercased() }
                case .bc, .ad, .bcDots, .adDots:
                    let dotted = field == .bcDots || field == .adDots
                    text = f.year < 0 ? (dotted ? "B.C." : "BC") : (dotted ? "A.D." : "AD")
                    if style == .lower { text = text.lowercased() }
                case .yCommaYYY:
                    let y = abs(f.year)
                    text = "\(y / 1000),\(number(y % 1000, width: 3, fill: false))"
                case .yyyy: numeric = abs(f.year); width = 4
                case .yyy: numeric = abs(f.year) % 1000; width = 3
                case .yy: numeric = abs(f.year) % 100; width = 2
                case .y: numeric = abs(f.year) % 10; text = String(abs(f.year) % 10)
                case .iyyy: numeric = f.isoYear; width = 4
                case .iyy: numeric = f.isoYear % 1000; width = 3
                case .iy: numeric = f.isoYear % 100; width = 2
                case .i: numeric = f.isoYear % 10; text = String(f.isoYear % 10)
                case .month:
                    if f.isInterval && f.month == 0 { break }
                    text = styled(monthNames[max(0, min(11, f.month - 1))], style, pad: 9, fill: fill)
                case .mon:
                    if f.isInterval && f.month == 0 { break }
                    text = styled(String(monthNames[max(0, min(11, f.month - 1))].prefix(3)), style, pad: 3, fill: fill)
                case .mm: numeric = f.month; width = 2
                case .day: text = styled(dayNames[f.weekday], style, pad: 9, fill: fill)
                case .dy: text = styled(String(dayNames[f.weekday].prefix(3)), style, pad: 3, fill: fill)
                case .ddd: numeric = f.dayOfYear; width = 3
                case .iddd: numeric = f.isoDayOfYear; width = 3
                case .dd: numeric = f.day; width = 2
                case .d: numeric = f.weekday + 1; text = String(f.weekday + 1)
                case .id: numeric = f.weekday == 0 ? 7 : f.weekday; text = String(numeric ?? 7)
                case .w: numeric = (f.day - 1) / 7 + 1; text = String((f.day - 1) / 7 + 1)
                case .ww: numeric = (f.dayOfYear - 1) / 7 + 1; width = 2
                case .iw: numeric = f.isoWeek; width = 2
                case .cc:
                    let c = f.year > 0 ? (f.year + 99) / 100 : -((99 - f.year) / 100)
                    numeric = c; width = 2
                case .j: numeric = Int(f.julian); text = String(f.julian)
                case .q: numeric = (f.month - 1) / 3 + 1; text = String((f.month - 1) / 3 + 1)
                case .rm:
                    let r = romanMonths[max(0, min(11, f.month - 1))]
                    text = styled(r, style == .lower ? .lower : .upper, pad: 4, fill: fill)
                case .tz:
                    if f.zoneSeconds != nil { text = style == .lower ? f.zoneName.lowercased() : f.zoneName }
                case .tzh, .of, .tzm:
                    guard let z = f.zoneSeconds else { break }
                    let sign = z < 0 ? "-" : "+"
                    let h = abs(z) / 3600, m = abs(z) / 60 % 60
                    if field == .tzm { text = number(m, width: 2, fill: false) }
                    else if field == .tzh { text = sign + number(h, width: 2, fill: false) }
                    else { text = sign + number(h, width: 2, fill: false) + (m != 0 ? ":" + number(m, width: 2, fill: false) : "") }
                case .fx: break
                }
                if width > 0, let n = numeric { appendNumber(n, width: width, fill: fill, &out) }
                else { out.append(contentsOf: text.utf8) }
                if let ordinal, let n = numeric { out.append(contentsOf: ordinalSuffix(n, ordinal).utf8) }
            }
        }
    }

    /// The abbreviation TZ prints for the session zone.
    static func zoneName(_ ctx: FunctionContext) -> String {
        let upper = ctx.timeZoneName.uppercased()
        if upper == "UTC" || upper == "GMT" || upper == "ETC/UTC" { return ctx.timeZoneName.uppercased() == "ETC/UTC" ? "UTC" : upper }
        if let tz = TimeZone(identifier: ctx.timeZoneName), let abbr = tz.abbreviation(for: Date(timeIntervalSince1970: Double(ctx.statementTimestamp) / 1e6)),
           !abbr.hasPrefix("GMT") {
            return abbr
        }
        let z = ctx.timeZoneOffsetSeconds
        let h = abs(z) / 3600, m = abs(z) / 60 % 60
        return (z < 0 ? "-" : "+") + number(h, width: 2, fill: false) + (m != 0 ? ":" + number(m, width: 2, fill: false) : "")
    }

    /// Tokens of a format string, kept while consecutive rows share it.
    final class TemplateCache {
        private var last: [UInt8]? = nil
        private var tokens: [Token] = []
        func tokens(_ bytes: UnsafeBufferPointer<UInt8>) -> [Token] {
            if let last, last.elementsEqual(bytes) { return tokens }
            let b = Array(bytes)
            tokens = tokenize(b); last = b
            return tokens
        }
    }

    static func register(_ r: OverloadTable) {
        let T = Param.text
        r.register(["to_char"], [[.exact(.timestamp), T], [.exact(.timestamptz), T], [.exact(.interval), T],
                                 [.exact(.int32), T], [.exact(.int64), T], [.exact(.float64), T], [.numeric, T], [.exact(.float32), T]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, ctx in
                let cache = TemplateCache()
                // A constant template (the usual case) is tokenized once and never expanded per row.
                let constantTokens = constantString(a[1]).map { tokenize(Array($0.utf8)) }
                let templates = constantTokens == nil ? [a[1]] : []
                let all = constantTokens == nil ? a : [a[0]]
                switch i {
                case 0, 1:
                    let values = Kernels.int64s(a[0])
                    let off = i == 1 ? DateTimeFunctions.offsetMicros(ctx) : 0
                    let name = i == 1 ? zoneName(ctx) : ""
                    return Map.toString(templates, all: all, count: n, .text) { row, inp, out in
                        var f = Fields(civil: CivilTime(micros: values[row] &+ off))
                        if i == 1 { f.zoneSeconds = ctx.timeZoneOffsetSeconds; f.zoneName = name }
                        render(constantTokens ?? cache.tokens(inp[0]), f, into: &out)
                        return true
                    }
                case 2:
                    let ivs = Kernels.intervals(a[0])
                    return Map.toString(templates, all: all, count: n, .text) { row, inp, out in
                        render(constantTokens ?? cache.tokens(inp[0]), Fields(interval: ivs[row]), into: &out)
                        return true
                    }
                default:
                    return try NumberFormatting.kernel(a, type: t[0], count: n)
                }
            }
        }
        r.register(["to_date"], [[T, T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .date) { a, n, _ in
                let cache = TemplateCache()
                return try Map.fromString([a[0], a[1]], all: a, count: n, .date) { _, inp -> Int64? in
                    let p = try parse(inp[0], cache.tokens(inp[1]))
                    return Calendar.split(micros: p.local).days
                }
            }
        }
        r.register(["to_timestamp"], [[T, T], [.exact(.float64)]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .timestamptz) { a, n, ctx in
                if i == 1 {
                    return try Map.unary(a[0], .timestamptz) { (secs: Double) -> Int64 in
                        if secs.isNaN { throw SQLError(SQLState.datetimeFieldOverflow, "timestamp cannot be NaN") }
                        guard secs.isFinite, abs(secs) < 9.2e12 else {
                            throw SQLError(SQLState.datetimeFieldOverflow, "timestamp out of range: \"\(secs)\"")
                        }
                        return Int64((secs * 1e6).rounded())
                    }
                }
                let cache = TemplateCache()
                let off = DateTimeFunctions.offsetMicros(ctx)
                return try Map.fromString([a[0], a[1]], all: a, count: n, .timestamptz) { _, inp -> Int64? in
                    let p = try parse(inp[0], cache.tokens(inp[1]))
                    return p.local - (p.zoneSeconds.map { Int64($0) * Calendar.microsPerSecond } ?? off)
                }
            }
        }
    }

    // MARK: parsing (to_date, to_timestamp)

    static func parse(_ input: UnsafeBufferPointer<UInt8>, _ tokens: [Token]) throws -> (local: Int64, zoneSeconds: Int?) {
        let text = String(decoding: input, as: UTF8.self)
        var pos = 0
        var year: Int? = nil, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros = 0
        var isPM: Bool? = nil, bc = false, dayOfYear: Int? = nil, julian: Int? = nil
        var zoneHours: Int? = nil, zoneMinutes = 0, zoneNegative = false
        var hour12 = false
        func bad(_ field: Field, _ detail: String? = nil) -> SQLError {
            let rest = String(decoding: input[min(pos, input.count)...].prefix(10), as: UTF8.self)
            return SQLError(SQLState.invalidDatetimeFormat, "invalid value \"\(rest)\" for \"\(field.rawValue)\"", detail: detail)
        }
        func skipSpaces() { while pos < input.count && input[pos] == 32 { pos += 1 } }
        func digits(_ field: Field, max width: Int) throws -> Int {
            skipSpaces()
            var negative = false
            if pos < input.count, input[pos] == UInt8(ascii: "-"), field == .yyyy || field == .tzh { negative = true; pos += 1 }
            if pos < input.count, input[pos] == UInt8(ascii: "+"), field == .tzh { pos += 1 }
            var v = 0, k = 0
            while pos < input.count, k < width, input[pos] >= 48, input[pos] <= 57 {
                v = v * 10 + Int(input[pos] - 48); pos += 1; k += 1
            }
            if k == 0 { throw bad(field, "Value must be an integer.") }
            return negative ? -v : v
        }
        func name(_ field: Field, _ names: [String], length: Int?) throws -> Int {
            skipSpaces()
            let rest = String(decoding: input[min(pos, input.count)...], as: UTF8.self).lowercased()
            for (k, full) in names.enumerated() {
                let candidate = length.map { String(full.prefix($0)) } ?? full
                if rest.hasPrefix(candidate.lowercased()) { pos += candidate.utf8.count; return k }
            }
            throw bad(field, "The given value did not match any of the allowed values for this field.")
        }
        for (index, token) in tokens.enumerated() {
            let nextIsDigitField: Bool = {
                guard index + 1 < tokens.count, case .field = tokens[index + 1] else { return false }
                return true
            }()
            switch token {
            case .literal(let lit):
                for c in lit {
                    if c == 32 { skipSpaces(); continue }
                    guard pos < input.count else { break }
                    let x = input[pos]
                    let isAlnum = (x >= 48 && x <= 57) || (x >= 65 && x <= 90) || (x >= 97 && x <= 122)
                    if x == c || !isAlnum { pos += 1 }
                }
            case let .field(field, _, _, ordinal):
                switch field {
                case .yyyy: year = try digits(field, max: nextIsDigitField ? 4 : 9)
                case .yCommaYYY:
                    let hi = try digits(field, max: 3)
                    if pos < input.count, input[pos] == UInt8(ascii: ",") { pos += 1 }
                    year = hi * 1000 + (try digits(field, max: 3))
                case .yyy, .iyy: let v = try digits(field, max: 3); year = v < 70 ? 2000 + v : 1000 + v
                case .yy, .iy: let v = try digits(field, max: 2); year = v < 70 ? 2000 + v : 1900 + v
                case .y, .i: year = 2000 + (try digits(field, max: 1))
                case .iyyy: year = try digits(field, max: 4)
                case .mm: month = try digits(field, max: 2)
                case .dd: day = try digits(field, max: 2)
                case .ddd: dayOfYear = try digits(field, max: 3)
                case .hh, .hh12: hour = try digits(field, max: 2); hour12 = true
                case .hh24: hour = try digits(field, max: 2)
                case .mi: minute = try digits(field, max: 2)
                case .ss: second = try digits(field, max: 2)
                case .ms, .us, .ff1, .ff2, .ff3, .ff4, .ff5, .ff6:
                    // Fractions: "SS.MS" with ".3" means 300 ms, so scale by the digits actually read.
                    let width = field == .ms ? 3 : field == .us ? 6 : Int(String(field.rawValue.last ?? "6")) ?? 6
                    skipSpaces()
                    let start = pos
                    var v = try digits(field, max: width)
                    for _ in (pos - start)..<6 { v *= 10 }
                    micros = v
                case .ssss, .sssss:
                    let v = try digits(field, max: 5)
                    hour = v / 3600; minute = v / 60 % 60; second = v % 60
                case .j: julian = try digits(field, max: 9)
                case .month: month = try name(field, monthNames, length: nil) + 1
                case .mon: month = try name(field, monthNames, length: 3) + 1
                case .day: _ = try name(field, dayNames, length: nil)
                case .dy: _ = try name(field, dayNames, length: 3)
                case .am, .pm, .amDots, .pmDots:
                    let k = try name(field, field == .amDots || field == .pmDots ? ["a.m.", "p.m."] : ["am", "pm"], length: nil)
                    isPM = k == 1
                case .bc, .ad, .bcDots, .adDots:
                    let k = try name(field, field == .bcDots || field == .adDots ? ["a.d.", "b.c."] : ["ad", "bc"], length: nil)
                    bc = k == 1
                case .tzh:
                    skipSpaces()
                    if pos < input.count, input[pos] == UInt8(ascii: "-") { zoneNegative = true }
                    zoneHours = abs(try digits(field, max: 2))
                case .tzm: zoneMinutes = try digits(field, max: 2)
                case .d, .id, .w, .ww, .iw, .q, .cc, .iddd: _ = try digits(field, max: 3)
                case .rm:
                    // Longest numerals first so that "VIII" is not read as "V".
                    let longestFirst = romanMonths.sorted { $0.count > $1.count }
                    let k = try name(field, longestFirst, length: nil)
                    month = (romanMonths.firstIndex(of: longestFirst[k]) ?? 0) + 1
                case .tz, .of, .fx:
                    throw SQLError(SQLState.featureNotSupported, "formatting field \"\(field.rawValue)\" is only supported in to_char")
                }
                if ordinal != nil, pos + 1 < input.count { pos += 2 }
            }
        }
        if hour12 || isPM != nil {
            guard (1...12).contains(hour) || (!hour12 && hour < 24) else {
                throw SQLError(SQLState.datetimeFieldOverflow, "hour \"\(hour)\" is invalid for the 12-hour clock",
                               hint: "Use the 24-hour clock, or give an hour between 1 and 12.")
            }
            if isPM == true && hour < 12 { hour += 12 } else if isPM == false && hour == 12 { hour = 0 }
        }
        var y = year ?? 1
        if bc { y = 1 - y }
        guard y > -4713 && y <= 294_276 else { throw fieldOverflow(text) }
        var days: Int64
        if let julian {
            days = Int64(julian) - 2_440_588
            guard Swift.abs(days) < DateTimeFunctions.maxTimestampDays else { throw fieldOverflow(text) }
        } else if let dayOfYear {
            guard (1...366).contains(dayOfYear) else { throw fieldOverflow(text) }
            days = Calendar.days(year: y, month: 1, day: 1) + Int64(dayOfYear - 1)
        } else {
            guard (1...12).contains(month), day >= 1, day <= Calendar.daysInMonth(year: y, month: month) else { throw fieldOverflow(text) }
            days = Calendar.days(year: y, month: month, day: day)
        }
        guard hour < 24 || (hour == 24 && minute == 0 && second == 0 && micros == 0), minute < 60, second < 60 else {
            throw fieldOverflow(text)
        }
        guard Swift.abs(days) < DateTimeFunctions.maxTimestampDays else { throw fieldOverflow(text) }
        let local = days * Calendar.microsPerDay + Int64(hour) * Calendar.microsPerHour + Int64(minute) * Calendar.microsPerMinute
            + Int64(second) * Calendar.microsPerSecond + Int64(micros)
        let zone = zoneHours.map { (zoneNegative ? -1 : 1) * ($0 * 3600 + zoneMinutes * 60) }
        return (local, zone)
    }

    static func fieldOverflow(_ text: String) -> SQLError {
        SQLError(SQLState.datetimeFieldOverflow, "date/time field value out of range: \"\(text)\"")
    }
}

// MARK: - to_char for numbers

/// PostgreSQL's numeric templates: 9 and 0 digit positions, . or D, , or G,
/// S/MI/PL/SG/PR signs, FM fill mode, and ### for values that do not fit.
enum NumberFormatting {
    struct Template {
        var tokens: [UInt8] = []  // one byte per element: 9, 0, '.', ',', 'S', 'M'(MI), 'P'(PR), 'L'(PL), 'G'(SG) or literal
        var literals: [Int: [UInt8]] = [:]
        var integerDigits = 0, fractionDigits = 0
        var fillMode = false
        var explicitSign = false
    }

    static func parse(_ fmt: [UInt8]) -> Template {
        var t = Template()
        var i = 0, afterPoint = false
        func at(_ s: String) -> Bool {
            let b = Array(s.utf8)
            guard i + b.count <= fmt.count else { return false }
            for k in 0..<b.count where fmt[i + k] | 0x20 != b[k] | 0x20 { return false }
            return true
        }
        while i < fmt.count {
            let c = fmt[i]
            if at("FM") { t.fillMode = true; i += 2; continue }
            if at("PR") { t.tokens.append(UInt8(ascii: "P")); t.explicitSign = true; i += 2; continue }
            if at("MI") { t.tokens.append(UInt8(ascii: "M")); t.explicitSign = true; i += 2; continue }
            if at("PL") { t.tokens.append(UInt8(ascii: "L")); t.explicitSign = true; i += 2; continue }
            if at("SG") { t.tokens.append(UInt8(ascii: "G")); t.explicitSign = true; i += 2; continue }
            switch c {
            case UInt8(ascii: "9"), UInt8(ascii: "0"):
                t.tokens.append(c)
                if afterPoint { t.fractionDigits += 1 } else { t.integerDigits += 1 }
            case UInt8(ascii: "."), UInt8(ascii: "D"), UInt8(ascii: "d"):
                if !afterPoint { t.tokens.append(UInt8(ascii: ".")); afterPoint = true }
            case UInt8(ascii: ","), UInt8(ascii: "G"), UInt8(ascii: "g"): t.tokens.append(UInt8(ascii: ","))
            case UInt8(ascii: "S"), UInt8(ascii: "s"): t.tokens.append(UInt8(ascii: "S")); t.explicitSign = true
            default:
                t.literals[t.tokens.count] = [c]
                t.tokens.append(0)
            }
            i += 1
        }
        return t
    }

    /// Renders sign, integer digits and fraction digits (already rounded) with a template.
    static func render(_ t: Template, negative: Bool, integer: [UInt8], fraction: [UInt8], into out: inout ContiguousArray<UInt8>) {
        let overflow = integer.count > t.integerDigits
        var pos = 0  // integer digit position, left to right
        var started = false
        var signWritten = t.explicitSign
        var body = ContiguousArray<UInt8>()
        func writeSign() {
            if signWritten { return }
            signWritten = true
            if negative { body.append(UInt8(ascii: "-")) } else if !t.fillMode { body.append(32) }
        }
        var fracPos = 0
        for (k, tok) in t.tokens.enumerated() {
            switch tok {
            case UInt8(ascii: "9"), UInt8(ascii: "0"):
                if fracPos > 0 || (t.tokens[..<k].contains(UInt8(ascii: "."))) {
                    let d = overflow ? UInt8(ascii: "#") : (fracPos < fraction.count ? fraction[fracPos] : UInt8(ascii: "0"))
                    body.append(d); fracPos += 1
                    continue
                }
                let fromRight = t.integerDigits - 1 - pos
                pos += 1
                if overflow { writeSign(); body.append(UInt8(ascii: "#")); started = true; continue }
                if fromRight < integer.count {
                    writeSign(); started = true
                    body.append(integer[integer.count - 1 - fromRight])
                } else if tok == UInt8(ascii: "0") || started {
                    // A 0 position starts printing leading zeros, and every position after it keeps them.
                    writeSign(); started = true
                    body.append(UInt8(ascii: "0"))
                } else if !t.fillMode {
                    body.append(32)
                }
            case UInt8(ascii: "."):
                writeSign(); started = true
                body.append(UInt8(ascii: "."))
            case UInt8(ascii: ","):
                if started { body.append(UInt8(ascii: ",")) } else if !t.fillMode { body.append(32) }
            case UInt8(ascii: "S"):
                body.append(negative ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            case UInt8(ascii: "M"):
                if negative { body.append(UInt8(ascii: "-")) } else if !t.fillMode { body.append(32) }
            case UInt8(ascii: "L"):
                if !negative { body.append(UInt8(ascii: "+")) } else if !t.fillMode { body.append(32) }
            case UInt8(ascii: "G"):
                body.append(negative ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            case UInt8(ascii: "P"):
                break
            default:
                if let lit = t.literals[k] { body.append(contentsOf: lit) }
            }
        }
        if !signWritten { writeSign() }
        if t.fillMode, t.fractionDigits > 0 {
            // FM drops trailing zeros that came from 9 positions (0 positions keep theirs).
            var fracTokens: [UInt8] = []
            var seenPoint = false
            for tok in t.tokens { if tok == UInt8(ascii: ".") { seenPoint = true } else if seenPoint && (tok == 57 || tok == 48) { fracTokens.append(tok) } }
            var k = fracTokens.count - 1
            while k >= 0, fracTokens[k] == 57, let last = body.last, last == UInt8(ascii: "0") { body.removeLast(); k -= 1 }
        }
        if t.tokens.contains(UInt8(ascii: "P")) {
            if negative { out.append(UInt8(ascii: "<")); out.append(contentsOf: body); out.append(UInt8(ascii: ">")) }
            else { if !t.fillMode { out.append(32) }; out.append(contentsOf: body); if !t.fillMode { out.append(32) } }
        } else {
            out.append(contentsOf: body)
        }
    }

    static func kernel(_ a: [Vector], type: DataType, count n: Int) throws -> Vector {
        var lastFormat: [UInt8]? = nil
        var template = Template()
        func templateFor(_ b: UnsafeBufferPointer<UInt8>) -> Template {
            if let lastFormat, lastFormat.elementsEqual(b) { return template }
            let arr = Array(b)
            template = parse(arr); lastFormat = arr
            return template
        }
        switch type.physical {
        case .int64:
            let values = Kernels.int64s(a[0])
            return Map.toString([a[1]], all: a, count: n, .text) { row, inp, out in
                let t = templateFor(inp[0])
                let v = values[row]
                let digits = Array(String(v.magnitude).utf8)
                render(t, negative: v < 0, integer: digits == [48] ? (t.integerDigits > 0 ? digits : []) : digits,
                       fraction: [UInt8](repeating: 48, count: t.fractionDigits), into: &out)
                return true
            }
        case .float64:
            let values = Kernels.doubles(a[0])
            return Map.toString([a[1]], all: a, count: n, .text) { row, inp, out in
                let t = templateFor(inp[0])
                let v = values[row]
                let text = String(format: "%.\(t.fractionDigits)f", abs(v))
                let parts = text.split(separator: ".", omittingEmptySubsequences: false)
                var integer = Array((parts.first ?? "0").utf8)
                if integer == [48] && t.fractionDigits > 0 { integer = [] }
                let fraction = parts.count > 1 ? Array(parts[1].utf8) : []
                render(t, negative: v < 0 && text.contains(where: { $0 != "0" && $0 != "." }), integer: integer, fraction: fraction, into: &out)
                return true
            }
        default:
            let values = Kernels.int128s(a[0])
            let scale = Dec.scale(of: type)
            return try Map.toString([a[1]], all: a, count: n, .text) { row, inp, out in
                let t = templateFor(inp[0])
                let m = try Dec.rescale(values[row], from: scale, to: t.fractionDigits)
                let mag = m < 0 ? -m : m
                let all = Array(String(mag).utf8)
                let fd = t.fractionDigits
                let intPart = all.count > fd ? Array(all[..<(all.count - fd)]) : []
                var frac = all.count > fd ? Array(all[(all.count - fd)...]) : [UInt8](repeating: 48, count: fd - all.count) + all
                if fd == 0 { frac = [] }
                let integer = intPart.isEmpty && fd == 0 ? [UInt8(ascii: "0")] : intPart
                render(t, negative: m < 0, integer: integer, fraction: frac, into: &out)
                return true
            }
        }
    }
}

// MARK: - to_number

extension NumberFormatting {
    /// to_number(text, template): reads digits where the template has 9/0 positions
    /// (at most as many as it has), a decimal point for D/., and a sign from -, S, MI or <…> (PR).
    static func parseNumber(_ input: UnsafeBufferPointer<UInt8>, _ t: Template, scale: Int) throws -> Int128 {
        var intDigits: [UInt8] = [], fracDigits: [UInt8] = []
        var afterPoint = false, negative = false
        for c in input {
            switch c {
            case 48...57:
                if afterPoint { if fracDigits.count < t.fractionDigits { fracDigits.append(c - 48) } }
                else if intDigits.count < max(t.integerDigits, 1) { intDigits.append(c - 48) }
            case UInt8(ascii: "."): if t.fractionDigits > 0 || t.tokens.contains(UInt8(ascii: ".")) { afterPoint = true }
            case UInt8(ascii: "-"), UInt8(ascii: "<"): negative = true
            default: break
            }
        }
        guard !intDigits.isEmpty || !fracDigits.isEmpty else {
            throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type numeric: \" \"")
        }
        guard intDigits.count + t.fractionDigits <= 38 else { throw Dec.overflow() }
        var m: Int128 = 0
        for d in intDigits { m = m * 10 + Int128(d) }
        for k in 0..<t.fractionDigits { m = m * 10 + Int128(k < fracDigits.count ? fracDigits[k] : 0) }
        m = try Dec.rescale(m, from: t.fractionDigits, to: scale)
        return negative ? -m : m
    }

    /// Scale of to_number's result for a constant template.
    static func toNumberScale(_ format: String) -> Int { min(38, parse(Array(format.utf8)).fractionDigits) }

    static func toNumberResolution(scale: Int, formatIsFirstConstant: Bool = false) -> ScalarResolution {
        let out = DataType.decimal(precision: 38, scale: scale)
        return ScalarResolution(argumentTypes: [.text, .text], returnType: out) { a, n, _ in
            var lastFormat: [UInt8]? = nil
            var template = Template()
            return try Map.fromString([a[0], a[1]], all: a, count: n, out) { _, inp -> Int128? in
                if lastFormat == nil || !(lastFormat ?? []).elementsEqual(inp[1]) {
                    lastFormat = Array(inp[1]); template = parse(Array(inp[1]))
                }
                return try parseNumber(inp[0], template, scale: scale)
            }
        }
    }
}

extension DateTimeFormatting {
    static func registerToNumber(_ r: OverloadTable) {
        r.register(["to_number"], [[.text, .text]]) { _, _ in
            // Without a constant template the scale is unknown; 6 fractional digits keep common inputs exact.
            NumberFormatting.toNumberResolution(scale: 6)
        }
    }
}
