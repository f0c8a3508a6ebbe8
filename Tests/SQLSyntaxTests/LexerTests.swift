// Lexer tests: case folding, quoting and escapes, dollar quotes, numbers,
// parameters, operators (including PostgreSQL's trailing +/- rule), comments
// and byte offsets.

import XCTest
import Columnar
@testable import SQLSyntax

final class LexerTests: XCTestCase {
    private func tokens(_ sql: String) throws -> [Token] {
        Array(try Lexer.tokenize(sql).dropLast())
    }

    private func texts(_ sql: String) throws -> [String] { try tokens(sql).map(\.text) }
    private func kinds(_ sql: String) throws -> [TokenKind] { try tokens(sql).map(\.kind) }

    func testIdentifiersFoldToLowerCaseUnlessQuoted() throws {
        let t = try tokens("SELECT MyCol, \"MixedCase\", \"a\"\"b\" FROM Tbl")
        XCTAssertEqual(t.map(\.text), ["select", "mycol", ",", "MixedCase", ",", "a\"b", "from", "tbl"])
        XCTAssertEqual(t[3].kind, .quotedIdentifier)
        XCTAssertEqual(t[1].kind, .identifier)
    }

    func testIdentifierWithDollarAndUnicode() throws {
        XCTAssertEqual(try texts("a$b été"), ["a$b", "été"])
    }

    func testUnicodeQuotedIdentifier() throws {
        XCTAssertEqual(try texts("U&\"d\\0061t\\+000061\""), ["data"])
        XCTAssertEqual(try kinds("U&\"x\""), [.quotedIdentifier])
    }

    func testStringLiterals() throws {
        XCTAssertEqual(try texts("'it''s'"), ["it's"])
        XCTAssertEqual(try kinds("'x'"), [.string])
        XCTAssertEqual(try texts("''"), [""])
        // Backslashes are literal in standard strings.
        XCTAssertEqual(try texts("'a\\nb'"), ["a\\nb"])
    }

    func testAdjacentStringsAcrossNewlineConcatenate() throws {
        XCTAssertEqual(try texts("'foo'\n  'bar'"), ["foobar"])
        XCTAssertEqual(try texts("'foo' \r\n'bar' 'baz'"), ["foobar", "baz"])
    }

    func testEscapeStrings() throws {
        XCTAssertEqual(try texts("E'a\\nb\\tc\\\\d\\'e'"), ["a\nb\tc\\d'e"])
        XCTAssertEqual(try texts("e'\\x41\\101\\u00e9\\U0001F600'"), ["AAé😀"])
        XCTAssertEqual(try texts("E'it''s'"), ["it's"])
        XCTAssertEqual(try texts("E'\\q'"), ["q"])
        XCTAssertEqual(try texts("E'\\uD83D\\uDE00'"), ["😀"])
        XCTAssertThrowsError(try tokens("E'\\uD83D'"))
    }

    func testBitStrings() throws {
        XCTAssertEqual(try texts("B'1010' X'1F'"), ["1010", "00011111"])
        XCTAssertEqual(try kinds("b'1'"), [.bitString])
        XCTAssertThrowsError(try tokens("B'102'"))
    }

    func testDollarQuotedStrings() throws {
        XCTAssertEqual(try texts("$$it's $ here$$"), ["it's $ here"])
        XCTAssertEqual(try texts("$fn$ a $$ b $fn$"), [" a $$ b "])
        XCTAssertEqual(try kinds("$tag$x$tag$"), [.string])
    }

    func testParameters() throws {
        let t = try tokens("$1 + $12")
        XCTAssertEqual(t.map(\.kind), [.parameter, .op, .parameter])
        XCTAssertEqual(t.map(\.text), ["1", "+", "12"])
    }

    func testNumbers() throws {
        let t = try tokens("42 1.5 .5 1. 1e10 1E-5 2.5e+3 1_000_000")
        XCTAssertEqual(t.map(\.kind), [.integer, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal, .integer])
        XCTAssertEqual(t.map(\.text), ["42", "1.5", ".5", "1.", "1e10", "1e-5", "2.5e3", "1000000"])
    }

