// Unit tests for the mask functions (mask_email, mask_partial, mask_hash,
// mask_null, mask_default, mask_redact, mask_year, mask_round): results,
// strict NULL handling, and errors that never depend on (nor echo) a value.

import XCTest
@testable import Functions
import Columnar

final class MaskFunctionsTests: XCTestCase {
    func s(_ name: String, _ args: Arg...) throws -> String {
        let r = try callMany(name, rows: [args])
        return render(CallResult(value: r.values[0], type: r.type))
    }

    func testMaskEmailKeepsFirstCharacterAndDomain() throws {
        XCTAssertEqual(try s("mask_email", txt("john.doe@example.com")), "j***@example.com")
        XCTAssertEqual(try s("mask_email", txt("x@y.org")), "x***@y.org")
        // The local part's length is not kept.
        XCTAssertEqual(try s("mask_email", txt("averyveryverylongname@example.com")), "a***@example.com")
        XCTAssertEqual(try s("mask_email", txt("José@exemplo.br")), "J***@exemplo.br")
        XCTAssertEqual(try s("mask_email", txt("Émile@exemplo.br")), "É***@exemplo.br")
        XCTAssertEqual(try s("mask_email", txt("not-an-email")), "***")
        XCTAssertEqual(try s("mask_email", txt("@nolocal.com")), "***@nolocal.com")
        XCTAssertEqual(try s("mask_email", txt("")), "")
        XCTAssertEqual(try s("mask_email", nul(.text)), "NULL")
    }

    func testMaskPartialKeepsEndsAndFillsEachHiddenCharacter() throws {
        XCTAssertEqual(try s("mask_partial", txt("+44 555 123 4567"), int(3), int(2)), "+44***********67")
        XCTAssertEqual(try s("mask_partial", txt("4111111111111111"), int(0), int(4), txt("#")), "############1111")
        XCTAssertEqual(try s("mask_partial", txt("Müller"), int(1), int(1)), "M****r")
        XCTAssertEqual(try s("mask_partial", txt("abcdef"), int(1), int(1), txt("")), "af")
        // Keeping everything would reveal the value: every character is masked instead.
        XCTAssertEqual(try s("mask_partial", txt("abcd"), int(2), int(2)), "****")
        XCTAssertEqual(try s("mask_partial", txt("ab"), int(5), int(0)), "**")
        XCTAssertEqual(try s("mask_partial", txt(""), int(1), int(1)), "")
        XCTAssertEqual(try s("mask_partial", nul(.text), int(1), int(1)), "NULL")
        XCTAssertEqual(try s("mask_partial", txt("abc"), nul(.int32), int(1)), "NULL")
        XCTAssertEqual(try s("mask_partial", txt("abcdef"), int(1), int(1), nul(.text)), "NULL")
    }

