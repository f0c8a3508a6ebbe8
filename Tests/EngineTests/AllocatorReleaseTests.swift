// AllocatorTrim's contract with QueryResult: a finished statement's operators
// are dropped exactly once, whether or not the statement ran long enough to
// trim, and the allocator is limited to one arena per core (at least two);
// only a long statement of a process holding more than the retained amount
// trims, and the resident set it is judged by is the real one.
// That the memory then leaves the process is measured, not unit-tested
// (resident sets in a shared test process are not reproducible): see
// Docs/BENCHMARKS.md, "Memory held between statements".

import Dispatch
import Foundation
import XCTest
@testable import Engine

final class AllocatorReleaseTests: XCTestCase {
    func testReleaseRunsOnceForShortAndLongStatements() {
        var released = 0
        AllocatorTrim.statementFinished(startedAt: DispatchTime.now().uptimeNanoseconds) { released += 1 }
        XCTAssertEqual(released, 1, "a short statement's operators are dropped without a trim")
        let longAgo = DispatchTime.now().uptimeNanoseconds - 2 * AllocatorTrim.minimumStatementNanoseconds
        AllocatorTrim.statementFinished(startedAt: longAgo) { released += 1 }
        XCTAssertEqual(released, 2, "a long statement's operators are dropped once, around the trim")
        // A start in the future (a clock oddity) still releases.
        AllocatorTrim.statementFinished(startedAt: DispatchTime.now().uptimeNanoseconds + 1_000_000_000) { released += 1 }
        XCTAssertEqual(released, 3)
    }

    func testOneArenaPerCoreAtLeastTwo() {
        XCTAssertEqual(Int(AllocatorTrim.arenaLimit), max(2, ProcessInfo.processInfo.activeProcessorCount))
    }

    func testOnlyLongStatementsOfAProcessAboveTheRetainedAmountTrim() {
        let long = AllocatorTrim.minimumStatementNanoseconds
        let limit = AllocatorTrim.retainedResidentBytes
        var reads = 0
        func resident(_ bytes: Int?) -> Int? { reads += 1; return bytes }
        XCTAssertFalse(AllocatorTrim.shouldTrim(elapsedNanoseconds: long - 1, residentBytes: resident(8 * limit)))
        XCTAssertEqual(reads, 0, "a short statement does not read its resident set")
        XCTAssertFalse(AllocatorTrim.shouldTrim(elapsedNanoseconds: long, residentBytes: limit))
        XCTAssertTrue(AllocatorTrim.shouldTrim(elapsedNanoseconds: long, residentBytes: limit + 1))
        XCTAssertTrue(AllocatorTrim.shouldTrim(elapsedNanoseconds: long, residentBytes: nil), "an unknown resident set trims, as before")
    }

    func testResidentBytesCountsMemoryTheProcessTouches() throws {
        #if os(Linux)
        let before = try XCTUnwrap(AllocatorTrim.residentBytes())
        let size = 64 << 20
        let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 4096)
        defer { block.deallocate() }
        block.initializeMemory(as: UInt8.self, repeating: 1, count: size)
        let after = try XCTUnwrap(AllocatorTrim.residentBytes())
        XCTAssertGreaterThanOrEqual(after - before, size - (4 << 20), "64 MiB written must show in the resident set")
        #endif
    }
}
