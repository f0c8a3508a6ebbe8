// Tests of operators through the registry: overload resolution (exact, implicit
// casts, unknown literals), arithmetic results and errors, datetime arithmetic,
// comparisons, IS DISTINCT FROM, ||, LIKE/ILIKE with escapes and UTF-8, regex.

import XCTest
@testable import Columnar
@testable import Functions

/// Resolves `name` for the argument types, casts the arguments as the binder would, and runs the kernel.
func callOperator(_ name: String, _ args: [(Value, DataType)], unknown: [Bool] = [], tz: Int = 0) throws -> (Value, DataType) {
    let columns = args.map { [$0.0] }
    let (vs, t) = try callOperatorColumns(name, columns, types: args.map { $0.1 }, unknown: unknown, tz: tz)
    return (vs[0], t)
}

func callOperatorColumns(_ name: String, _ columns: [[Value]], types: [DataType], unknown: [Bool] = [], tz: Int = 0) throws -> ([Value], DataType) {
    guard let f = FunctionRegistry.shared.scalar(name) else { throw SQLError(SQLState.undefinedFunction, "no \(name)") }
    guard let r = try f.resolve(types, unknown) else {
        throw SQLError(SQLState.undefinedFunction, "operator does not exist: \(types)")
    }
    let n = columns.first?.count ?? 1
    let ctx = FunctionContext(timeZoneOffsetSeconds: tz)
    var vectors: [Vector] = []
    for (i, col) in columns.enumerated() {
        let v = Vector.from(col, type: types[i])
        guard let k = Cast.kernel(from: types[i], to: r.argumentTypes[i], explicit: false) else {
            throw SQLError(SQLState.cannotCoerce, "no cast \(types[i]) -> \(r.argumentTypes[i])")
        }
        vectors.append(try k([v], n, ctx))
    }
    let out = try r.kernel(vectors, n, ctx)
    XCTAssertEqual(out.count, n)
    return ((0..<n).map { out.value(at: $0) }, r.returnType)
}

func op(_ name: String, _ a: (Value, DataType), _ b: (Value, DataType), unknown: [Bool] = [], tz: Int = 0) throws -> Value {
    try callOperator(name, [a, b], unknown: unknown, tz: tz).0
}

func text(_ v: Value, _ t: DataType) -> String { ValueText.format(v, type: t) }

final class OperatorTests: XCTestCase {
    func i32(_ x: Int64) -> (Value, DataType) { (.int(x), .int32) }
    func i64(_ x: Int64) -> (Value, DataType) { (.int(x), .int64) }
    func f64(_ x: Double) -> (Value, DataType) { (.double(x), .float64) }
    func dec(_ m: Int128, _ p: Int, _ s: Int) -> (Value, DataType) { (.decimal(m), .decimal(precision: p, scale: s)) }
    func str(_ s: String) -> (Value, DataType) { (.string(s), .text) }

    func testIntegerArithmetic() throws {
        XCTAssertEqual(try op("+", i32(2), i32(3)), .int(5))
        XCTAssertEqual(try op("/", i32(7), i32(2)), .int(3))
        XCTAssertEqual(try op("/", i32(-7), i32(2)), .int(-3))
        XCTAssertEqual(try op("%", i32(-7), i32(2)), .int(-1))
        XCTAssertEqual(try op("%", i64(Int64.min), i64(-1)), .int(0))
        XCTAssertEqual(try callOperator("+", [i32(1), (.int(2), .int16)]).1, .int32)
        XCTAssertEqual(try callOperator("*", [i32(1), i64(2)]).1, .int64)
        assertSQLError("22003", "integer out of range") { try op("+", i32(2147483647), i32(1)) }
        assertSQLError("22003", "bigint out of range") { try op("*", i64(Int64.max), i64(2)) }
        assertSQLError("22003", "smallint out of range") { try op("+", (.int(32767), .int16), (.int(1), .int16)) }
        assertSQLError("22003", "integer out of range") { try op("/", i32(-2147483648), i32(-1)) }
        assertSQLError("22012", "division by zero") { try op("/", i32(1), i32(0)) }
        assertSQLError("22012") { try op("%", i64(1), i64(0)) }
        // Division by zero only for non-NULL rows.
        let (vs, _) = try callOperatorColumns("/", [[.int(4), .null, .int(9)], [.int(2), .int(0), .int(3)]], types: [.int32, .int32])
        XCTAssertEqual(vs, [.int(2), .null, .int(3)])
        XCTAssertEqual(try callOperator("neg", [i32(5)]).0, .int(-5))
        assertSQLError("22003") { try callOperator("neg", [i64(Int64.min)]) }
        XCTAssertEqual(try callOperator("abs_op", [i32(-5)]).0, .int(5))
        XCTAssertEqual(try callOperator("@", [f64(-2.5)]).0, .double(2.5))
        XCTAssertEqual(try callOperator("-", [i64(7)]).0, .int(-7))
        XCTAssertEqual(try callOperator("+", [i64(7)]).0, .int(7))
        XCTAssertEqual(try callOperator("-", [(.interval(Interval(days: 1)), .interval)]).0, .interval(Interval(days: -1)))
        XCTAssertEqual(try callOperator("|/", [i32(16)]).0, .double(4))
        XCTAssertEqual(try callOperator("||/", [i32(8)]).0, .double(2))
        assertSQLError("2201F") { try callOperator("|/", [i32(-1)]) }
    }

