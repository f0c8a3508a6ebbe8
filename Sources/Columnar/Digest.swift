// Message digests implemented in Swift from their specifications:
// MD5 (RFC 1321), SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104).
// Used by md5()/sha256(), mask_hash and the sqllogictest hash form.
// OWNED BY the CLI/runner work: the signatures below are the contract.

public enum Digest {
    public static func md5(_ bytes: [UInt8]) -> [UInt8] { [] }
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { [] }
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] { [] }
    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [Character] = Array("0123456789abcdef")
        var s = ""
        for b in bytes { s.append(digits[Int(b >> 4)]); s.append(digits[Int(b & 15)]) }
        return s
    }
}
