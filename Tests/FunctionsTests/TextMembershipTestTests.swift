// TextMembershipTest (`=`, `<>`, `[NOT] IN` against text constants, run by a
// Parquet reader on values where a page stores them) answers byte-wise, as
// the comparison operators do: over a column, a length-prefixed page and a
// vector with NULLs.

import XCTest
@testable import Functions
import Columnar

final class TextMembershipTestTests: XCTestCase {
    func testAnswersAgreeOnEveryForm() throws {
        let texts = ["", "a", "ab", "abc", "b", "é", "e\u{301}", "ab", "x y", "Ab", "abd"]
        var column = StringColumn()
        var page: [UInt8] = [1, 2]
        for t in texts {
            column.append(t)
            withUnsafeBytes(of: UInt32(t.utf8.count).littleEndian) { page.append(contentsOf: $0) }
            page.append(contentsOf: Array(t.utf8))
        }
        for (values, negated) in [(["ab"], false), (["ab"], true), (["", "é", "abd", "zz"], false), (["", "é", "abd"], true),
                                  ([String](), false), (["ab", "ab"], false)] {
            let test = TextMembershipTest(values: values.map { Array($0.utf8) }, negated: negated)
            let expected = ContiguousArray(texts.map { t in values.map { Array($0.utf8) }.contains(Array(t.utf8)) != negated })  // bytes: Swift's == would equate é and e + U+0301
            XCTAssertEqual(test.test(column, count: texts.count), expected, "\(values) \(negated)")
            var answers: ContiguousArray<Bool> = []
            let end = page.withUnsafeBytes { test.testLengthPrefixed($0.baseAddress!, from: 2, end: $0.count, count: texts.count, into: &answers) }
            XCTAssertEqual(end, page.count)
            XCTAssertEqual(answers, expected, "page: \(values) \(negated)")
            let cut = page.withUnsafeBytes { test.testLengthPrefixed($0.baseAddress!, from: 2, end: $0.count - 1, count: texts.count, into: &answers) }
            XCTAssertNil(cut, "a value cut by the page's end")
            XCTAssertEqual(answers, expected, "a refused page appends nothing")
        }
        // é composed and decomposed are different bytes: no normalisation, as with `=`.
        let composed = TextMembershipTest(values: [Array("é".utf8)], negated: false)
        XCTAssertEqual(composed.test(column, count: texts.count).enumerated().filter(\.element).map(\.offset), [5])
        let v = Vector.from([.string("ab"), .null, .string("b")], type: .text)
        let answered = TextMembershipTest(values: [Array("ab".utf8)], negated: true).test(v)
        XCTAssertEqual((0..<3).map { answered.value(at: $0) }, [.bool(false), .null, .bool(true)])
    }
}
