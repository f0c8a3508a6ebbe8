// Adversarial tests for column masking: a restricted role tries every path
// a raw value of a masked column could come back through — predicates,
// joins, grouping, ordering, DISTINCT, windows, aggregates, string functions,
// casts, subqueries, CTEs, set operations, views, EXPLAIN (ANALYZE), error
// messages, statistics-based skipping, system table functions and raw file
// reads — and checks that none appears (PolicyTestSupport.swift).

import XCTest
import Columnar
import Planner
import SQLSyntax
@testable import Engine

final class MaskingAdversarialTests: XCTestCase {
    func testMaskedValuesAreWhatTheRoleSees() throws {
        let s = try PersonalData.session()
        let shown = assertNoLeak(s, "SELECT id, name, email, phone, ssn, birth, salary FROM people ORDER BY id")
        XCTAssertEqual(shown.rows.count, 3)
        XCTAssertEqual(shown.rows[0][0...3], ["1", "Ana", "a***@corp.example", "[REDACTED]"])
        XCTAssertEqual(shown.rows[0][4].count, 64)
        XCTAssertEqual(shown.rows[0][5...6], ["1987-01-01", "120000.00"])
        XCTAssertEqual(shown.rows[2], ["3", "Cy", "NULL", "NULL", "NULL", "NULL", "NULL"])
        XCTAssertEqual(try s.execute("SELECT email, ssn FROM people").fields.map(\.type), [.text, .text])
    }

    func testPredicatesCompareMaskedValues() throws {
        let s = try PersonalData.session()
        for sql in [
            "SELECT id FROM people WHERE email = 'ana.qzx1@corp.example'",
            "SELECT id FROM people WHERE email LIKE 'ana%'",
            "SELECT id FROM people WHERE ssn = '111-11-1111'",
            "SELECT id FROM people WHERE ssn IN ('111-11-1111', '222-22-2222')",
            "SELECT id FROM people WHERE birth = DATE '1987-07-23'",
            "SELECT id FROM people WHERE salary BETWEEN 123456 AND 123457",
            "SELECT id FROM people WHERE phone ~ '351'",
            "SELECT id FROM people WHERE position('qzx' IN email) > 0",
        ] {
            let shown = assertNoLeak(s, sql)
            XCTAssertEqual(shown.rows.count, 0, sql)
            XCTAssertNil(shown.error, sql)
        }
        // Masked values themselves do match.
        XCTAssertEqual(assertNoLeak(s, "SELECT id FROM people WHERE email = 'a***@corp.example'").rows, [["1"]])
        XCTAssertEqual(assertNoLeak(s, "SELECT id FROM people WHERE birth = DATE '1990-01-01'").rows, [["2"]])
    }

    func testJoinsGroupingOrderingDistinctAndWindows() throws {
        let s = try PersonalData.session()
        XCTAssertEqual(assertNoLeak(s, "SELECT p.id FROM people p JOIN guesses g ON p.email = g.g OR p.ssn = g.g").rows.count, 0)
        XCTAssertEqual(assertNoLeak(s, "SELECT count(*) FROM people p, guesses g WHERE p.email = g.g").rows, [["0"]])
        for sql in [
            "SELECT email, count(*) FROM people GROUP BY email ORDER BY email",
            "SELECT DISTINCT phone, birth FROM people",
            "SELECT id FROM people ORDER BY ssn, salary DESC, email",
            "SELECT first_value(email) OVER (ORDER BY id), lag(ssn) OVER (), max(salary) OVER (PARTITION BY birth) FROM people",
            "SELECT min(email), max(email), min(ssn), max(birth), sum(salary), avg(salary), string_agg(email, ',') FROM people",
            "SELECT array_agg(phone ORDER BY id)::text, count(DISTINCT email) FROM people",
            "SELECT email, rank() OVER (ORDER BY salary) FROM people",
            "SELECT grouping(email), email, count(*) FROM people GROUP BY ROLLUP (email)",
        ] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
        // Aggregates see masked values: the sum of rounded salaries, not of raw ones.
        XCTAssertEqual(assertNoLeak(s, "SELECT sum(salary) FROM people").rows, [["170000.00"]])
    }

