// Tests for md5() and sha256() (skipped while Columnar's Digest is still a stub).

import XCTest
@testable import Functions
import Columnar

final class HashingFunctionsTests: XCTestCase {
    func testMD5AndSHA256() throws {
        XCTAssertEqual(try call("md5", txt("abc")).type, .text)
        XCTAssertEqual(try call("sha256", lit("abc")).type, .bytea)
        XCTAssertEqual(try s("md5", nul(.text)), "NULL")
        try XCTSkipIf(Digest.md5([]).isEmpty, "Digest.md5/sha256 not implemented yet")
        XCTAssertEqual(try s("md5", txt("abc")), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(try s("md5", bytes(Array("abc".utf8))), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(try s("sha256", lit("abc")), "\\xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
