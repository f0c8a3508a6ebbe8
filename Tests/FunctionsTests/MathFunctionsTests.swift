// Tests for the mathematical functions: values, return types, NULLs and SQLSTATEs.

import XCTest
@testable import Functions
import Columnar

final class MathFunctionsTests: XCTestCase {
    func testAbsSignAndTypes() throws {
        XCTAssertEqual(try s("abs", int(-5)), "5")
        XCTAssertEqual(try call("abs", int(-5)).type, .int32)
        XCTAssertEqual(try s("abs", dbl(-2.5)), "2.5")
        XCTAssertEqual(try s("abs", num("-1.50")), "1.50")
        XCTAssertEqual(try s("abs", nul(.int32)), "NULL")
        assertSQLState("22003") { try s("abs", Arg(value: .int(Int64(Int32.min)), type: .int32)) }
        assertSQLState("22003") { try s("abs", big(Int64.min)) }
        XCTAssertEqual(try s("sign", dbl(-3)), "-1.0")
        XCTAssertEqual(try s("sign", num("0.00")), "0")
    }

    func testRounding() throws {
        XCTAssertEqual(try s("ceil", dbl(4.2)), "5.0")
        XCTAssertEqual(try s("ceiling", num("-4.2")), "-4")
        XCTAssertEqual(try s("floor", num("-4.2")), "-5")
        XCTAssertEqual(try s("floor", dbl(-4.2)), "-5.0")
        XCTAssertEqual(try s("round", dbl(2.5)), "2.0")  // rint: half even
        XCTAssertEqual(try s("round", dbl(3.5)), "4.0")
        XCTAssertEqual(try s("round", num("2.5")), "3")  // numeric: half away from zero
        XCTAssertEqual(try s("round", num("-2.5")), "-3")
        XCTAssertEqual(try call("round", int(5)).type, .float64)  // int resolves to the preferred double
        XCTAssertEqual(try s("round", num("42.4382"), int(2)), "42.4400")
        XCTAssertEqual(try s("round", num("1234.5"), int(-2)), "1200.0")
        XCTAssertEqual(try s("trunc", num("42.4382"), int(2)), "42.4300")
        XCTAssertEqual(try s("trunc", num("-42.8")), "-42")
        XCTAssertEqual(try s("trunc", dbl(-42.8)), "-42.0")
        XCTAssertEqual(try s("round", nul(.float64)), "NULL")
        XCTAssertNil(try FunctionRegistry.shared.scalar("round")?.resolve([.float64, .int32], [false, false]))
    }

    func testRootsLogsExp() throws {
        XCTAssertEqual(try s("sqrt", dbl(2)), "1.4142135623730951")
        XCTAssertEqual(try s("sqrt", int(16)), "4.0")
        assertSQLState("2201F") { try s("sqrt", dbl(-1)) }
        XCTAssertEqual(try s("cbrt", dbl(27)), "3.0")
        XCTAssertEqual(try s("exp", dbl(0)), "1.0")
        XCTAssertEqual(try s("ln", dbl(1)), "0.0")
        XCTAssertEqual(try s("log", dbl(100)), "2.0")
        XCTAssertEqual(try s("log10", dbl(1000)), "3.0")
        XCTAssertEqual(try s("log", num("2"), num("8")), "3.0000000000000000")
        assertSQLState("2201E") { try s("ln", dbl(0)) }
        assertSQLState("2201E") { try s("log", dbl(-1)) }
        assertSQLState("22003") { try s("exp", dbl(1000)) }
        XCTAssertEqual(try s("sqrt", num("2.0")), "1.414213562373095")
        XCTAssertEqual(try s("sqrt", num("100")), "10.000000000000000")
    }

