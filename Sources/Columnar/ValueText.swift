// Text rendering of values the way PostgreSQL 15's output functions print them
// (the text format of the wire protocol, psql, sqllogictest's T columns),
// and parsing of text into values the way PostgreSQL's input functions accept
// it (casts from text, COPY, CSV).
// Floats print as the shortest round-trip decimal (Swift's description gives
// the digits; PostgreSQL's layout rules are applied on top). Datetime input is
// a small field tokenizer modelled on PostgreSQL's ParseDateTime/DecodeDateTime;
// intervals accept the postgres, verbose ("@ … ago") and ISO 8601 forms.
// OWNED BY the Functions/casts work: `format` and `parse` are the contract.

public struct TextFormatOptions: Sendable {
    /// Session TimeZone offset used to render timestamptz, in seconds east of UTC.
    public var timeZoneOffsetSeconds: Int
    public init(timeZoneOffsetSeconds: Int = 0) { self.timeZoneOffsetSeconds = timeZoneOffsetSeconds }
}

public enum ValueText {
    /// PostgreSQL text output of a non-null value of `type`.
    public static func format(_ value: Value, type: DataType, options: TextFormatOptions = .init()) -> String {
        switch value {
        case .null: return ""
        case .bool(let b):
            if type.isInteger { return b ? "1" : "0" }
            return b ? "t" : "f"
        case .int(let i):
            switch type {
            case .date: return formatDate(days: i)
            case .time: return formatTime(micros: i)
            case .timestamp: return formatTimestamp(micros: i)
            case .timestamptz: return formatTimestampTZ(micros: i, offsetSeconds: options.timeZoneOffsetSeconds)
            case .boolean: return i != 0 ? "t" : "f"
            case .float32, .float64: return formatDouble(Double(i), float32: type == .float32)
            case .decimal(_, let s): return formatDecimal(Int128(i), scale: s)
            default: return String(i)
            }
        case .double(let d):
            switch type {
            case .float32: return formatDouble(d, float32: true)
            default: return formatDouble(d, float32: false)
            }
        case .decimal(let m):
            if case .decimal(_, let s) = type { return formatDecimal(m, scale: s) }
            return String(m)
        case .string(let s): return s
        case .bytes(let b):
            if type == .uuid { return formatUUID(b) }
            if type == .bytea { return formatBytea(b) }
            return String(decoding: b, as: UTF8.self)
        case .interval(let iv): return formatInterval(iv)
        case .list(let vs):
            var element = DataType.text
            if case .array(let e) = type { element = e }
            return formatArray(vs, element: element, options: options)
        }
    }

    // MARK: - Output helpers (public: cast kernels call them on typed buffers)

    /// float8/float4 output: shortest round-trip digits; exponent form when the
    /// decimal exponent is < -4 or >= 15 (6 for real), as PostgreSQL 15 does.
    public static func formatDouble(_ d: Double, float32: Bool) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let text = float32 ? Float(d).description : d.description
        // Swift's description gives the shortest round-trip digits; PostgreSQL's layout (plain
        // up to 10^15, or 10^6 for float4, and down to 10^-4, scientific with a two-digit
        // exponent otherwise) is applied on top. Digits go through stack buffers: this runs
        // once per float cell of a result.
        var negative = false
        var exponent = 0, exponentSign = 1
        var sawPoint = false, inExponent = false
        var pointPos = 0
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { mantissa -> String in
            var count = 0
            for c in text.utf8 {
                if inExponent {
                    if c == UInt8(ascii: "-") { exponentSign = -1 } else if c >= 48 && c <= 57 { exponent = exponent * 10 + Int(c - 48) }
                    continue
                }
                switch c {
                case UInt8(ascii: "-"): negative = true
                case UInt8(ascii: "."): sawPoint = true
                case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if count < mantissa.count { mantissa[count] = c; count += 1 }
                    if !sawPoint { pointPos += 1 }
                default: break
                }
            }
            pointPos += exponentSign * exponent
            // Normalise: drop leading zeros (moving the point) and trailing zeros.
            var start = 0
            while start < count - 1 && mantissa[start] == UInt8(ascii: "0") { start += 1; pointPos -= 1 }
            var end = count
            while end > start + 1 && mantissa[end - 1] == UInt8(ascii: "0") { end -= 1 }
            let digits = UnsafeBufferPointer(rebasing: mantissa[start..<end])
            let sciExponent = pointPos - 1
            let limit = float32 ? 6 : 15
            return ascii(capacity: 64) { w in
                if negative { w.byte(UInt8(ascii: "-")) }
                if sciExponent < -4 || sciExponent >= limit {
                    w.byte(digits[0])
                    if digits.count > 1 {
                        w.byte(UInt8(ascii: "."))
                        for b in digits.dropFirst() { w.byte(b) }
                    }
                    w.byte(UInt8(ascii: "e"))
                    w.byte(sciExponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                    w.padded(abs(sciExponent), 2)
                } else if pointPos <= 0 {
                    w.byte(UInt8(ascii: "0")); w.byte(UInt8(ascii: "."))
                    for _ in 0..<(-pointPos) { w.byte(UInt8(ascii: "0")) }
                    for b in digits { w.byte(b) }
                } else if pointPos >= digits.count {
                    for b in digits { w.byte(b) }
                    for _ in 0..<(pointPos - digits.count) { w.byte(UInt8(ascii: "0")) }
                } else {
                    for b in digits[..<pointPos] { w.byte(b) }
                    w.byte(UInt8(ascii: "."))
                    for b in digits[pointPos...] { w.byte(b) }
                }
            }
        }
    }

