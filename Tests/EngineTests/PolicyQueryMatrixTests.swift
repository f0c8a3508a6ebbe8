// A matrix of query shapes × select expressions × predicates over the
// personal-data table, run by a restricted role: no raw value of a masked
// column and no value of a hidden row appears in any result or error, and no
// error that only a raw value or a hidden row could raise (division by zero
// keyed on a raw value) ever fires.

import XCTest
import Columnar
import Planner
@testable import Engine

final class PolicyQueryMatrixTests: XCTestCase {
    let selects = [
        "email", "ssn", "phone", "birth", "salary", "upper(email)", "length(ssn)", "email || '/' || ssn",
        "salary * 2", "birth + 1", "substr(phone, 1, 5)", "md5(ssn)", "coalesce(email, name)", "name",
    ]
    let predicates = [
        "true", "ssn LIKE '1%'", "salary > 100000", "birth < DATE '1980-01-01'", "region = 'US'",
        "1 / (CASE WHEN ssn = '111-11-1111' THEN 0 ELSE 1 END) = 1",
        "1 / (CASE WHEN name LIKE 'Hidden%' THEN 0 ELSE 1 END) = 1",
        "1 / (CASE WHEN salary > 500000 THEN 0 ELSE 1 END) = 1",
    ]
    let shapes = [
        "SELECT %s AS v FROM people WHERE %p",
        "SELECT v, count(*) FROM (SELECT %s AS v FROM people WHERE %p) t GROUP BY v ORDER BY 2, 1",
        "SELECT DISTINCT %s AS v FROM people WHERE %p ORDER BY 1",
        "WITH t AS (SELECT %s AS v, id FROM people WHERE %p) SELECT v, row_number() OVER (ORDER BY id) FROM t",
        "SELECT %s AS v FROM people WHERE %p UNION ALL SELECT %s FROM people p2 WHERE p2.id IN (SELECT id FROM people WHERE %p)",
        "SELECT min(v), max(v), count(v) FROM (SELECT %s AS v FROM people WHERE %p) t",
    ]

    func testEveryCombinationIsLeakFree() throws {
        let s = try PersonalData.session()
        var ran = 0, errors = 0
        for shape in shapes {
            for sel in selects {
                for p in predicates {
                    let sql = shape.replacingOccurrences(of: "%s", with: sel).replacingOccurrences(of: "%p", with: p)
                    let shown = assertNoLeak(s, sql)
                    ran += 1
                    if let e = shown.error {
                        errors += 1
                        XCTAssertNotEqual(e.sqlState, SQLState.divisionByZero, "\(sql): \(shown.text)")
                    }
                }
            }
        }
        XCTAssertEqual(ran, shapes.count * selects.count * predicates.count)
        // Only type errors (min over a date + int, etc.) may fail; most combinations run.
        XCTAssertLessThan(errors, ran / 4, "too many errors: the matrix would test little")
    }
}