    func testUnknownLiteralsAndMixedTypes() throws {
        // 1 + '2': the literal takes integer.
        XCTAssertEqual(try callOperator("+", [i32(1), str("2")], unknown: [false, true]).0, .int(3))
        // int + float → double precision; real + int → double precision.
        let r = try callOperator("+", [i32(1), f64(0.5)])
        XCTAssertEqual(r.0, .double(1.5)); XCTAssertEqual(r.1, .float64)
        XCTAssertEqual(try callOperator("+", [(.double(1.5), .float32), i32(1)]).1, .float64)
        XCTAssertEqual(try callOperator("+", [(.double(1.5), .float32), (.double(1), .float32)]).1, .float32)
        // int + numeric → numeric.
        let n = try callOperator("+", [i32(1), dec(150, 5, 2)])
        XCTAssertEqual(text(n.0, n.1), "2.50")
        // No text + int without literals; unknown + unknown is ambiguous.
        assertSQLError("42883") { try callOperator("+", [i32(1), str("2")]) }
        assertSQLError("42725") { try callOperator("+", [str("1"), str("2")], unknown: [true, true]) }
        // NULL + int.
        XCTAssertEqual(try callOperator("+", [(.null, .null), i32(2)]).0, .null)
        // ^ on integers resolves to double precision.
        let p = try callOperator("^", [i32(2), i32(10)])
        XCTAssertEqual(p.0, .double(1024)); XCTAssertEqual(p.1, .float64)
        assertSQLError("2201F") { try op("^", f64(0), f64(-1)) }
        assertSQLError("2201F") { try op("^", f64(-8), f64(0.5)) }
    }

    func testFloatArithmetic() throws {
        XCTAssertEqual(try op("/", f64(1), f64(4)), .double(0.25))
        assertSQLError("22012", "division by zero") { try op("/", f64(1), f64(0)) }
        assertSQLError("22003", "value out of range: overflow") { try op("*", f64(1e300), f64(1e300)) }
        XCTAssertEqual(try op("+", f64(.infinity), f64(1)), .double(.infinity))
        guard case .double(let x) = try op("*", (.double(0.1), .float32), (.double(3), .float32)) else { return XCTFail() }
        XCTAssertEqual(x, Double(Float(0.1) * 3))
    }

    func testDecimalArithmetic() throws {
        func t(_ name: String, _ a: (Value, DataType), _ b: (Value, DataType)) throws -> String {
            let r = try callOperator(name, [a, b]); return text(r.0, r.1)
        }
        XCTAssertEqual(try t("+", dec(150, 5, 2), dec(5, 3, 1)), "2.00")
        XCTAssertEqual(try t("-", dec(150, 5, 2), dec(1234, 6, 3)), "0.266")
        XCTAssertEqual(try t("*", dec(15, 3, 1), dec(25, 3, 1)), "3.75")
        XCTAssertEqual(try t("*", dec(-15, 3, 1), i32(3)), "-4.5")
        XCTAssertEqual(try t("/", dec(10, 3, 0), i32(4)), "2.5000000000000000")
        XCTAssertEqual(try t("/", dec(2, 3, 0), dec(3, 3, 0)), "0.6666666666666667")
        XCTAssertEqual(try t("%", dec(75, 3, 1), dec(2, 3, 0)), "1.5")
        XCTAssertEqual(try t("%", i32(-10), dec(24, 2, 1)), "-0.4")
        XCTAssertEqual(try t("^", dec(11, 2, 1), i32(2)), "1.2100000000000000")
        XCTAssertEqual(try t("^", dec(20, 2, 1), i32(10)), "1024.0000000000000000")
        XCTAssertEqual(try t("%", dec(ValueText.pow10[37] + 1, 38, 0), dec(4, 35, 35)), "0.00000000000000000000000000000000000")
        XCTAssertEqual(try t("%", dec(7, 3, 0), dec(ValueText.pow10[37], 38, 37)), "0.0000000000000000000000000000000000000")
        assertSQLError("22012") { try t("/", dec(1, 3, 0), dec(0, 3, 1)) }
        // 38-digit products overflow cleanly.
        assertSQLError("22003") { try t("*", dec(ValueText.pow10[30], 38, 0), dec(ValueText.pow10[30], 38, 0)) }
    }