    func testMaskPartialNegativeLengthIsAnErrorWithoutTheValue() throws {
        do {
            _ = try s("mask_partial", txt("secret-value"), int(-1), int(1))
            XCTFail("expected an error")
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, SQLState.invalidParameterValue)
            XCTAssertFalse(e.message.contains("secret"))
        }
    }

    func testMaskHashIsKeyedHMACSHA256InHex() throws {
        let key = FunctionContext(secretKey: Array(1...32))
        let r = try callMany("mask_hash", rows: [[txt("alice@example.com")]], context: key)
        // Independent value: Python's hmac.new(bytes(range(1, 33)), b'alice@example.com', sha256).
        XCTAssertEqual(r.values[0], .string("5b7e653c488e3731b47da4f28844fbb101fa535579985b787981fead1cf01d24"))
        XCTAssertEqual(r.type, .text)
        // Integers hash as their text form, so an id hashes alike in an integer and a text column.
        let i = try callMany("mask_hash", rows: [[big(42)]], context: key)
        XCTAssertEqual(i.values[0], .string("0d13d6d62b744d943b45268df23fd581a4d3ae16d3016ac1306991f5be78e996"))
        let t = try callMany("mask_hash", rows: [[txt("42")]], context: key)
        XCTAssertEqual(i.values[0], t.values[0])
    }

    func testMaskHashDependsOnTheKeyAndIsDeterministic() throws {
        let a = try callMany("mask_hash", rows: [[txt("bob")], [txt("bob")], [txt("bob2")]], context: FunctionContext(secretKey: [1, 2, 3]))
        XCTAssertEqual(a.values[0], a.values[1])
        XCTAssertNotEqual(a.values[0], a.values[2])
        let b = try callMany("mask_hash", rows: [[txt("bob")]], context: FunctionContext(secretKey: [9, 9, 9]))
        XCTAssertNotEqual(a.values[0], b.values[0])
        // No catalog secret: the documented built-in key.
        let d = try callMany("mask_hash", rows: [[txt("alice@example.com")]])
        XCTAssertEqual(d.values[0], .string("b6d83e564b9f4c08ab6fa5a58747649fc3ec94c69a59f00cf0cede94fe292796"))
        XCTAssertEqual(try s("mask_hash", nul(.text)), "NULL")
        XCTAssertEqual(try s("mask_hash", date(2024, 1, 2)).count, 64)
    }

    func testMaskHashPrecomputedKeyMatchesHMACForAnyKeyLength() {
        for key in [[UInt8](), [1, 2, 3], Array(repeating: 0xAB, count: 64), Array(0..<100).map { UInt8($0) }] {
            let mac = MaskFunctions.KeyedHash(key: key)
            for message in ["", "a", String(repeating: "x", count: 200)] {
                let bytes = Array(message.utf8)
                XCTAssertEqual(bytes.withUnsafeBytes { mac.digest($0) }, Digest.hmacSHA256(key: key, message: bytes))
            }
        }
    }

    func testMaskHashOverDictionaryAndConstantVectors() throws {
        guard let f = FunctionRegistry.shared.scalar("mask_hash"), let res = try f.resolve([.text], [false]) else { return XCTFail("resolve") }
        let ctx = FunctionContext(secretKey: Array(1...32))
        let values = Vector.from([.string("alice@example.com"), .string("bob"), .null], type: .text)
        let dictionary = Vector(type: .text, count: 5, storage: .dictionary(indices: [0, 1, 0, 2, 1], values: values))
        let out = try res.kernel([dictionary], 5, ctx)
        let alice = Value.string("5b7e653c488e3731b47da4f28844fbb101fa535579985b787981fead1cf01d24")
        XCTAssertEqual(out.value(at: 0), alice)
        XCTAssertEqual(out.value(at: 2), alice)
        XCTAssertEqual(out.value(at: 1), out.value(at: 4))
        XCTAssertEqual(out.value(at: 3), .null)
        let constant = try res.kernel([.constant(.string("alice@example.com"), type: .text, count: 3)], 3, ctx)
        XCTAssertEqual((0..<3).map { constant.value(at: $0) }, [alice, alice, alice])
    }

    func testMaskNullAlwaysNullOfTheSameType() throws {
        let r = try callMany("mask_null", rows: [[int(5)], [nul(.int32)]])
        XCTAssertEqual(r.values, [.null, .null])
        XCTAssertEqual(r.type, .int32)
        XCTAssertEqual(try callMany("mask_null", rows: [[txt("x")]]).type, .text)
    }

    func testMaskDefaultGivesTheTypesNeutralValue() throws {
        XCTAssertEqual(try s("mask_default", txt("secret")), "")
        XCTAssertEqual(try s("mask_default", int(42)), "0")
        XCTAssertEqual(try s("mask_default", dbl(4.5)), "0.0")
        XCTAssertEqual(try s("mask_default", num("12.34")), "0.00")
        let d = try callMany("mask_default", rows: [[date(1999, 5, 6)]])
        XCTAssertEqual(d.values[0], .int(0))
        XCTAssertEqual(ValueText.format(d.values[0], type: d.type), "1970-01-01")
        let t = try callMany("mask_default", rows: [[ts(2020, 1, 1, 10)]])
        XCTAssertEqual(ValueText.format(t.values[0], type: t.type), "1970-01-01 00:00:00")
        XCTAssertEqual(try callMany("mask_default", rows: [[Arg(value: .bool(true), type: .boolean)]]).values[0], .bool(false))
        XCTAssertEqual(try s("mask_default", nul(.text)), "NULL")
        let mixed = try callMany("mask_default", rows: [[int(1)], [nul(.int32)], [int(3)]])
        XCTAssertEqual(mixed.values, [.int(0), .null, .int(0)])
    }

    func testMaskRedactIsAFixedMarker() throws {
        XCTAssertEqual(try s("mask_redact", txt("+44 555 123 4567")), "[REDACTED]")
        XCTAssertEqual(try s("mask_redact", txt("")), "[REDACTED]")
        XCTAssertEqual(try s("mask_redact", int(7)), "[REDACTED]")
        XCTAssertEqual(try s("mask_redact", nul(.text)), "NULL")
    }

    func testMaskYearTruncatesToJanuaryFirst() throws {
        let d = try callMany("mask_year", rows: [[date(1987, 7, 23)], [nul(.date)]])
        XCTAssertEqual(d.type, .date)
        XCTAssertEqual(ValueText.format(d.values[0], type: .date), "1987-01-01")
        XCTAssertEqual(d.values[1], .null)
        let t = try callMany("mask_year", rows: [[ts(2024, 12, 31, 23, 59, 59)]])
        XCTAssertEqual(ValueText.format(t.values[0], type: .timestamp), "2024-01-01 00:00:00")
        // Before the epoch too.
        let old = try callMany("mask_year", rows: [[date(1950, 3, 1)]])
        XCTAssertEqual(ValueText.format(old.values[0], type: .date), "1950-01-01")
        // A session time zone does not move a timestamptz across the year boundary (UTC is used).
        let z = try callMany("mask_year", rows: [[ts(2024, 1, 1, 0, 30, tz: true)]],
                             context: FunctionContext(timeZoneOffsetSeconds: -3600))
        XCTAssertEqual(z.values[0], .int(Calendar.days(year: 2024, month: 1, day: 1) * Calendar.microsPerDay))
    }

    func testMaskRoundToNearestMultipleOfStep() throws {
        XCTAssertEqual(try s("mask_round", int(1234), int(100)), "1200")
        XCTAssertEqual(try s("mask_round", int(1250), int(100)), "1300")
        XCTAssertEqual(try s("mask_round", int(-1250), int(100)), "-1300")
        XCTAssertEqual(try callMany("mask_round", rows: [[int(37), int(10)]]).type, .int32)
        XCTAssertEqual(try s("mask_round", num("1234.56"), int(10)), "1230.00")
        XCTAssertEqual(try s("mask_round", num("12.34"), num("0.5")), "12.50")
        XCTAssertEqual(try s("mask_round", dbl(7.4), dbl(2.5)), "7.5")
        XCTAssertEqual(try s("mask_round", nul(.int32), int(10)), "NULL")
        XCTAssertEqual(try s("mask_round", int(10), nul(.int32)), "NULL")
        // Near the type's limit the multiple toward zero is used instead of an overflow error.
        XCTAssertEqual(try s("mask_round", big(Int64.max), big(10)), String(Int64.max / 10 * 10))
        let small = try callMany("mask_round", rows: [[Arg(value: .int(32767), type: .int16), int(10)]])
        XCTAssertEqual(small.values[0], .int(32760))
    }

    func testMaskRoundRejectsNonPositiveStepWithoutTheValue() throws {
        for step in [int(0), int(-5)] {
            do {
                _ = try s("mask_round", int(987654), step)
                XCTFail("expected an error")
            } catch let e as SQLError {
                XCTAssertEqual(e.sqlState, SQLState.invalidParameterValue)
                XCTAssertFalse(e.message.contains("987654"))
            }
        }
    }

    func testMaskFunctionsAreRegistered() {
        for name in ["mask_email", "mask_partial", "mask_hash", "mask_null", "mask_default", "mask_redact", "mask_year", "mask_round"] {
            XCTAssertNotNil(FunctionRegistry.shared.scalar(name), name)
        }
        XCTAssertFalse(FunctionRegistry.shared.duplicateNames.contains { $0.hasPrefix("mask_") })
    }
}
