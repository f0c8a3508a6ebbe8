// How far a running statement has got, for the REPL's progress bar: scans
// add the morsels (row groups, files, batch runs) they plan to read and
// count each one finished with its rows. Written by scan workers and read
// by a display thread, so every access takes the lock; the counters only
// ever grow within a statement.

import Foundation

public final class QueryProgress: @unchecked Sendable {
    public struct Snapshot: Equatable, Sendable {
        public var morselsTotal = 0
        public var morselsDone = 0
        public var rowsScanned = 0
        public init(morselsTotal: Int = 0, morselsDone: Int = 0, rowsScanned: Int = 0) {
            self.morselsTotal = morselsTotal; self.morselsDone = morselsDone; self.rowsScanned = rowsScanned
        }
        /// Share of planned morsels finished, 0…1 (nil while nothing is planned).
        public var fraction: Double? {
            morselsTotal > 0 ? min(1, Double(morselsDone) / Double(morselsTotal)) : nil
        }
    }

    private let lock = NSLock()
    private var state = Snapshot()

    public init() {}

    public var snapshot: Snapshot { lock.lock(); defer { lock.unlock() }; return state }

    public func reset() { lock.lock(); state = Snapshot(); lock.unlock() }

    func planned(morsels: Int) { lock.lock(); state.morselsTotal += morsels; lock.unlock() }

    func finished(rows: Int) {
        lock.lock()
        state.morselsDone += 1
        state.rowsScanned += rows
        lock.unlock()
    }
}
