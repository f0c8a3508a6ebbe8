// Value tests in a scan filter: a text column that the filter right above a
// Parquet scan reads only as the argument of one `[NOT] LIKE/ILIKE constant`,
// `= constant`, `<> constant` or `[NOT] IN (constants)` (wherever in the
// predicate it stands), or an integer column read only through one of the
// last three, and that no operator above reads, need not become a column at
// all: the reader answers the test while it decodes the column
// (StringValueTest, IntegerValueTest; for PLAIN pages, on the values where
// they lie in the decompressed page; for dictionary-encoded pages, per entry
// and then per code) and the filter reads those answers as a boolean column
// in place of the test. The answers are the operator's, NULL for NULL text, so the
// rewritten predicate keeps the original's value on every row, inside
// AND/OR/NOT/CASE alike. A filter with a subquery keeps its text columns (a
// correlated subquery reads the row). Click-stream m8 (`email LIKE
// '%77@example.com'`) built a string column of every e-mail and then matched
// it: two fifths of its time besides decompression. m6's `event_type =
// 'purchase'` wrote every row's dictionary code out and read it again to
// select the rows; m5's `user_id = 1232650` made every chunk's dictionary-coded
// prefix into values and compared all of a week's user ids in a second pass.

import Columnar
import Functions
import Planner

/// A scan filter's predicate over value-tested columns, and the tests by scan position.
struct ValueTestedFilter {
    let predicate: RowSelector
    let tests: [Int: any ScanValueTest]
}

enum ScanValueTests {
    /// The text and integer columns `p` reads only through one value test each, not in `output` (the
    /// positions read above the filter), and `p` with each such test replaced by a read of
    /// its column as booleans; nil when there is none.
    static func rewrite(_ p: BoundExpr, output: Set<Int>) -> (predicate: BoundExpr, tests: [Int: any ScanValueTest])? {
        // Keys compare as bytes: String's == equates canonically equivalent text ('é' composed and
        // decomposed), which the tests, comparing bytes, tell apart.
        var found: [Int: (key: [UInt8], test: any ScanValueTest)] = [:]
        var otherUse = Set<Int>()
        var hasSubquery = false
        func visit(_ e: BoundExpr) {
            if let (column, text, test) = valueTest(e) {
                let key = Array(text.utf8)
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

    /// A test of one text or integer column against constants: the column, a key telling tests
    /// apart (by its UTF-8 bytes), and the test.
    static func valueTest(_ e: BoundExpr) -> (column: Int, key: String, test: any ScanValueTest)? {
        likeTest(e) ?? membershipTest(e)
    }

    /// `column = c`, `c = column`, `column <> c` and `column [NOT] IN (c1, c2 …)` with a text
    /// column and text constants or an integer column and integer constants, none NULL (a NULL
    /// in the list makes a non-matching value's answer NULL, which a boolean per value cannot
    /// say).
    static func membershipTest(_ e: BoundExpr) -> (column: Int, key: String, test: any ScanValueTest)? {
        let column: Int, values: [Value], negated: Bool
        switch e {
        case .call(let f, let args) where (f.name == "=" || f.name == "<>") && args.count == 2:
            if let c = testedColumn(args[0]), let v = constant(args[1], for: c.type) {
                column = c.index; values = [v]
            } else if let c = testedColumn(args[1]), let v = constant(args[0], for: c.type) {
                column = c.index; values = [v]
            } else {
                return nil
            }
            negated = f.name == "<>"
        case .inList(let x, let items, _, let n):
            guard let c = testedColumn(x) else { return nil }
            let constants = items.compactMap { constant($0, for: c.type) }
            guard constants.count == items.count, !constants.isEmpty else { return nil }
            column = c.index; values = constants; negated = n
        default:
            return nil
        }
        // The same set of constants gives the same key (`x = 5` and `x IN (5, 5)` are one test);
        // the constants' exact descriptions are ASCII, so the Set tells text apart by its bytes.
        let key = (negated ? "not in" : "in") + Set(values.map { "\u{0}" + $0.exactDescription }).sorted().joined()
        if case .string = values[0] {
            let texts = values.compactMap { if case .string(let s) = $0 { return Array(s.utf8) } else { return nil } }
            return (column, key, TextMembershipTest(values: texts, negated: negated))
        }
        let integers = values.compactMap { if case .int(let i) = $0 { return i } else { return nil } }
        return (column, key, IntegerMembershipTest(values: integers, negated: negated))
    }

    /// A column a membership test can read: text, or a signed integer (also widened to a
    /// larger integer type, which keeps every value).
    private static func testedColumn(_ e: BoundExpr) -> (index: Int, type: DataType)? {
        switch e {
        case .column(let c, .text): return (c, .text)
        case .column(let c, let t) where integerWidth(t) != nil: return (c, t)
        case .cast(.column(let c, let from), let to, _):
            guard let a = integerWidth(from), let b = integerWidth(to), a <= b else { return nil }
            return (c, to)
        default: return nil
        }
    }

    private static func integerWidth(_ t: DataType) -> Int? {
        switch t {
        case .int16: return 2
        case .int32: return 4
        case .int64: return 8
        default: return nil
        }
    }

    /// A non-NULL constant of the column's kind: text for text, an integer for an integer column.
    private static func constant(_ e: BoundExpr, for type: DataType) -> Value? {
        if type == .text { return text(e).map(Value.string) }
        if case .literal(.int(let i), let t) = e, integerWidth(t) != nil { return .int(i) }
        return nil
    }

    /// `column [NOT] LIKE/ILIKE pattern [ESCAPE e]` with a text column and constant, non-NULL
    /// pattern and escape: the column, a key telling tests apart, and the test.
    static func likeTest(_ e: BoundExpr) -> (column: Int, key: String, test: any ScanValueTest)? {
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
    /// The scan filter `p` over value-tested columns, when it reads some text or integer column
    /// only through one value test and `output` (the positions read above) is known.
    func valueTested(_ p: BoundExpr, output: Set<Int>?) -> ValueTestedFilter? {
        guard let output, let (rewritten, tests) = ScanValueTests.rewrite(p, output: output),
              let predicate = try? compiler.compileSelection(rewritten) else { return nil }
        return ValueTestedFilter(predicate: predicate, tests: tests)
    }
}
