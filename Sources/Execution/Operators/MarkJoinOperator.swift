// Mark join: every left row once, with a boolean column appended that says
// whether the right side holds a match — what EXISTS and IN subqueries
// outside plain WHERE conjuncts decorrelate into (see the planner rule
// DecorrelateToMarkJoins).
//
// The right input is built into a hash table on the condition's equality
// keys (plus the IN test's build value); each left batch probes it and the
// residual condition is checked on the candidate pairs, as in the hash join.
// EXISTS marks are true or false. An IN mark that found no equal value is
// NULL, as SQL's IN is, when a comparison with some candidate row was NULL:
// the left value is NULL and a candidate exists, or a candidate's value is
// NULL. A second table on the condition keys alone, with two chains per key
// (all rows; rows whose IN value is NULL), answers that without a scan.

import Columnar
import Planner

final class MarkJoinOperator: Operator {
    private let left: Operator, right: Operator
    private let leftKeys: [Evaluator], rightKeys: [Evaluator]
    private let keyTypes: [DataType]
    private let residual: Evaluator?
    private let probe: Evaluator?, build: Evaluator?
    private let testType: DataType?
    private let rightFields: [Field]
    private let context: ExecutionContext

    private var built = false
    private var rows = Batch(columns: [], count: 0)
    /// Condition keys and the IN value, rows with a NULL in any of them left out: which rows match.
    private var matchTable: KeyTable
    private var matchFirst = ContiguousArray<Int32>(), matchNext = ContiguousArray<Int32>()
    /// IN only — condition keys alone: the candidate rows of a left row, and those with a NULL value.
    private var candidateTable: KeyTable
    private var anyFirst = ContiguousArray<Int32>(), anyNext = ContiguousArray<Int32>()
    private var nullFirst = ContiguousArray<Int32>(), nullNext = ContiguousArray<Int32>()

    /// `probe`/`build` (both or neither) are the IN test's two sides, over the left and right input.
    init(left: Operator, right: Operator, leftKeys: [Evaluator], rightKeys: [Evaluator], keyTypes: [DataType],
         residual: Evaluator?, probe: Evaluator?, build: Evaluator?, testType: DataType?,
         rightFields: [Field], context: ExecutionContext) {
        self.left = left; self.right = right
        self.leftKeys = leftKeys; self.rightKeys = rightKeys; self.keyTypes = keyTypes
        self.residual = residual; self.probe = probe; self.build = build; self.testType = testType
        self.rightFields = rightFields; self.context = context
        matchTable = KeyTable(types: keyTypes + (testType.map { [$0] } ?? []))
        candidateTable = KeyTable(types: keyTypes)
    }

    private var isIn: Bool { probe != nil && build != nil && testType != nil }

    private func buildSide() throws {
        rows = try right.drain(fields: rightFields, context: context)
        let n = rows.count
        let keys = try rightKeys.map { try $0(rows) }
        let keyViews = keys.map(KeyView.init)
        let value = try isIn ? build.map { try $0(rows) } : nil
        let valueView = value.map(KeyView.init)
        // Rows whose condition keys hold a NULL can never be a candidate.
        let keyed = (0..<n).filter { i in !keyViews.contains { $0.isNull(i) } }.map { Int32($0) }
        let matchable = valueView.map { v in keyed.filter { !v.isNull(Int($0)) } } ?? keyed
        let matchColumns = keys + (value.map { [$0] } ?? [])
        (matchFirst, matchNext) = chains(matchTable, matchColumns, matchable, count: n)
        if let valueView {
            var nullRows: [Int32] = []
            for r in keyed where valueView.isNull(Int(r)) { nullRows.append(r) }
            (anyFirst, anyNext) = chains(candidateTable, keys, keyed, count: n)
            let nullIds = ids(candidateTable, keys, nullRows)
            nullFirst = ContiguousArray(repeating: -1, count: candidateTable.count)
            nullNext = ContiguousArray(repeating: -1, count: n)
            link(nullRows, nullIds, &nullFirst, &nullNext)
        }
        built = true
    }

    /// Inserts `subset` of the rows into `table` and links each key's rows in build order.
    private func chains(_ table: KeyTable, _ columns: [Vector], _ subset: [Int32], count n: Int)
        -> (ContiguousArray<Int32>, ContiguousArray<Int32>) {
        let groupIds = ids(table, columns, subset)
        var first = ContiguousArray<Int32>(repeating: -1, count: table.count)
        var next = ContiguousArray<Int32>(repeating: -1, count: n)
        link(subset, groupIds, &first, &next)
        return (first, next)
    }

