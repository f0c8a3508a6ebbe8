// The registry: every built-in name registered exactly once, so no family
// silently replaces another's implementation.

import XCTest
@testable import Functions

final class RegistryTests: XCTestCase {
    func testNoFunctionIsRegisteredTwice() {
        XCTAssertEqual(FunctionRegistry.shared.duplicateNames, [])
    }

    func testCoreOperatorsAndAggregatesExist() {
        for op in ["+", "-", "*", "/", "=", "<>", "<", "||", "~~"] { XCTAssertNotNil(FunctionRegistry.shared.scalar(op), op) }
        for agg in ["count_star", "count", "sum", "avg", "min", "max", "string_agg"] { XCTAssertNotNil(FunctionRegistry.shared.aggregate(agg), agg) }
    }
}
