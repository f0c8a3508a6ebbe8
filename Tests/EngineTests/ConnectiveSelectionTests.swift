// AND / OR with a selection vector (Execution/ConnectiveEvaluation.swift):
// three-valued results against a row-by-row reference over terms stored
// every way a boolean vector can be (plain, with NULLs, constant TRUE /
// FALSE / NULL, dictionary), later terms seeing exactly the undecided
// rows, the filter's row selection (also straight from a conjunction's
// terms, selectedRows(allOf:)), adjacent same-column terms grouped,
// and SQL over a Parquet scan with NULLs giving PostgreSQL's answers.

import XCTest
import Columnar
import Planner
import Functions
@testable import Execution
@testable import Engine

final class ConnectiveSelectionTests: XCTestCase {
    /// nil = NULL.
    private typealias Truth = Bool?

    private func and3(_ a: Truth, _ b: Truth) -> Truth {
        if a == false || b == false { return false }
        if a == nil || b == nil { return nil }
        return true
    }
    private func or3(_ a: Truth, _ b: Truth) -> Truth {
        if a == true || b == true { return true }
        if a == nil || b == nil { return nil }
        return false
    }

    /// One term's answers for all rows of the batch, stored in the given form.
    private enum Form: CaseIterable { case plain, plainWithNulls, constantTrue, constantFalse, constantNull, dictionary, dictionaryWithoutNulls, dictionaryOfEight }

    private func answers(_ form: Form, rows: Int, seed: inout UInt64) -> [Truth] {
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        switch form {
        case .plain, .dictionaryWithoutNulls, .dictionaryOfEight: return (0..<rows).map { _ in next() % 3 != 0 }
        case .plainWithNulls, .dictionary: return (0..<rows).map { _ in let r = next() % 4; return r == 0 ? nil : r != 1 }
        case .constantTrue: return Array(repeating: true, count: rows)
        case .constantFalse: return Array(repeating: false, count: rows)
        case .constantNull: return Array(repeating: nil, count: rows)
        }
    }

    /// A term that answers `truth[row id]` for the rows of the (sub-)batch it gets, in `form`,
    /// and records which row ids it was asked about. Column 0 of the batch holds row ids.
    private func term(_ truth: [Truth], form: Form, seen: @escaping ([Int]) -> Void) -> Evaluator {
        { b in
            let ids = (0..<b.count).map { i -> Int in if case .int(let v) = b.columns[0].value(at: i) { return Int(v) }; return -1 }
            seen(ids)
            let picked = ids.map { truth[$0] }
            switch form {
            case .constantTrue: return .constant(.bool(true), type: .boolean, count: b.count)
            case .constantFalse: return .constant(.bool(false), type: .boolean, count: b.count)
            case .constantNull: return .constant(.null, type: .boolean, count: b.count)
            case .dictionary:
                let dict = Vector(type: .boolean, count: 2, storage: .bool([false, true]))
                let codes = ContiguousArray(picked.map { Int32(($0 ?? false) ? 1 : 0) })
                let validity = ContiguousArray(picked.map { $0 != nil })
                return Vector(type: .boolean, count: b.count, storage: .dictionary(indices: codes, values: dict), validity: validity)
            case .dictionaryWithoutNulls:
                // DictionaryEvaluation's answer for a column without NULLs: codes into per-entry answers
                // (one TRUE entry, as an equality's: AND takes the eight-codes-at-once path, OR not).
                let dict = Vector(type: .boolean, count: 4, storage: .bool([false, true, false, false]))
                let codes = ContiguousArray(picked.enumerated().map { i, t in Int32(t == true ? 1 : [0, 2, 3][i % 3]) })
                return Vector(type: .boolean, count: b.count, storage: .dictionary(indices: codes, values: dict))
            case .dictionaryOfEight:
                // Three TRUE entries and five FALSE ones, as an IN list's: AND takes the block path
                // with three entries compared at once, OR (five entries kept) the row-by-row one.
                let dict = Vector(type: .boolean, count: 8, storage: .bool([false, true, false, true, true, false, false, false]))
                let codes = ContiguousArray(picked.enumerated().map { i, t in Int32(t == true ? [1, 3, 4][i % 3] : [0, 2, 5, 6, 7][i % 5]) })
                return Vector(type: .boolean, count: b.count, storage: .dictionary(indices: codes, values: dict))
            case .plain, .plainWithNulls:
                return Vector(type: .boolean, count: b.count, storage: .bool(ContiguousArray(picked.map { $0 ?? false })),
                              validity: ContiguousArray(picked.map { $0 != nil }))
            }
        }
    }

