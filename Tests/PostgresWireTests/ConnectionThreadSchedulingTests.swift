// Connection threads run under SCHED_BATCH (ConnectionThreadScheduling.swift).

import Foundation
import XCTest
@testable import PostgresWire

/// A result handed from another thread, with the semaphore that says it is there.
private final class ThreadResult<T>: @unchecked Sendable {
    var value: T?
    let done = DispatchSemaphore(value: 0)
}

final class ConnectionThreadSchedulingTests: XCTestCase {
    /// Runs `body` on a fresh thread (so the test runner's own thread keeps its policy) and waits for it.
    private func onNewThread<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let box = ThreadResult<T>()
        let thread = Thread { box.value = body(); box.done.signal() }
        thread.start()
        box.done.wait()
        return box.value!
    }

    func testApplyingSwitchesOnlyTheCallingThreadToBatch() throws {
        #if os(Linux)
        let before = ConnectionThreadScheduling.currentPolicy()
        let (applied, after) = onNewThread { () -> (Bool, Int32?) in
            let ok = ConnectionThreadScheduling.applyToCurrentThread()
            return (ok, ConnectionThreadScheduling.currentPolicy())
        }
        XCTAssertTrue(applied)
        XCTAssertEqual(after, ConnectionThreadScheduling.batchPolicy)
        XCTAssertEqual(ConnectionThreadScheduling.currentPolicy(), before, "the caller's thread is untouched")
        #else
        throw XCTSkip("scheduling policies are Linux-only")
        #endif
    }

    func testThreadsStartedByABatchThreadInheritIt() throws {
        #if os(Linux)
        let inherited = onNewThread { () -> Int32? in
            ConnectionThreadScheduling.applyToCurrentThread()
            let slot = ThreadResult<Int32?>()
            let child = Thread { slot.value = ConnectionThreadScheduling.currentPolicy(); slot.done.signal() }
            child.start()
            slot.done.wait()
            return slot.value ?? nil
        }
        XCTAssertEqual(inherited, ConnectionThreadScheduling.batchPolicy)
        #else
        throw XCTSkip("scheduling policies are Linux-only")
        #endif
    }
}
