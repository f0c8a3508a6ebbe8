// CSV files as typed Batches. Opening a file sniffs what the caller left
// open: the delimiter (`,` `;` `|` tab: the candidate that splits the first
// records into the most, equally many, fields), the quote (`"`, or `'` when
// it alone splits the records consistently or into more fields), the column types (over a
// sample of records: boolean, bigint, double, date, timestamp, else text;
// empty unquoted fields are NULL) and the header (the first record is a
// header when one of its values does not fit its column's sniffed type, or
// when every column is text). Reading converts only the requested columns.
// Malformed records (wrong field count, broken quoting) are SQLSTATE 22P04
// with file and line, values that do not fit their column 22P02; both are
// skipped instead with `ignoreErrors`.

import Columnar

public struct CSVOptions: Sendable {
    /// nil: detect.
    public var header: Bool? = nil
    /// nil: sniff among , ; | and tab.
    public var delimiter: UInt8? = nil
    public var quote: UInt8? = UInt8(ascii: "\"")
    /// Try `'` as well as `quote` (set false when the caller chose the quote).
    public var sniffQuote = true
    /// nil: a quote inside a quoted field is written twice.
    public var escape: UInt8? = nil
    public var ignoreErrors = false
    /// Records sampled for type and header detection.
    public var sampleRows = 1000
    /// Explicit column names and types (no type sniffing).
    public var columns: [Field]? = nil
    public init() {}
}

public enum CSVTypes {
    /// A type name as written in `columns => [...]`.
    public static func parse(_ name: String) -> DataType? {
        switch name.lowercased() {
        case "bool", "boolean": return .boolean
        case "smallint", "int2": return .int16
        case "int", "integer", "int4": return .int32
        case "bigint", "int8": return .int64
        case "real", "float4": return .float32
        case "double", "double precision", "float", "float8": return .float64
        case "text", "varchar", "string": return .text
        case "date": return .date
        case "timestamp": return .timestamp
        case "timestamptz": return .timestamptz
        case "json": return .json
        default: return nil
        }
    }

    static let bool = 1, int = 2, double = 4, date = 8, timestamp = 16, all = 31

    /// Candidate-type bits a non-empty value fits.
    static func fits(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var bits = 0
        if TextValues.bool(b) != nil { bits |= bool }
        if TextValues.int64(b) != nil { bits |= int | double }
        else if TextValues.looksNumeric(b), (try? ValueText.parseDouble(b, type: .float64)) != nil { bits |= double }
        if TextValues.date(b) != nil { bits |= date | timestamp }
        else if TextValues.looksLikeTimestamp(b) { bits |= timestamp }
        return bits
    }

    static func type(bits: Int) -> DataType {
        if bits & bool != 0 { return .boolean }
        if bits & int != 0 { return .int64 }
        if bits & double != 0 { return .float64 }
        if bits & date != 0 { return .date }
        if bits & timestamp != 0 { return .timestamp }
        return .text
    }
}

