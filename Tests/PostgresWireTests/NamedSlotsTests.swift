// NamedSlots (the unnamed statement or portal kept apart from the named ones)
// against a dictionary driven by the same random operations.

import XCTest
@testable import PostgresWire

final class NamedSlotsTests: XCTestCase {
    func testBehavesAsADictionaryKeyedByName() {
        var slots: NamedSlots<Int> = [:]
        var reference: [String: Int] = [:]
        var rng = SystemRandomNumberGenerator()
        let names = ["", "s1", "s2", "__asyncpg_stmt_1__", "c"]
        for step in 0..<5_000 {
            let name = names.randomElement(using: &rng)!
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5: slots[name] = step; reference[name] = step
            case 5..<8: slots[name] = nil; reference[name] = nil
            case 8:
                let odd = Bool.random(using: &rng)
                slots = slots.filter { $0.value % 2 == (odd ? 1 : 0) || $0.key.isEmpty }
                reference = reference.filter { $0.value % 2 == (odd ? 1 : 0) || $0.key.isEmpty }
            default:
                slots = [:]; reference = [:]
            }
            XCTAssertEqual(slots.count, reference.count)
            for n in names { XCTAssertEqual(slots[n], reference[n], "step \(step), name \(n)") }
        }
    }
}
