// Statement parser tests: DDL, INSERT, EXPLAIN, SET/SHOW/RESET, transactions,
// multi-statement input with source texts, statement splitting and the REPL's
// completeness test.

import XCTest
import Columnar
@testable import SQLSyntax

final class StatementTests: XCTestCase {
    func testCreateTable() throws {
        guard case .createTable(let s)? = parseOne(
            "CREATE TABLE IF NOT EXISTS s.t (id bigint PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', price numeric(10,2) NULL, flag bool DEFAULT true UNIQUE, d date CHECK (d > '2000-01-01'), CONSTRAINT pk PRIMARY KEY (id), UNIQUE (name))")
        else { return XCTFail() }
        XCTAssertEqual(s.name.parts, ["s", "t"])
        XCTAssertTrue(s.ifNotExists)
        XCTAssertFalse(s.temporary)
        XCTAssertEqual(s.columns.map(\.name), ["id", "name", "price", "flag", "d"])
        XCTAssertEqual(s.columns.map(\.type.description), ["bigint", "varchar(20)", "numeric(10,2)", "boolean", "date"])
        XCTAssertEqual(s.columns.map(\.notNull), [true, true, false, false, false])
        guard case .literal(.string("x"))? = s.columns[1].defaultValue?.kind else { return XCTFail() }
        guard case .literal(.boolean(true))? = s.columns[3].defaultValue?.kind else { return XCTFail() }
    }

    func testCreateTempTable() throws {
        guard case .createTable(let s)? = parseOne("CREATE TEMP TABLE x (a int)") else { return XCTFail() }
        XCTAssertTrue(s.temporary)
        guard case .createTable(let s2)? = parseOne("create temporary table x ()") else { return XCTFail() }
        XCTAssertTrue(s2.temporary)
        XCTAssertTrue(s2.columns.isEmpty)
    }

    func testDefaultExpressionStopsBeforeConstraints() throws {
        guard case .createTable(let s)? = parseOne("CREATE TABLE t (a int DEFAULT 1 + 2 NOT NULL, b timestamp DEFAULT now())") else { return XCTFail() }
        XCTAssertTrue(s.columns[0].notNull)
        XCTAssertEqual(s.columns[0].defaultValue.map(SQLPrinter.print), "(1 + 2)")
        XCTAssertEqual(s.columns[1].defaultValue.map(SQLPrinter.print), "now()")
    }

    func testCreateTableAs() throws {
        guard case .createTableAs(let s)? = parseOne("CREATE TABLE t AS SELECT 1 AS a") else { return XCTFail() }
        XCTAssertEqual(s.name.parts, ["t"])
        XCTAssertNil(s.columnNames)
        guard case .createTableAs(let s2)? = parseOne("CREATE TABLE IF NOT EXISTS t (x, y) AS VALUES (1, 2) WITH DATA") else { return XCTFail() }
        XCTAssertEqual(s2.columnNames, ["x", "y"])
        XCTAssertTrue(s2.ifNotExists)
        guard case .values = s2.query.body else { return XCTFail() }
    }

    func testInsert() throws {
        guard case .insert(let s)? = parseOne("INSERT INTO s.t (a, b) VALUES (1, 'x'), (2, NULL)") else { return XCTFail() }
        XCTAssertEqual(s.table.parts, ["s", "t"])
        XCTAssertEqual(s.columns, ["a", "b"])
        guard case .values(let rows) = s.source.body else { return XCTFail() }
        XCTAssertEqual(rows.count, 2)
        guard case .insert(let s2)? = parseOne("INSERT INTO t SELECT * FROM u WHERE x") else { return XCTFail() }
        XCTAssertNil(s2.columns)
        guard case .select = s2.source.body else { return XCTFail() }
        guard case .insert(let s3)? = parseOne("INSERT INTO t (SELECT 1)") else { return XCTFail() }
        XCTAssertNil(s3.columns)
        guard case .insert(let s4)? = parseOne("INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x") else { return XCTFail() }
        XCTAssertNotNil(s4.source.with)
    }

