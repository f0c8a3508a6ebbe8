// Nested-loop join for conditions without equality keys (and cross joins):
// materialises the right input and evaluates the condition over blocks of
// the cross product, vectorised. Supports every join type.

import Columnar
import Planner

final class NestedLoopJoinOperator: Operator {
    private let left: Operator, right: Operator
    private let type: JoinType
    private let condition: Evaluator?
    private let leftFields: [Field], rightFields: [Field]
    private let context: ExecutionContext
    private var build: Batch?
    private var rightMatched = [Bool]()
    private var pending: [Batch] = []
    private var finished = false
    private static let blockRows = 8192

    init(left: Operator, right: Operator, type: JoinType, condition: Evaluator?, leftFields: [Field], rightFields: [Field],
         context: ExecutionContext) {
        self.left = left; self.right = right; self.type = type; self.condition = condition
        self.leftFields = leftFields; self.rightFields = rightFields; self.context = context
    }

    func next() throws -> Batch? {
        if build == nil {
            let b = try right.drain(fields: rightFields, context: context)
            build = b
            rightMatched = [Bool](repeating: false, count: b.count)
        }
        guard let build else { return nil }
        while pending.isEmpty {
            try context.checkCancelled()
            guard let lb = try left.next() else {
                if finished { return nil }
                finished = true
                if let rest = JoinOutput.rightRemainder(build, matched: Array(rightMatched), type: type, leftFields: leftFields) {
                    pending.append(rest)
                }
                continue
            }
            try joinBatch(lb, build)
        }
        return pending.removeFirst()
    }

    private func joinBatch(_ lb: Batch, _ build: Batch) throws {
        let m = build.count
        var leftMatched = [Bool](repeating: false, count: lb.count)
        if m > 0 {
            let step = max(1, Self.blockRows / m)
            var start = 0
            while start < lb.count {
                try context.checkCancelled()
                let end = min(start + step, lb.count)
                var li: [Int32] = [], ri: [Int32] = []
                li.reserveCapacity((end - start) * m); ri.reserveCapacity((end - start) * m)
                for i in start..<end { for r in 0..<m { li.append(Int32(i)); ri.append(Int32(r)) } }
                let candidates = JoinOutput.pairs(lb, li, build, ri)
                var keep: [Int32] = []
                if let condition {
                    let t = TruthVector(try condition(candidates))
                    for j in 0..<li.count where t.isTrue(j) { keep.append(Int32(j)) }
                } else {
                    keep = (0..<Int32(li.count)).map { $0 }
                }
                for j in keep { leftMatched[Int(li[Int(j)])] = true; if type == .right || type == .full { rightMatched[Int(ri[Int(j)])] = true } }
                if type != .semi && type != .anti && !keep.isEmpty {
                    pending.append(keep.count == li.count ? candidates : candidates.gather(keep))
                }
                start = end
            }
        }
        if let rest = JoinOutput.leftRemainder(lb, matched: leftMatched, type: type, rightFields: rightFields) { pending.append(rest) }
    }
}
