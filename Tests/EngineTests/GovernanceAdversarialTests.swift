// The adversarial checks again, through real DDL and the SQLite catalog:
// the issue's own masking policy (raw for pii_reader, mask_email for
// everyone else), a tag's redaction, a keyed hash, a year and a salary band,
// a row policy for staff, and a view a steward owns and shares with staff.
// Staff see only masked values of their rows — through the view, joins,
// subqueries, EXPLAIN and errors — and the audit log records what applied.

import XCTest
import Foundation
import Columnar
@testable import Engine

final class GovernanceAdversarialTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "governance-adversarial-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func run(_ s: Session, _ sql: String) throws { try s.executeScript(sql) { r in while try r.next() != nil {} } }

    /// The shop: people (PersonalData's rows) with policies from the catalog; maria is staff,
    /// carol is staff and pii_reader; the steward owns people_overview and shares it with staff.
    func shop() throws -> Database {
        let db = try Database(options: DatabaseOptions(catalogPath: directory + "/catalog.db"))
        let admin = db.connect()
        try run(admin, PersonalData.setup)
        try run(admin, """
            CREATE ROLE staff; CREATE ROLE pii_reader;
            CREATE USER maria PASSWORD 'pw1' IN ROLE staff;
            CREATE USER carol PASSWORD 'pw2' IN ROLE staff, pii_reader;
            CREATE USER steward PASSWORD 'pw3';
            CREATE USER ines PASSWORD 'pw4' IN ROLE auditor;
            GRANT SELECT ON TABLE people TO steward;
            GRANT SELECT ON TABLE guesses TO staff;
            CREATE MASKING POLICY email_mask AS (val text) RETURNS text ->
              CASE WHEN is_member('pii_reader') THEN val ELSE mask_email(val) END;
            ALTER TABLE people ALTER COLUMN email SET MASKING POLICY email_mask;
            CREATE MASKING POLICY ssn_hash AS (val text) RETURNS text -> mask_hash(val);
            ALTER TABLE people ALTER COLUMN ssn SET MASKING POLICY ssn_hash;
            ALTER TABLE guesses ALTER COLUMN g SET MASKING POLICY ssn_hash;
            CREATE MASKING POLICY redact_text AS (val text) RETURNS text -> mask_redact(val);
            CREATE TAG pii;
            ALTER TAG pii SET MASKING POLICY redact_text;
            ALTER TABLE people ALTER COLUMN phone SET TAG pii;
            CREATE MASKING POLICY birth_year AS (val date) RETURNS date -> mask_year(val);
            ALTER TABLE people ALTER COLUMN birth SET MASKING POLICY birth_year;
            CREATE MASKING POLICY salary_band AS (val numeric(10,2)) RETURNS numeric(12,2) -> mask_round(val, 10000);
            ALTER TABLE people ALTER COLUMN salary SET MASKING POLICY salary_band;
            ALTER TABLE people ENABLE ROW LEVEL SECURITY;
            CREATE POLICY eu_staff ON people FOR SELECT TO staff USING (region = 'EU');
            CREATE VIEW people_overview AS SELECT id, name, email, phone, ssn, birth, salary, region FROM people;
            ALTER VIEW people_overview OWNER TO steward;
            GRANT SELECT ON VIEW people_overview TO staff;
            """)
        return db
    }

    func testStaffSeeMaskedRowsOfTheirPolicyThroughTheStewardsView() throws {
        let db = try shop()
        let maria = try db.connect(user: "maria", client: "test")
        XCTAssertEqual(show(maria, "SELECT * FROM people").error?.sqlState, SQLState.insufficientPrivilege)
        let shown = assertNoLeak(maria, "SELECT id, email, phone, birth, salary FROM people_overview ORDER BY id")
        XCTAssertEqual(shown.rows, [["1", "a***@corp.example", "[REDACTED]", "1987-01-01", "120000.00"],
                                    ["2", "b***@corp.example", "[REDACTED]", "1990-01-01", "50000.00"],
                                    ["3", "NULL", "NULL", "NULL", "NULL"]])
        for sql in [
            "SELECT * FROM people_overview WHERE email LIKE 'ana%' OR ssn = '111-11-1111' OR region = 'US'",
            "SELECT v.email, g.g FROM people_overview v JOIN guesses g ON v.ssn = g.g",
            "SELECT (SELECT max(email) FROM people_overview), count(*) FROM people_overview GROUP BY region",
            "SELECT id FROM people_overview WHERE 1 / (CASE WHEN ssn = '111-11-1111' THEN 0 ELSE 1 END) = 1",
            "SELECT id FROM people_overview WHERE 1 / (CASE WHEN region = 'US' THEN 0 ELSE 1 END) = 1",
            "SELECT email::int FROM people_overview",
            "EXPLAIN ANALYZE SELECT * FROM people_overview WHERE salary > 1",
            "SELECT mask_hash('111-11-1111')",
            "SELECT * FROM read_csv('/etc/hostname')",
            "SELECT * FROM lakesql_audit",
        ] {
            let r = assertNoLeak(maria, sql)
            XCTAssertNotEqual(r.error?.sqlState, SQLState.divisionByZero, sql)
        }
        // The keyed hash still joins: guesses.g is hashed with the same catalog secret.
        XCTAssertEqual(show(maria, "SELECT v.id FROM people_overview v JOIN guesses g ON v.ssn = g.g").rows, [["1"]])
        XCTAssertEqual(show(maria, "SELECT mask_hash('x')").error?.sqlState, SQLState.insufficientPrivilege)
        XCTAssertEqual(show(maria, "SELECT * FROM lakesql_audit").error?.sqlState, SQLState.insufficientPrivilege)
    }

    func testPIIReadersSeeRawEmailsOnlyAndSuperusersEverything() throws {
        let db = try shop()
        let carol = try db.connect(user: "carol", client: "test")
        let shown = assertNoLeak(carol, "SELECT email, phone FROM people_overview ORDER BY id",
                                 secrets: PersonalData.secrets.filter { !$0.hasPrefix("ana") && !$0.hasPrefix("ben") && $0 != "qzx" })
        XCTAssertEqual(shown.rows, [["ana.qzx1@corp.example", "[REDACTED]"], ["ben.qzx2@corp.example", "[REDACTED]"], ["NULL", "NULL"]])
        let admin = db.connect()
        XCTAssertEqual(show(admin, "SELECT count(*) FROM people_overview").rows, [["5"]])
        XCTAssertEqual(show(admin, "SELECT phone FROM people WHERE id = 4").rows, [["+1 555 777 8888"]])
    }

    func testABrokenPolicyFailsClosedAndRevokingTheStewardsGrantClosesTheView() throws {
        let db = try shop()
        let admin = db.connect()
        let maria = try db.connect(user: "maria", client: "test")
        try run(admin, """
            CREATE TABLE allowed (r text); INSERT INTO allowed VALUES ('EU');
            GRANT SELECT ON TABLE allowed TO steward;
            DROP POLICY eu_staff ON people;
            CREATE POLICY by_table ON people FOR SELECT TO staff USING (region IN (SELECT r FROM allowed));
            """)
        XCTAssertEqual(show(maria, "SELECT count(*) FROM people_overview").rows, [["3"]])
        // The mapping table goes away: the policy cannot be evaluated, and the query is denied.
        try run(admin, "DROP TABLE allowed")
        let broken = assertNoLeak(maria, "SELECT count(*) FROM people_overview")
        XCTAssertEqual(broken.error?.sqlState, SQLState.insufficientPrivilege, broken.text)
        try run(admin, "REVOKE SELECT ON TABLE people FROM steward")
        XCTAssertEqual(show(maria, "SELECT count(*) FROM people_overview").error?.sqlState, SQLState.insufficientPrivilege)
    }

    func testTheAuditLogRecordsObjectsMasksAndRowPolicies() throws {
        let db = try shop()
        let maria = try db.connect(user: "maria", client: "test")
        _ = show(maria, "SELECT email FROM people_overview")
        let ines = try db.connect(user: "ines", client: "test")
        let audit = show(ines, "SELECT objects, masks, row_policies FROM lakesql_audit WHERE user_name = 'maria'")
        XCTAssertNil(audit.error, audit.text)
        XCTAssertTrue(audit.text.contains("public.people_overview"), audit.text)
        XCTAssertTrue(audit.text.contains("email_mask"), audit.text)
        XCTAssertTrue(audit.text.contains("eu_staff"), audit.text)
        XCTAssertFalse(audit.text.contains("ana.qzx1"), audit.text)
    }
}
