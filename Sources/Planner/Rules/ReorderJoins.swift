// Optimizer rule: order chains of inner joins by estimated cardinality.
// A tree of inner joins is flattened into its inputs and the conjuncts of
// all its conditions, then rebuilt left-deep with a greedy heuristic: the
// largest input streams through as the probe (left) side, and each step
// adds, as the build (right) side of a hash join, the remaining input
// connected by an equality whose join is estimated smallest — falling back
// to a cross product only when nothing is connected. Each conjunct goes
// into the first join that sees all of its columns; equalities implied by
// transitivity (a = b, b = c ⇒ a = c) are added first, so every join gets
// all the keys it can hash on. A projection on top restores the original
// column order.
//
// Up to JoinOrderSearch.maximumInputs connected inputs, the order (bushy
// trees too) comes from an exhaustive search instead (JoinOrderSearch.swift);
// the greedy order below serves larger chains and ones needing a cross product.
//
// Estimates: TableSource.estimatedRowCount at scans (a fixed guess when
// unknown), per-conjunct selectivities for filters (FilterSelectivity.swift);
// a join's output from the
// distinct counts statistics give for its key columns (|L|·|R| / max(ndv)),
// so a many-to-many join on a low-cardinality column (TPC-H Q5's nation
// keys) waits until key joins have made the inputs small. Candidates rank
// by the smaller of their own join size and the size after the best input
// they make joinable (one step of lookahead), so a small filtered input
// reached through another table (Q7's nations through supplier) cuts the
// rows before a bigger build.

import Columnar

