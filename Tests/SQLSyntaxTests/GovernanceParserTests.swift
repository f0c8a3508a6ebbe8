// Parser tests of the governance statements: each form's AST, error cases,
// and that CREATE/DROP/SET/RESET of ordinary objects are unaffected.

import XCTest
import Columnar
@testable import SQLSyntax

final class GovernanceParserTests: XCTestCase {
    func governance(_ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> GovernanceStatement {
        let parsed = try Parser.parse(sql)
        guard parsed.count == 1, case .governance(let g) = parsed[0].statement else {
            XCTFail("not a governance statement: \(sql)", file: file, line: line)
            throw SQLError(SQLState.internalError, "not governance")
        }
        // Every form round-trips through the printer.
        let printed = SQLPrinter.print(parsed[0].statement)
        XCTAssertEqual(try Parser.parse(printed).first.map { SQLPrinter.print($0.statement) }, printed, file: file, line: line)
        return g
    }

    func testCreateUserWithPasswordAndRoles() throws {
        guard case .createRole(let c) = try governance("CREATE USER Carol WITH PASSWORD 'pw' IN ROLE staff, \"PII\"") else { return XCTFail() }
        XCTAssertEqual(c.name, "carol")
        XCTAssertTrue(c.isUser)
        XCTAssertEqual(c.options.password, .some("pw"))
        XCTAssertEqual(c.options.inRoles, ["staff", "PII"])
        guard case .createRole(let r) = try governance("CREATE ROLE IF NOT EXISTS admins SUPERUSER NOLOGIN") else { return XCTFail() }
        XCTAssertFalse(r.isUser)
        XCTAssertTrue(r.ifNotExists)
        XCTAssertEqual(r.options.superuser, true)
        XCTAssertEqual(r.options.login, false)
    }

    func testAlterAndDropUsers() throws {
        guard case .alterRole(let a) = try governance("ALTER USER carol PASSWORD NULL") else { return XCTFail() }
        XCTAssertEqual(a.options.password, .some(nil))
        guard case .dropRole(let names, true, true) = try governance("DROP USER IF EXISTS a, b") else { return XCTFail() }
        XCTAssertEqual(names, ["a", "b"])
        XCTAssertThrowsError(try Parser.parse("ALTER USER carol"))
    }

    func testGrantsAndRevokes() throws {
        guard case .grantRole(let roles, let members) = try governance("GRANT pii_reader, staff TO carol, GROUP analysts") else { return XCTFail() }
        XCTAssertEqual(roles, ["pii_reader", "staff"])
        XCTAssertEqual(members, ["carol", "analysts"])
        guard case .grant(let g) = try governance("GRANT SELECT ON VIEW s.v, t TO PUBLIC") else { return XCTFail() }
        XCTAssertEqual(g.privilege, .select)
        XCTAssertEqual(g.target, .relations([QualifiedName(["s", "v"]), QualifiedName(["t"])]))
        XCTAssertEqual(g.grantees, ["public"])
        guard case .revoke(let r) = try governance("REVOKE SELECT ON ALL TABLES IN SCHEMA sales FROM a") else { return XCTFail() }
        XCTAssertEqual(r.target, .allTablesInSchemas(["sales"]))
        guard case .grant(let f) = try governance("GRANT READ FILES TO eng") else { return XCTFail() }
        XCTAssertEqual(f.privilege, .readFiles)
        XCTAssertEqual(f.target, .files)
        guard case .grant(let c) = try governance("GRANT CREATE ON SCHEMA shared TO stewards") else { return XCTFail() }
        XCTAssertEqual(c.target, .schemas(["shared"]))
        guard case .revokeRole(["a"], ["b"]) = try governance("REVOKE a FROM b") else { return XCTFail() }
        XCTAssertThrowsError(try Parser.parse("GRANT SELECT ON t"))
    }

    func testSetAndResetRole() throws {
        guard case .setRole("staff") = try governance("SET ROLE staff") else { return XCTFail() }
        guard case .setRole("Mixed") = try governance("SET SESSION ROLE 'Mixed'") else { return XCTFail() }
        guard case .setRole(nil) = try governance("SET ROLE NONE") else { return XCTFail() }
        guard case .setRole(nil) = try governance("RESET ROLE") else { return XCTFail() }
        // Ordinary settings are untouched.
        guard case .set(let s) = try Parser.parse("SET search_path TO public")[0].statement else { return XCTFail() }
        XCTAssertEqual(s.name, "search_path")
        guard case .reset(name: "timezone") = try Parser.parse("RESET timezone")[0].statement else { return XCTFail() }
    }

    func testMaskingPolicyKeepsBodyText() throws {
        let sql = "CREATE OR REPLACE MASKING POLICY m AS (val text) RETURNS text -> CASE WHEN is_member('r') THEN val ELSE mask_email(val) END"
        guard case .createMaskingPolicy(let m) = try governance(sql) else { return XCTFail() }
        XCTAssertEqual(m.name, "m")
        XCTAssertEqual(m.parameterName, "val")
        XCTAssertEqual(m.parameterType.name, "text")
        XCTAssertTrue(m.orReplace)
        XCTAssertEqual(m.bodyText, "CASE WHEN is_member('r') THEN val ELSE mask_email(val) END")
        // A JSON arrow inside the body is part of the body.
        guard case .createMaskingPolicy(let j) = try governance("CREATE MASKING POLICY j AS (v jsonb) RETURNS jsonb -> v -> 'safe'") else { return XCTFail() }
        XCTAssertEqual(j.bodyText, "v -> 'safe'")
        XCTAssertThrowsError(try Parser.parse("CREATE MASKING POLICY m AS (val text) RETURNS text mask_email(val)"))
        guard case .dropMaskingPolicy("m", true) = try governance("DROP MASKING POLICY IF EXISTS m") else { return XCTFail() }
    }

    func testAlterTableForms() throws {
        guard case .alterColumnMaskingPolicy(let t, "email", "m") = try governance("ALTER TABLE s.c ALTER COLUMN email SET MASKING POLICY m") else { return XCTFail() }
        XCTAssertEqual(t.parts, ["s", "c"])
        guard case .alterColumnMaskingPolicy(_, "email", nil) = try governance("ALTER TABLE c ALTER email UNSET MASKING POLICY") else { return XCTFail() }
        guard case .alterColumnTag(_, "phone", "pii", true) = try governance("ALTER TABLE c ALTER COLUMN phone SET TAG pii") else { return XCTFail() }
        guard case .alterColumnTag(_, "phone", "pii", false) = try governance("ALTER TABLE c ALTER COLUMN phone UNSET TAG pii") else { return XCTFail() }
        guard case .alterRowLevelSecurity(_, true) = try governance("ALTER TABLE orders ENABLE ROW LEVEL SECURITY") else { return XCTFail() }
        guard case .alterRowLevelSecurity(_, false) = try governance("ALTER TABLE orders DISABLE ROW LEVEL SECURITY") else { return XCTFail() }
        guard case .alterTagMaskingPolicy("pii", "r", true) = try governance("ALTER TAG pii SET MASKING POLICY r") else { return XCTFail() }
        guard case .alterTagMaskingPolicy("pii", nil, false) = try governance("ALTER TAG pii UNSET MASKING POLICY") else { return XCTFail() }
        guard case .createTag("pii", true) = try governance("CREATE TAG IF NOT EXISTS pii") else { return XCTFail() }
        guard case .dropTag("pii", false) = try governance("DROP TAG pii") else { return XCTFail() }
        guard case .alterSystem("audit_retention_days", "30") = try governance("ALTER SYSTEM SET audit_retention_days TO 30") else { return XCTFail() }
        guard case .alterSystem("audit_redact_literals", nil) = try governance("ALTER SYSTEM RESET audit_redact_literals") else { return XCTFail() }
    }

    func testAlterOwner() throws {
        guard case .alterOwner(.view, let v, "stewards") = try governance("ALTER VIEW s.v OWNER TO stewards") else { return XCTFail() }
        XCTAssertEqual(v.parts, ["s", "v"])
        guard case .alterOwner(.table, _, "bob") = try governance("ALTER TABLE t OWNER TO bob") else { return XCTFail() }
        guard case .alterOwner(.schema, let s, "bob") = try governance("ALTER SCHEMA sales OWNER TO bob") else { return XCTFail() }
        XCTAssertEqual(s.parts, ["sales"])
        XCTAssertThrowsError(try Parser.parse("ALTER VIEW v RENAME TO w"))
    }

    func testRowPolicies() throws {
        guard case .createRowPolicy(let p) = try governance("CREATE POLICY p ON orders AS PERMISSIVE FOR SELECT TO emea, apac USING (region IN ('EU', 'UK'))") else { return XCTFail() }
        XCTAssertEqual(p.roles, ["emea", "apac"])
        XCTAssertEqual(p.usingText, "region IN ('EU', 'UK')")
        guard case .createRowPolicy(let q) = try governance("CREATE POLICY q ON orders USING (true)") else { return XCTFail() }
        XCTAssertEqual(q.roles, ["public"])
        XCTAssertEqual(try errorState("CREATE POLICY p ON t FOR INSERT TO a USING (true)"), "0A000")
        XCTAssertEqual(try errorState("CREATE POLICY p ON t AS RESTRICTIVE USING (true)"), "0A000")
        XCTAssertEqual(try errorState("CREATE POLICY p ON t TO a"), "42601")
        guard case .dropRowPolicy("p", let t, true) = try governance("DROP POLICY IF EXISTS p ON s.orders") else { return XCTFail() }
        XCTAssertEqual(t.parts, ["s", "orders"])
    }

    func testOrdinaryCreateAndDropStillParse() throws {
        guard case .createView = try Parser.parse("CREATE OR REPLACE VIEW v AS SELECT 1")[0].statement else { return XCTFail() }
        guard case .drop = try Parser.parse("DROP TABLE t")[0].statement else { return XCTFail() }
        XCTAssertThrowsError(try Parser.parse("CREATE OR REPLACE TABLE t (a int)"))
        XCTAssertThrowsError(try Parser.parse("CREATE OR REPLACE ROLE r"))
    }

    func errorState(_ sql: String) throws -> String? {
        do { _ = try Parser.parse(sql); return nil } catch let e as SQLError { return e.sqlState }
    }
}
