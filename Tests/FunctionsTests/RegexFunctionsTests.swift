// Tests for the regular-expression functions against PostgreSQL 15's documented results.

import XCTest
@testable import Functions
import Columnar

final class RegexFunctionsTests: XCTestCase {
    func testMatch() throws {
        XCTAssertEqual(try call("regexp_match", txt("foobarbequebaz"), txt("bar.*que")).value, .list([.string("barbeque")]))
        XCTAssertEqual(try call("regexp_match", txt("foobarbequebaz"), txt("(bar)(beque)")).value, .list([.string("bar"), .string("beque")]))
        XCTAssertEqual(try call("regexp_match", txt("abc"), txt("(x)?b")).value, .list([.null]))
        XCTAssertEqual(try call("regexp_match", txt("foo"), txt("bar")).value, .null)
        XCTAssertEqual(try call("regexp_match", txt("FOO"), txt("foo"), txt("i")).value, .list([.string("FOO")]))
        XCTAssertEqual(try call("regexp_match", txt("abc"), txt("b")).type, .array(.text))
        assertSQLState("22023") { try call("regexp_match", txt("abc"), txt("b"), txt("g")) }
        assertSQLState("2201B") { try call("regexp_match", txt("abc"), txt("(b")) }
        assertSQLState("22023") { try call("regexp_match", txt("abc"), txt("b"), txt("z")) }
        XCTAssertEqual(try call("regexp_match", nul(.text), txt("b")).value, .null)
    }

    func testReplace() throws {
        XCTAssertEqual(try s("regexp_replace", txt("Thomas"), txt(".[mN]a."), txt("M")), "ThM")
        XCTAssertEqual(try s("regexp_replace", txt("foobarbaz"), txt("b(..)"), txt("X\\1Y"), txt("g")), "fooXarYXazY")
        XCTAssertEqual(try s("regexp_replace", txt("foobarbaz"), txt("b(..)"), txt("X\\1Y")), "fooXarYbaz")
        XCTAssertEqual(try s("regexp_replace", txt("abc"), txt("b"), txt("[\\&]")), "a[b]c")
        XCTAssertEqual(try s("regexp_replace", txt("a$b"), txt("\\$"), txt("$")), "a$b")
        XCTAssertEqual(try s("regexp_replace", txt("A1b2"), txt("[a-z]"), txt("_"), txt("gi")), "_1_2")
        XCTAssertEqual(try s("regexp_replace", txt("hello world"), txt("\\mw"), txt("W")), "hello World")
    }

    func testSplitLikeCount() throws {
        XCTAssertEqual(try call("regexp_split_to_array", txt("hello world"), txt("\\s+")).value, .list([.string("hello"), .string("world")]))
        XCTAssertEqual(try call("regexp_split_to_array", txt("abc"), txt("")).value, .list([.string("a"), .string("b"), .string("c")]))
        XCTAssertEqual(try call("regexp_split_to_array", txt("a,b,,c"), txt(",")).value, .list([.string("a"), .string("b"), .string(""), .string("c")]))
        XCTAssertEqual(try s("regexp_like", txt("Hello World"), txt("world$"), txt("i")), "t")
        XCTAssertEqual(try s("regexp_like", txt("Hello World"), txt("world$")), "f")
        XCTAssertEqual(try s("textregexeq", txt("abc"), txt("^a")), "t")
        XCTAssertEqual(try s("texticregexne", txt("abc"), txt("^A")), "f")
        XCTAssertEqual(try s("regexp_count", txt("ABCABCAXYaxy"), txt("A.")), "3")
        XCTAssertEqual(try s("regexp_count", txt("ABCABCAXYaxy"), txt("A."), int(1), txt("i")), "4")
        XCTAssertEqual(try s("regexp_count", txt("ABCABC"), txt("A"), int(2)), "1")
    }

    func testInstrSubstr() throws {
        XCTAssertEqual(try s("regexp_instr", txt("number of your street, town zip, FR"), txt("[^,]+"), int(1), int(2)), "23")
        XCTAssertEqual(try s("regexp_instr", txt("ABCDEFGHI"), txt("(c..)(...)"), int(1), int(1), int(0), txt("i"), int(2)), "6")
        XCTAssertEqual(try s("regexp_instr", txt("abc"), txt("x")), "0")
        XCTAssertEqual(try s("regexp_substr", txt("number of your street, town zip, FR"), txt("[^,]+"), int(1), int(2)), " town zip")
        XCTAssertEqual(try s("regexp_substr", txt("ABCDEFGHI"), txt("(c..)(...)"), int(1), int(1), txt("i"), int(2)), "FGH")
        XCTAssertEqual(try s("regexp_substr", txt("abc"), txt("x")), "NULL")
        assertSQLState("22023") { try s("regexp_count", txt("abc"), txt("a"), int(0)) }
    }

    func testSimilarEscape() throws {
        XCTAssertEqual(try s("similar_to_escape", txt("a%b_c")), "^(?:a.*b.c)$")
        // PostgreSQL's similar_escape writes an escaped character with a backslash.
        XCTAssertEqual(try s("similar_to_escape", txt("100!%"), txt("!")), "^(?:100\\%)$")
        let pattern = try s("similar_to_escape", txt("%(b|d)%"))
        XCTAssertEqual(try s("regexp_like", txt("abc"), txt(pattern)), "t")
        XCTAssertEqual(try s("regexp_like", txt("axc"), txt(pattern)), "f")
    }

    func testSimilarTo() throws {
        XCTAssertEqual(try s("similar_to", txt("abc"), lit("abc")), "t")
        XCTAssertEqual(try s("similar_to", txt("abc"), lit("a")), "f")
        XCTAssertEqual(try s("similar_to", txt("abc"), lit("%(b|d)%")), "t")
        XCTAssertEqual(try s("similar_to", txt("aaa"), lit(".*b")), "f")
        XCTAssertEqual(try s("similar_to", txt("aaa"), lit("^a")), "f")
        XCTAssertEqual(try s("similar_to", txt("a%c"), lit("a#%c"), lit("#")), "t")
        XCTAssertEqual(try s("similar_to", txt("abc"), lit("a#%c"), lit("#")), "f")
        assertSQLState("22025") { try s("similar_to", txt("abc"), lit("a"), lit("##")) }
    }

    func testConstantPatternManyRows() throws {
        let r = try callMany("regexp_replace", rows: [[txt("a1"), txt("\\d"), txt("#")], [txt("b22"), txt("\\d"), txt("#")], [nul(.text), txt("\\d"), txt("#")]])
        XCTAssertEqual(r.values, [.string("a#"), .string("b#2"), .null])
    }
}