    func testCreateView() throws {
        let sql = "CREATE OR REPLACE VIEW v (x) AS SELECT a   FROM t -- trailing\n;"
        guard case .createView(let s)? = parseOne(sql) else { return XCTFail() }
        XCTAssertTrue(s.orReplace)
        XCTAssertEqual(s.columnNames, ["x"])
        XCTAssertEqual(s.queryText, "SELECT a   FROM t")
        guard case .createView(let s2)? = parseOne("CREATE VIEW s.v AS (SELECT 1) UNION SELECT 2") else { return XCTFail() }
        XCTAssertFalse(s2.orReplace)
        XCTAssertEqual(s2.queryText, "(SELECT 1) UNION SELECT 2")
    }

    func testCreateSchemaAndDrop() throws {
        guard case .createSchema("lake", false)? = parseOne("CREATE SCHEMA lake") else { return XCTFail() }
        guard case .createSchema("lake", true)? = parseOne("CREATE SCHEMA IF NOT EXISTS lake") else { return XCTFail() }
        guard case .drop(let d)? = parseOne("DROP TABLE IF EXISTS a, s.b CASCADE") else { return XCTFail() }
        XCTAssertEqual(d.kind, .table)
        XCTAssertTrue(d.ifExists)
        XCTAssertTrue(d.cascade)
        XCTAssertEqual(d.names.map(\.description), ["a", "s.b"])
        guard case .drop(let v)? = parseOne("DROP VIEW v RESTRICT") else { return XCTFail() }
        XCTAssertEqual(v.kind, .view)
        XCTAssertFalse(v.cascade)
        XCTAssertFalse(v.ifExists)
        guard case .drop(let sch)? = parseOne("drop schema x") else { return XCTFail() }
        XCTAssertEqual(sch.kind, .schema)
        XCTAssertNotNil(parseError("DROP INDEX i"))
    }

    func testExplain() throws {
        guard case .explain(let e)? = parseOne("EXPLAIN SELECT 1") else { return XCTFail() }
        XCTAssertFalse(e.analyze)
        XCTAssertFalse(e.verbose)
        guard case .query = e.statement else { return XCTFail() }
        guard case .explain(let e2)? = parseOne("EXPLAIN ANALYZE VERBOSE SELECT 1") else { return XCTFail() }
        XCTAssertTrue(e2.analyze)
        XCTAssertTrue(e2.verbose)
        guard case .explain(let e3)? = parseOne("EXPLAIN (ANALYZE, VERBOSE false, COSTS off, FORMAT TEXT) SELECT 1") else { return XCTFail() }
        XCTAssertTrue(e3.analyze)
        XCTAssertFalse(e3.verbose)
        guard case .explain(let e4)? = parseOne("EXPLAIN (SELECT 1)") else { return XCTFail() }
        XCTAssertFalse(e4.analyze)
        guard case .explain(let e5)? = parseOne("EXPLAIN ANALYZE INSERT INTO t VALUES (1)") else { return XCTFail() }
        guard case .insert = e5.statement else { return XCTFail() }
    }