    func testDatetimeArithmetic() throws {
        let d = Calendar.days(year: 2024, month: 1, day: 31)
        let date = (Value.int(d), DataType.date)
        func t(_ name: String, _ a: (Value, DataType), _ b: (Value, DataType), unknown: [Bool] = []) throws -> String {
            let r = try callOperator(name, [a, b], unknown: unknown); return text(r.0, r.1)
        }
        XCTAssertEqual(try t("+", date, i32(1)), "2024-02-01")
        XCTAssertEqual(try t("-", date, i32(31)), "2023-12-31")
        XCTAssertEqual(try t("-", date, (.int(Calendar.days(year: 2024, month: 1, day: 1)), .date)), "30")
        let month = (Value.interval(Interval(months: 1)), DataType.interval)
        XCTAssertEqual(try t("+", date, month), "2024-02-29 00:00:00")
        // date + unknown is ambiguous in PostgreSQL (integer, interval and time candidates).
        assertSQLError("42725") { try t("+", date, str("1 day 02:00"), unknown: [false, true]) }
        let ts0 = (Value.int(d * Calendar.microsPerDay), DataType.timestamp)
        XCTAssertEqual(try t("+", ts0, str("1 day 02:00"), unknown: [false, true]), "2024-02-01 02:00:00")
        let ts = (Value.int(d * Calendar.microsPerDay + 3_600_000_000), DataType.timestamp)
        XCTAssertEqual(try t("-", ts, (Value.int(Calendar.days(year: 2024, month: 1, day: 30) * Calendar.microsPerDay), .timestamp)),
                       "1 day 01:00:00")
        XCTAssertEqual(try t("+", date, (.int(3_600_000_000), .time)), "2024-01-31 01:00:00")
        XCTAssertEqual(try t("+", (.int(23 * 3_600_000_000), .time), (.interval(Interval(micros: 2 * 3_600_000_000)), .interval)), "01:00:00")
        XCTAssertEqual(try t("*", (.interval(Interval(months: 1, days: 1)), .interval), f64(1.5)), "1 mon 16 days 12:00:00")
        XCTAssertEqual(try t("/", (.interval(Interval(days: 1)), .interval), i32(3)), "08:00:00")
        XCTAssertEqual(try t("-", (.interval(Interval(days: 1)), .interval), (.interval(Interval(micros: 3_600_000_000)), .interval)),
                       "1 day -01:00:00")
        XCTAssertEqual(try callOperator("neg", [(.interval(Interval(days: 2)), .interval)]).0, .interval(Interval(days: -2)))
        // timestamptz arithmetic happens in the session zone.
        let tz = (Value.int(d * Calendar.microsPerDay), DataType.timestamptz)
        let r = try callOperator("+", [tz, month], tz: 3600)
        XCTAssertEqual(r.0, .int(Calendar.days(year: 2024, month: 2, day: 29) * Calendar.microsPerDay))
    }

    func testDatetimeEdgesNeverTrap() throws {
        let inf = (Value.int(Int64.max), DataType.date)
        XCTAssertEqual(try callOperator("+", [inf, i32(1)]).0, .int(Int64.max))
        assertSQLError("22008") { try callOperator("-", [inf, (.int(0), .date)]) }
        let huge = (Value.int(4_000_000_000), DataType.date)
        assertSQLError("22008") { try callOperator("+", [huge, (.interval(Interval(days: 1)), .interval)]) }
        assertSQLError("22008") { try castOne(.int(4_000_000_000), from: .date, to: .timestamp) }
        assertSQLError("22008") { try ValueText.parse("5000000-01-01 00:00:00", as: .timestamp) }
        XCTAssertEqual(try ValueText.parse("infinity", as: .timestamp), .int(Int64.max))
        XCTAssertEqual(ValueText.format(.int(Int64.max), type: .timestamp), "infinity")
    }