    func testConjunctionsAndDisjunctionsMatchThreeValuedReference() throws {
        var seed: UInt64 = 1
        let rows = 300
        let ids = Vector(type: .int64, count: rows, storage: .int64(ContiguousArray((0..<rows).map { Int64($0) })))
        let other = Vector(type: .text, count: rows, storage: .constant(.string("x")))
        let batch = Batch(columns: [ids, other], count: rows)
        var cases = 0
        for isAnd in [true, false] {
            for first in Form.allCases {
                for second in Form.allCases {
                    for third in [Form.plainWithNulls, .plain, .dictionary, .dictionaryWithoutNulls, .dictionaryOfEight] {
                        let forms = [first, second, third]
                        let truths = forms.map { answers($0, rows: rows, seed: &seed) }
                        var seenBy: [[Int]] = [[], [], []]
                        let terms = forms.indices.map { k in term(truths[k], form: forms[k], seen: { seenBy[k] += $0 }) }
                        let result = try ConnectiveEvaluation.evaluate(batch, terms: terms, reads: [[0], [0], nil], isAnd: isAnd)
                        // Reference, and the rows each term must see: those still undecided before it.
                        var acc: [Truth] = Array(repeating: isAnd, count: rows)
                        for k in 0..<3 {
                            let undecided = (0..<rows).filter { acc[$0] != !isAnd }
                            XCTAssertEqual(seenBy[k], undecided, "term \(k) of \(forms), \(isAnd ? "AND" : "OR")")
                            for r in 0..<rows { acc[r] = isAnd ? and3(acc[r], truths[k][r]) : or3(acc[r], truths[k][r]) }
                        }
                        XCTAssertEqual(result.count, rows)
                        for r in 0..<rows {
                            let got: Truth = result.isNull(r) ? nil : (result.value(at: r) == .bool(true))
                            XCTAssertEqual(got, acc[r], "row \(r) of \(forms), \(isAnd ? "AND" : "OR")")
                        }
                        // The filter keeps exactly the TRUE rows.
                        let kept = ConnectiveEvaluation.selectedRows(result, count: rows).map(Int.init)
                        XCTAssertEqual(kept, (0..<rows).filter { acc[$0] == true })
                        // A filter's conjunction selects the same rows, each term seeing the same rows.
                        if isAnd {
                            var seenBySelection: [[Int]] = [[], [], []]
                            let selecting = forms.indices.map { k in term(truths[k], form: forms[k], seen: { seenBySelection[k] += $0 }) }
                            let selected = try ConnectiveEvaluation.selectedRows(batch, allOf: selecting, reads: [[0], [0], nil])
                            XCTAssertEqual(selected.map(Int.init), kept, "selection of \(forms)")
                            XCTAssertEqual(seenBySelection, seenBy, "rows the terms of \(forms) saw when selecting")
                        }
                        cases += 1
                    }
                }
            }
        }
        XCTAssertEqual(cases, 2 * 8 * 8 * 5)
    }

    func testUnreadColumnsOfSubBatchesAreNullConstants() throws {
        let rows = 10
        let ids = Vector(type: .int64, count: rows, storage: .int64(ContiguousArray((0..<rows).map { Int64($0) })))
        let wide = Vector(type: .int64, count: rows, storage: .int64(ContiguousArray((0..<rows).map { Int64($0 * 10) })))
        let b = Batch(columns: [ids, wide], count: rows)
        let rowsKept: ContiguousArray<Int32> = [1, 4, 9]
        let sub = rowsKept.withUnsafeBufferPointer { ConnectiveEvaluation.gathered(b, rows: $0, columns: [1]) }
        XCTAssertEqual(sub.count, 3)
        XCTAssertTrue(sub.columns[0].isConstant && sub.columns[0].isNull(0))
        XCTAssertEqual(sub.columns[0].type, .int64)
        XCTAssertEqual((0..<3).map { sub.columns[1].value(at: $0) }, [.int(10), .int(40), .int(90)])
    }