/// Strict, allocation-free parsers for sniffing and converting text fields.
public enum TextValues {
    public static func bool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        if b.count == 4, b[0] | 0x20 == UInt8(ascii: "t"), b[1] | 0x20 == UInt8(ascii: "r"), b[2] | 0x20 == UInt8(ascii: "u"), b[3] | 0x20 == UInt8(ascii: "e") { return true }
        if b.count == 5, b[0] | 0x20 == UInt8(ascii: "f"), b[1] | 0x20 == UInt8(ascii: "a"), b[2] | 0x20 == UInt8(ascii: "l"),
           b[3] | 0x20 == UInt8(ascii: "s"), b[4] | 0x20 == UInt8(ascii: "e") { return false }
        return nil
    }

    public static func int64(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { negative = b[i] == UInt8(ascii: "-"); i += 1 }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = negative ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = s; i += 1
        }
        return v
    }

    /// Digits, sign, point and exponent only (keeps "nan"/"infinity" words out of sniffing).
    public static func looksNumeric(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var digits = false
        for c in b {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits = true
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
            default: return false
            }
        }
        return digits
    }

    /// Days since 1970-01-01 for exactly YYYY-MM-DD.
    public static func date(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                let d = b[i] &- UInt8(ascii: "0")
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), m >= 1, m <= 12,
              d >= 1, d <= Calendar.daysInMonth(year: y, month: m) else { return nil }
        return Calendar.days(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD[ T]HH:MM…` (the full parse happens on conversion).
    public static func looksLikeTimestamp(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count >= 16, date(UnsafeBufferPointer(rebasing: b[0..<10])) != nil,
              b[10] == UInt8(ascii: " ") || b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":") else { return false }
        return (try? ValueText.parseTimestamp(String(decoding: b, as: UTF8.self), withZone: false, sessionOffset: 0)) != nil
    }
}

public final class CSVFile {
    public let name: String
    public let fields: [Field]
    public let delimiter: UInt8
    public let hasHeader: Bool
    /// The quote in use (sniffed or given).
    public var quote: UInt8? { options.quote }
    let options: CSVOptions
    let bytes: [UInt8]
    let dataStart: Int
    let dataLine: Int

    /// Opens and sniffs a file. With `schema`, the columns are taken from it (other files of one table).
    public convenience init(path: String, options: CSVOptions = .init(), schema: [Field]? = nil) throws {
        try self.init(bytes: try TextFileInput.read(path: path), name: path, options: options, schema: schema)
    }

    public init(bytes input: [UInt8], name: String, options: CSVOptions = .init(), schema: [Field]? = nil) throws {
        var bytes = input
        // A UTF-8 byte order mark is not part of the first field.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
        self.bytes = bytes
        self.name = name
        var options = options
        let (delimiter, quote) = Self.sniffDialect(bytes, options: options, name: name)
        options.quote = quote
        options.sniffQuote = false
        self.options = options
        self.delimiter = delimiter

        var tokenizer = CSVTokenizer(bytes: bytes, delimiter: delimiter, quote: options.quote, escape: options.escape, name: name)
        var sample: [[CSVSpan]] = []
        var spans: [CSVSpan] = []
        var afterFirst = (position: 0, line: 1)
        while sample.count < max(2, options.sampleRows), try tokenizer.next(&spans) {
            sample.append(spans)
            if sample.count == 1 { afterFirst = (tokenizer.position, tokenizer.line) }
        }
        guard let first = sample.first else {
            throw SQLError("22P04", "file \"\(name)\": no records (the file is empty)")
        }
        let width = schema?.count ?? options.columns?.count ?? first.count
        let firstTexts = first.map { tokenizer.text($0) }

        // Types of the records after the first, which decide whether the first is a header.
        var bits = [Int](repeating: CSVTypes.all, count: width)
        var seen = [Bool](repeating: false, count: width)
        bytes.withUnsafeBufferPointer { b in
            for record in sample.dropFirst() where record.count == width {
                for (c, s) in record.enumerated() where !(s.end == s.start && !s.quoted) {
                    seen[c] = true
                    if s.escaped {
                        let u = tokenizer.unescaped(s)
                        bits[c] &= u.withUnsafeBufferPointer { CSVTypes.fits($0) }
                    } else {
                        bits[c] &= CSVTypes.fits(UnsafeBufferPointer(rebasing: b[s.start..<s.end]))
                    }
                }
            }
        }
        let restTypes = (0..<width).map { seen[$0] ? CSVTypes.type(bits: bits[$0]) : DataType.text }

        let header: Bool
        if let h = options.header {
            header = h
        } else if first.count != width {
            header = false
        } else {
            var mismatch = false
            var allText = true
            bytes.withUnsafeBufferPointer { b in
                for (c, s) in first.enumerated() {
                    if restTypes[c] != .text { allText = false }
                    guard restTypes[c] != .text, s.end > s.start else { continue }
                    let fit = s.escaped ? tokenizer.unescaped(s).withUnsafeBufferPointer { CSVTypes.fits($0) }
                                        : CSVTypes.fits(UnsafeBufferPointer(rebasing: b[s.start..<s.end]))
                    // A header value is plain text where the data below is typed; "1" above "2.5" is data.
                    if fit == 0 { mismatch = true }
                }
            }
            let firstAllNonEmpty = first.allSatisfy { $0.end > $0.start }
            header = mismatch || (allText && firstAllNonEmpty && sample.count > 1) || (sample.count == 1 && firstAllNonEmpty &&
                     bytes.withUnsafeBufferPointer { b in first.allSatisfy { CSVTypes.fits(UnsafeBufferPointer(rebasing: b[$0.start..<$0.end])) == 0 } })
        }
        hasHeader = header
        (dataStart, dataLine) = header ? afterFirst : (0, 1)

        if let schema {
            fields = schema
        } else if let given = options.columns {
            fields = given
        } else {
            // Without a header, the first record's values count toward the types too.
            var types = restTypes
            if !header {
                bytes.withUnsafeBufferPointer { b in
                    for (c, s) in first.enumerated() where c < width && s.end > s.start {
                        let fit = CSVTypes.fits(UnsafeBufferPointer(rebasing: b[s.start..<s.end]))
                        let merged = seen[c] ? bits[c] & fit : fit
                        types[c] = CSVTypes.type(bits: merged)
                    }
                }
            }
            var names: [String] = []
            var used = Set<String>()
            for c in 0..<width {
                var n = header && c < firstTexts.count && !firstTexts[c].isEmpty ? firstTexts[c] : "column\(c)"
                let base = n
                var k = 1
                while used.contains(n.lowercased()) { n = "\(base)_\(k)"; k += 1 }
                used.insert(n.lowercased())
                names.append(n)
            }
            fields = (0..<width).map { Field(name: names[$0], type: types[$0]) }
        }
    }

    /// The delimiter and quote: every candidate pair (the given ones only, when given) splits the first
    /// 20 records; a pair that gives every record the same field count beats one that does not, then more
    /// fields win; on a tie the earlier candidate wins (`,` before `;` `|` tab, `"` before `'`).
    static func sniffDialect(_ bytes: [UInt8], options: CSVOptions, name: String) -> (UInt8, UInt8?) {
        let delimiters: [UInt8] = options.delimiter.map { [$0] } ?? [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "\t")]
        var quotes: [UInt8?] = [options.quote]
        if options.sniffQuote && options.quote != UInt8(ascii: "'") { quotes.append(UInt8(ascii: "'")) }
        var best = (delimiters[0], options.quote)
        var bestScore = (consistent: false, fields: 0)
        for q in quotes {
            for d in delimiters {
                var t = CSVTokenizer(bytes: bytes, delimiter: d, quote: q, escape: options.escape, name: name)
                var spans: [CSVSpan] = []
                var counts: [Int] = []
                while counts.count < 20, (try? t.next(&spans)) == true { counts.append(spans.count) }
                guard let firstCount = counts.first, firstCount > 1 || options.delimiter != nil else { continue }
                let consistent = counts.allSatisfy { $0 == firstCount }
                if (consistent && !bestScore.consistent) || (consistent == bestScore.consistent && firstCount > bestScore.fields) {
                    best = (d, q); bestScore = (consistent, firstCount)
                }
            }
        }
        return best
    }

    /// Record-aligned byte ranges of about `targetBytes` covering the data records (one range for small files).
    public func ranges(targetBytes: Int) -> [TextRange] {
        TextRanges.csv(bytes, start: dataStart, line: dataLine, target: targetBytes, delimiter: delimiter,
                       quote: options.quote, escape: options.escape)
    }

    /// All records (or those starting in `range`) as batches holding the requested columns (indexes into `fields`).
    public func read(columns: [Int], range: TextRange? = nil) throws -> [Batch] {
        for c in columns where c < 0 || c >= fields.count {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": column \(c) does not exist")
        }
        let end = range?.end ?? bytes.count
        var tokenizer = CSVTokenizer(bytes: bytes, delimiter: delimiter, quote: options.quote, escape: options.escape,
                                     name: name, start: range?.start ?? dataStart, line: range?.line ?? dataLine)
        var builders = columns.map { CSVColumnBuilder(type: fields[$0].type) }
        var batches: [Batch] = []
        var spans: [CSVSpan] = []
        var rows = 0
        let width = fields.count
        var scratch: [UInt8] = []
        func flush() {
            guard rows > 0 else { return }
            batches.append(Batch(columns: builders.indices.map { builders[$0].finish() }, count: rows))
            for i in builders.indices { builders[i].reset() }
            rows = 0
        }
        while tokenizer.position < end {
            let more: Bool
            do { more = try tokenizer.next(&spans) } catch let e as SQLError {
                if options.ignoreErrors { break }  // broken quoting swallows the rest of the file
                throw e
            }
            // A record starting at or after the range's end belongs to the next range.
            guard more, tokenizer.recordStart < end else { break }
            if spans.count != width {
                if options.ignoreErrors { continue }
                throw SQLError("22P04", "file \"\(name)\", line \(tokenizer.recordLine): expected \(width) fields, found \(spans.count)",
                               hint: "Pass ignore_errors => true to skip malformed lines.")
            }
            var failedAt = -1
            try bytes.withUnsafeBufferPointer { b in
                for (k, c) in columns.enumerated() {
                    let s = spans[c]
                    let ok: Bool
                    if s.end == s.start && !s.quoted {
                        builders[k].appendNull(); ok = true
                    } else if s.escaped {
                        scratch = tokenizer.unescaped(s)
                        ok = scratch.withUnsafeBufferPointer { builders[k].append($0) }
                    } else {
                        ok = builders[k].append(UnsafeBufferPointer(rebasing: b[s.start..<s.end]))
                    }
                    if !ok {
                        if options.ignoreErrors { failedAt = k; return }
                        let text = tokenizer.text(s)
                        throw SQLError(SQLState.invalidTextRepresentation,
                                       "file \"\(name)\", line \(tokenizer.recordLine), column \"\(fields[c].name)\": invalid input syntax for type \(fields[c].type): \"\(text)\"",
                                       hint: "Types were sniffed from the first \(options.sampleRows) records; pass columns => [...] or ignore_errors => true.")
                    }
                }
            }
            if failedAt >= 0 {
                for k in 0..<failedAt { builders[k].removeLast() }
                continue
            }
            rows += 1
            if rows == Batch.capacity { flush() }
        }
        flush()
        return batches
    }
}