    func testComparisons() throws {
        XCTAssertEqual(try op("<", i32(1), i64(2)), .bool(true))
        XCTAssertEqual(try op("=", i32(2), f64(2.0)), .bool(true))
        XCTAssertEqual(try op("=", dec(150, 5, 2), dec(15, 5, 1)), .bool(true))
        XCTAssertEqual(try op(">", dec(151, 5, 2), i32(1)), .bool(true))
        XCTAssertEqual(try op("<>", str("a"), str("b")), .bool(true))
        XCTAssertEqual(try op("<", str("B"), str("a")), .bool(true))  // C collation
        XCTAssertEqual(try op("<", str("ab"), str("abc")), .bool(true))
        XCTAssertEqual(try op("=", (.string("ab  "), .char(4)), (.string("ab"), .char(2))), .bool(true))
        XCTAssertEqual(try op("=", (.string("ab "), .char(3)), str("ab  "), unknown: [false, true]), .bool(true))
        XCTAssertEqual(try op("=", (.string("ab "), .char(3)), str("abcdef"), unknown: [false, true]), .bool(false))
        XCTAssertEqual(try op("<", (.string("ab"), .varchar(2)), str("abcdef"), unknown: [false, true]), .bool(true))
        XCTAssertEqual(try op("=", f64(.nan), f64(.nan)), .bool(true))
        XCTAssertEqual(try op(">", f64(.nan), f64(.infinity)), .bool(true))
        XCTAssertEqual(try op("=", (.interval(Interval(months: 1)), .interval), (.interval(Interval(days: 30)), .interval)), .bool(true))
        XCTAssertEqual(try op("<", (.bool(false), .boolean), (.bool(true), .boolean)), .bool(true))
        let d = Calendar.days(year: 2024, month: 1, day: 1)
        XCTAssertEqual(try op("<", (.int(d), .date), (.int(d * Calendar.microsPerDay + 1), .timestamp)), .bool(true))
        XCTAssertEqual(try op("=", (.int(d), .date), str("2024-01-01"), unknown: [false, true]), .bool(true))
        XCTAssertEqual(try op("=", i32(5), str("5"), unknown: [false, true]), .bool(true))
        XCTAssertEqual(try op("=", i32(5), (.null, .null)), .null)
        XCTAssertEqual(try op("=", (.list([.int(1), .int(2)]), .array(.int32)), (.list([.int(1), .int(2)]), .array(.int32))), .bool(true))
        assertSQLError("42883") { try op("=", i32(1), str("1")) }
        XCTAssertEqual(try op("is_distinct_from", i32(1), (.null, .int32)), .bool(true))
        XCTAssertEqual(try op("is_distinct_from", (.null, .int32), (.null, .int32)), .bool(false))
        XCTAssertEqual(try op("is_not_distinct_from", (.null, .int32), (.null, .int32)), .bool(true))
        XCTAssertEqual(try op("is_not_distinct_from", i32(1), i32(2)), .bool(false))
        let (vs, _) = try callOperatorColumns(">=", [[.int(1), .int(5), .null], [.int(2), .int(5), .int(1)]], types: [.int64, .int64])
        XCTAssertEqual(vs, [.bool(false), .bool(true), .null])
    }

    func testStringComparisonWithConstant() throws {
        let r = try XCTUnwrap(try Comparison.resolve([.text, .text], [false, true]))
        let k = Comparison.kernel(.lt, r.argumentTypes[0], r.argumentTypes[1])
        let col = Vector.from([.string("apple"), .string("banana"), .null, .string("")], type: .text)
        let out = try k([col, Vector.constant(.string("b"), type: .text, count: 4)], 4, FunctionContext())
        XCTAssertEqual((0..<4).map { out.value(at: $0) }, [.bool(true), .bool(false), .null, .bool(true)])
    }

    func testIntegerComparisonWithConstantEitherSide() throws {
        let col = Vector.from([.int(1), .int(5), .null, .int(9)], type: .int64)
        let five = Vector.constant(.int(5), type: .int64, count: 4)
        for (opName, expected) in [("<", [true, false, false]), (">=", [false, true, true]), ("=", [false, true, false]), ("<>", [true, false, true])] {
            guard let cmp = CompareOp(rawValue: opName) else { return XCTFail() }
            let k = Comparison.kernel(cmp, .int64, .int64)
            let left = try k([col, five], 4, FunctionContext())
            XCTAssertEqual([0, 1, 3].map { left.value(at: $0) }, expected.map { .bool($0) }, "x \(opName) 5")
            XCTAssertEqual(left.value(at: 2), .null)
            // 5 op x must equal the mirrored comparison.
            let right = try k([five, col], 4, FunctionContext())
            let mirrored: [Bool] = [0, 1, 3].map { i in
                guard case .int(let x) = col.value(at: i) else { return false }
                return cmp.test(5 < x ? -1 : (5 > x ? 1 : 0))
            }
            XCTAssertEqual([0, 1, 3].map { right.value(at: $0) }, mirrored.map { .bool($0) }, "5 \(opName) x")
        }
    }

    func testFloatComparisonWithConstant() throws {
        let col = Vector.from([.double(1.5), .double(.nan), .null], type: .float64)
        let k = Comparison.kernel(.gt, .float64, .float64)
        let out = try k([col, Vector.constant(.double(2), type: .float64, count: 3)], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { out.value(at: $0) }, [.bool(false), .bool(true), .null])
        let flipped = try k([Vector.constant(.double(2), type: .float64, count: 3), col], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { flipped.value(at: $0) }, [.bool(true), .bool(false), .null])
    }

    func testConcat() throws {
        XCTAssertEqual(try op("||", str("ab"), str("cd")), .string("abcd"))
        XCTAssertEqual(try op("||", str("a"), i32(1)), .string("a1"))
        XCTAssertEqual(try op("||", str("x"), (.bool(true), .boolean)), .string("xtrue"))
        XCTAssertEqual(try op("||", str("a"), (.null, .text)), .null)
        XCTAssertEqual(try op("||", i32(1), str("2"), unknown: [false, true]), .string("12"))
        assertSQLError("42883") { try op("||", i32(1), i32(2)) }
        XCTAssertEqual(try op("||", (.bytes([1]), .bytea), (.bytes([2]), .bytea)), .bytes([1, 2]))
        XCTAssertEqual(try op("||", (.list([.int(1)]), .array(.int32)), i32(2)), .list([.int(1), .int(2)]))
    }