    func testPowerModDiv() throws {
        XCTAssertEqual(try s("power", dbl(2), dbl(10)), "1024.0")
        XCTAssertEqual(try s("pow", int(2), int(3)), "8.0")
        XCTAssertEqual(try s("power", num("2"), num("3")), "8.0000000000000000")
        assertSQLState("2201F") { try s("power", dbl(0), dbl(-1)) }
        assertSQLState("2201F") { try s("power", dbl(-8), dbl(0.5)) }
        XCTAssertEqual(try s("mod", int(9), int(4)), "1")
        XCTAssertEqual(try s("mod", int(-9), int(4)), "-1")
        XCTAssertEqual(try call("mod", int(9), big(4)).type, .int64)
        XCTAssertEqual(try s("mod", num("10.5"), num("3")), "1.5")
        assertSQLState("22012") { try s("mod", int(1), int(0)) }
        XCTAssertEqual(try s("div", num("9"), num("4")), "2")
        XCTAssertEqual(try s("div", num("-9.5"), num("4")), "-2")
        assertSQLState("22012") { try s("div", num("1"), num("0")) }
    }

    func testIntegerFunctions() throws {
        XCTAssertEqual(try s("gcd", int(12), int(18)), "6")
        XCTAssertEqual(try s("lcm", int(4), int(6)), "12")
        XCTAssertEqual(try s("gcd", big(0), big(0)), "0")
        XCTAssertEqual(try s("lcm", num("1.5"), num("2.5")), "7.5")
        assertSQLState("22003") { try s("lcm", int(Int64(Int32.max)), int(Int64(Int32.max) - 1)) }
        XCTAssertEqual(try s("factorial", int(5)), "120")
        XCTAssertEqual(try s("factorial", int(0)), "1")
        assertSQLState("22023") { try s("factorial", int(-1)) }
        assertSQLState("22003") { try s("factorial", int(40)) }
    }

    func testTrigonometry() throws {
        XCTAssertEqual(try s("pi"), "3.141592653589793")
        XCTAssertEqual(try s("degrees", dbl(Double.pi)), "180.0")
        XCTAssertEqual(try s("radians", dbl(180)), "3.141592653589793")
        XCTAssertEqual(try s("sin", dbl(0)), "0.0")
        XCTAssertEqual(try s("cos", dbl(0)), "1.0")
        XCTAssertEqual(try s("tan", dbl(0)), "0.0")
        XCTAssertEqual(try s("atan", dbl(1)), "0.7853981633974483")
        XCTAssertEqual(try s("atan2", dbl(1), dbl(1)), "0.7853981633974483")
        XCTAssertEqual(try s("asin", dbl(1)), "1.5707963267948966")
        XCTAssertEqual(try s("acos", dbl(1)), "0.0")
        assertSQLState("22003") { try s("asin", dbl(2)) }
        XCTAssertEqual(try s("cot", dbl(1)), "0.6420926159343306")
        XCTAssertEqual(try s("sinh", dbl(0)), "0.0")
        XCTAssertEqual(try s("cosh", dbl(0)), "1.0")
        XCTAssertEqual(try s("tanh", dbl(0)), "0.0")
        XCTAssertEqual(try s("asinh", dbl(0)), "0.0")
        XCTAssertEqual(try s("acosh", dbl(1)), "0.0")
        XCTAssertEqual(try s("atanh", dbl(0.5)), "0.5493061443340548")
        assertSQLState("22003") { try s("atanh", dbl(2)) }
        assertSQLState("22003") { try s("acosh", dbl(0)) }
        XCTAssertEqual(try s("sind", dbl(30)), "0.5")
        XCTAssertEqual(try s("cosd", dbl(60)), "0.5")
        XCTAssertEqual(try s("cosd", dbl(90)), "0.0")
        XCTAssertEqual(try s("tand", dbl(45)), "1.0")
        XCTAssertEqual(try s("cotd", dbl(45)), "1.0")
        XCTAssertEqual(try s("asind", dbl(0.5)), "30.0")
        XCTAssertEqual(try s("acosd", dbl(0.5)), "60.0")
        XCTAssertEqual(try s("atand", dbl(1)), "45.0")
        XCTAssertEqual(try s("atan2d", dbl(1), dbl(1)), "45.0")
    }

