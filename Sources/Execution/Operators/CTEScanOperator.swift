// Reads a materialised WITH query (Planner/MaterializedCTE.swift). The first
// reference to pull rows runs the definition and buffers its batches in the
// statement's ExecutionContext; every reference (a join input, a scalar
// subquery re-run for each outer row, possibly on another thread) then
// replays those same batches, so the definition runs once per statement.

import Columnar
import Foundation
import Planner

final class CTEScanOperator: Operator {
    private let cte: MaterializedCTE
    private let planner: PhysicalPlanner
    private var batches: [Batch]? = nil
    private var position = 0

    init(cte: MaterializedCTE, planner: PhysicalPlanner) {
        self.cte = cte; self.planner = planner
    }

    func next() throws -> Batch? {
        if batches == nil {
            let planner = self.planner, cte = self.cte
            batches = try planner.context.materializedCTEs.batches(of: cte.id) {
                // A planner of its own: the definition is not part of the referencing plan's
                // pre-order (EXPLAIN ANALYZE profiles), and it runs once whoever reads it first.
                let own = PhysicalPlanner(context: planner.context)
                own.parallelism = planner.parallelism
                return try own.build(cte.executablePlan).drainParts(context: planner.context).filter { $0.count > 0 }
            }
        }
        guard let batches, position < batches.count else { return nil }
        position += 1
        return batches[position - 1]
    }
}

/// The buffered rows of a statement's materialised CTEs, by id. Thread-safe: the first caller
/// for an id computes them while later callers for that id wait; an error is kept and raised
/// to every caller (the statement fails once, with the definition's error).
final class MaterializedCTEResults: @unchecked Sendable {
    private final class Entry {
        let lock = NSLock()
        var result: Result<[Batch], Error>? = nil
    }
    private let lock = NSLock()
    private var entries: [Int: Entry] = [:]

    func batches(of id: Int, compute: () throws -> [Batch]) throws -> [Batch] {
        lock.lock()
        let entry: Entry
        if let e = entries[id] { entry = e } else { entry = Entry(); entries[id] = entry }
        lock.unlock()
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let result = entry.result { return try result.get() }
        let result = Result { try compute() }
        entry.result = result
        return try result.get()
    }
}
