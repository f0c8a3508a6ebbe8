// SCRAM-SHA-256 password verifiers (RFC 5802 / RFC 7677) in PostgreSQL's
// storage format: `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`
// (base64). SaltedPassword = PBKDF2-HMAC-SHA256(password, salt, iterations);
// ClientKey = HMAC(SaltedPassword, "Client Key"); StoredKey = SHA256(ClientKey);
// ServerKey = HMAC(SaltedPassword, "Server Key"). The password itself is never
// stored. Passwords are used as their UTF-8 bytes (PostgreSQL applies SASLprep
// first; for ASCII passwords the two agree).

import Columnar

public enum ScramVerifier {
    public static let defaultIterations = 4096

    /// A verifier for `password` with a fresh random 16-byte salt.
    public static func make(password: String, iterations: Int = defaultIterations) throws -> String {
        make(password: password, salt: try randomBytes(16), iterations: iterations)
    }

    public static func make(password: String, salt: [UInt8], iterations: Int) -> String {
        let salted = pbkdf2SHA256(password: Array(password.utf8), salt: salt, iterations: iterations, length: 32)
        let clientKey = Digest.hmacSHA256(key: salted, message: Array("Client Key".utf8))
        let storedKey = Digest.sha256(clientKey)
        let serverKey = Digest.hmacSHA256(key: salted, message: Array("Server Key".utf8))
        return "SCRAM-SHA-256$\(iterations):\(Base64.encode(salt))$\(Base64.encode(storedKey)):\(Base64.encode(serverKey))"
    }

    /// The parts of a stored verifier, or nil when it is not in the expected format.
    public static func parse(_ verifier: String) -> (iterations: Int, salt: [UInt8], storedKey: [UInt8], serverKey: [UInt8])? {
        let parts = verifier.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "SCRAM-SHA-256" else { return nil }
        let head = parts[1].split(separator: ":"), keys = parts[2].split(separator: ":")
        guard head.count == 2, keys.count == 2, let iterations = Int(head[0]), iterations > 0,
              let salt = Base64.decode(String(head[1])), let stored = Base64.decode(String(keys[0])),
              let server = Base64.decode(String(keys[1])), stored.count == 32, server.count == 32 else { return nil }
        return (iterations, salt, stored, server)
    }

    /// Whether `password` matches `verifier` (for local checks and tests; the wire uses the SCRAM exchange).
    public static func matches(password: String, verifier: String) -> Bool {
        guard let v = parse(verifier) else { return false }
        return make(password: password, salt: v.salt, iterations: v.iterations) == verifier
    }

    /// PBKDF2 (RFC 8018) with HMAC-SHA256 as the pseudo-random function.
    public static func pbkdf2SHA256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var output: [UInt8] = []
        var block: UInt32 = 1
        while output.count < length {
            var u = Digest.hmacSHA256(key: password, message: salt + [UInt8(block >> 24), UInt8((block >> 16) & 0xff),
                                                                       UInt8((block >> 8) & 0xff), UInt8(block & 0xff)])
            var t = u
            if iterations > 1 {
                for _ in 1..<iterations {
                    u = Digest.hmacSHA256(key: password, message: u)
                    for i in 0..<t.count { t[i] ^= u[i] }
                }
            }
            output += t
            block += 1
        }
        return Array(output.prefix(length))
    }
}

/// Standard base64 (RFC 4648) with padding.
public enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// nil for anything that is not valid padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            var values: [UInt8] = []
            var padding = 0
            for c in chars[i..<(i + 4)] {
                if c == UInt8(ascii: "=") { padding += 1; values.append(0); continue }
                guard padding == 0, let v = alphabet.firstIndex(of: c) else { return nil }
                values.append(UInt8(v))
            }
            guard padding <= 2, padding == 0 || i + 4 == chars.count else { return nil }
            out.append(values[0] << 2 | values[1] >> 4)
            if padding < 2 { out.append((values[1] & 15) << 4 | values[2] >> 2) }
            if padding < 1 { out.append((values[2] & 3) << 6 | values[3]) }
            i += 4
        }
        return out
    }
}
