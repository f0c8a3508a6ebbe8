// Newline-delimited JSON (and a top-level JSON array of objects) as typed
// Batches. The schema is inferred over a sample of records: keys in
// first-seen order; integers bigint, other numbers double (int + double
// → double), booleans, strings text, objects and arrays json (their text);
// any other mix of kinds is json. A later value that does not fit its
// column's inferred type is SQLSTATE 22P02. A recursive-descent parser walks each
// record once; values of keys the caller did not ask for are skipped without
// building anything. The k-th key of a record is first compared with the k-th
// column's name, so files whose records keep one key order avoid hashing.

import Columnar

public final class NDJSONFile {
    public let name: String
    public let fields: [Field]
    let bytes: [UInt8]

    public convenience init(path: String, sampleRows: Int = 1000, schema: [Field]? = nil) throws {
        try self.init(bytes: try TextFileInput.read(path: path), name: path, sampleRows: sampleRows, schema: schema)
    }

    public init(bytes: [UInt8], name: String, sampleRows: Int = 1000, schema: [Field]? = nil) throws {
        self.bytes = bytes
        self.name = name
        if let schema { fields = schema; return }
        var names: [String] = []
        var index: [String: Int] = [:]
        var kinds: [JSONKind] = []
        var parser = JSONParser(bytes: bytes, name: name)
        var records = 0
        try parser.beginRecords()
        while records < sampleRows, try parser.nextRecordStart() {
            records += 1
            try parser.object { key, p in
                let kind = try p.skipValue()
                if let i = index[key] {
                    kinds[i] = kinds[i].merged(kind)
                } else {
                    index[key] = names.count; names.append(key); kinds.append(kind)
                }
            }
        }
        fields = zip(names, kinds).map { Field(name: $0.0, type: $0.1.type) }
        if fields.isEmpty {
            throw SQLError("22P04", "file \"\(name)\": no JSON objects found to infer columns from")
        }
    }

    /// Record-aligned byte ranges of about `targetBytes` (one range for small files and top-level arrays).
    public func ranges(targetBytes: Int) -> [TextRange] { TextRanges.ndjson(bytes, target: targetBytes) }

    /// All records (or those starting in `range`) as batches holding the requested columns.
    public func read(columns: [Int], range: TextRange? = nil) throws -> [Batch] {
        for c in columns where c < 0 || c >= fields.count {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": column \(c) does not exist")
        }
        var slotOfField = [Int](repeating: -1, count: fields.count)
        for (k, c) in columns.enumerated() where slotOfField[c] < 0 { slotOfField[c] = k }
        let keys: [[UInt8]] = fields.map { Array($0.name.utf8) }
        var index: [String: Int] = [:]
        for (i, f) in fields.enumerated() where index[f.name] == nil { index[f.name] = i }
        var builders = columns.map { VectorBuilder(type: fields[$0].type, capacity: Batch.capacity) }
        var filled = [Bool](repeating: false, count: columns.count)
        var batches: [Batch] = []
        var rows = 0
        var parser = JSONParser(bytes: bytes, name: name)
        let end = range?.end ?? bytes.count
        if let range {
            parser.position = range.start
            parser.line = range.line
        } else {
            try parser.beginRecords()
        }
        // A record starting at or after the range's end belongs to the next range.
        while try parser.nextRecordStart(), parser.position < end {
            for k in filled.indices { filled[k] = false }
            var position = 0
            try parser.objectRaw { keyRange, p in
                // Same key at the same position as the column order: no hashing.
                var field = -1
                if position < keys.count, p.equals(keyRange, keys[position]) { field = position }
                else if let i = index[p.string(keyRange)] { field = i }
                position += 1
                guard field >= 0, slotOfField[field] >= 0 else { _ = try p.skipValue(); return }
                let k = slotOfField[field]
                if filled[k] { _ = try p.skipValue(); return }
                try p.readValue(into: &builders[k], type: fields[field].type, column: fields[field].name)
                filled[k] = true
            }
            for k in filled.indices where !filled[k] { builders[k].appendNull() }
            rows += 1
            if rows == Batch.capacity {
                batches.append(Batch(columns: builders.map { $0.finish() }, count: rows))
                builders = columns.map { VectorBuilder(type: fields[$0].type, capacity: Batch.capacity) }
                rows = 0
            }
        }
        if rows > 0 { batches.append(Batch(columns: builders.map { $0.finish() }, count: rows)) }
        return batches
    }
}

enum JSONKind {
    case null, bool, int, double, string, nested

