// Optimizer rule: an aggregate whose DISTINCT calls all take the same
// argument x groups twice instead — first by its keys and x, then by its
// keys alone:
//
//   Aggregate keys=[g] aggs=[count(DISTINCT x), count(*), max(y)]
//   ⇒ Aggregate keys=[#0] aggs=[count(#1), Σcount(#2), max(#3)]
//       Aggregate keys=[g, x] aggs=[count(*), max(y)]
//
// A DISTINCT call has to remember every value of x per group, so the
// executor runs it on one thread over the whole input; the first aggregate
// here has no DISTINCT call and runs on every core with partial tables
// merged at the end, and the second only sees one row per (g, x). f(DISTINCT
// x) is f over the distinct values of x in the group, which is what f(x)
// over the (g, x) groups is; NULL x forms a group of its own that
// count/sum/min/max (and every other aggregate) skip as they skip NULL
// inputs. The other calls must survive the split: count(*) and count(y)
// become counts per (g, x) added up (PartialCounts, bigint, 0 when none),
// min(y) and max(y) the min/max of the partial min/max. Anything else —
// sum(y) or avg(y) without DISTINCT, FILTER, ORDER BY inside a call, an
// order-sensitive aggregate, DISTINCT over two different arguments or
// several arguments, grouping sets, an array-typed x or one holding a
// subquery or an outer reference — leaves the node as
// it is. So does an x that is not a plain column with a distinct count
// from statistics at least 8 times smaller than the estimated input rows
// (the split pays for itself when the first aggregate reduces much), or 64
// times for an integer x under few groups, whose DISTINCT runs packed on
// all cores. A
// global aggregate (no GROUP BY) still gives its one row on empty input:
// the outer aggregate has no keys either.

import Columnar
import Functions

public enum SplitDistinctAggregates {
    /// Input rows per distinct value of x (by the planner's estimates) below which the node is left alone.
    static let minimumRowsPerDistinctValue = 8.0
    /// The same for an integer x under fewer than `packedGroupLimit` groups (by estimates): its
    /// DISTINCT runs packed, one int64 per (group, x) deduplicated on all cores, which beats the
    /// split until x repeats much more. Click-stream m4 (about 24 events a user, 4 devices):
    /// 530 ms split (per-morsel tables of 150K (device, user) groups, a cache miss a row)
    /// against 365 ms unsplit; its count(DISTINCT device) by country (millions of rows a
    /// value, text): 50 ms split against 1.3 s unsplit.
    static let minimumRowsPerDistinctPackedValue = 64.0
    /// Group ids from 2^15 on do not pack (PackedIntPair).
    static let packedGroupLimit = 32_768.0

    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(apply)
        guard case .aggregate(let node) = plan, let split = split(node) else { return plan }
        return split
    }

    private enum Outer {
        case distinct(BoundAggregate)
        case addCounts(partial: Int)
        case sameOverPartial(BoundAggregate, partial: Int)
    }

    /// The product of the group keys' distinct counts (1 with none); nil when a key is not a
    /// column or its count is unknown.
    private static func estimatedGroups(_ node: AggregateNode) -> Double? {
        var groups = 1.0
        for key in node.groupKeys {
            guard case .column(let c, _) = key, let d = ReorderJoins.distinct(node.input, c) else { return nil }
            groups *= d
        }
        return groups
    }

    private static func split(_ node: AggregateNode) -> LogicalPlan? {
        guard node.groupingSets == nil else { return nil }
        let distinctCalls = node.aggregates.filter(\.distinct)
        guard let first = distinctCalls.first, first.arguments.count == 1 else { return nil }
        let x = first.arguments[0]
        if case .array = x.type { return nil }
        // A subquery or an outer reference as a grouping key is left to the original operator.
        let unsupported = x.contains { e in
            switch e {
            case .subquery, .outerColumn: return true
            default: return false
            }
        }
        if unsupported { return nil }
        // Worth it only when the (g, x) groups are far fewer than the input rows: the first
        // aggregate's per-morsel tables then miss the cache a row, and their merge (on one
        // thread, or by partition when it holds keys only) costs more than the DISTINCT it
        // replaces (m2's session ids; m4's users, an integer, below 64 rows a value).
        guard case .column(let xInput, _) = x, let distinctX = ReorderJoins.distinct(node.input, xInput) else { return nil }
        var minimum = minimumRowsPerDistinctValue
        if x.type.physical == .int64 || x.type.physical == .int128, let groups = estimatedGroups(node), groups < packedGroupLimit {
            minimum = minimumRowsPerDistinctPackedValue
        }
        guard distinctX * minimum <= ReorderJoins.estimate(node.input) else { return nil }
        let xPrint = x.fingerprint
        var partials: [BoundAggregate] = []
        var outer: [Outer] = []
        for call in node.aggregates {
            guard call.filter == nil, call.orderBy.isEmpty, !call.resolution.isOrderSensitive else { return nil }
            if call.distinct {
                guard call.arguments.count == 1, call.arguments[0].fingerprint == xPrint else { return nil }
                outer.append(.distinct(call))
                continue
            }
            switch call.name {
            case "count" where call.arguments.count <= 1:
                outer.append(.addCounts(partial: partials.count))
                partials.append(call)
            case "min", "max":
                guard call.arguments.count == 1, call.resolution.returnType == call.arguments[0].type else { return nil }
                outer.append(.sameOverPartial(call, partial: partials.count))
                partials.append(call)
            default:
                return nil
            }
        }
        let keyCount = node.groupKeys.count
        let keyFields = Array(node.fields.prefix(keyCount))
        let aggregateFields = Array(node.fields.dropFirst(keyCount))
        guard aggregateFields.count == node.aggregates.count else { return nil }
        let partialFields = partials.map { Field(name: $0.name, type: $0.resolution.returnType) }
        let inner = AggregateNode(input: node.input, groupKeys: node.groupKeys + [x], groupingSets: nil,
                                  aggregates: partials, fields: keyFields + [Field(name: "distinct_argument", type: x.type)] + partialFields)
        let xColumn = BoundExpr.column(keyCount, x.type)
        func partialColumn(_ k: Int) -> BoundExpr { .column(keyCount + 1 + k, partials[k].resolution.returnType) }
        let outerCalls: [BoundAggregate] = outer.map { o in
            switch o {
            case .distinct(let call):
                return BoundAggregate(name: call.name, resolution: call.resolution, arguments: [xColumn], distinct: false,
                                      filter: nil, orderBy: [], isStar: false)
            case .addCounts(let k):
                return BoundAggregate(name: "sum_of_counts", resolution: PartialCounts.sumResolution, arguments: [partialColumn(k)],
                                      distinct: false, filter: nil, orderBy: [], isStar: false)
            case .sameOverPartial(let call, let k):
                return BoundAggregate(name: call.name, resolution: call.resolution, arguments: [partialColumn(k)], distinct: false,
                                      filter: nil, orderBy: [], isStar: false)
            }
        }
        let outerKeys = keyFields.enumerated().map { BoundExpr.column($0.offset, $0.element.type) }
        return .aggregate(AggregateNode(input: .aggregate(inner), groupKeys: outerKeys, groupingSets: nil,
                                        aggregates: outerCalls, fields: node.fields))
    }
}
