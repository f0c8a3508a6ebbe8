// A join's build rows keep the encoding their batches arrived in when the
// batches share it (concatBatches(keepingEncoding:)): codes into one
// dictionary stay codes, so a dimension's dictionary-coded name reaches a
// GROUP BY above the join as codes. Whatever the encoding, the join's answers
// must equal those over the same rows stored plainly, for inner, outer and
// residual joins, on one thread and on two.

import Columnar
@testable import Engine
@testable import Execution
import Foundation
import XCTest

final class JoinBuildEncodingTests: XCTestCase {
    private func dictionary(_ codes: [Int32], over values: Vector, nulls: [Int] = []) -> Vector {
        let validity: ContiguousArray<Bool>? = nulls.isEmpty ? nil : ContiguousArray(codes.indices.map { !nulls.contains($0) })
        return Vector(type: values.type, count: codes.count, storage: .dictionary(indices: ContiguousArray(codes), values: values),
                      validity: validity)
    }

    private func texts(_ v: Vector) -> [Value] { (0..<v.count).map { v.value(at: $0) } }

    func testPartsCodedIntoOneDictionaryStayCodes() {
        let words = Vector.from([.string("red"), .string("green"), .string("blue")], type: .text)
        let parts = [Batch(columns: [dictionary([0, 2, 1], over: words)]),
                     Batch(columns: [dictionary([2, 2, 0, 1], over: words, nulls: [1])])]
        let fields = [Field(name: "w", type: .text)]
        let kept = concatBatches(parts, fields: fields, keepingEncoding: true)
        guard case .dictionary(let codes, let values) = kept.columns[0].storage else {
            return XCTFail("codes into one dictionary were expanded: \(kept.columns[0].storage)")
        }
        XCTAssert(values === words, "the parts' dictionary itself, not a copy")
        XCTAssertEqual(Array(codes), [0, 2, 1, 2, 2, 0, 1])
        XCTAssertEqual(texts(kept.columns[0]), [.string("red"), .string("blue"), .string("green"), .string("blue"), .null, .string("red"), .string("green")])
        XCTAssertEqual(texts(kept.columns[0]), texts(concatBatches(parts, fields: fields).columns[0]), "same rows as the expanding concat")
        XCTAssertEqual(texts(kept.columns[0].gather([6, 0, 4])), [.string("green"), .string("red"), .null])
    }

    func testPartsOverDifferentDictionariesOrTypesAreConcatenatedPlainly() {
        let a = Vector.from([.string("x"), .string("y")], type: .text), b = Vector.from([.string("y"), .string("z")], type: .text)
        let fields = [Field(name: "w", type: .text)]
        let mixed = concatBatches([Batch(columns: [dictionary([1, 0], over: a)]), Batch(columns: [dictionary([1, 1, 0], over: b)])],
                                  fields: fields, keepingEncoding: true)
        if case .dictionary = mixed.columns[0].storage { XCTFail("two dictionaries cannot share codes") }
        XCTAssertEqual(texts(mixed.columns[0]), [.string("y"), .string("x"), .string("z"), .string("z"), .string("y")])
        // A part typed otherwise than the field (an int32 batch in a bigint column) is converted.
        let ints = concatBatches([Batch(columns: [Vector.from([.int(1), .int(2)], type: .int32)]),
                                  Batch(columns: [Vector.from([.int(3)], type: .int64)])],
                                 fields: [Field(name: "i", type: .int64)], keepingEncoding: true)
        XCTAssertEqual(ints.columns[0].type, .int64)
        XCTAssertEqual(texts(ints.columns[0]), [.int(1), .int(2), .int(3)])
    }

    /// `k` of int_keys.parquet is dictionary-coded in one row group of 10,000 rows (five batches
    /// over one dictionary); `plain_keys` holds the same rows in memory without a dictionary.
    func testJoinsOverADictionaryCodedBuildGiveThePlainAnswers() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let file = url.path + "/Fixtures/lake-tests/dictionary/int_keys.parquet"
        let s = try Database().connect()
        _ = try s.execute("CREATE VIEW coded_keys AS SELECT * FROM read_parquet('\(file)')").allRows()
        _ = try s.execute("CREATE TABLE plain_keys AS SELECT * FROM read_parquet('\(file)')").allRows()
        let queries = [
            // The probe side (20,000 rows) is the larger: the keys table is the build.
            "SELECT d.k, count(*), sum(f.x) FROM generate_series(0, 19999) f(x) JOIN D d ON d.i = f.x % 10000 GROUP BY d.k ORDER BY d.k",
            "SELECT d.k % 7, count(DISTINCT d.k) FROM generate_series(0, 19999) f(x) JOIN D d ON d.i = f.x % 10000 AND d.k > f.x % 5000 GROUP BY 1 ORDER BY 1",
            "SELECT d.i, d.k, f.x FROM generate_series(0, 19999, 3) f(x) RIGHT JOIN D d ON d.i = f.x WHERE d.k < 40 ORDER BY d.i, f.x",
            "SELECT d.k, f.x FROM generate_series(5000, 24999) f(x) FULL JOIN D d ON d.i = f.x WHERE f.x IS NULL OR d.i IS NULL OR f.x % 997 = 0 ORDER BY d.k, f.x",
            "SELECT d.k, count(*) FROM generate_series(0, 19999) f(x) JOIN D d ON d.k = f.x GROUP BY d.k HAVING count(*) > 1 ORDER BY d.k LIMIT 50",
        ]
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)").allRows()
            for q in queries {
                let coded = try s.execute(q.replacingOccurrences(of: "JOIN D", with: "JOIN coded_keys")).allRows()
                let plain = try s.execute(q.replacingOccurrences(of: "JOIN D", with: "JOIN plain_keys")).allRows()
                XCTAssertFalse(coded.isEmpty, q)
                XCTAssertEqual(coded, plain, "threads \(threads): \(q)")
            }
        }
    }
}