    func like(_ s: String, _ p: String, _ name: String = "~~") throws -> Bool {
        guard case .bool(let b) = try op(name, str(s), str(p)) else { throw SQLError("XX000", "null") }
        return b
    }

    func testLike() throws {
        XCTAssertTrue(try like("hello", "h%o"))
        XCTAssertTrue(try like("hello", "_ello"))
        XCTAssertFalse(try like("hello", "_llo"))
        XCTAssertTrue(try like("hello", "%"))
        XCTAssertTrue(try like("", "%"))
        XCTAssertFalse(try like("", "_"))
        XCTAssertTrue(try like("abcabc", "%b%c"))
        XCTAssertTrue(try like("mississippi", "%iss%ipp%"))
        XCTAssertFalse(try like("mississippi", "%iss%ipx%"))
        XCTAssertTrue(try like("a%b", "a\\%b"))
        XCTAssertFalse(try like("axb", "a\\%b"))
        XCTAssertTrue(try like("a_b", "a\\_b"))
        XCTAssertTrue(try like("HeLLo", "hello", "~~*"))
        XCTAssertFalse(try like("HeLLo", "hello", "~~"))
        XCTAssertTrue(try like("HeLLo", "hello", "!~~"))
        XCTAssertTrue(try like("ÄBC", "äb_", "~~*"))
        // UTF-8: _ is one character, not one byte.
        XCTAssertTrue(try like("日本語", "日_語"))
        XCTAssertTrue(try like("日本語", "___"))
        XCTAssertFalse(try like("日本語", "____"))
        XCTAssertTrue(try like("añb", "%ñ_"))
        // A trailing escape never matches (PostgreSQL: '' LIKE '\' is false).
        XCTAssertFalse(try like("", "\\"))
        XCTAssertFalse(try like("a", "a\\"))
        XCTAssertFalse(try like("", "\\_"))
        XCTAssertTrue(try like("%", "\\%%"))
        XCTAssertTrue(try like("%abc", "\\%%"))
        XCTAssertFalse(try like("\\%abc", "\\%%"))
        // ESCAPE as a third argument and through like_escape().
        let three = try callOperator("~~", [str("10%"), str("10#%"), str("#")]).0
        XCTAssertEqual(three, .bool(true))
        let rewritten = try op("like_escape", str("a#%b\\c"), str("#"))
        XCTAssertEqual(rewritten, .string("a\\%b\\\\c"))
        XCTAssertEqual(try like("a%b\\c", "a\\%b\\\\c"), true)
        // Non-constant patterns per row.
        let (vs, _) = try callOperatorColumns("~~", [[.string("abc"), .string("xyz"), .null], [.string("a%"), .string("a%"), .string("%")]],
                                              types: [.text, .text])
        XCTAssertEqual(vs, [.bool(true), .bool(false), .null])
    }

    func testILikeUnicodeWithEscape() throws {
        let rows: [String] = ["café Hello World", "DuckDB is FAST", "STRAßE", "Æther WAVE", "café déjà vu", "", "100% done", "under_score here"]
        func matching(_ pattern: String) throws -> [Int] {
            let r = try XCTUnwrap(try FunctionRegistry.shared.scalar("~~*")?.resolve([.text, .text, .text], [false, true, true]))
            let out = try r.kernel([Vector.from(rows.map { .string($0) }, type: .text),
                                    Vector.constant(.string(pattern), type: .text, count: rows.count),
                                    Vector.constant(.string("\\"), type: .text, count: rows.count)], rows.count, FunctionContext())
            return (0..<rows.count).filter { out.value(at: $0) == .bool(true) }
        }
        XCTAssertEqual(try matching("%hello%"), [0])
        XCTAssertEqual(try matching("%fast"), [1])
        XCTAssertEqual(try matching("%æther%"), [3])
        XCTAssertEqual(try matching("%DÉJÀ%"), [4])
        XCTAssertEqual(try matching("%strasse%"), [])
        XCTAssertEqual(try matching("%straße%"), [2])
        XCTAssertEqual(try matching("%\\%%"), [6])
        XCTAssertEqual(try matching("%\\_%"), [7])
        XCTAssertEqual(try matching("%"), [0, 1, 2, 3, 4, 5, 6, 7])
    }

    func testConstantPatternVector() throws {
        let r = try XCTUnwrap(try FunctionRegistry.shared.scalar("~~")?.resolve([.text, .text], [false, true]))
        let texts = Vector.from([.string("apple"), .string("banana"), .null], type: .text)
        let out = try r.kernel([texts, Vector.constant(.string("%an%"), type: .text, count: 3)], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { out.value(at: $0) }, [.bool(false), .bool(true), .null])
    }

