// Shared by the join operators: assembling output batches from matched row
// pairs, NULL-padding unmatched rows, and tracking which rows matched.

import Columnar
import Planner

enum JoinOutput {
    static func pairs(_ left: Batch, _ li: [Int32], _ right: Batch, _ ri: [Int32]) -> Batch {
        pairs(left, li, right, ri, columns: nil)
    }

    /// Pairs for evaluating a condition that reads only the output columns in `needed`
    /// (left columns first, then right); the others are NULL constants, not copies.
    static func pairs(_ left: Batch, _ li: [Int32], _ right: Batch, _ ri: [Int32], onlyColumns needed: Set<Int>) -> Batch {
        pairs(left, li, right, ri, columns: needed)
    }

    /// When the pairs take every left row once and in order (each probe row found exactly
    /// one partner, as in most joins on a key once the filters below have run), the left
    /// columns are the batch's own, not gathered copies of them.
    private static func pairs(_ left: Batch, _ li: [Int32], _ right: Batch, _ ri: [Int32], columns needed: Set<Int>?) -> Batch {
        let nl = left.columns.count, n = li.count
        let wholeLeft = n == left.count && isIdentity(li)
        return li.withUnsafeBufferPointer { lp in
            ri.withUnsafeBufferPointer { rp in
                var columns: [Vector] = []
                columns.reserveCapacity(nl + right.columns.count)
                for (i, c) in left.columns.enumerated() {
                    if let needed, !needed.contains(i) { columns.append(.nulls(type: c.type, count: n)) }
                    else { columns.append(wholeLeft ? c : c.gather(buffer: lp)) }
                }
                for (j, c) in right.columns.enumerated() {
                    if let needed, !needed.contains(nl + j) { columns.append(.nulls(type: c.type, count: n)) }
                    else { columns.append(c.gather(buffer: rp)) }
                }
                return Batch(columns: columns, count: n)
            }
        }
    }

    /// Whether `rows` is 0, 1, 2, … rows.count - 1.
    static func isIdentity(_ rows: [Int32]) -> Bool {
        rows.withUnsafeBufferPointer { p in
            var k = 0
            while k < p.count && p[k] == Int32(truncatingIfNeeded: k) { k += 1 }
            return k == p.count
        }
    }

    static func leftPadded(_ left: Batch, _ rows: [Int32], rightFields: [Field], onlyColumns needed: Set<Int>? = nil) -> Batch {
        let l = needed.map { left.gather(rows, onlyColumns: $0) } ?? left.gather(rows)
        return Batch(columns: l.columns + rightFields.map { .nulls(type: $0.type, count: rows.count) }, count: rows.count)
    }

    static func rightPadded(_ right: Batch, _ rows: [Int32], leftFields: [Field]) -> Batch {
        Batch(columns: leftFields.map { .nulls(type: $0.type, count: rows.count) } + right.columns.map { $0.gather(rows) }, count: rows.count)
    }

    /// What a left batch contributes besides its matched pairs: the matched rows for a
    /// semi join, the unmatched ones for an anti join, NULL-padded unmatched ones for
    /// left and full joins.
    /// `needed`: the output columns read above (nil: all); the others are NULL placeholders.
    static func leftRemainder(_ lb: Batch, matched: [Bool], type: JoinType, rightFields: [Field], onlyColumns needed: Set<Int>? = nil) -> Batch? {
        let rows: [Int32]
        switch type {
        case .semi: rows = (0..<lb.count).filter { matched[$0] }.map { Int32($0) }
        case .anti, .left, .full: rows = (0..<lb.count).filter { !matched[$0] }.map { Int32($0) }
        default: return nil
        }
        guard !rows.isEmpty else { return nil }
        if type == .semi || type == .anti { return needed.map { lb.gather(rows, onlyColumns: $0) } ?? lb.gather(rows) }
        return leftPadded(lb, rows, rightFields: rightFields, onlyColumns: needed)
    }

    /// Right and full joins end with the build rows nothing matched, NULL-padded on the left.
    static func rightRemainder(_ build: Batch, matched: [Bool], type: JoinType, leftFields: [Field]) -> Batch? {
        guard type == .right || type == .full else { return nil }
        let rows = (0..<build.count).filter { !matched[$0] }.map { Int32($0) }
        return rows.isEmpty ? nil : rightPadded(build, rows, leftFields: leftFields)
    }
}