    func testStringFunctionsAndCasts() throws {
        let s = try PersonalData.session()
        for sql in [
            "SELECT substr(email, 1, 30), upper(email), reverse(ssn), length(phone), split_part(email, '@', 1) FROM people",
            "SELECT email || ssn, concat_ws('/', phone, birth, salary), md5(email), left(ssn, 11) FROM people",
            "SELECT replace(email, '*', ''), translate(phone, 'X', 'Y'), regexp_replace(email, '.', 'x') FROM people",
            "SELECT birth::text, salary::text, extract(month FROM birth), to_char(salary, '999999.99') FROM people",
            "SELECT format('%s %s', email, ssn), quote_literal(email) FROM people",
        ] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
        // Casts run on masked values: errors quote the masked value, never the raw one.
        for sql in ["SELECT email::int FROM people", "SELECT ssn::int FROM people", "SELECT phone::date FROM people",
                    "SELECT id FROM people WHERE email::numeric > 0", "SELECT id FROM people WHERE ssn::bigint = 1"] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNotNil(shown.error, sql)
        }
    }

    func testSubqueriesCTEsSetOperationsAndViews() throws {
        let s = try PersonalData.session()
        for sql in [
            "SELECT (SELECT max(email) FROM people), (SELECT min(ssn) FROM people p2 WHERE p2.id = p.id) FROM people p",
            "SELECT id FROM people p WHERE EXISTS (SELECT 1 FROM guesses g WHERE g.g = p.email)",
            "SELECT id FROM people WHERE email IN (SELECT g FROM guesses)",
            "SELECT g FROM guesses WHERE g IN (SELECT ssn FROM people) OR g = ANY (SELECT email FROM people)",
            "SELECT * FROM people p, LATERAL (SELECT p.email || '!' AS e) x",
            "WITH e AS (SELECT email, ssn FROM people) SELECT * FROM e WHERE email IS NOT NULL",
            "WITH RECURSIVE r(n, e) AS (SELECT 1, email FROM people WHERE id = 1 UNION ALL SELECT n + 1, e FROM r WHERE n < 3) SELECT * FROM r",
            "SELECT email FROM people UNION SELECT ssn FROM people",
            "SELECT email FROM people INTERSECT SELECT g FROM guesses",
            "SELECT ssn FROM people EXCEPT SELECT g FROM guesses",
        ] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
        XCTAssertEqual(assertNoLeak(s, "SELECT count(*) FROM (SELECT email FROM people INTERSECT SELECT g FROM guesses) x").rows, [["0"]])
        // Views and views over views: masks are evaluated for the querying role inside them.
        s.accessControl = UnrestrictedAccess()
        _ = try s.execute("CREATE VIEW contacts AS SELECT id, name, email, phone FROM people")
        _ = try s.execute("CREATE VIEW contacts2 AS SELECT name, email AS mail FROM contacts WHERE id < 10")
        // The superuser sees raw values through the view.
        XCTAssertEqual(try s.execute("SELECT mail FROM contacts2 WHERE name = 'Ana'").allRows(), [[.string("ana.qzx1@corp.example")]])
        s.accessControl = PersonalData.restricted()
        let v = assertNoLeak(s, "SELECT * FROM contacts2 ORDER BY name")
        XCTAssertEqual(v.rows, [["Ana", "a***@corp.example"], ["Ben", "b***@corp.example"], ["Cy", "NULL"]])
        assertNoLeak(s, "SELECT c.email, c2.mail FROM contacts c JOIN contacts2 c2 ON c.name = c2.name")
    }

    func testExplainShowsNoRawValuesNorCountersBelowTheBarrier() throws {
        let s = try PersonalData.session()
        for sql in ["EXPLAIN SELECT email FROM people WHERE email = 'x'",
                    "EXPLAIN ANALYZE SELECT email, ssn FROM people WHERE salary > 1",
                    "EXPLAIN ANALYZE SELECT count(*) FROM people p JOIN guesses g ON p.ssn = g.g"] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, sql)
            XCTAssertTrue(shown.text.contains("Policy Barrier public.people row policies: eu_only; masks: email (email_mask), phone (phone_mask), ssn (ssn_mask), birth (birth_mask), salary (salary_mask)"), shown.text)
            XCTAssertFalse(shown.text.contains("mask_"), "policy bodies stay hidden: \(shown.text)")
            XCTAssertFalse(shown.text.contains("Scan people"), "the raw scan stays hidden: \(shown.text)")
        }
    }

    func testErrorsTriggeredOnlyByRawValuesNeverHappen() throws {
        let s = try PersonalData.session()
        // Division by zero only for a raw value: never raised, since expressions see masked values.
        for sql in ["SELECT 1 / (CASE WHEN ssn = '111-11-1111' THEN 0 ELSE 1 END) FROM people",
                    "SELECT id FROM people WHERE 1 / (CASE WHEN email LIKE 'ana.%' THEN 0 ELSE 1 END) = 1",
                    "SELECT id FROM people WHERE 1 / (CASE WHEN salary = 123456.78 THEN 0 ELSE 1 END) = 1",
                    "SELECT id FROM people WHERE 1 / (CASE WHEN birth = DATE '1987-07-23' THEN 0 ELSE 1 END) = 1"] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
    }

    func testAPolicyFailingOnARawValueDoesNotQuoteIt() throws {
        let a = PersonalData.restricted()
        // A badly written mask that casts raw values (stored in the catalog, here the test's double):
        // it could fail on some values, so it is denied when bound, before it runs on any.
        a.mask("people", "ssn", "(val::int)::text")
        let s = try PersonalData.session(a)
        // Sequential (barrier operator) and parallel (guarded pipeline stage) execution alike.
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)")
            for sql in ["SELECT ssn FROM people", "SELECT count(*) FROM people WHERE ssn IS NOT NULL", "SELECT email FROM people ORDER BY ssn"] {
                let shown = assertNoLeak(s, sql)
                XCTAssertEqual(shown.error?.sqlState, SQLState.insufficientPrivilege, sql)
                XCTAssertTrue(shown.text.contains("masking policy \"ssn_mask\" on column \"ssn\" of public.people cannot be evaluated"), shown.text)
                XCTAssertTrue(shown.error?.detail?.contains("cast from text") ?? false, shown.text)
            }
        }
    }

    func testMaskHashIsJoinableButCannotBeComputedByTheRole() throws {
        let a = PersonalData.restricted()
        a.mask("guesses", "g", "mask_hash(val)")
        let s = try PersonalData.session(a)
        // Both sides hashed with the catalog's key: the join finds the shared raw value.
        XCTAssertEqual(assertNoLeak(s, "SELECT p.id FROM people p JOIN guesses g ON p.ssn = g.g").rows, [["1"]])
        // Hashing a guess directly is refused.
        let guess = assertNoLeak(s, "SELECT id FROM people WHERE ssn = mask_hash('111-11-1111')")
        XCTAssertEqual(guess.error?.sqlState, SQLState.insufficientPrivilege)
        // The secret comes from the catalog: another key gives other hashes.
        let before = show(s, "SELECT ssn FROM people WHERE id = 1").rows
        a.secret = Array(repeating: 9, count: 32)
        XCTAssertNotEqual(show(s, "SELECT ssn FROM people WHERE id = 1").rows, before)
        XCTAssertFalse(show(s, "EXPLAIN SELECT ssn FROM people").text.contains("\u{9}"))
    }

    func testStatisticsBasedSkippingDoesNotDependOnRawValues() throws {
        let lake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/demo").path
        let s = try Database(options: .init(lakePath: lake)).connect()
        let a = TestAccess()
        a.mask("orders", "total", "mask_round(val, 1000)", type: .decimal(precision: 12, scale: 2))
        a.mask("customers", "email", "mask_email(val)")
        a.mask("customers", "birth_date", "mask_year(val)", type: .date)
        s.accessControl = a
        // One thread: the barrier is its own operator and reports the rows it passes.
        _ = try s.execute("SET threads = 1")
        func normalized(_ sql: String) -> String {
            show(s, sql).text.replacingOccurrences(of: #"time=[0-9.]+ ms"#, with: "", options: .regularExpression)
                .replacingOccurrences(of: #"Execution Time: [0-9.]+ ms"#, with: "", options: .regularExpression)
        }
        func barrierLine(_ text: String) -> String { text.split(separator: "\n").first { $0.contains("Policy Barrier") }.map(String.init) ?? "" }
        // orders has two row groups; a skip by the raw statistics of total would make the barrier
        // pass fewer rows for one threshold than for the other.
        let low = normalized("EXPLAIN ANALYZE SELECT count(*) FROM orders WHERE total > 0")
        let high = normalized("EXPLAIN ANALYZE SELECT count(*) FROM orders WHERE total > 99999999")
        // its row groups of 16,384 and 3,616 rows, cut into batches
        let batches = (16_384 + Batch.capacity - 1) / Batch.capacity + (3_616 + Batch.capacity - 1) / Batch.capacity
        XCTAssertEqual(barrierLine(low), "      Policy Barrier public.orders masks: total (total_mask)  (actual rows=20000 batches=\(batches) )")
        XCTAssertEqual(barrierLine(low), barrierLine(high))
        XCTAssertFalse(low.contains("row groups"), low)
        // A real raw e-mail and a made-up one behave identically.
        let real = normalized("EXPLAIN ANALYZE SELECT count(*) FROM customers WHERE email = 'noah.lee1@example.com'")
        let fake = normalized("EXPLAIN ANALYZE SELECT count(*) FROM customers WHERE email = 'zzzzz.zzzz@example.com'")
        XCTAssertEqual(real.replacingOccurrences(of: "noah.lee1", with: "zzzzz.zzzz"), fake)
        XCTAssertTrue(barrierLine(real).contains("actual rows=2000 "), real)
        XCTAssertEqual(show(s, "SELECT count(*) FROM customers WHERE email = 'noah.lee1@example.com'").rows, [["0"]])
        // However the table is spelled, it is the same relation with the same policies.
        for name in ["customers", "public.customers", "lake.customers", "LAKE.Customers", "\"lake\".\"customers\""] {
            let shown = assertNoLeak(s, "SELECT email FROM \(name) WHERE customer_id = 1", secrets: ["noah.lee1"])
            XCTAssertEqual(shown.rows, [["n***@example.com"]], name)
        }
        XCTAssertEqual(show(s, "SELECT count(*) FROM customers WHERE birth_date = DATE '1974-08-23'").rows, [["0"]])
        // Unmasked columns still prune (leak-proof predicates reach the scan): same answer as unrestricted.
        let visible = show(s, "SELECT count(*) FROM orders WHERE order_ts >= TIMESTAMP '2026-09-01'").rows
        s.accessControl = UnrestrictedAccess()
        XCTAssertEqual(show(s, "SELECT count(*) FROM orders WHERE order_ts >= TIMESTAMP '2026-09-01'").rows, visible)
    }

    func testRawFileReadsNeedReadFiles() throws {
        let lake = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/demo").path
        let s = try Database(options: .init(lakePath: lake)).connect()
        let a = TestAccess()
        a.mask("customers", "email", "mask_email(val)")
        s.accessControl = a
        let file = lake + "/customers/part-0.parquet"
        for sql in ["SELECT email FROM read_parquet('\(file)')", "SELECT email FROM '\(file)'",
                    "SELECT * FROM read_csv('\(lake)/x.csv')", "SELECT * FROM read_json('\(lake)/x.json')",
                    "SELECT * FROM parquet_scan('\(file)')"] {
            let shown = assertNoLeak(s, sql, secrets: ["noah.lee1"])
            XCTAssertEqual(shown.error?.sqlState, SQLState.insufficientPrivilege, sql)
        }
        // generate_series and lakesql_functions() read no files, and show no data.
        XCTAssertEqual(show(s, "SELECT count(*) FROM generate_series(1, 3)").rows, [["3"]])
        let functions = assertNoLeak(s, "SELECT name FROM lakesql_functions() WHERE name LIKE 'mask%' ORDER BY name", secrets: ["noah.lee1"])
        XCTAssertEqual(functions.rows.map { $0[0] }, ["mask_default", "mask_email", "mask_hash", "mask_null", "mask_partial", "mask_redact", "mask_round", "mask_year"])
        // Granted READ FILES, the role reads the file (no policy applies to a path).
        a.mayReadFiles = true
        XCTAssertEqual(show(s, "SELECT email FROM '\(file)' WHERE email = 'noah.lee1@example.com'").rows, [["noah.lee1@example.com"]])
        XCTAssertEqual(s.lastAccessReport.files, ["'\(file)'".replacingOccurrences(of: "'", with: "")])
    }

    func testExternalTableViewOwnedByAFileReaderWithItsOwnPolicies() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lakesql-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("contacts.csv").path
        try "id,email,code,region\n1,ana.qzx1@corp.example,7,EU\n2,hugo.qzx5@corp.example,8,US\n3,ben.qzx2@corp.example,SECRET-CODE-9,EU\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let s = try PersonalData.session(TestAccess())
        // As the catalog stores an external table: a view over read_csv, owned by its creator.
        let sql = "SELECT id, email, code::int AS code, region FROM read_csv('\(csv)')"
        guard case .query(let q)? = try Parser.parse(sql).first?.statement else { return XCTFail("parse") }
        try s.database.catalog.add(schema: nil, name: "contacts", object: .view(ViewDefinition(name: "contacts", columnNames: nil, sql: sql, query: q, owner: "admin")))
        let a = TestAccess()
        a.mask("contacts", "email", "mask_email(val)")
        a.mask("contacts", "code", "mask_null(val)", type: .int32)
        a.policy("contacts", "eu_only", "region = 'EU'")
        s.accessControl = a
        // The owner may not read files: neither may the view.
        XCTAssertEqual(show(s, "SELECT count(*) FROM contacts").error?.sqlState, SQLState.insufficientPrivilege)
        a.fileReaders = ["admin"]
        // The view's own cast runs below the barrier, on the raw codes of visible rows: its error
        // does not quote the raw value (the row policy itself runs first, so hidden rows never reach it).
        let failing = assertNoLeak(s, "SELECT email, code FROM contacts", secrets: ["SECRET-CODE", "ana.qzx1", "hugo", "ben.qzx2"])
        XCTAssertEqual(failing.error?.sqlState, SQLState.invalidTextRepresentation)
        XCTAssertTrue(failing.text.contains("could not evaluate the row or masking policies of public.contacts"), failing.text)
        try "id,email,code,region\n1,ana.qzx1@corp.example,7,EU\n2,hugo.qzx5@corp.example,8,US\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let shown = assertNoLeak(s, "SELECT email, code FROM contacts", secrets: ["ana.qzx1", "hugo"])
        XCTAssertEqual(shown.rows, [["a***@corp.example", "NULL"]])
        // Reading the file directly is still refused to the role.
        XCTAssertEqual(show(s, "SELECT * FROM read_csv('\(csv)')").error?.sqlState, SQLState.insufficientPrivilege)
    }

    func testSystemCatalogsShowNoDataAndKeepTheirNames() throws {
        let s = try PersonalData.session()
        for sql in ["SELECT * FROM pg_catalog.pg_stats", "SELECT * FROM pg_stats WHERE tablename = 'people'",
                    "SELECT relname, reltuples FROM pg_class WHERE relname = 'people'",
                    "SELECT * FROM information_schema.columns WHERE table_name = 'people'"] {
            let shown = assertNoLeak(s, sql)
            XCTAssertNil(shown.error, "\(sql): \(shown.text)")
        }
        XCTAssertEqual(show(s, "SELECT count(*) FROM pg_stats").rows, [["0"]])
        // An unqualified system relation is the pg_catalog one (privileges and policies know it so).
        _ = show(s, "SELECT relname FROM pg_class")
        XCTAssertEqual(s.lastAccessReport.relations.map(\.description), ["pg_catalog.pg_class"])
        _ = show(s, "SELECT email FROM public.people")
        XCTAssertEqual(s.lastAccessReport.relations.map(\.description), ["public.people"])
    }

    func testCopiesOfMaskedDataStayMasked() throws {
        let s = try PersonalData.session()
        _ = try s.execute("CREATE TABLE copy AS SELECT email, ssn FROM people")
        _ = try s.execute("CREATE TABLE copy2 (e text)")
        _ = try s.execute("INSERT INTO copy2 SELECT email FROM people")
        s.accessControl = UnrestrictedAccess()
        assertNoLeak(s, "SELECT * FROM copy")
        assertNoLeak(s, "SELECT * FROM copy2")
        XCTAssertEqual(show(s, "SELECT e FROM copy2 WHERE e IS NOT NULL ORDER BY e").rows, [["a***@corp.example"], ["b***@corp.example"]])
    }

    func testTagBasedMasksApplyByType() throws {
        let a = TestAccess()
        a.tagPolicies["pii"] = MaskingPolicyDefinition(name: "redact_text", parameterName: "val", parameterType: .text,
                                                       returnType: .text, bodySQL: "mask_redact(val)")
        a.taggedColumns = ["public.people.phone": "pii", "public.people.email": "pii", "public.people.id": "pii"]
        let s = try PersonalData.session(a)
        let shown = assertNoLeak(s, "SELECT id, email, phone FROM people WHERE id = 1",
                                 secrets: ["ana.qzx1", "351 555"])
        // Text columns tagged pii are redacted; the integer column tagged pii has no text policy.
        XCTAssertEqual(shown.rows, [["1", "[REDACTED]", "[REDACTED]"]])
    }

    func testMisconfiguredPolicyFailsClosed() throws {
        let a = PersonalData.restricted()
        a.mask("people", "email", "mask_email(no_such_column)")
        let s = try PersonalData.session(a)
        for sql in ["SELECT name FROM people", "SELECT count(*) FROM people", "EXPLAIN SELECT id FROM people"] {
            let shown = assertNoLeak(s, sql)
            XCTAssertEqual(shown.error?.sqlState, SQLState.insufficientPrivilege, sql)
        }
    }

    func testSuperuserBypassesMasksAndAccessReportRecordsThem() throws {
        let s = try PersonalData.session()
        _ = try s.execute("SELECT email FROM people").allRows()
        let report = s.lastAccessReport
        XCTAssertEqual(report.relations.map(\.description), ["public.people"])
        XCTAssertEqual(report.masks.map(\.column), ["email", "phone", "ssn", "birth", "salary"])
        XCTAssertEqual(report.rowPolicies.map(\.policies), [["eu_only"]])
        let su = PersonalData.restricted()
        su.isSuperuser = true
        s.accessControl = su
        XCTAssertEqual(show(s, "SELECT email FROM people WHERE id = 4").rows, [["harriet.qzx4@corp.example"]])
        XCTAssertEqual(s.lastAccessReport.masks, [])
    }
}