    func testRegexAndStartsWith() throws {
        XCTAssertEqual(try op("~", str("abc123"), str("[0-9]+$")), .bool(true))
        XCTAssertEqual(try op("~", str("ABC"), str("^abc")), .bool(false))
        XCTAssertEqual(try op("~*", str("ABC"), str("^abc")), .bool(true))
        XCTAssertEqual(try op("!~", str("ABC"), str("^abc")), .bool(true))
        assertSQLError("2201B") { try op("~", str("a"), str("(")) }
        XCTAssertEqual(try op("~", str("a\nb"), str("^a.b$")), .bool(true))
        XCTAssertEqual(try op("^@", str("alphabet"), str("alph")), .bool(true))
        XCTAssertEqual(try op("^@", str("alphabet"), str("beta")), .bool(false))
    }

    func testSimilarTo() throws {
        func similar(_ text: String, _ pattern: String) throws -> Value {
            guard case .string(let re) = try callOperator("similar_to_escape", [str(pattern)]).0 else { return .null }
            return try op("~", str(text), str(re))
        }
        XCTAssertEqual(try callOperator("similar_to_escape", [str("a%b_(c|d).")]).0, .string("^(?:a.*b.(?:c|d)\\.)$"))
        XCTAssertEqual(try similar("abc", "abc"), .bool(true))
        XCTAssertEqual(try similar("abc", "a"), .bool(false))
        XCTAssertEqual(try similar("abc", "%(b|d)%"), .bool(true))
        XCTAssertEqual(try similar("abc", "(b|c)%"), .bool(false))
        XCTAssertEqual(try similar("a.c", "a\\.c"), .bool(true))
        XCTAssertEqual(try similar("abc", "a.c"), .bool(false))
    }

    func testSimilarToFunction() throws {
        XCTAssertEqual(try op("similar_to", str("user auth failed"), str("%(auth|login)%")), .bool(true))
        XCTAssertEqual(try op("similar_to", str("abc"), str("a")), .bool(false))
        XCTAssertEqual(try op("similar_to", str("a"), (.null, .null)), .null)
        XCTAssertEqual(try callOperator("similar_to", [str("a%"), str("a#%"), str("#")]).0, .bool(true))
        XCTAssertEqual(try callOperator("similar_to", [str("ab"), str("a#%"), str("#")]).0, .bool(false))
        let r = try XCTUnwrap(try FunctionRegistry.shared.scalar("similar_to")?.resolve([.text, .text], [false, true]))
        let out = try r.kernel([Vector.from([.string("xaby"), .string("ab"), .null], type: .text),
                                Vector.constant(.string("%a_%"), type: .text, count: 3)], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { out.value(at: $0) }, [.bool(true), .bool(true), .null])
    }

    func testBitwise() throws {
        XCTAssertEqual(try callOperator("~", [i32(5)]).0, .int(-6))
        XCTAssertEqual(try op("&", i32(12), i32(10)), .int(8))
        XCTAssertEqual(try op("|", i32(12), i32(10)), .int(14))
        XCTAssertEqual(try op("#", i32(12), i32(10)), .int(6))
        XCTAssertEqual(try op("<<", i32(1), i32(4)), .int(16))
        XCTAssertEqual(try op(">>", i64(-16), i32(2)), .int(-4))
        XCTAssertEqual(try op("<<", (.int(1), .int16), i32(15)), .int(-32768))
        XCTAssertEqual(try callOperator("bitnot", [i32(0)]).0, .int(-1))
    }
}

