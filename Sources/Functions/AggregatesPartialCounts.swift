// Adding up counts taken by an earlier aggregate: the second half of a
// count(*) or count(x) split in two (SplitDistinctAggregates groups by the
// DISTINCT argument first and counts there). Unlike sum(bigint), which
// PostgreSQL types as numeric and which is NULL for no rows, this yields
// bigint and 0 for a group with no partial counts — exactly what the count
// it replaces would have returned. Not a SQL function: only the planner
// builds it.

import Columnar

public enum PartialCounts {
    /// The aggregate that adds int64 partial counts into a bigint count.
    public static let sumResolution = AggregateResolution(argumentTypes: [.int64], returnType: .int64) { CountSumState() }
}

/// One Int64 per group: the sum of the non-NULL partial counts folded in, 0 when none were.
final class CountSumState: AggregateState {
    var counts = ContiguousArray<Int64>()

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let xs = Kernels.int64s(arguments[0])
        guard xs.count >= rowCount else { return }
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        xs.withUnsafeBufferPointer { x in
            counts.withUnsafeMutableBufferPointer { c in
                AggregateSupport.forEachValid(validity, count: rowCount) { i in c[Int(groups[i])] &+= x[i] }
            }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        try AggregateSupport.mergeCounts(&counts, try AggregateSupport.same(other, as: CountSumState.self).counts, mapping: mapping, groupCount: groupCount)
    }

    func finish(groupCount: Int) throws -> Vector { AggregateSupport.finishCounts(&counts, groupCount: groupCount) }
}