    func testSet() throws {
        func set(_ sql: String) -> SetStatement? {
            if case .set(let s)? = parseOne(sql) { return s }
            XCTFail(sql)
            return nil
        }
        XCTAssertEqual(set("SET search_path TO public, lake")?.values, ["public", "lake"])
        XCTAssertEqual(set("SET search_path TO public, lake")?.name, "search_path")
        XCTAssertEqual(set("SET work_mem = '64MB'")?.values, ["64MB"])
        XCTAssertEqual(set("SET LOCAL statement_timeout = 0")?.isLocal, true)
        XCTAssertEqual(set("SET SESSION extra_float_digits = -3")?.values, ["-3"])
        XCTAssertEqual(set("SET enable_seqscan = off")?.values, ["off"])
        XCTAssertEqual(set("SET x TO ON")?.values, ["on"])
        XCTAssertEqual(set("SET DateStyle TO DEFAULT")?.values, [])
        XCTAssertEqual(set("SET DateStyle TO DEFAULT")?.name, "datestyle")
        XCTAssertEqual(set("SET TIME ZONE 'Europe/Paris'")?.name, "timezone")
        XCTAssertEqual(set("SET TIME ZONE 'Europe/Paris'")?.values, ["Europe/Paris"])
        XCTAssertEqual(set("SET TIME ZONE LOCAL")?.values, [])
        XCTAssertEqual(set("SET TIME ZONE DEFAULT")?.values, [])
        XCTAssertEqual(set("SET TIME ZONE -7")?.values, ["-7"])
        XCTAssertEqual(set("SET my.setting = 1.5")?.name, "my.setting")
        XCTAssertEqual(set("SET NAMES 'UTF8'")?.name, "client_encoding")
        XCTAssertEqual(set("SET application_name = \"Q\"")?.values, ["Q"])
        XCTAssertEqual(set("SET \"TimeZone\" = 'UTC'")?.name, "timezone")
        XCTAssertEqual(set("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?.name, "transaction_isolation")
        XCTAssertEqual(set("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE")?.values, ["serializable"])
        XCTAssertEqual(set("SET TRANSACTION READ ONLY")?.name, "transaction_read_only")
        XCTAssertEqual(set("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED")?.name,
                       "default_transaction_isolation")
        XCTAssertEqual(set("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED")?.values, ["read committed"])
        XCTAssertEqual(set("SET transaction_isolation = 'serializable'")?.name, "transaction_isolation")
        XCTAssertNotNil(parseError("SET TRANSACTION"))
        XCTAssertNotNil(parseError("SET x"))
    }

    func testShowAndReset() throws {
        guard case .show("work_mem")? = parseOne("SHOW work_mem") else { return XCTFail() }
        guard case .show("all")? = parseOne("SHOW ALL") else { return XCTFail() }
        guard case .show("timezone")? = parseOne("SHOW TIME ZONE") else { return XCTFail() }
        guard case .show("transaction_isolation")? = parseOne("SHOW TRANSACTION ISOLATION LEVEL") else { return XCTFail() }
        guard case .reset("work_mem")? = parseOne("RESET work_mem") else { return XCTFail() }
        guard case .reset(nil)? = parseOne("RESET ALL") else { return XCTFail() }
    }

    func testTransactions() throws {
        let cases: [(String, String)] = [
            ("BEGIN", "begin"), ("BEGIN WORK", "begin"), ("BEGIN TRANSACTION ISOLATION LEVEL SERIALIZABLE", "begin"),
            ("START TRANSACTION READ ONLY, ISOLATION LEVEL READ COMMITTED", "begin"),
            ("BEGIN ISOLATION LEVEL REPEATABLE READ NOT DEFERRABLE", "begin"),
            ("COMMIT", "commit"), ("END", "commit"), ("COMMIT WORK", "commit"), ("END TRANSACTION", "commit"),
            ("ROLLBACK", "rollback"), ("ABORT", "rollback"), ("ROLLBACK TRANSACTION", "rollback"),
            ("SAVEPOINT sp1", "savepoint sp1"), ("RELEASE SAVEPOINT sp1", "release sp1"), ("RELEASE sp1", "release sp1"),
            ("ROLLBACK TO SAVEPOINT sp1", "rollback to sp1"), ("ROLLBACK TO sp1", "rollback to sp1"),
            ("ROLLBACK WORK TO SAVEPOINT sp1", "rollback to sp1"),
        ]
        for (sql, expected) in cases {
            guard case .transaction(let t)? = parseOne(sql) else { XCTFail(sql); continue }
            let actual: String
            switch t {
            case .begin: actual = "begin"
            case .commit: actual = "commit"
            case .rollback: actual = "rollback"
            case .savepoint(let n): actual = "savepoint " + n
            case .releaseSavepoint(let n): actual = "release " + n
            case .rollbackToSavepoint(let n): actual = "rollback to " + n
            }
            XCTAssertEqual(actual, expected, sql)
        }
        XCTAssertNotNil(parseError("BEGIN ISOLATION LEVEL SOMETHING"))
    }

    func testMultipleStatementsWithTextAndLocation() throws {
        let sql = "  SELECT 1;\n-- c\nSELECT 'a;b' ;; INSERT INTO t VALUES (1)"
        let parsed = try Parser.parse(sql)
        XCTAssertEqual(parsed.count, 4)
        XCTAssertEqual(parsed.map(\.text), ["SELECT 1", "SELECT 'a;b'", "", "INSERT INTO t VALUES (1)"])
        XCTAssertEqual(parsed[0].location, 2)
        XCTAssertEqual(parsed[1].location, 17)
        guard case .empty = parsed[2].statement else { return XCTFail() }
        guard case .insert = parsed[3].statement else { return XCTFail() }
    }

    func testCharacterPositionOfLocation() throws {
        let parsed = try Parser.parse("SELECT 'ü', bad_column")
        guard case .query(let q) = parsed[0].statement, case .select(let core) = q.body,
              case .expression(let e, _) = core.items[1] else { return XCTFail() }
        XCTAssertEqual(e.location, 13)
        XCTAssertEqual(Parser.characterPosition(in: parsed[0].text, byteOffset: e.location), 13)
        XCTAssertEqual(Parser.characterPosition(in: "SELECT 'ü', x", byteOffset: 12), 12)
    }

    func testEmptyInput() throws {
        XCTAssertEqual(try Parser.parse("").count, 0)
        XCTAssertEqual(try Parser.parse("  -- only a comment\n").count, 0)
        let empties = try Parser.parse(";")
        XCTAssertEqual(empties.count, 1)
        guard case .empty = empties[0].statement else { return XCTFail() }
    }

    func testSplitStatements() {
        XCTAssertEqual(Parser.splitStatements("SELECT 1; SELECT 2;"), ["SELECT 1", "SELECT 2"])
        XCTAssertEqual(Parser.splitStatements("SELECT ';' ; SELECT \"a;b\""), ["SELECT ';'", "SELECT \"a;b\""])
        XCTAssertEqual(Parser.splitStatements("SELECT $$;$$; SELECT $t$ ; $t$"), ["SELECT $$;$$", "SELECT $t$ ; $t$"])
        XCTAssertEqual(Parser.splitStatements("SELECT 1 -- ; no\n; /* ; */ ;SELECT E'\\';'"), ["SELECT 1", "SELECT E'\\';'"])
        XCTAssertEqual(Parser.splitStatements("  ;  ; "), [])
        XCTAssertEqual(Parser.splitStatements("SELECT 1"), ["SELECT 1"])
        XCTAssertEqual(Parser.splitStatements("SELECT $1; SELECT a$b"), ["SELECT $1", "SELECT a$b"])
    }

    func testIsComplete() {
        XCTAssertTrue(Parser.isComplete("SELECT 1;"))
        XCTAssertTrue(Parser.isComplete("SELECT 1;  \n"))
        XCTAssertTrue(Parser.isComplete("SELECT 1; -- done"))
        XCTAssertFalse(Parser.isComplete("SELECT 1"))
        XCTAssertFalse(Parser.isComplete("SELECT ';"))
        XCTAssertFalse(Parser.isComplete("SELECT $$;"))
        XCTAssertFalse(Parser.isComplete("SELECT 1 /* ; "))
        XCTAssertFalse(Parser.isComplete("SELECT 1 -- ;"))
        XCTAssertFalse(Parser.isComplete("SELECT \"a;"))
        XCTAssertTrue(Parser.isComplete("SELECT 'a''b';"))
        XCTAssertTrue(Parser.isComplete("SELECT $x$ $$ $x$;"))
        XCTAssertFalse(Parser.isComplete(""))
    }
}