/// Random extreme operands must raise SQLError or succeed, never trap.
final class OperatorRobustnessTests: XCTestCase {
    func testDecimalAndIntegerExtremes() {
        var rng = SystemRandomNumberGenerator()
        let limit = ValueText.pow10[38]
        for _ in 0..<400 {
            let s1 = Int.random(in: 0...38, using: &rng), s2 = Int.random(in: 0...38, using: &rng)
            let a = Int128.random(in: (-limit + 1)...(limit - 1), using: &rng) / ValueText.pow10[Int.random(in: 0...37, using: &rng)]
            let b = Int128.random(in: (-limit + 1)...(limit - 1), using: &rng) / ValueText.pow10[Int.random(in: 0...37, using: &rng)]
            for name in ["+", "-", "*", "/", "%", "=", "<", "^"] {
                do {
                    _ = try callOperator(name, [(.decimal(a), .decimal(precision: 38, scale: s1)), (.decimal(b), .decimal(precision: 38, scale: s2))])
                } catch is SQLError {} catch { XCTFail("\(error)") }
            }
            let x = Int64.random(in: Int64.min...Int64.max, using: &rng), y = Int64.random(in: -3...3, using: &rng)
            for name in ["+", "-", "*", "/", "%", "<<", ">>"] {
                for t: DataType in [.int64, .int32, .int16] {
                    let xv = t == .int64 ? x : (t == .int32 ? Int64(Int32(truncatingIfNeeded: x)) : Int64(Int16(truncatingIfNeeded: x)))
                    do { _ = try callOperator(name, [(.int(xv), t), (.int(y), name.hasPrefix("<") || name.hasPrefix(">") ? .int32 : t)]) }
                    catch is SQLError {} catch { XCTFail("\(error)") }
                }
            }
            for t: DataType in [.decimal(precision: 38, scale: s1)] {
                for target: DataType in [.int16, .int32, .int64, .float32, .float64, .decimal(precision: 10, scale: 2), .text] {
                    do { _ = try castOne(.decimal(a), from: t, to: target) } catch is SQLError {} catch { XCTFail("\(error)") }
                }
            }
            let d = Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &rng))
            for target: DataType in [.int16, .int32, .int64, .float32, .decimal(precision: 38, scale: 10), .text] {
                do { _ = try castOne(.double(d), from: .float64, to: target) } catch is SQLError {} catch { XCTFail("\(error)") }
            }
            let z = Int64.random(in: Int64.min...Int64.max, using: &rng)
            let kinds: [DataType] = [.date, .time, .timestamp, .timestamptz, .int32, .interval]
            for name in ["+", "-", "=", "<"] {
                for ta in kinds {
                    for tb in kinds {
                        func value(_ t: DataType, _ raw: Int64) -> Value {
                            switch t {
                            case .int32: return .int(Int64(Int32(truncatingIfNeeded: raw)))
                            case .interval: return .interval(Interval(months: Int32(truncatingIfNeeded: raw), days: Int32(truncatingIfNeeded: raw >> 32), micros: raw))
                            default: return .int(raw)
                            }
                        }
                        do { _ = try callOperator(name, [(value(ta, x), ta), (value(tb, z), tb)], tz: 19800) }
                        catch is SQLError {} catch { XCTFail("\(error)") }
                    }
                }
            }
            for from in [DataType.date, .time, .timestamp, .timestamptz] {
                for to in [DataType.date, .time, .timestamp, .timestamptz, .text] {
                    do { _ = try castOne(.int(z), from: from, to: to, tz: -3600) } catch is SQLError {} catch { XCTFail("\(error)") }
                }
            }
            let iv = Interval(months: Int32.random(in: Int32.min...Int32.max, using: &rng), days: Int32.random(in: Int32.min...Int32.max, using: &rng),
                              micros: Int64.random(in: Int64.min...Int64.max, using: &rng))
            for (name, other) in [("*", (Value.double(d), DataType.float64)), ("/", (Value.double(d), DataType.float64)),
                                  ("+", (Value.interval(iv), DataType.interval)), ("+", (Value.int(x), DataType.timestamp))] {
                do { _ = try callOperator(name, [(.interval(iv), .interval), other]) } catch is SQLError {} catch { XCTFail("\(error)") }
            }
        }
    }
}

/// The segment-based LIKE matcher agrees with a naive backtracking matcher.
final class LikeReferenceTests: XCTestCase {
    func naive(_ s: [Character], _ p: [Character]) -> Bool {
        if p.isEmpty { return s.isEmpty }
        switch p[0] {
        case "%": return (0...s.count).contains { naive(Array(s[$0...]), Array(p.dropFirst())) }
        case "_": return !s.isEmpty && naive(Array(s.dropFirst()), Array(p.dropFirst()))
        default: return !s.isEmpty && s[0] == p[0] && naive(Array(s.dropFirst()), Array(p.dropFirst()))
        }
    }

    func testAgainstNaiveMatcher() throws {
        var rng = SystemRandomNumberGenerator()
        let textChars: [Character] = ["a", "b", "é", "日"]
        let patternChars: [Character] = ["a", "b", "é", "日", "%", "_"]
        for _ in 0..<1500 {
            let s = (0..<Int.random(in: 0...7, using: &rng)).map { _ in textChars.randomElement(using: &rng) ?? "a" }
            let p = (0..<Int.random(in: 0...5, using: &rng)).map { _ in patternChars.randomElement(using: &rng) ?? "%" }
            let compiled = try LikePattern(Array(String(p).utf8), escape: [92], caseInsensitive: false)
            var scratch: [UInt8] = []
            let bytes = Array(String(s).utf8)
            let got = bytes.withUnsafeBufferPointer { compiled.matches($0, scratch: &scratch) }
            XCTAssertEqual(got, naive(s, p), "'\(String(s))' LIKE '\(String(p))'")
        }
    }

    func testInvalidUTF8NeverTraps() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let s = (0..<Int.random(in: 0...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let pieces: [UInt8] = [37, 95, 0xC3, 0xA9, 0xFF, 0x80, 97]
            let p: [UInt8] = (0..<Int.random(in: 0...6, using: &rng)).map { _ in pieces.randomElement(using: &rng) ?? 37 }
            for ci in [false, true] {
                guard let compiled = try? LikePattern(p, escape: [92], caseInsensitive: ci) else { continue }
                var scratch: [UInt8] = []
                _ = s.withUnsafeBufferPointer { compiled.matches($0, scratch: &scratch) }
            }
        }
    }
}

