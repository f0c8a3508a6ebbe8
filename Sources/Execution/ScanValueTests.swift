// Value tests in a scan filter: a text column that the filter right above a
// Parquet scan reads only as the argument of one `[NOT] LIKE/ILIKE constant`,
// `= constant`, `<> constant` or `[NOT] IN (constants)` (wherever in the
// predicate it stands), and that no operator above reads, need not become a
// string column at all: the reader answers the test while it decodes the
// column (StringValueTest; for PLAIN pages, on the values where they lie in
// the decompressed page; for dictionary-encoded pages, per entry and then
// per code) and the filter reads those answers as a boolean column in place
// of the test. The answers are the operator's, NULL for NULL text, so the
// rewritten predicate keeps the original's value on every row, inside
// AND/OR/NOT/CASE alike. A filter with a subquery keeps its text columns (a
// correlated subquery reads the row). Click-stream m8 (`email LIKE
// '%77@example.com'`) built a string column of every e-mail and then matched
// it: two fifths of its time besides decompression. m6's `event_type =
// 'purchase'` wrote every row's dictionary code out and read it again to
// select the rows.

import Columnar
import Functions
import Planner

/// A scan filter's predicate over value-tested columns, and the tests by scan position.
struct ValueTestedFilter {
    let predicate: RowSelector
    let tests: [Int: any StringValueTest]
}

enum ScanValueTests {
    /// The text columns `p` reads only through one value test each, not in `output` (the
    /// positions read above the filter), and `p` with each such test replaced by a read of
    /// its column as booleans; nil when there is none.
    static func rewrite(_ p: BoundExpr, output: Set<Int>) -> (predicate: BoundExpr, tests: [Int: any StringValueTest])? {
        var found: [Int: (key: String, test: any StringValueTest)] = [:]
        var otherUse = Set<Int>()
        var hasSubquery = false
        func visit(_ e: BoundExpr) {
            if let (column, key, test) = valueTest(e) {
                if let seen = found[column] {
                    if seen.key != key { otherUse.insert(column) }
                } else {
                    found[column] = (key, test)
                }
                return
            }
            switch e {
            case .column(let c, _): otherUse.insert(c)
            case .subquery: hasSubquery = true
            default: e.children.forEach(visit)
            }
        }
        visit(p)
        guard !hasSubquery else { return nil }
        let tested = found.filter { !otherUse.contains($0.key) && !output.contains($0.key) }
        guard !tested.isEmpty else { return nil }
        func replaced(_ e: BoundExpr) -> BoundExpr {
            if let (column, _, _) = valueTest(e), tested[column] != nil { return .column(column, .boolean) }
            return e.mapChildren(replaced)
        }
        return (replaced(p), tested.mapValues(\.test))
    }

    /// A test of one text column against constants: the column, a key telling tests apart, and the test.
    static func valueTest(_ e: BoundExpr) -> (column: Int, key: String, test: any StringValueTest)? {
        likeTest(e) ?? membershipTest(e)
    }

    /// `column = c`, `c = column`, `column <> c` and `column [NOT] IN (c1, c2 …)` with text
    /// constants, none NULL (a NULL in the list makes a non-matching value's answer NULL, which
    /// a boolean per value cannot say).
    static func membershipTest(_ e: BoundExpr) -> (column: Int, key: String, test: any StringValueTest)? {
        let column: Int, values: [String], negated: Bool
        switch e {
        case .call(let f, let args) where (f.name == "=" || f.name == "<>") && args.count == 2:
            if case .column(let c, .text) = args[0], let v = text(args[1]) {
                column = c; values = [v]
            } else if case .column(let c, .text) = args[1], let v = text(args[0]) {
                column = c; values = [v]
            } else {
                return nil
            }
            negated = f.name == "<>"
        case .inList(.column(let c, .text), let items, _, let n):
            let texts = items.compactMap(text)
            guard texts.count == items.count, !texts.isEmpty else { return nil }
            column = c; values = texts; negated = n
        default:
            return nil
        }
        let test = TextMembershipTest(values: values.map { Array($0.utf8) }, negated: negated)
        return (column, "\(negated ? "not in" : "in")\u{0}" + values.sorted().joined(separator: "\u{0}"), test)
    }

    /// `column [NOT] LIKE/ILIKE pattern [ESCAPE e]` with a text column and constant, non-NULL
    /// pattern and escape: the column, a key telling tests apart, and the test.
    static func likeTest(_ e: BoundExpr) -> (column: Int, key: String, test: any StringValueTest)? {
        guard case .call(let f, let args) = e, ["~~", "~~*", "!~~", "!~~*"].contains(f.name), args.count == 2 || args.count == 3,
              case .column(let column, .text) = args[0], let pattern = text(args[1]) else { return nil }
        var escape: String? = "\\"
        if args.count == 3 {
            guard let e = text(args[2]) else { return nil }
            escape = e
        }
        let caseInsensitive = f.name.hasSuffix("*"), negated = f.name.hasPrefix("!")
        // A pattern the operator refuses (a bad escape) stays with the operator, which reports it.
        guard let test = try? LikeValueTest(pattern: Array(pattern.utf8), escape: escape.map { Array($0.utf8) },
                                            caseInsensitive: caseInsensitive, negated: negated) else { return nil }
        return (column, "\(f.name)\u{0}\(pattern)\u{0}\(escape ?? "")", test)
    }

    private static func text(_ e: BoundExpr) -> String? {
        switch e {
        case .literal(.string(let s), _), .unknownLiteral(let s): return s
        default: return nil
        }
    }
}

extension PhysicalPlanner {
    /// The scan filter `p` over value-tested columns, when it reads some text column only
    /// through a LIKE test and `output` (the positions read above) is known.
    func valueTested(_ p: BoundExpr, output: Set<Int>?) -> ValueTestedFilter? {
        guard let output, let (rewritten, tests) = ScanValueTests.rewrite(p, output: output),
              let predicate = try? compiler.compileSelection(rewritten) else { return nil }
        return ValueTestedFilter(predicate: predicate, tests: tests)
    }
}