public enum ReorderJoins {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    static let unknownRowCount = 1_000.0
    static let filterSelectivity = 0.25

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        guard case .join(_, _, .inner, _) = plan else { return plan.mapInputs(rewrite) }
        var leaves: [LogicalPlan] = []
        var conjuncts: [BoundExpr] = []
        flatten(plan, offset: 0, &leaves, &conjuncts)
        // A correlated subquery reads its outer row by position in the joined row, and a
        // volatile call must not be re-evaluated elsewhere: such chains keep their shape.
        if conjuncts.contains(where: { $0.contains(where: isUnmovable) }) { return plan.mapInputs(rewrite) }
        leaves = leaves.map(rewrite)
        conjuncts += impliedEqualities(conjuncts, leaves)
        if let tree = JoinOrderSearch.best(leaves, conjuncts, sizes: leaves.map(estimate)) {
            return rebuild(leaves, conjuncts, tree: tree, original: plan)
        }
        return rebuild(leaves, conjuncts, order: chooseOrder(leaves, conjuncts), original: plan)
    }

    /// a = b AND b = c implies a = c: adds such equalities between columns of inputs that no
    /// written equality of the class links directly, so whichever order is chosen, each join
    /// gets every key it can hash on (instead of joining on a weaker condition and filtering later).
    static func impliedEqualities(_ conjuncts: [BoundExpr], _ leaves: [LogicalPlan]) -> [BoundExpr] {
        var starts: [Int] = [], total = 0
        for leaf in leaves { starts.append(total); total += leaf.fields.count }
        func leafOf(_ column: Int) -> Int { starts.lastIndex(where: { $0 <= column }) ?? 0 }
        var parent = Array(0..<total)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        var pairs: [(Int, Int, BoundFunction, DataType)] = []
        for c in conjuncts {
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2,
                  case .column(let a, let ta) = args[0], case .column(let b, let tb) = args[1],
                  ta == tb, a >= 0, b >= 0, a < total, b < total, a != b else { continue }
            pairs.append((a, b, f, ta))
            parent[find(a)] = find(b)
        }
        guard pairs.count >= 2 else { return [] }
        // Per class: its members, the `=` to use, and which pairs of inputs are already linked.
        var members: [Int: [Int]] = [:]
        var function: [Int: (BoundFunction, DataType)] = [:]
        var linked = Set<[Int]>()
        for (a, b, f, t) in pairs {
            let root = find(a)
            function[root] = (f, t)
            linked.insert([root, min(leafOf(a), leafOf(b)), max(leafOf(a), leafOf(b))])
        }
        for column in 0..<total where function[find(column)] != nil { members[find(column), default: []].append(column) }
        var implied: [BoundExpr] = []
        for (root, columns) in members.sorted(by: { $0.key < $1.key }) where columns.count >= 3 {
            guard let (f, t) = function[root] else { continue }
            for (i, x) in columns.enumerated() {
                for y in columns[(i + 1)...] {
                    let key = [root, min(leafOf(x), leafOf(y)), max(leafOf(x), leafOf(y))]
                    guard leafOf(x) != leafOf(y), linked.insert(key).inserted else { continue }
                    implied.append(.call(f, [.column(x, t), .column(y, t)]))
                }
            }
        }
        return implied
    }

    /// Collects the inputs of a tree of inner joins in left-to-right order, and its
    /// join conjuncts over the concatenation of all those inputs' columns.
    private static func flatten(_ plan: LogicalPlan, offset: Int, _ leaves: inout [LogicalPlan], _ conjuncts: inout [BoundExpr]) {
        guard case .join(let l, let r, .inner, let condition) = plan else { leaves.append(plan); return }
        flatten(l, offset: offset, &leaves, &conjuncts)
        flatten(r, offset: offset + l.fields.count, &leaves, &conjuncts)
        if let condition { conjuncts += PushDownFilters.conjuncts(condition).map { PushDownFilters.shift($0, offset) } }
    }

    /// Whether a join condition must stay where it is: subqueries and outer references read the
    /// joined row by position, and a volatile call must not be evaluated elsewhere.
    static func isUnmovable(_ e: BoundExpr) -> Bool {
        switch e {
        case .subquery, .outerColumn, .grouping: return true
        case .call(let f, _): return f.resolution.isVolatile
        default: return false
        }
    }

    /// Distinct values of output column `column` of `plan`, traced down to a scan's statistics.
    static func distinct(_ plan: LogicalPlan, _ column: Int) -> Double? {
        switch plan {
        case .scan(let s):
            guard column >= 0, column < s.columns.count else { return nil }
            return s.source.distinctCount(column: s.columns[column])
        case .filter(let p, _), .sort(let p, _), .limit(let p, _, _): return distinct(p, column)
        case .project(let p, let exprs, _):
            guard column < exprs.count, case .column(let c, _) = exprs[column] else { return nil }
            return distinct(p, c)
        case .cteScan(let cte): return distinct(cte.executablePlan, column)
        default: return nil
        }
    }

    /// Estimated output rows of `plan` (also used by the physical planner to pick a semi join's build side).
    public static func estimate(_ plan: LogicalPlan) -> Double {
        switch plan {
        case .scan(let s): return s.source.estimatedRowCount.map(Double.init) ?? unknownRowCount
        case .values(let rows, _): return Double(rows.count)
        case .filter(let p, let predicate): return estimate(p) * FilterSelectivity.of(predicate, over: p)
        case .project(let p, _, _), .sort(let p, _), .window(let p, _): return estimate(p)
        case .limit(let p, let limit, _): return min(estimate(p), limit.map(Double.init) ?? .infinity)
        case .aggregate(let a): return a.groupKeys.isEmpty ? 1 : estimate(a.input) * filterSelectivity
        case .distinct(let p), .distinctOn(let p, _): return estimate(p) * filterSelectivity
        case .join(let l, let r, let type, let c):
            switch type {
            case .semi, .anti: return estimate(l) * filterSelectivity
            default: return c == nil ? estimate(l) * estimate(r) : max(estimate(l), estimate(r))
            }
        case .markJoin(let l, _, _, _): return estimate(l)
        case .cteScan(let cte): return estimate(cte.executablePlan)
        default: return plan.inputs.map(estimate).reduce(unknownRowCount, max)
        }
    }

    /// The leaves (by index into the flattened inputs) each equality conjunct connects.
    private static func chooseOrder(_ leaves: [LogicalPlan], _ conjuncts: [BoundExpr]) -> [Int] {
        var starts: [Int] = [], total = 0
        for leaf in leaves { starts.append(total); total += leaf.fields.count }
        func leafOf(_ column: Int) -> Int { (starts.lastIndex(where: { $0 <= column }) ?? 0) }
        var edges: [(Set<Int>, Set<Int>)] = []
        for c in conjuncts {
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2 else { continue }
            let a = Set(args[0].referencedColumns.map(leafOf)), b = Set(args[1].referencedColumns.map(leafOf))
            if !a.isEmpty, !b.isEmpty, a.isDisjoint(with: b) { edges.append((a, b)) }
        }
        let sizes = leaves.map(estimate)
        var remaining = Set(leaves.indices)
        // The biggest input is the one not worth hashing.
        guard let first = leaves.indices.max(by: { (sizes[$0], -$0) < (sizes[$1], -$1) }) else { return [] }
        var order = [first], joined: Set<Int> = [first]
        remaining.remove(first)
        func connected(_ i: Int, to set: Set<Int>) -> Bool {
            edges.contains { (a, b) in
                (a.contains(i) && b.isSubset(of: set)) || (b.contains(i) && a.isSubset(of: set))
            }
        }
        // Joining `candidate` to the joined set on `a = b` yields about |joined|·|candidate| / max(ndv(a), ndv(b))
        // rows; a distinct count that statistics do not give is taken as the side's row count (a key).
        var current = sizes[first]
        func joinedSize(_ candidate: Int, to set: Set<Int>, of size: Double) -> Double {
            var divisor = 1.0
            for c in conjuncts {
                guard case .call(let f, let args) = c, f.name == "=", args.count == 2,
                      case .column(let x, _) = args[0], case .column(let y, _) = args[1] else { continue }
                let (mine, theirs) = leafOf(x) == candidate ? (x, y) : (y, x)
                guard leafOf(mine) == candidate, set.contains(leafOf(theirs)) else { continue }
                let ndvMine = min(distinct(leaves[candidate], mine - starts[candidate]) ?? sizes[candidate], sizes[candidate])
                let ndvTheirs = min(distinct(leaves[leafOf(theirs)], theirs - starts[leafOf(theirs)]) ?? size, size)
                divisor = max(divisor, max(ndvMine, ndvTheirs))
            }
            return size * sizes[candidate] / divisor
        }
        // One step of lookahead: a candidate that makes a small filtered input joinable (TPC-H Q7's
        // and Q21's supplier, through which a one-nation filter reaches line items) ranks by the
        // size after that input too, so the rows it removes are gone before the bigger builds.
        func score(_ candidate: Int) -> Double {
            let size = max(joinedSize(candidate, to: joined, of: current), 1)
            let after = joined.union([candidate])
            var best = size
            for next in remaining where next != candidate && !connected(next, to: joined) && connected(next, to: after) {
                best = min(best, max(joinedSize(next, to: after, of: size), 1))
            }
            return best
        }
        while !remaining.isEmpty {
            let candidates = remaining.filter { connected($0, to: joined) }
            let pool = candidates.isEmpty ? remaining : candidates
            let ranked = pool.map { ($0, candidates.isEmpty ? sizes[$0] : score($0)) }
            guard let (next, _) = ranked.min(by: { ($0.1, sizes[$0.0], $0.0) < ($1.1, sizes[$1.0], $1.0) }) else { break }
            let size = candidates.isEmpty ? current * sizes[next] : max(joinedSize(next, to: joined, of: current), 1)
            order.append(next); joined.insert(next); remaining.remove(next)
            current = size
        }
        return order
    }

    /// The joins of `tree` (probe side left), each conjunct in the lowest join that sees all its
    /// columns, with a projection back to the original column order.
    private static func rebuild(_ leaves: [LogicalPlan], _ conjuncts: [BoundExpr], tree: JoinOrderSearch.Tree, original: LogicalPlan) -> LogicalPlan {
        var starts: [Int] = [], total = 0
        for leaf in leaves { starts.append(total); total += leaf.fields.count }
        guard Set(tree.inputs) == Set(leaves.indices), tree.inputs.count == leaves.count, original.fields.count == total else { return original }
        var pending = conjuncts
        // The subtree's plan, the position of each original column in its output, and which columns
        // its joins have made equal (a union-find over the original columns).
        func build(_ t: JoinOrderSearch.Tree) -> (LogicalPlan, [Int?], [Int]) {
            switch t {
            case .input(let i):
                var position = [Int?](repeating: nil, count: total)
                for k in 0..<leaves[i].fields.count { position[starts[i] + k] = k }
                return (leaves[i], position, Array(0..<total))
            case .join(let l, let r):
                let (left, leftPosition, leftEqual) = build(l), (right, rightPosition, rightEqual) = build(r)
                let width = left.fields.count
                let position = zip(leftPosition, rightPosition).map { $0 ?? $1.map { $0 + width } }
                // Each side's classes are disjoint (no column is on both sides): merge them.
                var equal = zip(leftPosition, leftEqual).map { $0 != nil ? $1 : -1 }
                for (g, p) in rightEqual.enumerated() where rightPosition[g] != nil { equal[g] = p }
                for g in equal.indices where equal[g] < 0 { equal[g] = g }
                func find(_ x: Int) -> Int {
                    var x = x
                    while equal[x] != x { equal[x] = equal[equal[x]]; x = equal[x] }
                    return x
                }
                var ready: [BoundExpr] = []
                pending.removeAll { c in
                    guard c.referencedColumns.allSatisfy({ $0 >= 0 && $0 < total && position[$0] != nil }) else { return false }
                    // a = b where both sides already equal columns this join equates (a = a', a' = b' kept,
                    // b' = b): true for every row, and one key fewer to hash (implied equalities add such).
                    if case .call(let f, let args) = c, f.name == "=", args.count == 2,
                       case .column(let a, let ta) = args[0], case .column(let b, let tb) = args[1], ta == tb, a != b {
                        let (x, y) = (find(a), find(b))
                        if x == y { return true }
                        equal[x] = y
                    }
                    ready.append(PruneColumns.remap(c, position))
                    return true
                }
                return (.join(left, right, .inner, condition: PushDownFilters.conjunction(ready)), position, equal)
            }
        }
        let (plan, position, _) = build(tree)
        guard pending.isEmpty else { return original }
        if position.enumerated().allSatisfy({ $0.element == $0.offset }) { return plan }
        let fields = original.fields
        let exprs: [BoundExpr] = (0..<total).map { g in .column(position[g] ?? g, fields[g].type) }
        return .project(plan, exprs, fields: fields)
    }

    /// A left-deep join of the leaves in `order`, with a projection back to the original column order.
    private static func rebuild(_ leaves: [LogicalPlan], _ conjuncts: [BoundExpr], order: [Int], original: LogicalPlan) -> LogicalPlan {
        var starts: [Int] = [], total = 0
        for leaf in leaves { starts.append(total); total += leaf.fields.count }
        guard let first = order.first else { return original }
        var newPosition = [Int?](repeating: nil, count: total)
        var width = 0
        func place(_ leaf: Int) {
            for k in 0..<leaves[leaf].fields.count { newPosition[starts[leaf] + k] = width + k }
            width += leaves[leaf].fields.count
        }
        place(first)
        var plan = leaves[first]
        var pending = conjuncts
        for leaf in order.dropFirst() {
            place(leaf)
            var ready: [BoundExpr] = []
            pending.removeAll { c in
                guard c.referencedColumns.allSatisfy({ $0 >= 0 && $0 < total && newPosition[$0] != nil }) else { return false }
                ready.append(PruneColumns.remap(c, newPosition))
                return true
            }
            plan = .join(plan, leaves[leaf], .inner, condition: PushDownFilters.conjunction(ready))
        }
        // Every column is placed once the last leaf is in; a conjunct still pending reads
        // something else, and the chain is safest left as it was written.
        guard pending.isEmpty, order.count == leaves.count, original.fields.count == total else { return original }
        if order == Array(leaves.indices) { return plan }
        let fields = original.fields
        let exprs: [BoundExpr] = (0..<total).map { g in .column(newPosition[g] ?? g, fields[g].type) }
        return .project(plan, exprs, fields: fields)
    }
}
