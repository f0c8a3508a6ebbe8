// How far a running statement has got, for the REPL's progress bar: scans
// add the morsels (row groups, files, batch runs) they plan to read and
// count each one finished with its rows (through a wrapper around each
// morsel, so the operators only say `.tracked(by: context.progress)`). Written by scan workers and read
// by a display thread, so every access takes the lock; the counters only
// ever grow within a statement.

import Foundation
import Columnar
import Planner

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

    /// Rows a scan read but did not hand out (a filter the scan ran dropped them).
    func scanned(rows: Int) {
        lock.lock()
        state.rowsScanned += rows
        lock.unlock()
    }

    func finished(rows: Int) {
        lock.lock()
        state.morselsDone += 1
        state.rowsScanned += rows
        lock.unlock()
    }
}

/// A morsel that reports to a QueryProgress when it has been read.
final class TrackedMorsel: ScanMorsel {
    private let inner: ScanMorsel
    private let progress: QueryProgress
    private let countingRows: Bool

    init(_ inner: ScanMorsel, progress: QueryProgress, countingRows: Bool) {
        self.inner = inner; self.progress = progress; self.countingRows = countingRows
    }

    func read(statistics: ScanStatistics) throws -> [Batch] {
        let batches = try inner.read(statistics: statistics)
        progress.finished(rows: countingRows ? batches.reduce(0) { $0 + $1.count } : 0)
        return batches
    }

    func forEachBatch(statistics: ScanStatistics, _ body: (Batch) throws -> Void) throws {
        var rows = 0
        try inner.forEachBatch(statistics: statistics) { b in
            rows += b.count
            try body(b)
        }
        progress.finished(rows: countingRows ? rows : 0)
    }
}

extension Array where Element == ScanMorsel {
    /// These morsels, counted into `progress` (planned now, finished as each is read); unchanged without one.
    /// Below a policy barrier rows are not counted: they include rows the row policy hides.
    func tracked(by progress: QueryProgress?, countingRows: Bool = true) -> [ScanMorsel] {
        guard let progress else { return self }
        progress.planned(morsels: count)
        return map { TrackedMorsel($0, progress: progress, countingRows: countingRows) }
    }
}
