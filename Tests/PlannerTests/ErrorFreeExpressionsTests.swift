// ErrorFreeExpressions: the one classification of expressions that cannot
// fail, in its three modes (leak-proof pushdown, masking and row policy
// bodies), and the binder denying stored policy bodies that could fail.

import XCTest
import Columnar
import SQLSyntax
@testable import Planner

final class ErrorFreeExpressionsTests: XCTestCase {
    /// The bound select-list expression over customers (id int, name text, country text).
    func bound(_ expr: String) throws -> BoundExpr {
        let superuser = StubAccess()
        superuser.isSuperuser = true
        guard case .project(_, let exprs, _) = try PolicyFixture.bind("SELECT \(expr) FROM customers", superuser), let e = exprs.first else {
            throw SQLError(SQLState.internalError, "no projection")
        }
        return e
    }

    func modes(_ expr: String) throws -> [Bool] {
        let e = try bound(expr)
        return [ErrorFreeExpressions.Mode.leakproof, .maskingPolicy, .rowPolicy].map { ErrorFreeExpressions.isErrorFree(e, mode: $0) }
    }

    func testClassificationPerMode() throws {
        // [leak-proof, masking policy, row policy]
        let expected: [(String, [Bool])] = [
            ("id = 7 AND country IS NOT NULL", [true, true, true]),
            ("id IN (1, 2) OR NOT (name <> 'x')", [true, true, true]),
            ("CAST(id AS bigint) > 3", [true, true, true]),
            ("CAST(id AS text)", [false, true, true]),
            ("lower(name) || '-' || left(country, 2)", [false, true, true]),
            ("CASE WHEN is_member('r') THEN name ELSE mask_redact(name) END", [false, true, true]),
            ("COALESCE(NULLIF(name, ''), 'none')", [false, true, true]),
            ("mask_hash(name)", [false, true, false]),
            ("mask_partial(name, 1, 0)", [false, true, true]),
            ("mask_partial(name, -1, 0)", [false, false, false]),
            ("mask_partial(name, id, 0)", [false, false, false]),
            ("substr(name, 1, -2)", [false, false, false]),
            ("CAST(name AS int)", [false, false, false]),
            ("id / 2 = 1", [false, false, false]),
            ("id + 1", [false, false, false]),
            ("name ~ country", [false, false, false]),
            ("pg_has_role('r', 'no such privilege')", [false, false, false]),
            // Literals are converted when bound (a bad one fails then, for everyone alike) …
            ("id > '3' AND CAST('2024-01-01' AS date) IS NOT NULL", [true, true, true]),
            // … but a conversion of anything else is not, even of a value the same for every row.
            ("CASE WHEN name = 'x' THEN CAST(current_user AS int) ELSE 1 END", [false, false, false]),
            ("pg_has_role('r', 'MEMBER')", [false, false, false]),
            ("is_member('r') AND current_user = session_user", [false, true, true]),
        ]
        for (expr, want) in expected {
            XCTAssertEqual(try modes(expr), want, expr)
        }
        XCTAssertEqual(ErrorFreeExpressions.offendingPart(try bound("CAST(name AS int) = 1"), mode: .maskingPolicy),
                       "the cast from text to \(DataType.int32)")
    }

    func testWideningCastsCannotFail() {
        XCTAssertTrue(ErrorFreeExpressions.isWidening(from: .decimal(precision: 10, scale: 2), to: .decimal(precision: 38, scale: 2)))
        XCTAssertFalse(ErrorFreeExpressions.isWidening(from: .decimal(precision: 38, scale: 2), to: .decimal(precision: 12, scale: 2)))
        XCTAssertFalse(ErrorFreeExpressions.isWidening(from: .decimal(precision: 10, scale: 2), to: .decimal(precision: 10, scale: 4)))
        XCTAssertFalse(ErrorFreeExpressions.isWidening(from: .int64, to: .int32))
    }

    /// Bodies stored before the rule (here in the test double) deny the query when bound.
    func testTheBinderDeniesStoredBodiesThatCanFail() throws {
        for (mask, policy) in [("(val::int)::text", "country = 'NL'"), ("mask_redact(val)", "mask_hash(country) = 'x'"),
                               ("mask_redact(val)", "id / (id - 4) > 0")] {
            let a = StubAccess()
            a.mask("customers", "name", mask)
            a.policy("customers", "p", policy)
            XCTAssertThrowsError(try PolicyFixture.bind("SELECT id FROM customers WHERE id = 4", a), "\(mask) / \(policy)") { error in
                XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.insufficientPrivilege)
            }
        }
        let a = StubAccess()
        a.mask("customers", "name", "CASE WHEN is_member('r') THEN val ELSE mask_hash(val) END")
        a.policy("customers", "p", "country = 'NL' OR lower(name) = 'x'")
        XCTAssertNoThrow(try PolicyFixture.bind("SELECT id, name FROM customers WHERE id = 4", a))
    }
}
