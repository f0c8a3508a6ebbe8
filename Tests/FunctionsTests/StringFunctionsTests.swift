// Tests for the string functions against PostgreSQL 15's documented results.

import XCTest
@testable import Functions
import Columnar

final class StringFunctionsTests: XCTestCase {
    func testLengths() throws {
        XCTAssertEqual(try s("length", txt("jose")), "4")
        XCTAssertEqual(try s("length", txt("josé")), "4")
        XCTAssertEqual(try s("char_length", txt("日本語")), "3")
        XCTAssertEqual(try s("character_length", txt("")), "0")
        XCTAssertEqual(try s("octet_length", txt("josé")), "5")
        XCTAssertEqual(try s("bit_length", txt("jose")), "32")
        XCTAssertEqual(try s("length", bytes([1, 2, 3])), "3")
        XCTAssertEqual(try s("length", nul(.text)), "NULL")
        XCTAssertEqual(try s("length", lit("abc")), "3")
        XCTAssertEqual(try s("length", Arg(value: .string("ab"), type: .varchar(10))), "2")
    }

    func testCase() throws {
        XCTAssertEqual(try s("lower", txt("TOM")), "tom")
        XCTAssertEqual(try s("upper", txt("tom")), "TOM")
        XCTAssertEqual(try s("upper", txt("josé")), "JOSÉ")
        XCTAssertEqual(try s("lower", txt("ÀÉ")), "àé")
        XCTAssertEqual(try s("initcap", txt("hi THOMAS")), "Hi Thomas")
        XCTAssertEqual(try s("initcap", txt("o'neil mc-2x")), "O'Neil Mc-2x")
        XCTAssertEqual(try s("reverse", txt("abcé")), "écba")
    }

    func testSubstring() throws {
        XCTAssertEqual(try s("substring", txt("Thomas"), int(2), int(3)), "hom")
        XCTAssertEqual(try s("substr", txt("alphabet"), int(3)), "phabet")
        XCTAssertEqual(try s("substr", txt("alphabet"), int(3), int(2)), "ph")
        XCTAssertEqual(try s("substr", txt("alphabet"), int(0), int(3)), "al")
        XCTAssertEqual(try s("substr", txt("alphabet"), int(-5), int(3)), "")
        XCTAssertEqual(try s("substr", txt("alphabet"), int(20)), "")
        XCTAssertEqual(try s("substr", txt("日本語です"), int(2), int(2)), "本語")
        assertSQLState("22011") { try s("substr", txt("alphabet"), int(1), int(-1)) }
        XCTAssertEqual(try s("substring", bytes([1, 2, 3, 4]), int(2), int(2)), "\\x0203")
        XCTAssertEqual(try s("left", txt("abcde"), int(2)), "ab")
        XCTAssertEqual(try s("left", txt("abcde"), int(-2)), "abc")
        XCTAssertEqual(try s("right", txt("abcde"), int(2)), "de")
        XCTAssertEqual(try s("right", txt("abcde"), int(-2)), "cde")
        XCTAssertEqual(try s("right", txt("abcde"), int(10)), "abcde")
    }