    func testSelectedRowsOfConstantsAndDictionaries() {
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(.constant(.bool(true), type: .boolean, count: 3), count: 3)), [0, 1, 2])
        XCTAssertTrue(ConnectiveEvaluation.selectedRows(.constant(.null, type: .boolean, count: 3), count: 3).isEmpty)
        let dict = Vector(type: .boolean, count: 2, storage: .bool([true, false]))
        let v = Vector(type: .boolean, count: 4, storage: .dictionary(indices: [0, 1, 0, 0], values: dict), validity: [true, true, false, true])
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(v, count: 4)), [0, 3])
        let codes = Vector(type: .boolean, count: 10, storage: .dictionary(indices: [1, 0, 0, 1, 1, 0, 0, 0, 0, 1], values: dict))
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(codes, count: 10)), [1, 2, 5, 6, 7, 8])
        // One TRUE entry: blocks of eight codes without it are passed over whole.
        let equality = Vector(type: .boolean, count: 3, storage: .bool([false, false, true]))
        let spread: [Int32] = (0..<27).map { [3, 9, 17, 24, 25, 26].contains($0) ? 2 : Int32($0 % 2) }
        let sparse = Vector(type: .boolean, count: 27, storage: .dictionary(indices: ContiguousArray(spread), values: equality))
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(sparse, count: 27)), [3, 9, 17, 24, 25, 26])
        // Two to four TRUE entries (an IN list): compared at once; five: row by row.
        for trueEntries in [[1, 5], [0, 2, 7], [1, 3, 4, 6], [0, 1, 2, 3, 4]] {
            let answers = Vector(type: .boolean, count: 8, storage: .bool(ContiguousArray((0..<8).map { trueEntries.contains($0) })))
            let mixed: [Int32] = (0..<43).map { Int32(($0 * 5 + $0 / 7) % 8) }
            let v = Vector(type: .boolean, count: 43, storage: .dictionary(indices: ContiguousArray(mixed), values: answers))
            XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(v, count: 43)).map(Int.init),
                           (0..<43).filter { trueEntries.contains(Int(mixed[$0])) }, "\(trueEntries)")
        }
        // Plain truths are read eight at a time: whole words, a word with one row, and a tail.
        let trueRows: Set<Int> = [0, 8, 9, 15, 16, 18]
        let plain = Vector(type: .boolean, count: 19, storage: .bool(ContiguousArray((0..<19).map { trueRows.contains($0) })))
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(plain, count: 19)).map(Int.init), trueRows.sorted())
    }

    /// A block of eight codes or plain truths is selected by its lanes' mask (every one of the
    /// 256 masks here, in blocks at every offset of the output), its kept positions written at
    /// once: the rows kept are exactly the TRUE ones, in order.
    func testEveryMaskOfEightTruthsSelectsItsRows() {
        let answers = Vector(type: .boolean, count: 6, storage: .bool([false, true, false, true, false, false]))
        var codes: [Int32] = []
        for mask in 0..<256 {
            for lane in 0..<8 { codes.append(mask & (1 << lane) != 0 ? [1, 3][(mask + lane) % 2] : [0, 2, 4, 5][(mask + lane) % 4]) }
        }
        codes += [3, 0, 1]  // a tail shorter than a block
        let v = Vector(type: .boolean, count: codes.count, storage: .dictionary(indices: ContiguousArray(codes), values: answers))
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(v, count: codes.count)).map(Int.init),
                       codes.indices.filter { codes[$0] == 1 || codes[$0] == 3 })
        // Plain truths: eight bytes become the mask.
        let truths = codes.map { $0 == 1 || $0 == 3 }
        let plain = Vector(type: .boolean, count: truths.count, storage: .bool(ContiguousArray(truths)))
        XCTAssertEqual(Array(ConnectiveEvaluation.selectedRows(plain, count: truths.count)).map(Int.init),
                       truths.indices.filter { truths[$0] })
    }

    func testAdjacentSameColumnTermsAreGrouped() {
        let a = BoundExpr.column(0, .int64), b = BoundExpr.column(1, .int64)
        func gt(_ x: BoundExpr) -> BoundExpr { .isNull(x, negated: true) }
        let grouped = ExpressionCompiler.groupedBySingleColumn([gt(a), gt(a), gt(b), gt(a)], isAnd: true)
        XCTAssertEqual(grouped.count, 3, "a,a then b then a again (order kept, no reordering across b)")
        if case .and(let inner) = grouped[0] { XCTAssertEqual(inner.count, 2) } else { XCTFail("first two terms joined") }
    }

    /// SQL over a Parquet scan: filters with NULLs, AND / OR mixes, on both paths (1 and 2 threads).
    func testFiltersOverParquetWithNulls() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let file = url.path + "/Fixtures/lake-tests/dictionary/strings.parquet"
        let s = try Database().connect()
        _ = try s.execute("CREATE VIEW f AS SELECT * FROM read_parquet('\(file)')").allRows()
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)").allRows()
            // The same predicate spelled with AND/OR and with CASE (which is evaluated row by row).
            let pairs = [
                ("s >= 'a' AND s < 'c' AND id % 3 = 0", "CASE WHEN s >= 'a' AND s < 'c' THEN id % 3 = 0 ELSE false END"),
                ("s = 'b' OR id < 10 OR plain IS NULL", "CASE WHEN s = 'b' THEN true WHEN id < 10 THEN true WHEN plain IS NULL THEN true ELSE false END"),
                ("NOT (s = 'b' AND id > 100)", "CASE WHEN s IS NULL AND id > 100 THEN NULL WHEN s = 'b' AND id > 100 THEN false ELSE true END"),
            ]
            for (connective, reference) in pairs {
                let a = try s.execute("SELECT count(*), sum(id) FROM f WHERE \(connective)").allRows()
                let b = try s.execute("SELECT count(*), sum(id) FROM f WHERE \(reference)").allRows()
                XCTAssertEqual(a, b, connective)
                XCTAssertNotEqual(a, [[.int(0), .null]], connective)
            }
            // A filter below a projection that reads fewer columns than the filter.
            let narrow = try s.execute("SELECT id FROM f WHERE s IS NOT NULL AND plain <> 'apple' AND id % 7 = 1 ORDER BY id LIMIT 3").allRows()
            let wide = try s.execute("SELECT id FROM (SELECT id, s, plain FROM f ORDER BY id) t WHERE s IS NOT NULL AND plain <> 'apple' AND id % 7 = 1 LIMIT 3").allRows()
            XCTAssertEqual(narrow, wide)
            XCTAssertEqual(narrow.count, 3)
        }
    }
    /// A call whose arguments are all one value for the batch (here parameters) is computed once
    /// and answers a constant; volatile functions (setseed) still run for every row, an empty
    /// batch raises nothing, and an error is the one the row-by-row call raises.
    func testCallsOverConstantArgumentsRunOncePerBatch() throws {
        let context = ExecutionContext(parameters: [1: .int(7), 2: .int(0)])
        let compiler = PhysicalPlanner(context: context).compiler
        func call(_ name: String, _ args: [BoundExpr]) throws -> BoundExpr {
            let f = try XCTUnwrap(FunctionRegistry.shared.scalar(name))
            let resolution = try XCTUnwrap(f.resolve(args.map(\.type), args.map { _ in false }))
            return .call(BoundFunction(name: name, resolution: resolution), args)
        }
        let seven = BoundExpr.parameter(1, .int64), zero = BoundExpr.parameter(2, .int64)
        let rows = Batch(columns: [Vector.from((0..<5).map { Value.int(Int64($0)) }, type: .int64)], count: 5)
        let sum = try compiler.compile(try call("+", [seven, seven]))(rows)
        XCTAssertTrue(sum.isConstant)
        XCTAssertEqual((0..<5).map { sum.value(at: $0) }, Array(repeating: .int(14), count: 5))
        // A column among the arguments: the plain per-row kernel.
        let mixed = try compiler.compile(try call("+", [seven, .column(0, .int64)]))(rows)
        XCTAssertEqual((0..<5).map { mixed.value(at: $0) }, (7..<12).map { .int(Int64($0)) })
        // Division by zero: 22012 as row by row; over no rows, nothing.
        let divide = try compiler.compile(try call("/", [seven, zero]))
        XCTAssertThrowsError(try divide(rows)) { XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.divisionByZero) }
        XCTAssertEqual(try divide(Batch(columns: [Vector.from([], type: .int64)], count: 0)).count, 0)
        // setseed is volatile: it is not folded into one call (its kernel sees all five rows).
        let seeded = try compiler.compile(try call("setseed", [.literal(.double(0.5), .float64)]))(rows)
        XCTAssertFalse(seeded.isConstant)
        XCTAssertEqual(seeded.count, 5)
    }
}