/// A column being built from text fields, with undo of the last row (for skipped rows).
struct CSVColumnBuilder {
    let type: DataType
    var ints = ContiguousArray<Int64>()
    var doubles = ContiguousArray<Double>()
    var bools = ContiguousArray<Bool>()
    var strings = StringColumn()
    var validity = ContiguousArray<Bool>()

    init(type: DataType) { self.type = type }

    mutating func reset() {
        ints.removeAll(keepingCapacity: true); doubles.removeAll(keepingCapacity: true)
        bools.removeAll(keepingCapacity: true); strings = StringColumn(); validity.removeAll(keepingCapacity: true)
    }

    mutating func appendNull() {
        validity.append(false)
        switch type.physical {
        case .int64: ints.append(0)
        case .float64: doubles.append(0)
        case .bool: bools.append(false)
        default: strings.appendEmpty()
        }
    }

    /// False when the text does not fit the type.
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch type {
        case .boolean:
            guard let v = TextValues.bool(b) ?? (try? ValueText.parseBool(b)) else { return false }
            bools.append(v)
        case .int16, .int32, .int64:
            guard let v = TextValues.int64(b), type.integerRange?.contains(v) ?? true else { return false }
            ints.append(v)
        case .float32, .float64:
            guard let v = try? ValueText.parseDouble(b, type: type) else { return false }
            doubles.append(v)
        case .date:
            guard let v = TextValues.date(b) ?? (try? ValueText.parseDate(String(decoding: b, as: UTF8.self))) else { return false }
            ints.append(v)
        case .timestamp, .timestamptz:
            guard let v = try? ValueText.parseTimestamp(String(decoding: b, as: UTF8.self), withZone: type == .timestamptz, sessionOffset: 0) else { return false }
            ints.append(v)
        default:
            if type != .bytea && b.contains(where: { $0 >= 0x80 }) && String(validating: b, as: UTF8.self) == nil { return false }
            strings.append(bytes: b)
        }
        validity.append(true)
        return true
    }

    mutating func removeLast() {
        guard !validity.isEmpty else { return }
        validity.removeLast()
        switch type.physical {
        case .int64: ints.removeLast()
        case .float64: doubles.removeLast()
        case .bool: bools.removeLast()
        default:
            strings.offsets.removeLast()
            let end = Int(strings.offsets.last ?? 0)
            strings.bytes.removeSubrange(end...)
        }
    }

    func finish() -> Vector {
        let storage: VectorStorage
        switch type.physical {
        case .int64: storage = .int64(ints)
        case .float64: storage = .float64(doubles)
        case .bool: storage = .bool(bools)
        default: storage = .string(strings)
        }
        return Vector(type: type, count: validity.count, storage: storage, validity: validity)
    }
}