    func testRandomAndWidthBucket() throws {
        let values = try callConst("random", rows: 100)
        for v in values {
            guard case .double(let d) = v else { return XCTFail("not a double") }
            XCTAssertTrue(d >= 0 && d < 1)
        }
        _ = try s("setseed", dbl(0.5))
        let a = try callConst("random", rows: 3)
        _ = try s("setseed", dbl(0.5))
        let b = try callConst("random", rows: 3)
        XCTAssertEqual(a, b)
        assertSQLState("22023") { try s("setseed", dbl(2)) }
        XCTAssertEqual(try s("width_bucket", dbl(5.35), dbl(0.024), dbl(10.06), int(5)), "3")
        XCTAssertEqual(try s("width_bucket", dbl(-1), dbl(0), dbl(10), int(5)), "0")
        XCTAssertEqual(try s("width_bucket", dbl(10), dbl(0), dbl(10), int(5)), "6")
        XCTAssertEqual(try s("width_bucket", num("5.35"), num("0.024"), num("10.06"), int(5)), "3")
        assertSQLState("2201G") { try s("width_bucket", dbl(1), dbl(0), dbl(10), int(0)) }
    }

    func testVectorPathWithNulls() throws {
        let r = try callMany("abs", rows: [[int(-1)], [nul(.int32)], [int(3)]])
        XCTAssertEqual(r.values, [.int(1), .null, .int(3)])
        // Errors are not raised for NULL rows.
        let m = try callMany("mod", rows: [[int(5), int(2)], [nul(.int32), int(0)]])
        XCTAssertEqual(m.values, [.int(1), .null])
    }
}

final class ConstantArgumentResolutionTests: XCTestCase {
    private func run(_ name: String, _ x: Arg, digits: Int64) throws -> String {
        guard let res = try ConstantArgumentResolution.resolve(name: name, argumentTypes: [x.type, .int32], unknownLiterals: [false, false],
                                                                constants: [nil, .int(digits)]) else { throw SQLError(SQLState.undefinedFunction, "none") }
        let v = try res.kernel([Vector.from([x.value], type: res.argumentTypes[0]), Vector.from([.int(digits)], type: .int32)], 1, FunctionContext())
        return render(CallResult(value: v.value(at: 0), type: res.returnType))
    }

    func testRoundWithConstantDigits() throws {
        XCTAssertEqual(try run("round", num("42.4382"), digits: 2), "42.44")
        XCTAssertEqual(try run("round", num("1.5"), digits: 3), "1.500")
        XCTAssertEqual(try run("round", num("1234.5"), digits: -2), "1200")
        XCTAssertEqual(try run("round", num("-2.345"), digits: 2), "-2.35")
        XCTAssertEqual(try run("trunc", num("42.4382"), digits: 2), "42.43")
        XCTAssertEqual(try run("round", int(7), digits: 1), "7.0")
        let ext = try ConstantArgumentResolution.resolve(name: "extract", argumentTypes: [.text, .timestamp], unknownLiterals: [true, false],
                                                         constants: [.string("second"), nil])
        XCTAssertEqual(ext?.returnType, .decimal(precision: 38, scale: 6))
        XCTAssertEqual(ext?.argumentTypes, [.text, .timestamp])
        let v = try ext?.kernel([Vector.constant(.string("second"), type: .text, count: 1),
                                 Vector.from([ts(2024, 1, 1, 0, 0, 7, 250000).value], type: .timestamp)], 1, FunctionContext())
        XCTAssertEqual(v?.value(at: 0), .decimal(7_250_000))
        XCTAssertNil(try ConstantArgumentResolution.resolve(name: "abs", argumentTypes: [.int32], unknownLiterals: [false], constants: [nil]))
    }
}
