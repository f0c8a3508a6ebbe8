// Which equality conditions become hash join keys (PhysicalPlanner.hashable):
// the same type, or integers of different widths (held alike as Int64 values);
// not integers against decimals, floats or oids, nor dates against timestamps,
// whose equality is not the equality of their stored values. The answers of
// mixed-width joins are checked in Tests/slt/joins/mixed_integer_keys.slt.

import Columnar
@testable import Execution
import XCTest

final class JoinKeyTypeTests: XCTestCase {
    func testIntegersOfEveryWidthHashTogether() {
        let integers: [DataType] = [.int16, .int32, .int64]
        for a in integers { for b in integers { XCTAssertTrue(PhysicalPlanner.hashable(a, b), "\(a) = \(b)") } }
        XCTAssertTrue(PhysicalPlanner.hashable(.text, .text))
        XCTAssertTrue(PhysicalPlanner.hashable(.decimal(precision: 15, scale: 2), .decimal(precision: 15, scale: 2)))
    }

    func testOtherMixedTypesStayConditions() {
        XCTAssertFalse(PhysicalPlanner.hashable(.int32, .decimal(precision: 10, scale: 0)))
        XCTAssertFalse(PhysicalPlanner.hashable(.int64, .float64))
        XCTAssertFalse(PhysicalPlanner.hashable(.int64, .oid))
        XCTAssertFalse(PhysicalPlanner.hashable(.date, .timestamp))
        XCTAssertFalse(PhysicalPlanner.hashable(.decimal(precision: 15, scale: 2), .decimal(precision: 15, scale: 3)))
        XCTAssertFalse(PhysicalPlanner.hashable(.text, .char(3)))
    }
}
