// UNION [ALL], INTERSECT [ALL], EXCEPT [ALL] with SQL's duplicate rules;
// rows compare with NULLs equal. UNION ALL streams; the others count
// occurrences per distinct row in the shared key table.

import Columnar
import Planner
import SQLSyntax

final class UnionAllOperator: Operator {
    private let inputs: [Operator]
    private var current = 0
    init(inputs: [Operator]) { self.inputs = inputs }
    func next() throws -> Batch? {
        while current < inputs.count {
            if let b = try inputs[current].next() { return b }
            current += 1
        }
        return nil
    }
}

final class IntersectExceptOperator: Operator {
    private let left: Operator, right: Operator
    private let isIntersect: Bool, all: Bool
    private let fields: [Field]
    private let context: ExecutionContext
    private var slicer: BatchSlicer?

    init(left: Operator, right: Operator, op: SetOperator, all: Bool, fields: [Field], context: ExecutionContext) {
        self.left = left; self.right = right; self.isIntersect = op == .intersect; self.all = all
        self.fields = fields; self.context = context
    }

    func next() throws -> Batch? {
        if slicer == nil {
            let table = KeyTable(types: fields.map(\.type))
            var leftCount: [Int] = [], rightCount: [Int] = []
            while let b = try left.next() {
                try context.checkCancelled()
                let ids = table.findOrInsert(b.columns.map(KeyView.init), count: b.count)
                for id in ids {
                    if Int(id) >= leftCount.count { leftCount.append(contentsOf: repeatElement(0, count: Int(id) - leftCount.count + 1)) }
                    leftCount[Int(id)] += 1
                }
            }
            rightCount = [Int](repeating: 0, count: table.count)
            while let b = try right.next() {
                try context.checkCancelled()
                let ids = table.find(b.columns.map(KeyView.init), count: b.count)
                for id in ids where id >= 0 { rightCount[Int(id)] += 1 }
            }
            var rows: [Int32] = []
            for g in 0..<table.count {
                let l = leftCount[g], r = rightCount[g]
                let n: Int
                if isIntersect { n = all ? min(l, r) : (l > 0 && r > 0 ? 1 : 0) }
                else { n = all ? max(l - r, 0) : (l > 0 && r == 0 ? 1 : 0) }
                for _ in 0..<n { rows.append(Int32(g)) }
            }
            let keys = table.keyVectors()
            slicer = BatchSlicer(Batch(columns: keys.map { $0.gather(rows) }, count: rows.count))
        }
        return slicer?.next()
    }
}