    func testPositionReplaceTranslateSplit() throws {
        XCTAssertEqual(try s("strpos", txt("high"), txt("ig")), "2")
        XCTAssertEqual(try s("position", txt("日本語"), txt("語")), "3")  // POSITION(needle IN haystack) parses as position(haystack, needle)
        XCTAssertEqual(try s("substring", txt("Thomas"), lit("...$")), "mas")
        XCTAssertEqual(try s("substring", txt("Thomas"), lit("T(h)o")), "h")
        XCTAssertEqual(try s("substring", txt("Thomas"), lit("x")), "NULL")
        XCTAssertEqual(try s("strpos", txt("high"), txt("x")), "0")
        XCTAssertEqual(try s("strpos", txt("high"), txt("")), "1")
        XCTAssertEqual(try s("replace", txt("abcdefabcdef"), txt("cd"), txt("XX")), "abXXefabXXef")
        XCTAssertEqual(try s("replace", txt("abc"), txt(""), txt("X")), "abc")
        XCTAssertEqual(try s("translate", txt("12345"), txt("143"), txt("ax")), "a2x5")
        XCTAssertEqual(try s("split_part", txt("abc~@~def~@~ghi"), txt("~@~"), int(2)), "def")
        XCTAssertEqual(try s("split_part", txt("abc,def,ghi,jkl"), txt(","), int(-2)), "ghi")
        XCTAssertEqual(try s("split_part", txt("abc"), txt(","), int(5)), "")
        XCTAssertEqual(try s("split_part", txt("abc"), txt(""), int(1)), "abc")
        assertSQLState("22023") { try s("split_part", txt("a,b"), txt(","), int(0)) }
        XCTAssertEqual(try s("overlay", txt("Txxxxas"), txt("hom"), int(2), int(4)), "Thomas")
        XCTAssertEqual(try s("overlay", txt("Txxxxas"), txt("hom"), int(2)), "Thomxas")
        XCTAssertEqual(try s("overlay", txt("abc"), txt("XY"), int(2), int(-1)), "aXYabc")
        XCTAssertNil(try FunctionRegistry.shared.scalar("concat_ws")?.resolve([.text], [true]))
        XCTAssertEqual(try s("starts_with", txt("alphabet"), txt("alph")), "t")
        XCTAssertEqual(try s("starts_with", txt("alphabet"), txt("beta")), "f")
        let arr = try call("string_to_array", txt("xx~yy~zz"), txt("~"))
        XCTAssertEqual(arr.value, .list([.string("xx"), .string("yy"), .string("zz")]))
        let arr2 = try call("string_to_array", txt("a,*,c"), txt(","), txt("*"))
        XCTAssertEqual(arr2.value, .list([.string("a"), .null, .string("c")]))
    }

    func testPadTrimRepeat() throws {
        XCTAssertEqual(try s("lpad", txt("hi"), int(5), txt("xy")), "xyxhi")
        XCTAssertEqual(try s("rpad", txt("hi"), int(5), txt("xy")), "hixyx")
        XCTAssertEqual(try s("lpad", txt("hello"), int(2)), "he")
        XCTAssertEqual(try s("rpad", txt("hello"), int(2)), "he")
        XCTAssertEqual(try s("lpad", txt("7"), int(3), txt("0")), "007")
        XCTAssertEqual(try s("lpad", txt("hi"), int(-1)), "")
        XCTAssertEqual(try s("lpad", txt("hi"), int(5), txt("")), "hi")
        XCTAssertEqual(try s("btrim", txt("xyxtrimyyx"), txt("xyz")), "trim")
        XCTAssertEqual(try s("trim", txt("  a b  ")), "a b")
        XCTAssertEqual(try s("ltrim", txt("zzzytest"), txt("xyz")), "test")
        XCTAssertEqual(try s("rtrim", txt("testxxzx"), txt("xyz")), "test")
        XCTAssertEqual(try s("rtrim", txt("abcé"), txt("é")), "abc")
        XCTAssertEqual(try s("repeat", txt("Pg"), int(4)), "PgPgPgPg")
        XCTAssertEqual(try s("repeat", txt("Pg"), int(-1)), "")
        assertSQLState("54000") { try s("repeat", txt("Pg"), int(2_000_000_000)) }
    }

    func testConcatAndFormat() throws {
        XCTAssertEqual(try s("concat", txt("abcde"), int(2), nul(), int(22)), "abcde222")
        XCTAssertEqual(try s("concat", txt("a"), Arg(value: .bool(true), type: .boolean)), "at")
        XCTAssertEqual(try s("concat_ws", txt(","), txt("abcde"), int(2), nul(), int(22)), "abcde,2,22")
        XCTAssertEqual(try s("concat_ws", nul(.text), txt("a")), "NULL")
        XCTAssertEqual(try s("format", txt("Hello %s, %1$s"), txt("World")), "Hello World, World")
        XCTAssertEqual(try s("format", txt("INSERT INTO %I VALUES(%L)"), txt("Foo bar"), txt("O'Reilly")),
                       "INSERT INTO \"Foo bar\" VALUES('O''Reilly')")
        XCTAssertEqual(try s("format", txt("|%10s|%-10s|"), txt("foo"), txt("bar")), "|       foo|bar       |")
        XCTAssertEqual(try s("format", txt("%s-%L"), nul(.text), nul(.text)), "-NULL")
        XCTAssertEqual(try s("format", txt("100%%")), "100%")
        assertSQLState("22023") { try s("format", txt("%s %s"), txt("a")) }
        assertSQLState("22004") { try s("format", txt("%I"), nul(.text)) }
        XCTAssertEqual(try s("quote_ident", txt("Foo bar")), "\"Foo bar\"")
        XCTAssertEqual(try s("quote_ident", txt("foo_1")), "foo_1")
        XCTAssertEqual(try s("quote_ident", txt("select")), "\"select\"")
        XCTAssertEqual(try s("quote_literal", txt("O'Reilly")), "'O''Reilly'")
        XCTAssertEqual(try s("quote_literal", txt("a\\b")), "E'a\\\\b'")
        XCTAssertEqual(try s("quote_nullable", nul(.text)), "NULL")
    }