    private func ids(_ table: KeyTable, _ columns: [Vector], _ subset: [Int32]) -> ContiguousArray<Int32> {
        let views = subset.count == rows.count ? columns.map(KeyView.init) : columns.map { KeyView($0.gather(subset)) }
        return table.findOrInsert(views, count: subset.count)
    }

    /// Inserted in reverse so each chain lists its rows in build order.
    private func link(_ subset: [Int32], _ groupIds: ContiguousArray<Int32>,
                      _ first: inout ContiguousArray<Int32>, _ next: inout ContiguousArray<Int32>) {
        for j in stride(from: subset.count - 1, through: 0, by: -1) {
            let g = Int(groupIds[j]), r = subset[j]
            next[Int(r)] = first[g]
            first[g] = r
        }
    }

    func next() throws -> Batch? {
        if !built { try buildSide() }
        try context.checkCancelled()
        guard let lb = try left.next() else { return nil }
        return Batch(columns: lb.columns + [try marks(lb)], count: lb.count)
    }

    private func marks(_ lb: Batch) throws -> Vector {
        let n = lb.count
        let keys = try leftKeys.map { try $0(lb) }
        let keyViews = keys.map(KeyView.init)
        let value = try isIn ? probe.map { try $0(lb) } : nil
        let valueView = value.map(KeyView.init)
        var keyNull = [Bool](repeating: false, count: n)
        for v in keyViews where v.nulls != nil { for i in 0..<n where v.isNull(i) { keyNull[i] = true } }

        var matched = [Bool](repeating: false, count: n)
        let matchIds = matchTable.find((keys + (value.map { [$0] } ?? [])).map(KeyView.init), count: n)
        var candidates: [Int] = []
        for i in 0..<n where matchIds[i] >= 0 && !keyNull[i] && !(valueView?.isNull(i) ?? false) { candidates.append(i) }
        try satisfy(candidates, heads: { matchIds[$0] }, first: matchFirst, next: matchNext, lb, into: &matched)

        var unknown = [Bool](repeating: false, count: n)
        if let valueView {
            // No equal value: NULL if a comparison with a candidate row was NULL.
            let groupIds = candidateTable.find(keyViews, count: n)
            var leftNull: [Int] = [], rightNull: [Int] = []
            for i in 0..<n where !matched[i] && !keyNull[i] && groupIds[i] >= 0 {
                if valueView.isNull(i) { leftNull.append(i) } else { rightNull.append(i) }
            }
            try satisfy(leftNull, heads: { groupIds[$0] }, first: anyFirst, next: anyNext, lb, into: &unknown)
            try satisfy(rightNull, heads: { groupIds[$0] }, first: nullFirst, next: nullNext, lb, into: &unknown)
        }
        var values = ContiguousArray<Bool>(repeating: false, count: n)
        var validity = ContiguousArray<Bool>(repeating: true, count: n)
        for i in 0..<n {
            if matched[i] { values[i] = true } else if unknown[i] { validity[i] = false }
        }
        return Vector(type: .boolean, count: n, storage: .bool(values), validity: validity)
    }

    /// Sets `found[i]` for each left row `i` in `lefts` with a row in its chain (starting at
    /// `first[heads(i)]`) that satisfies the residual condition; without one, any row does.
    private func satisfy(_ lefts: [Int], heads: (Int) -> Int32, first: ContiguousArray<Int32>, next: ContiguousArray<Int32>,
                         _ lb: Batch, into found: inout [Bool]) throws {
        guard let residual else {
            for i in lefts {
                let g = Int(heads(i))
                if g >= 0, g < first.count, first[g] >= 0 { found[i] = true }
            }
            return
        }
        var li: [Int32] = [], ri: [Int32] = []
        func flush() throws {
            guard !li.isEmpty else { return }
            let t = TruthVector(try residual(JoinOutput.pairs(lb, li, rows, ri)))
            for j in 0..<li.count where t.isTrue(j) { found[Int(li[j])] = true }
            li.removeAll(keepingCapacity: true); ri.removeAll(keepingCapacity: true)
        }
        for i in lefts {
            let g = Int(heads(i))
            guard g >= 0, g < first.count else { continue }
            var r = first[g]
            while r >= 0 {
                li.append(Int32(i)); ri.append(r)
                r = next[Int(r)]
            }
            // Pairs are checked in batches so a long chain does not hold every pair at once.
            if li.count >= Batch.capacity { try flush() }
        }
        try flush()
    }
}
