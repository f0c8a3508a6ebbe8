// Test helpers for the named-function families: resolve a call through the
// shared registry as the binder would, convert test values to the resolved
// argument types, run the kernel and return the first row's value.

import XCTest
@testable import Functions
import Columnar

struct Arg {
    var value: Value
    var type: DataType
    var unknown = false
}

func int(_ i: Int64) -> Arg { Arg(value: .int(i), type: .int32) }
func big(_ i: Int64) -> Arg { Arg(value: .int(i), type: .int64) }
func dbl(_ d: Double) -> Arg { Arg(value: .double(d), type: .float64) }
func txt(_ s: String) -> Arg { Arg(value: .string(s), type: .text) }
func lit(_ s: String) -> Arg { Arg(value: .string(s), type: .text, unknown: true) }
func nul(_ t: DataType = .null) -> Arg { Arg(value: .null, type: t) }
func bytes(_ b: [UInt8]) -> Arg { Arg(value: .bytes(b), type: .bytea) }
/// numeric literal like "12.345" → decimal(38, 3)
func num(_ s: String) -> Arg {
    let parts = s.split(separator: ".", omittingEmptySubsequences: false)
    let scale = parts.count > 1 ? parts[1].count : 0
    let digits = s.replacingOccurrences(of: ".", with: "")
    return Arg(value: .decimal(Int128(digits) ?? 0), type: .decimal(precision: 38, scale: scale))
}
func date(_ y: Int, _ m: Int, _ d: Int) -> Arg { Arg(value: .int(Calendar.days(year: y, month: m, day: d)), type: .date) }
func ts(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ us: Int = 0, tz: Bool = false) -> Arg {
    let v = Calendar.days(year: y, month: mo, day: d) * Calendar.microsPerDay + Int64(h) * Calendar.microsPerHour
        + Int64(mi) * Calendar.microsPerMinute + Int64(s) * Calendar.microsPerSecond + Int64(us)
    return Arg(value: .int(v), type: tz ? .timestamptz : .timestamp)
}
func iv(months: Int32 = 0, days: Int32 = 0, micros: Int64 = 0) -> Arg {
    Arg(value: .interval(Interval(months: months, days: days, micros: micros)), type: .interval)
}

/// Converts a test value from its own type to the type the resolver asked for.
private func convert(_ v: Value, from: DataType, to: DataType) -> Value {
    if from == to || v.isNull { return v }
    switch (v, to) {
    case (.int(let i), .decimal(_, let s)):
        return .decimal(Int128(i) * Dec.pow10[s])
    case (.decimal(let m), .decimal(_, let s)):
        return .decimal((try? Dec.rescale(m, from: Dec.scale(of: from), to: s)) ?? 0)
    case (.int(let i), .float64), (.int(let i), .float32):
        return .double(Double(i))
    case (.decimal(let m), .float64):
        return .double(Dec.toDouble(m, scale: Dec.scale(of: from)))
    case (.int(let d), .timestamp) where from == .date, (.int(let d), .timestamptz) where from == .date:
        return .int(d * Calendar.microsPerDay)
    case (.string(let s), .decimal(_, let sc)):
        return convert(num(s).value, from: num(s).type, to: .decimal(precision: 38, scale: sc))
    case (.string(let s), .float64):
        return .double(Double(s) ?? 0)
    case (.string(let s), .int32), (.string(let s), .int64), (.string(let s), .int16):
        return .int(Int64(s) ?? 0)
    case (.string(let s), .bytea):
        return .bytes(Array(s.utf8))
    default:
        return v
    }
}

struct CallResult {
    var value: Value
    var type: DataType
}

func callMany(_ name: String, rows: [[Arg]], context: FunctionContext = FunctionContext()) throws -> (values: [Value], type: DataType) {
    guard let f = FunctionRegistry.shared.scalar(name) else {
        throw SQLError(SQLState.undefinedFunction, "function \(name) does not exist")
    }
    let first = rows[0]
    guard let res = try f.resolve(first.map { $0.type }, first.map { $0.unknown }) else {
        throw SQLError(SQLState.undefinedFunction, "function \(name)(\(first.map { $0.type.description }.joined(separator: ", "))) does not exist")
    }
    var vectors: [Vector] = []
    for k in 0..<first.count {
        let vals = rows.map { convert($0[k].value, from: $0[k].type, to: res.argumentTypes[k]) }
        vectors.append(Vector.from(vals, type: res.argumentTypes[k]))
    }
    let out = try res.kernel(vectors, rows.count, context)
    XCTAssertEqual(out.count, rows.count)
    return ((0..<rows.count).map { out.value(at: $0) }, res.returnType)
}

func call(_ name: String, _ args: Arg..., context: FunctionContext = FunctionContext()) throws -> CallResult {
    let r = try callMany(name, rows: [args], context: context)
    return CallResult(value: r.values[0], type: r.type)
}

/// Calls with constant vectors (as a literal argument would arrive).
func callConst(_ name: String, _ args: Arg..., rows: Int = 3, context: FunctionContext = FunctionContext()) throws -> [Value] {
    guard let f = FunctionRegistry.shared.scalar(name),
          let res = try f.resolve(args.map { $0.type }, args.map { $0.unknown }) else {
        throw SQLError(SQLState.undefinedFunction, "function \(name) does not exist")
    }
    let vectors = args.enumerated().map { k, a in
        Vector.constant(convert(a.value, from: a.type, to: res.argumentTypes[k]), type: res.argumentTypes[k], count: rows)
    }
    let out = try res.kernel(vectors, rows, context)
    return (0..<rows).map { out.value(at: $0) }
}

/// The rendered value of a call: decimals as text with their scale, others plain.
func render(_ r: CallResult) -> String {
    switch (r.value, r.type) {
    case (.null, _): return "NULL"
    case (.decimal(let m), .decimal(_, let s)): return decimalText(m, scale: s)
    case (.int(let i), _): return String(i)
    case (.double(let d), _): return String(d)
    case (.string(let s), _): return s
    case (.bool(let b), _): return b ? "t" : "f"
    case (.bytes(let b), _): return "\\x" + Digest.hex(b)
    default: return "\(r.value)"
    }
}

func decimalText(_ m: Int128, scale: Int) -> String {
    let neg = m < 0
    var digits = String(neg ? -m : m)
    if scale > 0 {
        while digits.count <= scale { digits = "0" + digits }
        digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
    }
    return (neg ? "-" : "") + digits
}

func assertSQLState(_ expected: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
    do {
        _ = try body()
        XCTFail("expected SQLSTATE \(expected), got no error", file: file, line: line)
    } catch let e as SQLError {
        XCTAssertEqual(e.sqlState, expected, "\(e.message)", file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

func s(_ name: String, _ args: Arg..., context: FunctionContext = FunctionContext()) throws -> String {
    guard let f = FunctionRegistry.shared.scalar(name),
          let res = try f.resolve(args.map { $0.type }, args.map { $0.unknown }) else {
        throw SQLError(SQLState.undefinedFunction, "function \(name) does not exist")
    }
    let vectors = args.enumerated().map { k, a in
        Vector.from([convert(a.value, from: a.type, to: res.argumentTypes[k])], type: res.argumentTypes[k])
    }
    let out = try res.kernel(vectors, 1, context)
    return render(CallResult(value: out.value(at: 0), type: res.returnType))
}