    func testCodes() throws {
        XCTAssertEqual(try s("ascii", txt("x")), "120")
        XCTAssertEqual(try s("ascii", txt("é")), "233")
        XCTAssertEqual(try s("chr", int(65)), "A")
        XCTAssertEqual(try s("chr", int(233)), "é")
        assertSQLState("54000") { try s("chr", int(0)) }
        XCTAssertEqual(try s("to_hex", int(2147483647)), "7fffffff")
        XCTAssertEqual(try s("to_hex", int(-1)), "ffffffff")
        XCTAssertEqual(try s("to_hex", big(-1)), "ffffffffffffffff")
    }

    func testEncodeDecode() throws {
        XCTAssertEqual(try s("encode", bytes(Array("123\u{0}\u{1}".utf8)), txt("base64")), "MTIzAAE=")
        XCTAssertEqual(try s("decode", txt("MTIzAAE="), txt("base64")), "\\x3132330001")
        XCTAssertEqual(try s("encode", bytes([0xde, 0xad, 0xbe, 0xef]), txt("hex")), "deadbeef")
        XCTAssertEqual(try s("decode", txt("DEADbeef"), txt("hex")), "\\xdeadbeef")
        XCTAssertEqual(try s("encode", bytes([0x61, 0x00, 0x5c, 0xff]), txt("escape")), "a\\000\\\\\\377")
        XCTAssertEqual(try s("decode", txt("a\\000\\\\\\377"), txt("escape")), "\\x61005cff")
        assertSQLState("22023") { try s("decode", txt("abc"), txt("hex")) }
        assertSQLState("22023") { try s("decode", txt("zz"), txt("hex")) }
        assertSQLState("22023") { try s("decode", txt("MTI"), txt("base64")) }
        assertSQLState("22023") { try s("encode", bytes([1]), txt("rot13")) }
        let long = try s("encode", bytes([UInt8](repeating: 65, count: 60)), txt("base64"))
        XCTAssertEqual(long.components(separatedBy: "\n").map { $0.count }, [76, 4])
    }

    func testVectorRowsAndNulls() throws {
        let r = try callMany("upper", rows: [[txt("a")], [nul(.text)], [txt("bc")]])
        XCTAssertEqual(r.values, [.string("A"), .null, .string("BC")])
        let c = try callConst("lpad", txt("5"), int(3), txt("0"))
        XCTAssertEqual(c, [.string("005"), .string("005"), .string("005")])
    }
}

final class CompressedInputTests: XCTestCase {
    func testDictionaryAndConstantInputs() throws {
        let values = Vector.from([.string("ab"), .string("Cé"), .null], type: .text)
        let dict = Vector(type: .text, count: 5, storage: .dictionary(indices: [1, 0, 2, 1, 0], values: values),
                          validity: [true, true, true, false, true])
        guard let upper = try FunctionRegistry.shared.scalar("upper")?.resolve([.text], [false]),
              let length = try FunctionRegistry.shared.scalar("length")?.resolve([.text], [false]) else { return XCTFail() }
        let u = try upper.kernel([dict], 5, FunctionContext())
        XCTAssertEqual((0..<5).map { u.value(at: $0) }, [.string("CÉ"), .string("AB"), .null, .null, .string("AB")])
        let l = try length.kernel([dict], 5, FunctionContext())
        XCTAssertEqual((0..<5).map { l.value(at: $0) }, [.int(2), .int(2), .null, .null, .int(2)])
        let c = try upper.kernel([Vector.constant(.string("x"), type: .text, count: 4)], 4, FunctionContext())
        XCTAssertTrue(c.isConstant)
        XCTAssertEqual(c.value(at: 3), .string("X"))
    }
}
