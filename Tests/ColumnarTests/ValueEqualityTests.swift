// Value's equality and hash compare text by its UTF-8 bytes, as `=` does,
// not by Swift's canonical equivalence; exactDescription, which plan
// fingerprints are built from, tells apart every two values == tells apart.

import XCTest
import Columnar

final class ValueEqualityTests: XCTestCase {
    func testTextIsEqualByItsBytes() {
        let composed = Value.string("\u{E9}t\u{E9}"), decomposed = Value.string("e\u{301}te\u{301}")
        XCTAssertEqual("\u{E9}t\u{E9}", "e\u{301}te\u{301}", "Swift's String == equates the two spellings")
        XCTAssertNotEqual(composed, decomposed)
        XCTAssertEqual(composed, .string("\u{E9}t\u{E9}"))
        XCTAssertEqual(Set([composed, decomposed, composed]).count, 2)
        XCTAssertEqual(Set([Value.list([composed]), .list([decomposed])]).count, 2)
        XCTAssertEqual(composed.hashValue, Value.string(String(decoding: Array("\u{E9}t\u{E9}".utf8), as: UTF8.self)).hashValue)
        // Other kinds keep their equality; different kinds never equal.
        XCTAssertEqual(Value.int(3), .int(3))
        XCTAssertNotEqual(Value.int(3), .decimal(3))
        XCTAssertNotEqual(Value.string(""), .null)
        XCTAssertEqual(Set([Value.null, .null, .bool(true), .bytes([1]), .bytes([1])]).count, 3)
    }

    func testExactDescriptionsDifferWhereValuesDo() {
        let values: [Value] = [.string("\u{E9}"), .string("e\u{301}"), .string("\\u{e9}"), .string("\\u{e9}\u{E9}"),
                               .string("\u{E9}\u{E9}"), .string("\"\u{E9}"), .string("\\\"\u{E9}"), .string("plain"),
                               .list([.string("\u{E9}")]), .list([.string("e\u{301}")]), .int(1), .string("1")]
        for (i, a) in values.enumerated() {
            for (j, b) in values.enumerated() where i != j {
                XCTAssertNotEqual(a.exactDescription, b.exactDescription, "\(a) and \(b)")
            }
        }
        XCTAssertEqual(Value.string("plain").exactDescription, "\(Value.string("plain"))", "ASCII text prints as before")
        XCTAssertTrue(Value.string("e\u{301}").exactDescription.utf8.allSatisfy { $0 < 0x80 })
    }
}
