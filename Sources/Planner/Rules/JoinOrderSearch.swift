// Exhaustive join-order search for ReorderJoins (up to `maximumInputs`
// inputs): dynamic programming over connected sets of inputs, bushy trees
// allowed, so that a big input can be cut by its own small neighbours before
// it is hashed. TPC-H Q7 at SF10 hashed all 15M orders rows because every
// left-deep order with lineitem as the probe must build orders whole;
// joining orders to the filtered nation's customers first builds 1/25 of it.
//
// Cardinality: an input's rows are ReorderJoins.estimate; a set of inputs
// joins to the product of their rows times, per equivalence class of
// equated columns, 1/ndv for every member but the one with the fewest
// distinct values (for two inputs: |L|·|R| / max(ndv)), independent of the
// order the set was joined in. Distinct counts come from the statistics,
// capped by the input's (filtered) rows and by the distinct count of a key
// of the class (a column whose distinct count is its whole table's rows):
// l_orderkey's min…max width says 6M distinct values in a 6M-row table, but
// it is equated with o_orderkey, a key with 1.5M, and a foreign key has no
// values its key lacks. Each division is charged to the input whose count
// it is (the smaller input among equal counts, as the key side), and for the
// classes it shares with any one other input, no input is charged more than
// its table's rows: lineitem joins partsupp on part and supplier, 200k·10k
// combinations by the product, 800k by the rows. Other conditions between
// inputs keep a quarter.
//
// Cost of a hash join: its probe rows, twice its build rows (hashing and
// keeping them costs more than looking them up) and its output rows, plus
// the cost of both inputs; each split of a set is tried both ways round.

import Columnar

enum JoinOrderSearch {
    /// Beyond this many inputs (3^n splits) the greedy order of ReorderJoins is used.
    static let maximumInputs = 12
    static let buildWeight = 2.0
    static let otherConditionSelectivity = 0.25

    /// A join tree over input indexes: `.join(probe, build)`.
    indirect enum Tree: Equatable {
        case input(Int)
        case join(Tree, Tree)

        var inputs: [Int] {
            switch self {
            case .input(let i): return [i]
            case .join(let l, let r): return l.inputs + r.inputs
            }
        }
    }

