// Parsing of setting values: time zones (UTC, plain hour offsets such as
// '+02', POSIX-style 'UTC-3', '+05:30', 'Etc/GMT+3'), memory sizes ('4GB'), and
// the wall clock.

import Columnar
import Planner
#if canImport(Glibc)
import Glibc
#endif

enum TimeZoneSetting {
    /// Seconds east of UTC for a fixed-offset zone name, or nil if not understood.
    /// As PostgreSQL's SET TimeZone: a plain number of hours ('+02', '-5', '5.5') is SQL's
    /// convention, east of Greenwich; anything else is a POSIX zone, where the offset counts
    /// hours WEST ('UTC+3', 'GMT-1', '+05:30', 'Etc/GMT+3' are 3 h west, 1 h east, 5:30 west, 3 h west).
    static func offsetSeconds(_ name: String) -> Int? {
        var s = name.trimmedWhitespaceE.uppercased()
        if s.hasPrefix("'") && s.hasSuffix("'") && s.count >= 2 { s = String(s.dropFirst().dropLast()) }
        if s == "UTC" || s == "GMT" || s == "Z" || s == "ETC/UTC" || s == "UCT" || s == "ZULU" || s == "UNIVERSAL" { return 0 }
        if let hours = Double(s), hours.isFinite, abs(hours) <= 15, s.allSatisfy({ $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." }) {
            return Int((hours * 3600).rounded())
        }
        var body = Substring(s)
        for prefix in ["ETC/GMT", "UTC", "GMT"] where body.hasPrefix(prefix) {
            body = body.dropFirst(prefix.count)
            break
        }
        guard let first = body.first else { return nil }
        var west = 1
        if first == "+" { body = body.dropFirst() } else if first == "-" { west = -1; body = body.dropFirst() }
        let parts = body.split(separator: ":", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }),
              let h = Int(parts[0]), h <= 15 else { return nil }
        let m = parts.count == 2 ? Int(parts[1]) : 0
        guard let m, m < 60 else { return nil }
        return -west * (h * 3600 + m * 60)
    }
}

extension Session {
    /// The binder reads literals ('2024-01-01'::timestamptz) and folds constant casts in the session's zone.
    func inSessionTimeZone(_ binder: Binder) -> Binder {
        binder.timeZoneOffsetSeconds = timeZoneOffsetSeconds
        return binder
    }
}

enum MemorySetting {
    /// 80% of physical memory, so a runaway query fails with 53200 instead of the
    /// process being killed; `SET memory_limit = 0` lifts it.
    static let defaultLimit: String = {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return "0" }
        return "\(Int(Double(pages) * Double(size) * 0.8) / (1 << 20))MB"
    }()

    /// Bytes for '4GB', '512 MB', '1024kB', '0' (unlimited).
    static func bytes(_ text: String) -> Int? {
        var s = text.trimmedWhitespaceE.lowercased()
        if s.hasPrefix("'") && s.hasSuffix("'") && s.count >= 2 { s = String(s.dropFirst().dropLast()) }
        let digits = s.prefix { $0.isNumber || $0 == "." }
        guard let n = Double(digits) else { return nil }
        let unit = s.dropFirst(digits.count).trimmingSpaces
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "kb", "k", "kib": scale = 1024
        case "mb", "m", "mib": scale = 1024 * 1024
        case "gb", "g", "gib": scale = 1024 * 1024 * 1024
        case "tb", "t", "tib": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        return Int(n * scale)
    }
}

enum Clock {
    static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

extension StringProtocol {
    var trimmedWhitespaceE: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
    var trimmingSpaces: String { trimmedWhitespaceE }
}
