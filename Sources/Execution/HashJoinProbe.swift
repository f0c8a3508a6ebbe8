// One hash join's build side and its probe, apart from where the probe rows
// come from: HashJoinOperator pulls them a batch at a time, the parallel scan
// pipeline (ParallelScanOperator, ParallelAggregateOperator) probes every
// morsel on its own worker thread. The table is built once on the consumer
// thread (in parallel when large, JoinHashTable) and then only read; the one
// thing probes write, the "matched" flags of the build rows that right and
// full joins need for their unmatched remainder, is taken under a lock once
// per probe batch.

import Columnar
import Foundation
import Planner

final class HashJoinProbe: @unchecked Sendable {
    let type: JoinType
    let probeKeys: [Evaluator], buildKeys: [Evaluator]
    let residual: Evaluator?
    /// Output columns the residual reads (nil: unknown, gather them all).
    let residualColumns: Set<Int>?
    let leftFields: [Field], rightFields: [Field]
    /// Output columns read above the join (nil: all); the others are NULL placeholders, not copies.
    let outputColumns: Set<Int>?
    private let workers: Int, parallelFrom: Int
    private(set) var rows = Batch(columns: [], count: 0)
    private var table: JoinHashTable?
    private var matched = ContiguousArray<Bool>()
    private let lock = NSLock()

    /// Probes alive in the process. A finished query must release its join tables (build rows
    /// and all); a reference cycle once kept every aggregate-over-join's table alive, 100+ MB
    /// per TPC-H Q9 in a long-running server, and a test now watches this count.
    static let liveCount = LiveInstanceCounter()

    deinit { Self.liveCount.add(-1) }

    init(type: JoinType, probeKeys: [Evaluator], buildKeys: [Evaluator], residual: Evaluator?, residualColumns: Set<Int>?,
         leftFields: [Field], rightFields: [Field], workers: Int, parallelFrom: Int, outputColumns: Set<Int>? = nil) {
        Self.liveCount.add(1)
        self.type = type
        self.probeKeys = probeKeys; self.buildKeys = buildKeys
        self.residual = residual; self.residualColumns = residualColumns
        self.leftFields = leftFields; self.rightFields = rightFields
        self.workers = workers; self.parallelFrom = parallelFrom
        self.outputColumns = outputColumns
    }

    var isBuilt: Bool { table != nil }

    /// The build side's key columns, its row count and the rows in the table (those without a
    /// NULL key), once built: what a runtime join filter is derived from (RuntimeJoinFilter.swift).
    var builtKeys: (keys: [KeyView], rows: Int, linked: Int)? {
        table.map { ($0.keys, $0.count, $0.linkedRows) }
    }
    var builtTable: JoinHashTable? { table }

    /// Builds the table over the right input's rows (consumer thread).
    func build(_ rows: Batch, context: ExecutionContext) throws {
        self.rows = rows
        let keys = try buildKeys.map { KeyView(try $0(rows)) }
        try context.checkCancelled()
        let table = JoinHashTable(keys: keys, count: rows.count, workers: workers, parallelFrom: parallelFrom)
        try context.reserve(bytes: table.overheadBytes)
        if type == .right || type == .full { matched = ContiguousArray(repeating: false, count: rows.count) }
        self.table = table
    }

    /// Whether the join yields no rows whatever the probe side holds (an inner, semi or
    /// right join over an empty table), so the probe side need not be read.
    var yieldsNothingFromProbe: Bool {
        (type == .inner || type == .semi || type == .right) && (table?.linkedRows ?? 0) == 0
    }

    /// What one probe batch contributes, in order: the matched pairs (semi joins: the matched
    /// rows), then the unmatched left rows an anti, left or full join keeps. Thread-safe.
    func probe(_ lb: Batch) throws -> [Batch] {
        guard let table, lb.count > 0 else { return [] }
        let views = try probeKeys.map { KeyView(try $0(lb)) }
        var li: [Int32] = [], ri: [Int32] = []
        li.reserveCapacity(lb.count); ri.reserveCapacity(lb.count)
        // A semi or anti join without a residual only needs to know that a partner exists.
        let firstOnly = residual == nil && (type == .semi || type == .anti)
        table.probe(views, count: lb.count, firstOnly: firstOnly, li: &li, ri: &ri)
        if let residual, !li.isEmpty {
            let candidates = residualColumns.map { JoinOutput.pairs(lb, li, rows, ri, onlyColumns: $0) }
                ?? JoinOutput.pairs(lb, li, rows, ri)
            let t = TruthVector(try residual(candidates))
            var keepL: [Int32] = [], keepR: [Int32] = []
            for j in 0..<li.count where t.isTrue(j) { keepL.append(li[j]); keepR.append(ri[j]) }
            li = keepL; ri = keepR
        }
        if (type == .right || type == .full) && !ri.isEmpty {
            lock.lock()
            for r in ri { matched[Int(r)] = true }
            lock.unlock()
        }
        var out: [Batch] = []
        if type == .semi && li.count == lb.count && firstOnly { return [lb] }
        if type != .semi && type != .anti && !li.isEmpty {
            out.append(outputColumns.map { JoinOutput.pairs(lb, li, rows, ri, onlyColumns: $0) } ?? JoinOutput.pairs(lb, li, rows, ri))
        }
        if type == .inner || type == .right { return out }
        var leftMatched = [Bool](repeating: false, count: lb.count)
        for l in li { leftMatched[Int(l)] = true }
        if let rest = JoinOutput.leftRemainder(lb, matched: leftMatched, type: type, rightFields: rightFields, onlyColumns: outputColumns) {
            out.append(rest)
        }
        return out
    }

    /// The build rows no probe row matched, NULL-padded on the left (right and full joins,
    /// once every probe batch is done).
    func rightRemainder() -> Batch? {
        lock.lock()
        defer { lock.unlock() }
        return JoinOutput.rightRemainder(rows, matched: Array(matched), type: type, leftFields: leftFields)
    }
}

/// A thread-safe count of live instances of some class.
final class LiveInstanceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add(_ delta: Int) { lock.lock(); count += delta; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
