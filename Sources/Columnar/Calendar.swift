// Calendar arithmetic on the proleptic Gregorian calendar, shared by casts,
// date/time functions, Parquet and CSV readers. Dates are days since
// 1970-01-01; times and timestamps are microseconds. Uses Howard Hinnant's
// days_from_civil / civil_from_days algorithms (public domain), which are
// exact for every representable year.

public enum Calendar {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerMinute: Int64 = 60_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of a civil date (month 1…12, day 1…31).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The civil date of a day number.
    public static func civil(days z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// ISO day of week, Monday = 1 … Sunday = 7.
    public static func isoWeekday(days: Int64) -> Int {
        let w = (days + 3) % 7  // 1970-01-01 was a Thursday (ISO 4)
        return Int(w < 0 ? w + 7 : w) + 1
    }

    /// Splits µs since the epoch into a day number and µs within that day (floor semantics).
    public static func split(micros: Int64) -> (days: Int64, timeOfDay: Int64) {
        var d = micros / microsPerDay
        var t = micros % microsPerDay
        if t < 0 { t += microsPerDay; d -= 1 }
        return (d, t)
    }

    /// Hours, minutes, seconds and microseconds of a time of day.
    public static func clock(timeOfDay t: Int64) -> (hour: Int, minute: Int, second: Int, micros: Int) {
        (Int(t / microsPerHour), Int(t / microsPerMinute % 60), Int(t / microsPerSecond % 60), Int(t % microsPerSecond))
    }

    /// Adds months to a day number, clamping the day to the target month's length (PostgreSQL).
    public static func addMonths(days: Int64, months: Int) -> Int64 {
        let c = civil(days: days)
        let total = c.year * 12 + (c.month - 1) + months
        let y = Int((Double(total) / 12).rounded(.down))
        let m = total - y * 12 + 1
        return self.days(year: y, month: m, day: min(c.day, daysInMonth(year: y, month: m)))
    }
}
