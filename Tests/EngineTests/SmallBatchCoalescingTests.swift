// Small batches between pipeline stages are merged (SmallBatchCoalescer):
// rows keep their order, no merged batch passes Batch.capacity, a batch of a
// quarter capacity or more passes alone, and the morsel's end flushes what
// every stage still holds. Through forEachStageOutput, a selective filter's
// dozens-of-rows outputs reach the consumer as full batches.

import Columnar
@testable import Execution
import Planner
import XCTest

final class SmallBatchCoalescingTests: XCTestCase {
    /// A batch of one int64 column holding `rows`.
    private func batch(_ rows: Range<Int>) -> Batch {
        Batch(columns: [Vector(type: .int64, count: rows.count, storage: .int64(ContiguousArray(rows.map(Int64.init))))])
    }

    private func ints(_ b: Batch) -> [Int64] { (0..<b.count).map { if case .int(let i) = b.columns[0].value(at: $0) { return i }; return -1 } }

    /// The batches the coalescer hands on for input batches of `sizes` rows (numbered in order).
    private func coalesced(_ sizes: [Int]) throws -> [Batch] {
        let coalescer = SmallBatchCoalescer()
        var out: [Batch] = []
        var next = 0
        for n in sizes {
            try coalescer.take(batch(next..<next + n)) { out.append($0) }
            next += n
        }
        try coalescer.flush { out.append($0) }
        XCTAssertEqual(out.flatMap(ints), (0..<next).map(Int64.init), "rows in order, none lost")
        return out
    }

    func testSmallBatchesMergeUpToCapacityAndLargeOnesPassAlone() throws {
        let capacity = Batch.capacity, quarter = Batch.capacity / 4
        XCTAssertEqual(try coalesced([10, 20, quarter + 88, 5, 5]).map(\.count), [30, quarter + 88, 10])
        let hundreds = capacity / 100  // batches of 100 rows that fit in one
        XCTAssertEqual(try coalesced(Array(repeating: 100, count: hundreds + hundreds / 2)).map(\.count), [hundreds * 100, hundreds / 2 * 100])
        XCTAssertEqual(try coalesced(Array(repeating: quarter - 1, count: 5)).map(\.count), [4 * (quarter - 1), quarter - 1])
        XCTAssertEqual(try coalesced([quarter, capacity, 1]).map(\.count), [quarter, capacity, 1])
        XCTAssertEqual(try coalesced([0, 3, 0]).map(\.count), [3])
        XCTAssertEqual(try coalesced([]).map(\.count), [])
    }

    private final class Morsel: ScanMorsel {
        let batches: [Batch]
        init(_ batches: [Batch]) { self.batches = batches }
        func read(statistics: ScanStatistics) throws -> [Batch] { batches }
    }

    func testPipelineStagesSeeMergedBatchesAndTheMorselEndFlushes() throws {
        // 20 batches of 2,048 rows; the filter keeps every 25th row (82 of each).
        let morsel = Morsel((0..<20).map { k in batch(k * 2048..<(k + 1) * 2048) })
        let everyTwentyFifth: RowSelector = { b in
            ContiguousArray((0..<Int32(b.count)).filter { i in
                if case .int(let v) = b.columns[0].value(at: Int(i)) { return v % 25 == 0 }
                return false
            })
        }
        var secondStageInputs: [Int] = []
        let counting: RowSelector = { b in
            secondStageInputs.append(b.count)
            return ContiguousArray(0..<Int32(b.count))
        }
        var outputs: [Batch] = []
        try forEachStageOutput([.filter(everyTwentyFifth), .filter(counting)], on: morsel, statistics: ScanStatistics()) {
            outputs.append($0)
        }
        let expected = (0..<20 * 2048).filter { $0 % 25 == 0 }.map(Int64.init)
        XCTAssertEqual(outputs.flatMap(ints), expected)
        XCTAssertEqual(secondStageInputs.reduce(0, +), expected.count)
        XCTAssert(secondStageInputs.count <= 2, "the second stage ran on \(secondStageInputs) rows")
        XCTAssert(outputs.allSatisfy { $0.count <= Batch.capacity })
        XCTAssert(outputs.count <= 2, "the consumer got \(outputs.map(\.count))")
    }

    func testAnErrorOfALaterStageDuringTheFlushReachesTheCaller() {
        let morsel = Morsel([batch(0..<10)])
        struct Boom: Error {}
        let failing: RowSelector = { _ in throw Boom() }
        XCTAssertThrowsError(try forEachStageOutput([.filter(failing)], on: morsel, statistics: ScanStatistics()) { _ in }) {
            XCTAssert($0 is Boom)
        }
    }
}