    func merged(_ o: JSONKind) -> JSONKind {
        if self == o || o == .null { return self }
        if self == .null { return o }
        if (self == .int && o == .double) || (self == .double && o == .int) { return .double }
        return .nested
    }

    var type: DataType {
        switch self {
        case .null, .string: return .text
        case .bool: return .boolean
        case .int: return .int64
        case .double: return .float64
        case .nested: return .json
        }
    }
}

/// A byte-level JSON reader over one buffer; every read checks bounds and throws 22P02 on bad input.
struct JSONParser {
    let bytes: [UInt8]
    let name: String
    var position = 0
    var line = 1
    var inArray = false
    var first = true

    init(bytes: [UInt8], name: String) {
        self.bytes = bytes; self.name = name
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    }

    func fail(_ m: String) -> SQLError {
        SQLError(SQLState.invalidTextRepresentation, "file \"\(name)\", line \(line): invalid JSON: \(m)")
    }

    mutating func skipSpace() {
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\n") { line += 1 }
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            position += 1
        }
    }

    /// Detects a top-level array of records.
    mutating func beginRecords() throws {
        skipSpace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "[") { inArray = true; position += 1 }
    }

    /// Positions at the next record's `{`; false at the end.
    mutating func nextRecordStart() throws -> Bool {
        skipSpace()
        if inArray {
            guard position < bytes.count else { throw fail("unterminated top-level array") }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return false }
            if !first {
                guard bytes[position] == UInt8(ascii: ",") else { throw fail("expected , between records") }
                position += 1
                skipSpace()
            }
        }
        first = false
        guard position < bytes.count else { return false }
        guard bytes[position] == UInt8(ascii: "{") else { throw fail("each record must be a JSON object") }
        return true
    }

    /// Iterates an object's members with decoded keys (schema inference).
    mutating func object(_ member: (String, inout JSONParser) throws -> Void) throws {
        try objectRaw { range, p in try member(p.string(range), &p) }
    }

    /// Iterates an object's members; the key is a byte range (escapes decoded lazily by `string`).
    mutating func objectRaw(_ member: (Range<Int>, inout JSONParser) throws -> Void) throws {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { throw fail("expected {") }
        position += 1
        skipSpace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") { position += 1; return }
        while true {
            skipSpace()
            let key = try stringRange()
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected : after a key") }
            position += 1
            skipSpace()
            try member(key, &self)
            skipSpace()
            guard position < bytes.count else { throw fail("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return }
            throw fail("expected , or } in an object")
        }
    }

    /// The raw range of a string's contents (between the quotes, escapes not decoded).
    mutating func stringRange() throws -> Range<Int> {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        position += 1
        let start = position
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") { let r = start..<position; position += 1; return r }
            if c == UInt8(ascii: "\\") { position += 2; continue }
            if c == UInt8(ascii: "\n") { throw fail("newline inside a string") }
            position += 1
        }
        throw fail("unterminated string")
    }

    func equals(_ r: Range<Int>, _ key: [UInt8]) -> Bool {
        guard r.count == key.count, r.upperBound <= bytes.count else { return false }
        var i = r.lowerBound
        for k in key { if bytes[i] != k { return false }; i += 1 }
        return true
    }

    /// Decodes a string's escapes (\n, \t, \", \\, \/, \b, \f, \r, \uXXXX with surrogate pairs).
    func string(_ r: Range<Int>) -> String {
        guard r.upperBound <= bytes.count else { return "" }
        if !bytes[r].contains(UInt8(ascii: "\\")) { return String(decoding: bytes[r], as: UTF8.self) }
        var out = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() { if !utf8.isEmpty { out.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8.removeAll() } }
        var i = r.lowerBound
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= r.upperBound else { return nil }
            var v: UInt32 = 0
            for j in at..<at + 4 {
                let c = bytes[j]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: return nil
                }
                v = v << 4 | d
            }
            return v
        }
        while i < r.upperBound {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\"), i + 1 < r.upperBound else { utf8.append(c); i += 1; continue }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                guard var v = hex4(i) else { utf8.append(contentsOf: [UInt8(ascii: "\\"), e]); continue }
                i += 4
                if v >= 0xD800 && v < 0xDC00, i + 1 < r.upperBound, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(i + 2), low >= 0xDC00 && low < 0xE000 {
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                flush()
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            default: utf8.append(e)
            }
        }
        flush()
        return String(out)
    }

    /// Skips one value, returning its kind.
    mutating func skipValue() throws -> JSONKind {
        guard position < bytes.count else { throw fail("expected a value") }
        let c = bytes[position]
        switch c {
        case UInt8(ascii: "\""): _ = try stringRange(); return .string
        case UInt8(ascii: "{"), UInt8(ascii: "["): try skipNested(); return .nested
        case UInt8(ascii: "t"): try literal("true"); return .bool
        case UInt8(ascii: "f"): try literal("false"); return .bool
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try numberRange().isInteger ? .int : .double
        }
    }

    mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard position + n <= bytes.count else { throw fail("unexpected end of input") }
        var ok = true
        word.withUTF8Buffer { w in for j in 0..<n where bytes[position + j] != w[j] { ok = false } }
        guard ok else { throw fail("unexpected token") }
        position += n
    }

    mutating func numberRange() throws -> (range: Range<Int>, isInteger: Bool) {
        let start = position
        var integer = true
        while position < bytes.count {
            let c = bytes[position]
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"): position += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): integer = false; position += 1
            default:
                guard position > start else { throw fail("unexpected character '\(String(decoding: [c], as: UTF8.self))'") }
                return (start..<position, integer && fitsInt64(start..<position))
            }
        }
        guard position > start else { throw fail("expected a value") }
        return (start..<position, integer && fitsInt64(start..<position))
    }

    private func fitsInt64(_ r: Range<Int>) -> Bool {
        bytes.withUnsafeBufferPointer { TextValues.int64(UnsafeBufferPointer(rebasing: $0[r])) != nil }
    }

    /// Skips an object or array, honouring strings.
    mutating func skipNested() throws {
        var depth = 0
        while position < bytes.count {
            let c = bytes[position]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1; position += 1
                guard depth <= 1000 else { throw fail("nesting is too deep") }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1; position += 1
                if depth == 0 { return }
            case UInt8(ascii: "\""): _ = try stringRange()
            case UInt8(ascii: "\n"): line += 1; position += 1
            default: position += 1
            }
        }
        throw fail("unterminated object or array")
    }

    /// Reads one value into a builder of the column's inferred type; a value of another
    /// kind than the sample showed (beyond the sampled records) is 22P02, never silently NULL.
    mutating func readValue(into b: inout VectorBuilder, type: DataType, column: String) throws {
        guard position < bytes.count else { throw fail("expected a value") }
        let c = bytes[position]
        if c == UInt8(ascii: "n") { try literal("null"); b.appendNull(); return }
        let start = position
        func mismatch(_ p: JSONParser) -> SQLError {
            let raw = String(decoding: p.bytes[start..<p.position].prefix(60), as: UTF8.self)
            return SQLError(SQLState.invalidTextRepresentation,
                            "file \"\(p.name)\", line \(p.line), column \"\(column)\": JSON value \(raw) does not fit type \(type)",
                            hint: "Column types are inferred from a sample of the first records.")
        }
        let isNumber = c == UInt8(ascii: "-") || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
        switch type {
        case .boolean:
            if c == UInt8(ascii: "t") { try literal("true"); b.append(true) }
            else if c == UInt8(ascii: "f") { try literal("false"); b.append(false) }
            else { _ = try skipValue(); throw mismatch(self) }
        case .int64:
            guard isNumber else { _ = try skipValue(); throw mismatch(self) }
            let (r, isInt) = try numberRange()
            guard isInt, let v = bytes.withUnsafeBufferPointer({ TextValues.int64(UnsafeBufferPointer(rebasing: $0[r])) }) else {
                throw mismatch(self)
            }
            b.append(v)
        case .float64:
            guard isNumber else { _ = try skipValue(); throw mismatch(self) }
            let (r, _) = try numberRange()
            guard let v = try? bytes.withUnsafeBufferPointer({ try ValueText.parseDouble(UnsafeBufferPointer(rebasing: $0[r]), type: .float64) }) else {
                throw mismatch(self)
            }
            b.append(v)
        case .json:
            _ = try skipValue()
            bytes.withUnsafeBufferPointer { b.append(bytes: UnsafeBufferPointer(rebasing: $0[start..<position])) }
        default:
            if c == UInt8(ascii: "\"") {
                let r = try stringRange()
                if bytes[r].contains(UInt8(ascii: "\\")) { b.append(string(r)) }
                else { bytes.withUnsafeBufferPointer { b.append(bytes: UnsafeBufferPointer(rebasing: $0[r])) } }
            } else {
                // A number or boolean in a text column keeps its JSON spelling.
                _ = try skipValue()
                bytes.withUnsafeBufferPointer { b.append(bytes: UnsafeBufferPointer(rebasing: $0[start..<position])) }
            }
        }
    }
}