/// Every operator over every pair of types: resolution either fails cleanly or
/// the kernel runs on random values (including NULLs) without trapping.
final class OperatorMatrixTests: XCTestCase {
    func randomValue(_ t: DataType, _ rng: inout SystemRandomNumberGenerator) -> Value {
        if Int.random(in: 0..<5, using: &rng) == 0 { return .null }
        switch t {
        case .boolean: return .bool(Bool.random(using: &rng))
        case .int16: return .int(Int64(Int16.random(in: Int16.min...Int16.max, using: &rng)))
        case .int32: return .int(Int64(Int32.random(in: Int32.min...Int32.max, using: &rng)))
        case .int64, .timestamp, .timestamptz: return .int(Int64.random(in: Int64.min...Int64.max, using: &rng))
        case .date: return .int(Int64.random(in: -3_000_000...3_000_000, using: &rng))
        case .time: return .int(Int64.random(in: 0...Calendar.microsPerDay, using: &rng))
        case .float32, .float64: return .double([0, -0.0, 1.5, -2, .nan, .infinity, 1e300, 5e-324].randomElement(using: &rng) ?? 0)
        case .decimal: return .decimal(Int128.random(in: -(ValueText.pow10[20])...ValueText.pow10[20], using: &rng))
        case .interval: return .interval(Interval(months: Int32.random(in: -1000...1000, using: &rng), days: Int32.random(in: -1000...1000, using: &rng),
                                                  micros: Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)))
        case .bytea, .uuid: return .bytes((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case .array: return .list([.int(1), .null])
        default:
            let pool = ["", "a", "%", "_", "\\", "é", "日本", "(", "[a-z]+", "abc%", "\u{0}"]
            return .string(pool.randomElement(using: &rng) ?? "")
        }
    }

    func testAllOperatorsAllTypes() {
        var rng = SystemRandomNumberGenerator()
        let types: [DataType] = [.null, .boolean, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 20, scale: 4), .text,
                                 .varchar(3), .char(2), .bytea, .date, .time, .timestamp, .timestamptz, .interval, .uuid, .array(.int32)]
        let names = ["+", "-", "*", "/", "%", "^", "neg", "abs_op", "|/", "&", "|", "#", "<<", ">>", "bitnot", "=", "<>", "<", ">=",
                     "is_distinct_from", "||", "~~", "~~*", "!~~", "~", "~*", "^@", "similar_to", "like_escape", "similar_to_escape"]
        for name in names {
            guard let f = FunctionRegistry.shared.scalar(name) else { XCTFail("missing \(name)"); continue }
            for a in types {
                for b in types + [nil] {
                    let argTypes = b.map { [a, $0] } ?? [a]
                    for unknown in [[false, false], [true, false], [false, true]] {
                        let resolved: ScalarResolution?
                        do { resolved = try f.resolve(argTypes, Array(unknown.prefix(argTypes.count))) } catch is SQLError { continue }
                        catch { XCTFail("\(error)"); continue }
                        guard let r = resolved else { continue }
                        XCTAssertEqual(r.argumentTypes.count, argTypes.count, name)
                        let vectors = r.argumentTypes.map { t in Vector.from((0..<8).map { _ in randomValue(t, &rng) }, type: t) }
                        do {
                            let out = try r.kernel(vectors, 8, FunctionContext(timeZoneOffsetSeconds: 3600))
                            XCTAssertEqual(out.count, 8, name)
                        } catch is SQLError {} catch { XCTFail("\(name): \(error)") }
                    }
                }
            }
        }
    }

    func testAllCastsAllTypes() {
        var rng = SystemRandomNumberGenerator()
        let types: [DataType] = [.null, .boolean, .int16, .int32, .int64, .float32, .float64, .decimal(precision: 20, scale: 4),
                                 .decimal(precision: 5, scale: 0), .text, .varchar(3), .char(2), .bytea, .date, .time, .timestamp,
                                 .timestamptz, .interval, .uuid, .json, .array(.int32), .array(.text)]
        for from in types {
            for to in types {
                for explicit in [true, false] {
                    guard let k = Cast.kernel(from: from, to: to, explicit: explicit) else { continue }
                    let v = Vector.from((0..<8).map { _ in randomValue(from, &rng) }, type: from)
                    do {
                        let out = try k([v], 8, FunctionContext(timeZoneOffsetSeconds: -1800))
                        XCTAssertEqual(out.count, 8)
                        XCTAssertEqual(out.type, to)
                        for i in 0..<8 where v.isNull(i) { XCTAssertTrue(out.isNull(i), "\(from) -> \(to)") }
                    } catch is SQLError {} catch { XCTFail("\(from) -> \(to): \(error)") }
                }
            }
        }
    }
}