    /// numeric output with exactly `scale` fraction digits.
    public static func formatDecimal(_ mantissa: Int128, scale: Int) -> String {
        let negative = mantissa < 0
        var magnitude = mantissa.magnitude
        // The digits, least significant first (at most 39); UInt64 arithmetic once they fit.
        var digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { digit -> String in
            var n = 0
            while magnitude > UInt128(UInt64.max) {
                digit[n] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
                n += 1
            }
            var small = UInt64(magnitude)
            repeat {
                digit[n] = UInt8(truncatingIfNeeded: 48 + small % 10)
                small /= 10
                n += 1
            } while small > 0
            let fractionDigits = max(scale, 0)
            // At least one digit before the point; missing digits are zeros.
            let total = max(n, fractionDigits + 1)
            let length = (negative ? 1 : 0) + total + (fractionDigits > 0 ? 1 : 0)
            return ascii(capacity: length) { w in
                if negative { w.byte(UInt8(ascii: "-")) }
                for k in stride(from: total - 1, through: 0, by: -1) {
                    if k == fractionDigits - 1 { w.byte(UInt8(ascii: ".")) }
                    w.byte(k < n ? digit[k] : UInt8(ascii: "0"))
                }
            }
        }
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// How many decimal digits `v` has (1 for 0), so that they can be written in place.
    @inlinable public static func decimalDigitCount(_ v: UInt64) -> Int {
        var digits = 1
        var power: UInt64 = 10
        while digits < 20 && v >= power { digits += 1; power &*= 10 }
        return digits
    }

    /// A String of at most `capacity` ASCII bytes, written on the stack and then copied: the
    /// output functions run once per cell of a result, building them from padded substrings
    /// cost several allocations each, and a String asked for more than 15 bytes of capacity
    /// allocates though most of these (a date, a time) fit its inline form.
    @inline(__always)
    static func ascii(capacity: Int, _ body: (inout ASCIIWriter) -> Void) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var w = ASCIIWriter(buffer: buffer)
            body(&w)
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[..<w.count]), as: UTF8.self)
        }
    }

    struct ASCIIWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        @inline(__always) mutating func byte(_ b: UInt8) {
            precondition(count < buffer.count)
            buffer[count] = b
            count += 1
        }

        mutating func text(_ s: StaticString) {
            s.withUTF8Buffer { for b in $0 { byte(b) } }
        }

        /// The decimal digits of `v` (≥ 0), left-padded with zeros to `width`.
        mutating func padded(_ v: Int, _ width: Int) {
            let v = UInt64(v.magnitude)
            let length = max(ValueText.decimalDigitCount(v), width)
            precondition(count + length <= buffer.count)
            var rest = v
            for i in stride(from: count + length - 1, through: count, by: -1) {
                buffer[i] = UInt8(truncatingIfNeeded: 48 + rest % 10)
                rest /= 10
            }
            count += length
        }

        /// `YYYY-MM-DD` (the year's absolute value: the caller adds " BC").
        mutating func date(_ c: (year: Int, month: Int, day: Int)) {
            padded(c.year, 4); byte(UInt8(ascii: "-")); padded(c.month, 2); byte(UInt8(ascii: "-")); padded(c.day, 2)
        }

        /// `HH:MM:SS[.ffffff]`, trailing fraction zeros removed.
        mutating func time(micros: Int64) {
            let t = max(0, micros)
            padded(Int(t / Calendar.microsPerHour), 2)
            byte(UInt8(ascii: ":"))
            padded(Int(t / Calendar.microsPerMinute % 60), 2)
            byte(UInt8(ascii: ":"))
            padded(Int(t / Calendar.microsPerSecond % 60), 2)
            fraction(micros: Int(t % Calendar.microsPerSecond))
        }

        /// `.ffffff` with trailing zeros removed; nothing for a whole second.
        mutating func fraction(micros: Int) {
            if micros == 0 { return }
            var f = micros, width = 6
            while f % 10 == 0 { f /= 10; width -= 1 }
            byte(UInt8(ascii: "."))
            padded(f, width)
        }

        /// `+05`, `+05:30`, `-03:00:15`.
        mutating func offset(_ seconds: Int) {
            let a = abs(seconds)
            byte(seconds < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            padded(a / 3600, 2)
            if a % 3600 != 0 {
                byte(UInt8(ascii: ":")); padded(a / 60 % 60, 2)
                if a % 60 != 0 { byte(UInt8(ascii: ":")); padded(a % 60, 2) }
            }
        }
    }

    private static func fraction(_ micros: Int) -> String {
        ascii(capacity: 32) { w in w.fraction(micros: micros) }
    }

    /// A calendar date with its year as printed (1 BC is year 0 of the proleptic calendar).
    private static func printedDate(days: Int64) -> (date: (year: Int, month: Int, day: Int), bc: Bool) {
        let c = Calendar.civil(days: days)
        let year = Int(c.year), month = Int(c.month), day = Int(c.day)
        if year <= 0 { return ((1 - year, month, day), true) }
        return ((year, month, day), false)
    }

    /// Date output (ISO, DateStyle ISO): `YYYY-MM-DD`, `YYYY-MM-DD BC` for year <= 0.
    public static func formatDate(days: Int64) -> String {
        // ±infinity, and anything too far out for the calendar arithmetic.
        if days > 1 << 40 { return "infinity" }
        if days < -(1 << 40) { return "-infinity" }
        let (date, bc) = printedDate(days: days)
        return ascii(capacity: 32) { w in
            w.date(date)
            if bc { w.text(" BC") }
        }
    }

    /// Time of day output: `HH:MM:SS[.ffffff]`, trailing fraction zeros removed.
    public static func formatTime(micros: Int64) -> String {
        ascii(capacity: 48) { w in w.time(micros: micros) }
    }

    /// timestamp output: `YYYY-MM-DD HH:MM:SS[.ffffff][ BC]`.
    public static func formatTimestamp(micros: Int64) -> String {
        if micros == Int64.max { return "infinity" }
        if micros == Int64.min { return "-infinity" }
        let (days, timeOfDay) = Calendar.split(micros: micros)
        let (date, bc) = printedDate(days: days)
        return ascii(capacity: 64) { w in
            w.date(date)
            w.byte(UInt8(ascii: " "))
            w.time(micros: timeOfDay)
            if bc { w.text(" BC") }
        }
    }

    /// timestamptz output in a fixed-offset zone: `… HH:MM:SS+05:30`.
    public static func formatTimestampTZ(micros: Int64, offsetSeconds: Int) -> String {
        if micros == Int64.max { return "infinity" }
        if micros == Int64.min { return "-infinity" }
        let local = micros.addingReportingOverflow(Int64(offsetSeconds) * Calendar.microsPerSecond)
        let (days, timeOfDay) = Calendar.split(micros: local.overflow ? micros : local.partialValue)
        let (date, bc) = printedDate(days: days)
        return ascii(capacity: 80) { w in
            w.date(date)
            w.byte(UInt8(ascii: " "))
            w.time(micros: timeOfDay)
            w.offset(offsetSeconds)
            if bc { w.text(" BC") }
        }
    }

    /// A UTC offset as PostgreSQL prints it: `+00`, `+05:30`, `-03:00:15`.
    public static func formatOffset(_ seconds: Int) -> String {
        ascii(capacity: 32) { w in w.offset(seconds) }
    }

    /// interval output, IntervalStyle = postgres.
    public static func formatInterval(_ iv: Interval) -> String {
        let years = Int(iv.months / 12)
        let months = Int(iv.months % 12)
        let days = Int(iv.days)
        var t = iv.micros
        let hours = t / Calendar.microsPerHour
        t -= hours * Calendar.microsPerHour
        let minutes = t / Calendar.microsPerMinute
        t -= minutes * Calendar.microsPerMinute
        let seconds = t / Calendar.microsPerSecond
        let fsec = t - seconds * Calendar.microsPerSecond
        var out = ""
        var isZero = true
        var isBefore = false
        func part(_ value: Int, _ unit: String) {
            if value == 0 { return }
            out += (isZero ? "" : " ") + (isBefore && value > 0 ? "+" : "") + String(value) + " " + unit + (value != 1 ? "s" : "")
            isBefore = value < 0
            isZero = false
        }
        part(years, "year")
        part(months, "mon")
        part(days, "day")
        if isZero || hours != 0 || minutes != 0 || seconds != 0 || fsec != 0 {
            let minus = hours < 0 || minutes < 0 || seconds < 0 || fsec < 0
            out += (isZero ? "" : " ") + (minus ? "-" : (isBefore ? "+" : ""))
            let h = hours.magnitude
            out += (h < 10 ? "0" : "") + String(h) + ":" + pad(Int(minutes.magnitude), 2) + ":" + pad(Int(seconds.magnitude), 2)
            out += fraction(Int(fsec.magnitude))
        }
        return out
    }

    public static func formatUUID(_ b: [UInt8]) -> String {
        guard b.count == 16 else { return Digest.hex(b) }
        let h = Array(Digest.hex(b))
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    public static func formatBytea(_ b: [UInt8]) -> String { "\\x" + Digest.hex(b) }

    /// Array output `{a,b,NULL}` with PostgreSQL's quoting of elements.
    public static func formatArray(_ values: [Value], element: DataType, options: TextFormatOptions) -> String {
        var out = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            if v.isNull { out += "NULL"; continue }
            let s = format(v, type: element, options: options)
            out += quoteArrayElement(s)
        }
        return out + "}"
    }

    static func quoteArrayElement(_ s: String) -> String {
        var needs = s.isEmpty || s.lowercased() == "null"
        if !needs {
            for c in s.utf8 {
                switch c {
                case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: "\""), UInt8(ascii: "\\"),
                     UInt8(ascii: " "), 9, 10, 11, 12, 13:
                    needs = true
                default: break
                }
                if needs { break }
            }
        }
        if !needs { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\"" || ch == "\\" { out += "\\" }
            out.unicodeScalars.append(ch)
        }
        return out + "\""
    }

    // MARK: - Input

    /// PostgreSQL input function: parses `text` as a value of `type`
    /// (22P02 invalid_text_representation, 22003 out of range, 22007/22008 for datetimes).
    public static func parse(_ text: String, as type: DataType, options: TextFormatOptions = .init()) throws -> Value {
        switch type {
        case .null: return .null
        case .text: return .string(text)
        case .json:
            var s = text
            guard s.withUTF8({ isValidJSON($0) }) else {
                throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type json")
            }
            return .string(text)
        case .varchar(let n):
            guard let n else { return .string(text) }
            return .string(try fitVarchar(text, length: n, explicit: false))
        case .char(let n):
            return .string(try fitChar(text, length: n, explicit: false))
        case .int16, .int32, .int64:
            var s = text
            return try s.withUTF8 { .int(try parseInteger($0, type: type)) }
        case .oid:
            var s = text
            return try s.withUTF8 { .int(try parseOID($0)) }
        case .float32, .float64:
            var s = text
            return try s.withUTF8 { .double(try parseDouble($0, type: type)) }
        case .decimal(let p, let sc):
            var s = text
            return try s.withUTF8 { .decimal(try parseDecimal($0, precision: p, scale: sc)) }
        case .boolean:
            var s = text
            return try s.withUTF8 { .bool(try parseBool($0)) }
        case .date: return .int(try parseDate(text))
        case .time: return .int(try parseTime(text))
        case .timestamp: return .int(try parseTimestamp(text, withZone: false, sessionOffset: options.timeZoneOffsetSeconds))
        case .timestamptz: return .int(try parseTimestamp(text, withZone: true, sessionOffset: options.timeZoneOffsetSeconds))
        case .interval: return .interval(try parseInterval(text))
        case .uuid: return .bytes(try parseUUID(text))
        case .bytea: return .bytes(try parseBytea(text))
        case .array(let e): return try parseArray(text, element: e, options: options)
        }
    }

    static func syntaxError(_ type: DataType, _ text: String) -> SQLError {
        let name: String
        switch type {
        case .decimal: name = "numeric"
        case .time: name = "time"
        case .timestamp: name = "timestamp"
        case .varchar, .char: name = "text"
        default: name = type.description
        }
        let code = type.isTemporal ? SQLState.invalidDatetimeFormat : SQLState.invalidTextRepresentation
        return SQLError(code, "invalid input syntax for type \(name): \"\(text)\"")
    }

    static func fieldOverflow(_ text: String) -> SQLError {
        SQLError(SQLState.datetimeFieldOverflow, "date/time field value out of range: \"\(text)\"")
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    /// Counts characters (not bytes) of UTF-8 text.
    public static func characterCount<C: Collection>(_ bytes: C) -> Int where C.Element == UInt8 {
        var n = 0
        for b in bytes where b & 0xC0 != 0x80 { n += 1 }
        return n
    }

    /// varchar(n) length coercion: explicit casts truncate; otherwise only trailing spaces may be cut (22001).
    public static func fitVarchar(_ s: String, length n: Int, explicit: Bool) throws -> String {
        let chars = Array(s.unicodeScalars)
        if chars.count <= n { return s }
        if !explicit && !chars[n...].allSatisfy({ $0 == " " }) {
            throw SQLError(SQLState.stringDataRightTruncation, "value too long for type character varying(\(n))")
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: chars[0..<n])
        return String(out)
    }

    /// char(n): blank-padded to n; longer values truncate on explicit casts, else must be blank beyond n (22001).
    public static func fitChar(_ s: String, length n: Int, explicit: Bool) throws -> String {
        let chars = Array(s.unicodeScalars)
        if chars.count == n { return s }
        if chars.count < n { return s + String(repeating: " ", count: n - chars.count) }
        if !explicit && !chars[n...].allSatisfy({ $0 == " " }) {
            throw SQLError(SQLState.stringDataRightTruncation, "value too long for type character(\(n))")
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: chars[0..<n])
        return String(out)
    }

    /// int2/int4/int8 input: optional whitespace and sign, decimal digits.
    public static func parseInteger(_ b: UnsafeBufferPointer<UInt8>, type: DataType) throws -> Int64 {
        var i = 0, n = b.count
        while i < n && isSpace(b[i]) { i += 1 }
        while n > i && isSpace(b[n - 1]) { n -= 1 }
        var negative = false
        if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { negative = b[i] == UInt8(ascii: "-"); i += 1 }
        if i >= n { throw syntaxError(type, String(decoding: b, as: UTF8.self)) }
        var v: Int64 = 0
        var overflow = false
        while i < n {
            let c = b[i]
            guard c >= 48 && c <= 57 else { throw syntaxError(type, String(decoding: b, as: UTF8.self)) }
            if !overflow {
                let m = v.multipliedReportingOverflow(by: 10)
                let a = m.partialValue.subtractingReportingOverflow(Int64(c - 48))  // accumulate negatively: fits Int64.min
                if m.overflow || a.overflow { overflow = true } else { v = a.partialValue }
            }
            i += 1
        }
        if !negative {
            if v == Int64.min { overflow = true } else { v = -v }
        }
        if overflow || !(type.integerRange ?? Int64.min...Int64.max).contains(v) {
            throw SQLError(SQLState.numericValueOutOfRange, "value \"\(String(decoding: b, as: UTF8.self))\" is out of range for type \(type)")
        }
        return v
    }

    /// oid input (PostgreSQL's oidin): an integer from -2147483648 to 4294967295, where a
    /// negative number stands for the unsigned value with the same 32 bits ('-1' is 4294967295).
    public static func parseOID(_ b: UnsafeBufferPointer<UInt8>) throws -> Int64 {
        let v: Int64
        do { v = try parseInteger(b, type: .int64) } catch let e as SQLError where e.sqlState == SQLState.numericValueOutOfRange {
            throw SQLError(SQLState.numericValueOutOfRange, "value \"\(String(decoding: b, as: UTF8.self))\" is out of range for type oid")
        } catch {
            throw syntaxError(.oid, String(decoding: b, as: UTF8.self))
        }
        guard v >= Int64(Int32.min) && v <= Int64(UInt32.max) else {
            throw SQLError(SQLState.numericValueOutOfRange, "value \"\(String(decoding: b, as: UTF8.self))\" is out of range for type oid")
        }
        return v < 0 ? v + (1 << 32) : v
    }

    /// float4/float8 input, including NaN, Infinity, inf (case-insensitive).
    public static func parseDouble(_ b: UnsafeBufferPointer<UInt8>, type: DataType) throws -> Double {
        var i = 0, n = b.count
        while i < n && isSpace(b[i]) { i += 1 }
        while n > i && isSpace(b[n - 1]) { n -= 1 }
        let body = UnsafeBufferPointer(rebasing: b[i..<n])
        var lower = [UInt8](); lower.reserveCapacity(body.count)
        for c in body { lower.append(c >= 65 && c <= 90 ? c + 32 : c) }
        var sign = 1.0
        var k = 0
        if k < lower.count && (lower[k] == UInt8(ascii: "-") || lower[k] == UInt8(ascii: "+")) {
            if lower[k] == UInt8(ascii: "-") { sign = -1 }
            k += 1
        }
        let word = lower[k...]
        if word.elementsEqual("nan".utf8) { return .nan }  // glibc strtod also takes "-NaN"
        if word.elementsEqual("infinity".utf8) || word.elementsEqual("inf".utf8) { return sign * .infinity }
        // Validate strtod's decimal syntax: digits [. digits] [e [sign] digits].
        var j = k, digits = 0, nonZero = false
        while j < lower.count && lower[j] >= 48 && lower[j] <= 57 { if lower[j] != 48 { nonZero = true }; j += 1; digits += 1 }
        if j < lower.count && lower[j] == UInt8(ascii: ".") {
            j += 1
            while j < lower.count && lower[j] >= 48 && lower[j] <= 57 { if lower[j] != 48 { nonZero = true }; j += 1; digits += 1 }
        }
        if digits == 0 { throw syntaxError(type, String(decoding: b, as: UTF8.self)) }
        if j < lower.count && lower[j] == UInt8(ascii: "e") {
            j += 1
            if j < lower.count && (lower[j] == UInt8(ascii: "-") || lower[j] == UInt8(ascii: "+")) { j += 1 }
            var ed = 0
            while j < lower.count && lower[j] >= 48 && lower[j] <= 57 { j += 1; ed += 1 }
            if ed == 0 { throw syntaxError(type, String(decoding: b, as: UTF8.self)) }
        }
        if j != lower.count { throw syntaxError(type, String(decoding: b, as: UTF8.self)) }
        guard let d = Double(String(decoding: lower, as: UTF8.self)) else {
            throw syntaxError(type, String(decoding: b, as: UTF8.self))
        }
        let original = String(decoding: body, as: UTF8.self)
        if type == .float32 {
            let f = Float(d)
            if f.isInfinite || (f == 0 && nonZero) {
                throw SQLError(SQLState.numericValueOutOfRange, "\"\(original)\" is out of range for type real")
            }
            return Double(f)
        }
        if d.isInfinite || (d == 0 && nonZero) {
            throw SQLError(SQLState.numericValueOutOfRange, "\"\(original)\" is out of range for type double precision")
        }
        return d
    }

    /// Powers of ten that fit in Int128 (10^0 … 10^38).
    public static let pow10: [Int128] = {
        var a: [Int128] = [1]
        for _ in 1...38 { a.append(a[a.count - 1] * 10) }
        return a
    }()

    public static func numericOverflow(precision p: Int, scale s: Int) -> SQLError {
        SQLError(SQLState.numericValueOutOfRange, "numeric field overflow",
                 detail: p - s > 0 ? "A field with precision \(p), scale \(s) must round to an absolute value less than 10^\(p - s)."
                                   : "A field with precision \(p), scale \(s) must round to an absolute value less than 1.")
    }

    /// numeric input rounded (half away from zero) to `scale` digits; 22003 when
    /// the value needs more than `precision` digits.
    public static func parseDecimal(_ b: UnsafeBufferPointer<UInt8>, precision: Int, scale: Int) throws -> Int128 {
        var i = 0, n = b.count
        while i < n && isSpace(b[i]) { i += 1 }
        while n > i && isSpace(b[n - 1]) { n -= 1 }
        var negative = false
        if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { negative = b[i] == UInt8(ascii: "-"); i += 1 }
        var digits: [UInt8] = []
        var pointPos = 0, sawPoint = false, sawDigit = false
        while i < n {
            let c = b[i]
            if c >= 48 && c <= 57 {
                sawDigit = true
                if digits.isEmpty && c == 48 { if sawPoint { pointPos -= 1 } } else {
                    digits.append(c - 48)
                    if !sawPoint { pointPos += 1 }
                }
            } else if c == UInt8(ascii: ".") && !sawPoint {
                sawPoint = true
            } else { break }
            i += 1
        }
        if !sawDigit { throw syntaxError(.decimal(precision: precision, scale: scale), String(decoding: b, as: UTF8.self)) }
        if i < n && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            i += 1
            var eneg = false
            if i < n && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { eneg = b[i] == UInt8(ascii: "-"); i += 1 }
            var e = 0, ed = 0
            while i < n && b[i] >= 48 && b[i] <= 57 { if e < 100_000 { e = e * 10 + Int(b[i] - 48) }; i += 1; ed += 1 }
            if ed == 0 { throw syntaxError(.decimal(precision: precision, scale: scale), String(decoding: b, as: UTF8.self)) }
            pointPos += eneg ? -e : e
        }
        if i != n { throw syntaxError(.decimal(precision: precision, scale: scale), String(decoding: b, as: UTF8.self)) }
        return try decimalFromDigits(digits, pointPos: pointPos, negative: negative, precision: precision, scale: scale)
    }

    /// The numeric(p,s) that holds a numeric literal or text exactly (`1.50` → numeric(3,2),
    /// `1e3` → numeric(4,0)), capped at 38 digits; nil when the text is not a number.
    public static func decimalType(ofLiteral text: String) -> DataType? {
        var intDigits = 0, fracDigits = 0, sawPoint = false, sawDigit = false, leading = true
        var exponent = 0
        var u = Substring(text.trimmingCharacters(in: " "))
        if u.first == "-" || u.first == "+" { u = u.dropFirst() }
        if let e = u.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(u[u.index(after: e)...]), abs(x) <= 1000 else { return nil }
            exponent = x
            u = u[..<e]
        }
        for c in u.utf8 {
            if c == UInt8(ascii: ".") { guard !sawPoint else { return nil }; sawPoint = true; continue }
            guard c >= 48 && c <= 57 else { return nil }
            sawDigit = true
            if sawPoint { fracDigits += 1 } else if !(leading && c == 48) { intDigits += 1; leading = false }
        }
        guard sawDigit else { return nil }
        let scale = max(0, fracDigits - exponent)
        let integer = max(1, intDigits + exponent)
        let s = min(scale, DataType.maxDecimalPrecision)
        let p = min(DataType.maxDecimalPrecision, max(integer + s, s, 1))
        return .decimal(precision: p, scale: s)
    }

    /// Builds a scaled mantissa from significant digits d0 d1 … with value 0.d0d1… × 10^pointPos.
    public static func decimalFromDigits(_ digits: [UInt8], pointPos: Int, negative: Bool, precision: Int, scale: Int) throws -> Int128 {
        if digits.isEmpty { return 0 }
        // Digits kept: those before position pointPos + scale.
        let keep = pointPos + scale
        if keep > precision { throw numericOverflow(precision: precision, scale: scale) }
        var m: Int128 = 0
        if keep > 0 {
            for k in 0..<keep { m = m * 10 + Int128(k < digits.count ? digits[k] : 0) }
        }
        if keep >= 0 && keep < digits.count && digits[keep] >= 5 { m += 1 }
        if m >= pow10[max(0, min(precision, 38))] { throw numericOverflow(precision: precision, scale: scale) }
        return negative ? -m : m
    }

    /// boolean input: t/true/yes/on/1 and f/false/no/off/0, prefixes allowed, case-insensitive.
    public static func parseBool(_ b: UnsafeBufferPointer<UInt8>) throws -> Bool {
        var i = 0, n = b.count
        while i < n && isSpace(b[i]) { i += 1 }
        while n > i && isSpace(b[n - 1]) { n -= 1 }
        var w = [UInt8]()
        for k in i..<max(i, n) { let c = b[k]; w.append(c >= 65 && c <= 90 ? c + 32 : c) }
        func prefix(of word: String, min: Int) -> Bool {
            let u = Array(word.utf8)
            return w.count >= min && w.count <= u.count && Array(u[0..<w.count]) == w
        }
        if prefix(of: "true", min: 1) || prefix(of: "yes", min: 1) || prefix(of: "on", min: 2) || w == [49] { return true }
        if prefix(of: "false", min: 1) || prefix(of: "no", min: 1) || prefix(of: "off", min: 2) || w == [48] { return false }
        throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type boolean: \"\(String(decoding: b, as: UTF8.self))\"")
    }

    // MARK: Datetime input

    struct DateTimeFields {
        var year: Int? = nil, month: Int? = nil, day: Int? = nil
        var hour = 0, minute = 0, second = 0, micros = 0
        var hasTime = false
        var zoneSeconds: Int? = nil
        var bc = false
        var special: Int64? = nil  // epoch / ±infinity, as µs or days chosen by caller
        var specialWord: String? = nil
    }

    static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func monthNumber(_ w: Substring) -> Int? {
        guard w.count >= 3 else { return nil }
        let full = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
        for (k, name) in full.enumerated() where name.hasPrefix(w) || (w == "sept" && k == 8) { return k + 1 }
        return nil
    }

    static func allDigits(_ s: Substring) -> Bool { !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }

    /// Parses `H:M[:S[.frac]]` into fields; returns false on bad syntax.
    static func parseClock(_ s: Substring, into f: inout DateTimeFields) -> Bool {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2 && parts.count <= 3, allDigits(parts[0]), allDigits(parts[1]),
              parts[0].count <= 9, parts[1].count <= 9 else { return false }
        f.hour = Int(parts[0]) ?? 0
        f.minute = Int(parts[1]) ?? 0
        if parts.count == 3 {
            let secParts = parts[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard allDigits(secParts[0]), secParts[0].count <= 9 else { return false }
            f.second = Int(secParts[0]) ?? 0
            if secParts.count == 2 {
                let frac = secParts[1]
                if !frac.isEmpty {
                    guard allDigits(frac) else { return false }
                    // Round to microseconds (half up, as PostgreSQL's rint on positive values).
                    var digits = Array(frac.utf8.map { Int($0 - 48) })
                    while digits.count < 7 { digits.append(0) }
                    var us = 0
                    for k in 0..<6 { us = us * 10 + digits[k] }
                    if digits[6] >= 5 { us += 1 }
                    f.micros = us
                }
            }
        }
        f.hasTime = true
        return true
    }

    /// A few common abbreviations from PostgreSQL's default timezone_abbreviations set.
    static let zoneAbbreviations: [String: Int] = ["est": -5 * 3600, "edt": -4 * 3600, "cst": -6 * 3600, "cdt": -5 * 3600,
                                               "mst": -7 * 3600, "mdt": -6 * 3600, "pst": -8 * 3600, "pdt": -7 * 3600,
                                               "cet": 3600, "cest": 7200, "eet": 7200, "eest": 10800, "wet": 0, "west": 3600,
                                               "bst": 3600, "msk": 10800, "jst": 9 * 3600, "kst": 9 * 3600, "hkt": 8 * 3600,
                                               "aest": 10 * 3600, "aedt": 11 * 3600, "nzst": 12 * 3600, "nzdt": 13 * 3600]

    /// Parses a zone suffix: `+HH`, `+HH:MM`, `+HHMM`, `-…`, `z`, `utc`, `gmt`.
    static func parseZone(_ s: Substring) -> Int? {
        if s == "z" || s == "utc" || s == "gmt" || s == "zulu" || s == "ut" { return 0 }
        if let offset = zoneAbbreviations[String(s)] { return offset }
        guard let first = s.first, first == "+" || first == "-" else { return nil }
        let sign = first == "-" ? -1 : 1
        let body = s.dropFirst()
        var h = 0, m = 0, sec = 0
        if body.contains(":") {
            let p = body.split(separator: ":", omittingEmptySubsequences: false)
            guard p.count >= 2 && p.count <= 3, p.allSatisfy({ allDigits($0) && $0.count <= 2 }) else { return nil }
            h = Int(p[0]) ?? 0; m = Int(p[1]) ?? 0; sec = p.count == 3 ? Int(p[2]) ?? 0 : 0
        } else {
            guard allDigits(body) else { return nil }
            switch body.count {
            case 1, 2: h = Int(body) ?? 0
            case 4: h = Int(body.prefix(2)) ?? 0; m = Int(body.suffix(2)) ?? 0
            case 6: h = Int(body.prefix(2)) ?? 0; m = Int(body.dropFirst(2).prefix(2)) ?? 0; sec = Int(body.suffix(2)) ?? 0
            default: return nil
            }
        }
        guard h <= 15 || (h <= 18 && m == 0), m < 60, sec < 60 else { return nil }
        return sign * (h * 3600 + m * 60 + sec)
    }

    /// Tokenizes and decodes a date/time string into fields (ParseDateTime + DecodeDateTime, simplified).
    static func decodeDateTime(_ text: String, type: DataType) throws -> DateTimeFields {
        let lowered = String(text.lowercased())
        var f = DateTimeFields()
        // Split on whitespace and commas; a "T" between a date and a time is a separator.
        var tokens: [Substring] = []
        for raw in lowered.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "," }) {
            if let t = raw.firstIndex(of: "t"), t != raw.startIndex,
               raw[raw.startIndex..<t].allSatisfy({ $0.isNumber || $0 == "-" || $0 == "/" || $0 == "." }),
               raw[raw.index(after: t)...].first?.isNumber == true {
                tokens.append(raw[raw.startIndex..<t])
                tokens.append(raw[raw.index(after: t)...])
            } else if raw.first == "t" && raw.count > 1 && raw.dropFirst().first?.isNumber == true {
                tokens.append(raw.dropFirst())
            } else {
                tokens.append(raw)
            }
        }
        if tokens.isEmpty { throw syntaxError(type, text) }
        var pendingNumbers: [Substring] = []
        var k = 0
        while k < tokens.count {
            var tok = tokens[k]
            k += 1
            switch tok {
            case "bc": f.bc = true; continue
            case "ad", "on", "at": continue
            case "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday",
                 "fri", "friday", "sat", "saturday", "sun", "sunday":
                continue  // day-of-week names are ignored, as in PostgreSQL
            case "epoch", "infinity", "-infinity", "+infinity", "allballs", "now", "today", "tomorrow", "yesterday":
                f.specialWord = String(tok); continue
            case "am", "pm":
                guard f.hasTime, f.hour >= 1, f.hour <= 12 else { throw syntaxError(type, text) }
                if tok == "pm" && f.hour != 12 { f.hour += 12 }
                if tok == "am" && f.hour == 12 { f.hour = 0 }
                continue
            default: break
            }
            if (tok.first == "+" || tok.first == "-") && f.hasTime, let z = parseZone(tok) {
                f.zoneSeconds = z; continue
            }
            if tok.contains(":") {
                // A time, possibly with a zone glued on: 12:00:00+02, 12:00z.
                var zonePart: Substring? = nil
                if let zi = tok.dropFirst().firstIndex(where: { $0 == "+" || $0 == "-" || $0 == "z" }) {
                    zonePart = tok[zi...]; tok = tok[..<zi]
                }
                if f.hasTime || !parseClock(tok, into: &f) { throw syntaxError(type, text) }
                if let z = zonePart {
                    guard let zs = parseZone(z) else { throw syntaxError(type, text) }
                    f.zoneSeconds = zs
                }
                continue
            }
            if let z = parseZone(tok), tok.first == "+" || (tok.first == "-" && f.hasTime) || tok.first?.isLetter == true {
                f.zoneSeconds = z; continue
            }
            if tok.contains("-") || tok.contains("/") || (tok.contains(".") && !allDigits(tok.split(separator: ".").first ?? "")) {
                let sep: Character = tok.contains("-") ? "-" : (tok.contains("/") ? "/" : ".")
                let p = tok.split(separator: sep, omittingEmptySubsequences: false)
                guard p.count == 3, f.year == nil else { throw syntaxError(type, text) }
                if allDigits(p[0]) && allDigits(p[1]) && allDigits(p[2]) {
                    if p[0].count >= 3 || sep == "-" {
                        f.year = Int(p[0].prefix(9)); f.month = Int(p[1].prefix(9)); f.day = Int(p[2].prefix(9))
                    } else {
                        // DateStyle MDY: 1/8/1999.
                        f.month = Int(p[0]); f.day = Int(p[1]); f.year = Int(p[2].prefix(9))
                        if p[2].count <= 2, let y = f.year { f.year = y < 70 ? y + 2000 : y + 1900 }
                    }
                } else if allDigits(p[0]), let m = monthNumber(p[1]), allDigits(p[2]) {
                    // 08-Jan-1999 or 1999-Jan-08.
                    if p[0].count >= 3 { f.year = Int(p[0].prefix(9)); f.day = Int(p[2].prefix(9)) } else { f.day = Int(p[0]); f.year = Int(p[2].prefix(9)) }
                    f.month = m
                } else if let m = monthNumber(p[0]), allDigits(p[1]), allDigits(p[2]) {
                    f.month = m; f.day = Int(p[1]); f.year = Int(p[2].prefix(9))
                } else { throw syntaxError(type, text) }
                continue
            }
            if let m = monthNumber(tok) { guard f.month == nil else { throw syntaxError(type, text) }; f.month = m; continue }
            if allDigits(tok) {
                if tok.count == 8 && f.year == nil && f.month == nil {
                    f.year = Int(tok.prefix(4)); f.month = Int(tok.dropFirst(4).prefix(2)); f.day = Int(tok.suffix(2))
                } else if tok.count == 6 && f.year != nil && !f.hasTime {
                    f.hour = Int(tok.prefix(2)) ?? 0; f.minute = Int(tok.dropFirst(2).prefix(2)) ?? 0; f.second = Int(tok.suffix(2)) ?? 0
                    f.hasTime = true
                } else {
                    pendingNumbers.append(tok)
                }
                continue
            }
            throw syntaxError(type, text)
        }
        // Bare numbers around a month name: "January 8 1999", "8 January 1999".
        if !pendingNumbers.isEmpty {
            guard f.month != nil, f.year == nil || f.day == nil else { throw syntaxError(type, text) }
            for num in pendingNumbers {
                if f.day == nil && num.count <= 2 { f.day = Int(num) }
                else if f.year == nil { f.year = Int(num.prefix(9)) }
                else { throw syntaxError(type, text) }
            }
        }
        return f
    }

    /// Validated day number of decoded date fields (22008 on out-of-range fields).
    static func dayNumber(_ f: DateTimeFields, text: String, type: DataType) throws -> Int64 {
        guard var y = f.year, let m = f.month, let d = f.day else { throw syntaxError(type, text) }
        guard y != 0 else { throw fieldOverflow(text) }
        if f.bc { guard y > 0 else { throw fieldOverflow(text) }; y = 1 - y }
        guard m >= 1 && m <= 12 else { throw fieldOverflow(text) }
        guard y >= -4713 && y <= 5874897 else {
            throw SQLError(SQLState.datetimeFieldOverflow, "date out of range: \"\(text)\"")
        }
        guard d >= 1 && d <= Calendar.daysInMonth(year: y, month: m) else { throw fieldOverflow(text) }
        return Calendar.days(year: y, month: m, day: d)
    }

    static func timeOfDay(_ f: DateTimeFields, text: String) throws -> Int64 {
        guard f.hour >= 0, f.minute >= 0 && f.minute < 60, f.second >= 0 && f.second <= 60 else { throw fieldOverflow(text) }
        let t = Int64(f.hour) * Calendar.microsPerHour + Int64(f.minute) * Calendar.microsPerMinute
            + Int64(f.second) * Calendar.microsPerSecond + Int64(f.micros)
        guard f.hour < 24 || t == Calendar.microsPerDay else { throw fieldOverflow(text) }
        return t
    }

    /// date input: ISO `2024-01-31`, `January 8, 1999`, `1/8/1999`, `19990108`, BC suffix, epoch/±infinity.
    /// `now`: the statement time (µs, UTC) for 'now'/'today'/'tomorrow'/'yesterday'; without it they are rejected.
    public static func parseDate(_ text: String, now: Int64? = nil, sessionOffset: Int = 0) throws -> Int64 {
        let f = try decodeDateTime(text, type: .date)
        if let w = f.specialWord {
            switch w {
            case "epoch": return 0
            case "infinity", "+infinity": return Int64.max
            case "-infinity": return Int64.min
            default:
                guard let now, let local = relativeDay(w, now: now, sessionOffset: sessionOffset) else { throw syntaxError(.date, text) }
                return local
            }
        }
        return try dayNumber(f, text: text, type: .date)
    }

    /// The local day number of 'today' (±1) at statement time `now`.
    static func relativeDay(_ word: String, now: Int64, sessionOffset: Int) -> Int64? {
        let today = Calendar.split(micros: now &+ Int64(sessionOffset) * Calendar.microsPerSecond).days
        switch word {
        case "today", "now": return today
        case "tomorrow": return today + 1
        case "yesterday": return today - 1
        default: return nil
        }
    }

    /// time input: `HH:MM[:SS[.ffffff]]`, a date or zone before/after is ignored; `allballs`.
    public static func parseTime(_ text: String) throws -> Int64 {
        let f = try decodeDateTime(text, type: .time)
        if f.specialWord == "allballs" { return 0 }
        if f.specialWord != nil || !f.hasTime { throw syntaxError(.time, text) }
        return try timeOfDay(f, text: text)
    }

    /// timestamp/timestamptz input. A zone suffix converts timestamptz to UTC and is ignored for timestamp.
    public static func parseTimestamp(_ text: String, withZone: Bool, sessionOffset: Int, now: Int64? = nil) throws -> Int64 {
        let type: DataType = withZone ? .timestamptz : .timestamp
        let f = try decodeDateTime(text, type: type)
        if let w = f.specialWord {
            let offset = Int64(sessionOffset) * Calendar.microsPerSecond
            switch w {
            case "epoch": return 0
            case "infinity", "+infinity": return Int64.max
            case "-infinity": return Int64.min
            case "now":
                guard let now else { throw syntaxError(type, text) }
                return withZone ? now : now + offset
            default:
                // today/tomorrow/yesterday: local midnight.
                guard let now, let day = relativeDay(w, now: now, sessionOffset: sessionOffset) else { throw syntaxError(type, text) }
                let local = day * Calendar.microsPerDay
                return withZone ? local - offset : local
            }
        }
        let days = try dayNumber(f, text: text, type: type)
        let tod = try timeOfDay(f, text: text)
        let outOfRange = SQLError(SQLState.datetimeFieldOverflow, "timestamp out of range: \"\(text)\"")
        let scaled = days.multipliedReportingOverflow(by: Calendar.microsPerDay)
        guard !scaled.overflow, days < 106_751_991 else { throw outOfRange }
        var micros = scaled.partialValue + tod
        if withZone { micros -= Int64(f.zoneSeconds ?? sessionOffset) * Calendar.microsPerSecond }
        return micros
    }

    // MARK: Interval input

    /// Accumulates interval fields exactly (Int64) with PostgreSQL's rules for
    /// cascading fractional units down (AdjustFractDays / AdjustFractSeconds).
    struct IntervalAccumulator {
        var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
        let text: String

        func overflow() -> SQLError { SQLError(SQLState.datetimeFieldOverflow, "interval field value out of range: \"\(text)\"") }

        mutating func add(_ field: WritableKeyPath<IntervalAccumulator, Int64>, _ value: Int64, times factor: Int64) throws {
            let m = value.multipliedReportingOverflow(by: factor)
            guard !m.overflow else { throw overflow() }
            let s = self[keyPath: field].addingReportingOverflow(m.partialValue)
            guard !s.overflow else { throw overflow() }
            self[keyPath: field] = s.partialValue
        }

        mutating func fractionSeconds(_ frac: Double, secondsPerUnit: Double) throws {
            if frac == 0 { return }
            let us = (frac * secondsPerUnit * 1e6).rounded(.toNearestOrEven)
            guard us.isFinite, Swift.abs(us) < 9.2e18 else { throw overflow() }
            try add(\.micros, Int64(us), times: 1)
        }

        mutating func fractionDays(_ frac: Double, daysPerUnit: Double) throws {
            if frac == 0 { return }
            let d = frac * daysPerUnit
            let whole = d.rounded(.towardZero)
            guard Swift.abs(whole) < 9e18 else { throw overflow() }
            try add(\.days, Int64(whole), times: 1)
            try fractionSeconds(d - whole, secondsPerUnit: 86400)
        }

        /// Adds `whole + frac` of `unit`; false when the unit is unknown.
        mutating func add(whole: Int64, frac: Double, unit: Substring) throws -> Bool {
            switch unit {
            case "microsecond", "microseconds", "us", "usec", "usecs", "microsecon":
                try add(\.micros, whole, times: 1); try fractionSeconds(frac, secondsPerUnit: 1e-6)
            case "millisecond", "milliseconds", "ms", "msec", "msecs", "millisecon":
                try add(\.micros, whole, times: 1000); try fractionSeconds(frac, secondsPerUnit: 1e-3)
            case "second", "seconds", "s", "sec", "secs":
                try add(\.micros, whole, times: 1_000_000); try fractionSeconds(frac, secondsPerUnit: 1)
            case "minute", "minutes", "m", "min", "mins":
                try add(\.micros, whole, times: 60_000_000); try fractionSeconds(frac, secondsPerUnit: 60)
            case "hour", "hours", "h", "hr", "hrs":
                try add(\.micros, whole, times: 3_600_000_000); try fractionSeconds(frac, secondsPerUnit: 3600)
            case "day", "days", "d":
                try add(\.days, whole, times: 1); try fractionSeconds(frac, secondsPerUnit: 86400)
            case "week", "weeks", "w":
                try add(\.days, whole, times: 7); try fractionDays(frac, daysPerUnit: 7)
            case "month", "months", "mon", "mons":
                try add(\.months, whole, times: 1); try fractionDays(frac, daysPerUnit: 30)
            case "year", "years", "y", "yr", "yrs":
                try add(\.months, whole, times: 12); try add(\.months, Int64((frac * 12).rounded(.toNearestOrEven)), times: 1)
            case "decade", "decades", "dec", "decs":
                try add(\.months, whole, times: 120); try add(\.months, Int64((frac * 120).rounded(.toNearestOrEven)), times: 1)
            case "century", "centuries", "c", "cent", "cents":
                try add(\.months, whole, times: 1200); try add(\.months, Int64((frac * 1200).rounded(.toNearestOrEven)), times: 1)
            case "millennium", "millennia", "millenniums", "mil", "mils":
                try add(\.months, whole, times: 12000); try add(\.months, Int64((frac * 12000).rounded(.toNearestOrEven)), times: 1)
            default: return false
            }
            return true
        }

        func finish() throws -> Interval {
            guard let m = Int32(exactly: months), let d = Int32(exactly: days) else { throw overflow() }
            return Interval(months: m, days: d, micros: micros)
        }
    }

    /// Splits a signed decimal number into an exact integer part and a signed fraction.
    static func splitNumber(_ s: Substring) -> (whole: Int64, frac: Double, overflow: Bool)? {
        var body = s
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = parts[0]
        let fracPart = parts.count > 1 ? parts[1] : ""
        guard !(intPart.isEmpty && fracPart.isEmpty),
              intPart.isEmpty || allDigits(intPart), fracPart.isEmpty || allDigits(fracPart) else { return nil }
        var whole: Int64 = 0
        for c in intPart.utf8 {
            let m = whole.multipliedReportingOverflow(by: 10)
            let a = m.partialValue.addingReportingOverflow(Int64(c - 48))
            if m.overflow || a.overflow { return (0, 0, true) }
            whole = a.partialValue
        }
        let frac = fracPart.isEmpty ? 0 : (Double("0." + fracPart) ?? 0)
        return (negative ? -whole : whole, negative ? -frac : frac, false)
    }

    /// interval input: `1 day 02:00:00`, `1 year 2 months`, `-3 hours`, `@ 1 minute ago`, ISO `P1Y2M3DT4H5M6S`.
    public static func parseInterval(_ text: String) throws -> Interval {
        let s = text.lowercased().trimmingCharacters(in: " ").trimmingCharacters(in: "\t")
        var acc = IntervalAccumulator(text: text)
        func bad() -> SQLError { syntaxError(.interval, text) }
        if s.isEmpty { throw bad() }
        if s.first == "p" {
            // ISO 8601 with designators.
            var inTime = false
            var num = Substring("")
            var any = false
            var idx = s.index(after: s.startIndex)
            var numStart = idx
            while idx < s.endIndex {
                let ch = s[idx]
                if ch == "t" && num.isEmpty { inTime = true; idx = s.index(after: idx); numStart = idx; continue }
                if ch.isNumber || ch == "." || ch == "-" || ch == "+" {
                    num = s[numStart...idx]; idx = s.index(after: idx); continue
                }
                guard let v = splitNumber(num), !v.overflow else { throw bad() }
                let unit: Substring
                switch (ch, inTime) {
                case ("y", false): unit = "year"
                case ("m", false): unit = "month"
                case ("w", false): unit = "week"
                case ("d", false): unit = "day"
                case ("h", true): unit = "hour"
                case ("m", true): unit = "minute"
                case ("s", true): unit = "second"
                default: throw bad()
                }
                _ = try acc.add(whole: v.whole, frac: v.frac, unit: unit)
                any = true
                num = ""
                idx = s.index(after: idx); numStart = idx
            }
            if !num.isEmpty || !any { throw bad() }
            return try acc.finish()
        }
        var tokens: [Substring] = []
        for raw in s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            // Split "10min" into "10" and "min".
            if let li = raw.firstIndex(where: { $0.isLetter }), li != raw.startIndex,
               raw[raw.startIndex..<li].allSatisfy({ $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }) {
                tokens.append(raw[raw.startIndex..<li]); tokens.append(raw[li...])
            } else { tokens.append(raw) }
        }
        var ago = false
        var k = 0
        var sawAny = false
        while k < tokens.count {
            let tok = tokens[k]; k += 1
            if tok == "@" { continue }
            if tok == "ago" { guard k == tokens.count else { throw bad() }; ago = true; continue }
            if tok.contains(":") {
                var body = tok
                var negative = false
                if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
                let p = body.split(separator: ":", omittingEmptySubsequences: false)
                guard p.count >= 2 && p.count <= 3, allDigits(p[0]), allDigits(p[1]), p[0].count <= 18, p[1].count <= 18 else { throw bad() }
                var clock = IntervalAccumulator(text: text)
                try clock.add(\.micros, Int64(p[0]) ?? 0, times: 3_600_000_000)
                try clock.add(\.micros, Int64(p[1]) ?? 0, times: 60_000_000)
                if p.count == 3 {
                    guard let sec = splitNumber(p[2]), !sec.overflow, p[2].first?.isNumber == true else { throw bad() }
                    try clock.add(\.micros, sec.whole, times: 1_000_000)
                    try clock.fractionSeconds(sec.frac, secondsPerUnit: 1)
                }
                try acc.add(\.micros, clock.micros, times: negative ? -1 : 1)
                sawAny = true
                continue
            }
            // SQL-standard year-month form: 1-2 is 1 year 2 months.
            let dash = tok.dropFirst().firstIndex(of: "-")
            if let dash, allDigits(tok[tok.index(after: dash)...]) {
                let yearsPart = tok[tok.startIndex..<dash]
                guard let y = splitNumber(yearsPart), !y.overflow, y.frac == 0,
                      let m = Int64(tok[tok.index(after: dash)...]), m < 12 else { throw bad() }
                let sign: Int64 = yearsPart.first == "-" ? -1 : 1
                try acc.add(\.months, y.whole, times: 12)
                try acc.add(\.months, m, times: sign)
                sawAny = true
                continue
            }
            guard let v = splitNumber(tok) else { throw bad() }
            if v.overflow { throw acc.overflow() }
            sawAny = true
            if k < tokens.count, tokens[k].first?.isLetter == true, tokens[k] != "ago" {
                guard try acc.add(whole: v.whole, frac: v.frac, unit: tokens[k]) else { throw bad() }
                k += 1
            } else if k < tokens.count, tokens[k].contains(":") {
                _ = try acc.add(whole: v.whole, frac: v.frac, unit: "day")
            } else {
                _ = try acc.add(whole: v.whole, frac: v.frac, unit: "second")
            }
        }
        if !sawAny { throw bad() }
        if ago {
            acc.months = -acc.months; acc.days = -acc.days
            guard acc.micros != Int64.min else { throw acc.overflow() }
            acc.micros = -acc.micros
        }
        return try acc.finish()
    }

    // MARK: Other types

    /// RFC 8259 syntax check (json input validates but keeps the text as written).
    public static func isValidJSON(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        func skipSpace() { while i < b.count && (b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13) { i += 1 } }
        func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard i + n <= b.count else { return false }
            for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
            i += n
            return true
        }
        func string() -> Bool {
            i += 1  // opening quote
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; return true }
                if c < 0x20 { return false }
                if c == UInt8(ascii: "\\") {
                    i += 1
                    guard i < b.count else { return false }
                    switch b[i] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): i += 1
                    case UInt8(ascii: "u"):
                        guard i + 4 < b.count, (1...4).allSatisfy({ hexValue(b[i + $0]) != nil }) else { return false }
                        i += 5
                    default: return false
                    }
                    continue
                }
                i += 1
            }
            return false
        }
        func number() -> Bool {
            if b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, b[i] >= 48 && b[i] <= 57 else { return false }
            if b[i] == 48 { i += 1 } else { while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 } }
            if i < b.count && b[i] == UInt8(ascii: ".") {
                i += 1
                guard i < b.count, b[i] >= 48 && b[i] <= 57 else { return false }
                while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
            }
            if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
                i += 1
                if i < b.count && (b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-")) { i += 1 }
                guard i < b.count, b[i] >= 48 && b[i] <= 57 else { return false }
                while i < b.count && b[i] >= 48 && b[i] <= 57 { i += 1 }
            }
            return true
        }
        // Iterative value parser with an explicit container stack (no recursion on deep input).
        var stack: [UInt8] = []
        var expectValue = true
        skipSpace()
        while true {
            skipSpace()
            if !expectValue && stack.isEmpty { return i == b.count }
            guard i < b.count else { return false }
            if expectValue {
                switch b[i] {
                case UInt8(ascii: "{"):
                    i += 1; skipSpace()
                    if i < b.count && b[i] == UInt8(ascii: "}") { i += 1; expectValue = false; break }
                    stack.append(UInt8(ascii: "{"))
                    guard i < b.count, b[i] == UInt8(ascii: "\""), string() else { return false }
                    skipSpace()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
                    i += 1
                    continue
                case UInt8(ascii: "["):
                    i += 1; skipSpace()
                    if i < b.count && b[i] == UInt8(ascii: "]") { i += 1; expectValue = false; break }
                    stack.append(UInt8(ascii: "["))
                    continue
                case UInt8(ascii: "\""): guard string() else { return false }
                case UInt8(ascii: "t"): guard literal("true") else { return false }
                case UInt8(ascii: "f"): guard literal("false") else { return false }
                case UInt8(ascii: "n"): guard literal("null") else { return false }
                default: guard number() else { return false }
                }
                expectValue = false
                continue
            }
            // After a value: close containers or continue them.
            guard let top = stack.last else { return false }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                if top == UInt8(ascii: "{") {
                    skipSpace()
                    guard i < b.count, b[i] == UInt8(ascii: "\""), string() else { return false }
                    skipSpace()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { return false }
                    i += 1
                }
                expectValue = true
            } else if (top == UInt8(ascii: "{") && b[i] == UInt8(ascii: "}")) || (top == UInt8(ascii: "[") && b[i] == UInt8(ascii: "]")) {
                i += 1
                stack.removeLast()
            } else {
                return false
            }
        }
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    /// uuid input: 32 hex digits, optionally hyphenated in groups of 4 and wrapped in braces.
    public static func parseUUID(_ text: String) throws -> [UInt8] {
        var u = Array(text.utf8)
        if u.first == UInt8(ascii: "{") && u.last == UInt8(ascii: "}") && u.count >= 2 { u = Array(u[1..<(u.count - 1)]) }
        var out: [UInt8] = []
        var hi: UInt8? = nil
        var digitsSinceHyphen = 0
        for (i, c) in u.enumerated() {
            if c == UInt8(ascii: "-") {
                guard i > 0, i < u.count - 1, digitsSinceHyphen % 4 == 0, digitsSinceHyphen > 0 else {
                    throw syntaxError(.uuid, text)
                }
                digitsSinceHyphen = 0
                continue
            }
            guard let v = hexValue(c), out.count < 16 else { throw syntaxError(.uuid, text) }
            digitsSinceHyphen += 1
            if let h = hi { out.append(h << 4 | v); hi = nil } else { hi = v }
        }
        guard out.count == 16, hi == nil else { throw syntaxError(.uuid, text) }
        return out
    }

    /// bytea input: hex form `\x0a0b` or escape form with `\\` and `\ooo` octal escapes.
    public static func parseBytea(_ text: String) throws -> [UInt8] {
        let u = Array(text.utf8)
        if u.count >= 2 && u[0] == UInt8(ascii: "\\") && (u[1] == UInt8(ascii: "x") || u[1] == UInt8(ascii: "X")) {
            var out: [UInt8] = []
            var i = 2
            while i < u.count {
                if isSpace(u[i]) { i += 1; continue }
                guard let h = hexValue(u[i]) else {
                    throw SQLError(SQLState.invalidParameterValue, "invalid hexadecimal digit: \"\(String(decoding: [u[i]], as: UTF8.self))\"")
                }
                guard i + 1 < u.count else {
                    throw SQLError(SQLState.invalidParameterValue, "invalid hexadecimal data: odd number of digits")
                }
                guard let l = hexValue(u[i + 1]) else {
                    throw SQLError(SQLState.invalidParameterValue, "invalid hexadecimal digit: \"\(String(decoding: [u[i + 1]], as: UTF8.self))\"")
                }
                out.append(h << 4 | l)
                i += 2
            }
            return out
        }
        var out: [UInt8] = []
        var i = 0
        while i < u.count {
            if u[i] != UInt8(ascii: "\\") { out.append(u[i]); i += 1; continue }
            if i + 1 < u.count && u[i + 1] == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")); i += 2; continue }
            if i + 3 < u.count, (48...51).contains(u[i + 1]), (48...55).contains(u[i + 2]), (48...55).contains(u[i + 3]) {
                out.append((u[i + 1] - 48) << 6 | (u[i + 2] - 48) << 3 | (u[i + 3] - 48))
                i += 4
                continue
            }
            throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type bytea")
        }
        return out
    }

    /// One-dimensional array input `{a,"b c",NULL}`.
    public static func parseArray(_ text: String, element: DataType, options: TextFormatOptions) throws -> Value {
        let u = Array(text.utf8)
        var i = 0
        while i < u.count && isSpace(u[i]) { i += 1 }
        guard i < u.count, u[i] == UInt8(ascii: "{") else {
            throw SQLError(SQLState.invalidTextRepresentation, "malformed array literal: \"\(text)\"")
        }
        i += 1
        var items: [Value] = []
        func malformed() -> SQLError { SQLError(SQLState.invalidTextRepresentation, "malformed array literal: \"\(text)\"") }
        while i < u.count && isSpace(u[i]) { i += 1 }
        if i < u.count && u[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                while i < u.count && isSpace(u[i]) { i += 1 }
                guard i < u.count else { throw malformed() }
                var raw: [UInt8] = []
                var quoted = false
                if u[i] == UInt8(ascii: "\"") {
                    quoted = true
                    i += 1
                    while i < u.count && u[i] != UInt8(ascii: "\"") {
                        if u[i] == UInt8(ascii: "\\") { i += 1; guard i < u.count else { throw malformed() } }
                        raw.append(u[i]); i += 1
                    }
                    guard i < u.count else { throw malformed() }
                    i += 1
                    while i < u.count && isSpace(u[i]) { i += 1 }
                } else {
                    // A nested {…} is a second dimension, which LakeSQL's arrays do not have.
                    if items.isEmpty && raw.isEmpty && u[i] == UInt8(ascii: "{") {
                        throw SQLError(SQLState.featureNotSupported, "multidimensional arrays are not supported")
                    }
                    while i < u.count && u[i] != UInt8(ascii: ",") && u[i] != UInt8(ascii: "}") {
                        if u[i] == UInt8(ascii: "{") || u[i] == UInt8(ascii: "\"") { throw malformed() }
                        if u[i] == UInt8(ascii: "\\") { i += 1; guard i < u.count else { throw malformed() } }
                        raw.append(u[i]); i += 1
                    }
                    while let l = raw.last, isSpace(l) { raw.removeLast() }
                    if raw.isEmpty { throw malformed() }
                }
                let s = String(decoding: raw, as: UTF8.self)
                if !quoted && s.lowercased() == "null" { items.append(.null) } else { items.append(try parse(s, as: element, options: options)) }
                guard i < u.count else { throw malformed() }
                if u[i] == UInt8(ascii: ",") { i += 1; continue }
                if u[i] == UInt8(ascii: "}") { i += 1; break }
                throw malformed()
            }
        }
        while i < u.count && isSpace(u[i]) { i += 1 }
        if i != u.count { throw malformed() }
        return .list(items)
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