    /// The cheapest tree joining all `leaves` along the equalities of `conjuncts` (over the
    /// concatenation of the leaves' columns); nil when some input is connected to no other
    /// (a cross product is needed) or there are too many inputs.
    static func best(_ leaves: [LogicalPlan], _ conjuncts: [BoundExpr], sizes: [Double]) -> Tree? {
        let n = leaves.count
        guard n >= 2, n <= maximumInputs else { return nil }
        var starts: [Int] = [], total = 0
        for leaf in leaves { starts.append(total); total += leaf.fields.count }
        func leafOf(_ column: Int) -> Int { starts.lastIndex(where: { $0 <= column }) ?? 0 }
        func mask(_ columns: Set<Int>) -> Int { columns.reduce(0) { $0 | (1 << leafOf($1)) } }

        // Edges (for connectivity), classes of equated plain columns and other conditions (for rows).
        var edges: [(Int, Int)] = []
        var parent = Array(0..<total)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        var others: [(mask: Int, selectivity: Double)] = []
        for c in conjuncts {
            let refs = c.referencedColumns.filter { $0 >= 0 && $0 < total }
            if case .call(let f, let args) = c, f.name == "=", args.count == 2 {
                let a = mask(args[0].referencedColumns), b = mask(args[1].referencedColumns)
                if a != 0, b != 0, a & b == 0 {
                    edges.append((a, b))
                    if case .column(let x, _) = args[0], case .column(let y, _) = args[1], x < total, y < total {
                        parent[find(x)] = find(y)
                        continue
                    }
                    // An equality of expressions: as a key join of the larger side.
                    let rows = (0..<n).filter { (a | b) & (1 << $0) != 0 }.map { sizes[$0] }.max() ?? 1
                    others.append((a | b, 1 / max(rows, 1)))
                    continue
                }
            }
            let m = mask(Set(refs))
            if m.nonzeroBitCount >= 2 { others.append((m, otherConditionSelectivity)) }
        }

        let baseRows = leaves.indices.map { tableRows(leaves[$0]) ?? sizes[$0] }
        // Per class: each member input's distinct count, capped by its rows and the class's key domain.
        var members: [Int: [Int]] = [:]
        for column in 0..<total { members[find(column), default: []].append(column) }
        var classes: [[(leaf: Int, ndv: Double)]] = []
        for (_, columns) in members.sorted(by: { $0.key < $1.key }) where Set(columns.map(leafOf)).count >= 2 {
            let base = columns.map { c -> (ndv: Double?, rows: Double?) in baseStatistics(leaves[leafOf(c)], c - starts[leafOf(c)]) }
            // A key: as many distinct values as its table has rows.
            let domain = base.compactMap { s -> Double? in
                guard let ndv = s.ndv, let rows = s.rows, rows > 0, ndv >= 0.9 * rows else { return nil }
                return ndv
            }.min()
            var perLeaf: [Int: Double] = [:]
            for (c, s) in zip(columns, base) {
                let leaf = leafOf(c)
                var ndv = min(s.ndv ?? sizes[leaf], sizes[leaf])
                if let domain { ndv = min(ndv, domain) }
                perLeaf[leaf] = min(perLeaf[leaf] ?? .infinity, max(ndv, 1))
            }
            // Most distinct values first; of equal counts the smaller input first, as the key side.
            classes.append(perLeaf.map { (leaf: $0.key, ndv: $0.value) }.sorted {
                ($0.ndv, -baseRows[$0.leaf], -$0.leaf) > ($1.ndv, -baseRows[$1.leaf], -$1.leaf)
            })
        }

        // Each class divides by the distinct counts of all its members in the set but the last; each
        // count is charged to its input. Keys of several columns between the same two inputs are not
        // as selective as the product of their counts says (lineitem joins partsupp on part and
        // supplier: 200k·10k combinations by the product, 800k by partsupp's rows), so the counts an
        // input is charged for classes shared with one partner are capped by the input's table rows.
        func rows(_ set: Int) -> Double {
            var charged = [[(ndv: Double, partners: Int)]](repeating: [], count: n)
            for cls in classes {
                let inSet = cls.filter { set & (1 << $0.leaf) != 0 }
                let members = inSet.reduce(0) { $0 | (1 << $1.leaf) }
                for m in inSet.dropLast() { charged[m.leaf].append((m.ndv, members & ~(1 << m.leaf))) }
            }
            var r = 1.0
            for i in 0..<n where set & (1 << i) != 0 {
                var divisor = charged[i].reduce(1.0) { $0 * $1.ndv }
                var excess = 1.0
                for j in 0..<n where j != i && set & (1 << j) != 0 {
                    let product = charged[i].filter { $0.partners & (1 << j) != 0 }.reduce(1.0) { $0 * $1.ndv }
                    excess = max(excess, product / max(baseRows[i], sizes[i], 1))
                }
                divisor /= excess
                r *= max(sizes[i], 1) / max(divisor, 1)
            }
            for o in others where o.mask & set == o.mask { r *= o.selectivity }
            return max(r, 1)
        }
        func connects(_ a: Int, _ b: Int) -> Bool {
            edges.contains { (x, y) in (x & a == x && y & b == y) || (x & b == x && y & a == y) }
        }

        let full = (1 << n) - 1
        var cost = [Double](repeating: .infinity, count: full + 1)
        var tree = [Tree?](repeating: nil, count: full + 1)
        var size = [Double](repeating: 0, count: full + 1)
        for i in 0..<n { cost[1 << i] = 0; tree[1 << i] = .input(i); size[1 << i] = max(sizes[i], 1) }
        for set in 1...full where set.nonzeroBitCount >= 2 {
            let lowest = set & -set
            var bestCost = Double.infinity, bestTree: Tree? = nil
            // Each split once: the part holding the lowest input is `a`.
            var a = (set - 1) & set
            while a > 0 {
                defer { a = (a - 1) & set }
                guard a & lowest != 0 else { continue }
                let b = set ^ a
                guard let ta = tree[a], let tb = tree[b], connects(a, b) else { continue }
                let base = cost[a] + cost[b]
                let probeA = base + size[a] + buildWeight * size[b]
                let probeB = base + size[b] + buildWeight * size[a]
                if probeA < bestCost { bestCost = probeA; bestTree = .join(ta, tb) }
                if probeB < bestCost { bestCost = probeB; bestTree = .join(tb, ta) }
            }
            guard let bestTree else { continue }
            size[set] = rows(set)
            cost[set] = bestCost + size[set]
            tree[set] = bestTree
        }
        return tree[full]
    }

    /// Rows of the table under the filters and projections of `plan`, nil when it is not a scan.
    static func tableRows(_ plan: LogicalPlan) -> Double? {
        switch plan {
        case .scan(let s): return s.source.estimatedRowCount.map(Double.init)
        case .filter(let p, _), .project(let p, _, _), .sort(let p, _): return tableRows(p)
        default: return nil
        }
    }

    /// Distinct values of output column `column` of `plan` in its unfiltered table, and that table's rows.
    static func baseStatistics(_ plan: LogicalPlan, _ column: Int) -> (ndv: Double?, rows: Double?) {
        guard let (scan, index) = FilterSelectivity.scanColumn(plan, column) else {
            return (ReorderJoins.distinct(plan, column), nil)
        }
        return (scan.source.distinctCount(column: scan.columns[index]), scan.source.estimatedRowCount.map(Double.init))
    }
}
