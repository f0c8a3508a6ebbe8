// The `oid` type as PostgreSQL 15 defines it: unsigned 32-bit, text input
// from -2147483648 to 4294967295 (negatives wrap), int4 casts keeping the 32
// bits, int8 casts range-checked, comparisons and joins with integers as oid,
// no arithmetic; pg_catalog's OID columns and reg* casts have this type.
// Expected answers and SQLSTATEs are PostgreSQL 15's, checked with psql.

import XCTest
import Columnar
@testable import Engine

final class OIDTypeTests: XCTestCase {
    private func rows(_ s: Session, _ sql: String) throws -> [[Value]] { try s.execute(sql).allRows() }

    private func texts(_ s: Session, _ sql: String) throws -> [String] {
        let r = try s.execute(sql)
        let types = r.fields.map(\.type)
        guard let row = try r.allRows().first else { return [] }
        return zip(row, types).map { v, t in v.isNull ? "NULL" : ValueText.format(v, type: t) }
    }

    private func assertError(_ s: Session, _ sql: String, _ state: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try rows(s, sql)
            XCTFail("expected \(state) from: \(sql)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }

    func testTextInputOutputAndIntegerCasts() throws {
        let s = try Database().connect()
        XCTAssertEqual(try texts(s, "SELECT '-1'::oid, (-1)::oid, 4294967295::oid::int4, 4294967295::oid::int8, ' +5 '::oid, '-2147483648'::oid, 3::oid::text"),
                       ["4294967295", "4294967295", "-1", "4294967295", "5", "2147483648", "3"])
        XCTAssertEqual(try s.execute("SELECT 1::oid").fields.first?.type, .oid)
        assertError(s, "SELECT '4294967296'::oid", SQLState.numericValueOutOfRange)
        assertError(s, "SELECT '-2147483649'::oid", SQLState.numericValueOutOfRange)
        assertError(s, "SELECT 'abc'::oid", SQLState.invalidTextRepresentation)
        assertError(s, "SELECT ''::oid", SQLState.invalidTextRepresentation)
        assertError(s, "SELECT (-1)::int8::oid", SQLState.numericValueOutOfRange)
        assertError(s, "SELECT 5000000000::oid", SQLState.numericValueOutOfRange)
        // No other numeric casts, no arithmetic, no sum (PostgreSQL has none).
        assertError(s, "SELECT 1::oid::float8", SQLState.cannotCoerce)
        assertError(s, "SELECT 1::oid::numeric", SQLState.cannotCoerce)
        assertError(s, "SELECT 1::oid::int2", SQLState.cannotCoerce)
        assertError(s, "SELECT 1::oid + 1", SQLState.undefinedFunction)
        assertError(s, "SELECT sum(1::oid)", SQLState.undefinedFunction)
        assertError(s, "SELECT 1::oid = 1.0", SQLState.undefinedFunction)
    }

    func testComparisonsCommonTypesAndOrderAreUnsigned() throws {
        let s = try Database().connect()
        XCTAssertEqual(try texts(s, "SELECT 1::oid = 1::int8, 1::oid < 2, 4294967295::oid > 1::oid, 4294967295::oid = -1, 1::oid IN (1, 2), 1::oid = ANY(ARRAY[1, 2])"),
                       ["t", "t", "t", "t", "t", "t"])
        XCTAssertEqual(try texts(s, "SELECT pg_typeof(coalesce(1::oid, 0)), pg_typeof(CASE WHEN true THEN 1::oid ELSE 2::int8 END), pg_typeof(ARRAY[1::oid, 2])"),
                       ["oid", "oid", "oid[]"])
        _ = try rows(s, "CREATE TABLE t (x oid)")
        _ = try rows(s, "INSERT INTO t VALUES (1), (-1), (NULL)")
        _ = try rows(s, "INSERT INTO t VALUES ('4294967294')")
        let got = try rows(s, "SELECT x, x::int4 AS i FROM t ORDER BY x")
        XCTAssertEqual(got, [[.int(1), .int(1)], [.int(4_294_967_294), .int(-2)], [.int(4_294_967_295), .int(-1)], [.null, .null]])
        XCTAssertEqual(try texts(s, "SELECT max(x), min(x), count(DISTINCT x) FROM t"), ["4294967295", "1", "3"])
        XCTAssertEqual(try texts(s, "SELECT array_agg(x ORDER BY x) FROM t WHERE x > 1"), ["{4294967294,4294967295}"])
    }

    func testCatalogColumnsAndRegCastsAreOIDs() throws {
        let s = try Database().connect()
        let r = try s.execute("SELECT c.oid, c.relnamespace, a.atttypid, t.typelem, 'pg_class'::regclass, 'int4'::regtype, ARRAY[c.oid] FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_type t ON t.oid = a.atttypid WHERE c.oid = 'pg_class'::regclass AND a.attname = 'relname'")
        XCTAssertEqual(r.fields.map(\.type), [.oid, .oid, .oid, .oid, .oid, .oid, .array(.oid)])
        XCTAssertEqual(try r.allRows(), [[.int(1259), .int(11), .int(19), .int(18), .int(1259), .int(23), .list([.int(1259)])]])
        // Integers meet OIDs in joins and filters; reg* names still print through ::text.
        XCTAssertEqual(try texts(s, "SELECT relname FROM pg_class WHERE oid = 1259::int8"), ["pg_class"])
        XCTAssertEqual(try texts(s, "SELECT 'pg_class'::regclass::oid::regclass::text, 1259::regclass::text, '1259'::regclass::text, 23::oid::regtype::text"),
                       ["pg_class", "pg_class", "pg_class", "integer"])
        XCTAssertEqual(try texts(s, "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'pg_class'::regclass AND a.attname = 'oid'"),
                       ["oid"])
    }

    func testNumericArrayCastTakesTheElementsScale() throws {
        let s = try Database().connect()
        let r = try s.execute("SELECT ARRAY[1.5, 2]::numeric[], '{1.25,3}'::numeric[], ARRAY[1, 2]::numeric[]")
        XCTAssertEqual(r.fields.map(\.type), [.array(.decimal(precision: 11, scale: 1)), .array(.decimal(precision: 38, scale: 2)),
                                              .array(.decimal(precision: 38, scale: 0))])
        XCTAssertEqual(try texts(s, "SELECT ARRAY[1.5, 2]::numeric[], '{1.25,3}'::numeric[]"), ["{1.5,2.0}", "{1.25,3.00}"])
    }

    func testMultidimensionalArrayLiteralIsRefusedAsUnsupported() throws {
        let s = try Database().connect()
        assertError(s, "SELECT '{{1,2},{3,4}}'::int4[]", SQLState.featureNotSupported)
        assertError(s, "SELECT '{1,{2}}'::int4[]", SQLState.invalidTextRepresentation)
    }
}
