// Test vectors for the digests in Columnar/Digest.swift: RFC 1321's MD5
// suite, FIPS 180-4 / NIST SHA-256 examples and RFC 4231's HMAC-SHA-256 cases.

import XCTest
@testable import Columnar

final class DigestTests: XCTestCase {
    private func md5(_ s: String) -> String { Digest.hex(Digest.md5(Array(s.utf8))) }
    private func sha(_ s: String) -> String { Digest.hex(Digest.sha256(Array(s.utf8))) }

    func testMD5RFC1321Suite() {
        XCTAssertEqual(md5(""), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(md5("a"), "0cc175b9c0f1b6a831c399e269772661")
        XCTAssertEqual(md5("abc"), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(md5("message digest"), "f96b697d7cb7938d525a2f31aaf161d0")
        XCTAssertEqual(md5("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b")
        XCTAssertEqual(md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                       "d174ab98d277d9f5a5611c2c9f419d9f")
        XCTAssertEqual(md5(String(repeating: "1234567890", count: 8)), "57edf4a22be3c955ac49da2e2107b67a")
    }

    func testMD5StreamingMatchesOneShotAcrossBlockBoundaries() {
        // Lengths around 55/56/64 exercise the padding that spills into a second block.
        for n in [55, 56, 57, 63, 64, 65, 119, 120, 128, 1000] {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var h = MD5Hasher()
            for chunk in stride(from: 0, to: n, by: 13) { h.update(bytes[chunk..<min(n, chunk + 13)]) }
            XCTAssertEqual(Digest.hex(h.finalize()), Digest.hex(Digest.md5(bytes)), "length \(n)")
        }
        XCTAssertEqual(Digest.hex(Digest.md5(Array(repeating: 0x61, count: 56))), "3b0c8ac703f828b04c6c197006d17218")
    }

    func testMD5OfSQLLogicTestValueList() {
        // The sqllogictest hash form: each value followed by "\n".
        var h = MD5Hasher()
        for v in ["1", "2", "3"] { h.update(utf8: v); h.update(utf8: "\n") }
        XCTAssertEqual(Digest.hex(h.finalize()), md5("1\n2\n3\n"))
        XCTAssertEqual(md5("1\n2\n3\n"), "c0710d6b4f15dfa88f600b0e6b624077")
    }

    func testSHA256Vectors() {
        XCTAssertEqual(sha(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(sha("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(Digest.hex(Digest.sha256(Array(repeating: 0x61, count: 1_000_000))),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testHMACSHA256RFC4231() {
        // Test case 1.
        XCTAssertEqual(Digest.hex(Digest.hmacSHA256(key: Array(repeating: 0x0b, count: 20), message: Array("Hi There".utf8))),
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 2: short key.
        XCTAssertEqual(Digest.hex(Digest.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // Test case 6: key longer than the block size is hashed first.
        XCTAssertEqual(Digest.hex(Digest.hmacSHA256(key: Array(repeating: 0xaa, count: 131),
                                                    message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))),
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    func testHexIsLowerCase() {
        XCTAssertEqual(Digest.hex([0x00, 0xab, 0xff, 0x10]), "00abff10")
    }
}