    func testTrailingJunkAfterNumber() {
        XCTAssertThrowsError(try tokens("SELECT 123abc")) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.syntaxError)
            XCTAssertEqual((error as? SQLError)?.position, 8)
        }
    }

    func testMultiCharacterOperators() throws {
        XCTAssertEqual(try texts("a <> b != c <= d >= e || f :: g"), ["a", "<>", "b", "<>", "c", "<=", "d", ">=", "e", "||", "f", "::", "g"])
        XCTAssertEqual(try texts("~* !~ !~* ^@ -> ->> @> <@ => << >>"),
                       ["~*", "!~", "!~*", "^@", "->", "->>", "@>", "<@", "=>", "<<", ">>"])
    }

    func testOperatorTrailingMinusIsSplit() throws {
        // `=-1` is `=` followed by `-1`, as in PostgreSQL.
        XCTAssertEqual(try texts("a=-1"), ["a", "=", "-", "1"])
        XCTAssertEqual(try texts("a<-1"), ["a", "<", "-", "1"])
        // ...but operators containing ~ ! @ # % ^ & | ` ? may end in -.
        XCTAssertEqual(try texts("a @- b"), ["a", "@-", "b"])
    }

    func testComments() throws {
        XCTAssertEqual(try texts("SELECT -- comment\n 1 /* block /* nested */ still */ + 2"), ["select", "1", "+", "2"])
        XCTAssertEqual(try texts("1--2"), ["1"])
        XCTAssertEqual(try texts("a+/*x*/b"), ["a", "+", "b"])
    }

    func testPunctuation() throws {
        XCTAssertEqual(try texts("f(a, b[1:2]);"), ["f", "(", "a", ",", "b", "[", "1", ":", "2", "]", ")", ";"])
        XCTAssertEqual(try texts("x := 1"), ["x", ":=", "1"])
    }

    func testTokenOffsetsAreBytes() throws {
        let t = try tokens("SELECT 'é', x")
        XCTAssertEqual(t.map(\.start), [0, 7, 11, 13])
        XCTAssertEqual(t[1].end, 11)
    }

    func testUnterminatedString() {
        XCTAssertThrowsError(try tokens("SELECT 'abc")) { error in
            let e = error as? SQLError
            XCTAssertEqual(e?.sqlState, SQLState.syntaxError)
            XCTAssertEqual(e?.message, "unterminated quoted string at or near \"'abc\"")
            XCTAssertEqual(e?.position, 8)
        }
    }

    func testErrorExcerptKeepsCharactersWhole() {
        let text = "'" + String(repeating: "é", count: 30)
        XCTAssertThrowsError(try tokens("SELECT " + text)) { error in
            let message = (error as? SQLError)?.message ?? ""
            XCTAssertFalse(message.contains("\u{FFFD}"))
            XCTAssertTrue(message.hasPrefix("unterminated quoted string at or near \"'éé"))
        }
    }

    func testUnterminatedCommentAndIdentifierAndDollar() {
        XCTAssertThrowsError(try tokens("SELECT /* x")) { error in
            XCTAssertEqual((error as? SQLError)?.message, "unterminated /* comment at or near \"/* x\"")
        }
        XCTAssertThrowsError(try tokens("SELECT \"abc")) { error in
            XCTAssertEqual((error as? SQLError)?.message, "unterminated quoted identifier at or near \"\"abc\"")
        }
        XCTAssertThrowsError(try tokens("SELECT $$abc")) { error in
            XCTAssertEqual((error as? SQLError)?.message, "unterminated dollar-quoted string at or near \"$$abc\"")
        }
        XCTAssertThrowsError(try tokens("SELECT \"\"")) { error in
            XCTAssertEqual((error as? SQLError)?.message, "zero-length delimited identifier at or near \"\"\"\"")
        }
    }

    func testInvalidEscapeProducingBadUTF8() {
        XCTAssertThrowsError(try tokens("E'\\xff'")) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.characterNotInRepertoire)
        }
    }

    func testStrayCharacter() {
        XCTAssertThrowsError(try tokens("SELECT 1 \\ 2")) { error in
            XCTAssertEqual((error as? SQLError)?.position, 10)
        }
    }
}
