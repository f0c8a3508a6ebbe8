// SCRAM-SHA-256 (RFC 5802/7677) as PostgreSQL does it: verifiers stored as
// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, the user name
// taken from the start-up packet (the one in client-first is ignored), no
// channel binding. The exchange is a small pure state machine; an unknown
// user runs the same exchange against a mock verifier so that failure costs
// the same work and says the same thing.

import Columnar
import Foundation

public struct SCRAMVerifier: Equatable, Sendable {
    public var iterations: Int
    public var salt: [UInt8]
    public var storedKey: [UInt8]
    public var serverKey: [UInt8]

    /// Parses PostgreSQL's verifier text; nil if it is not a SCRAM-SHA-256 verifier.
    public init?(_ text: String) {
        guard text.hasPrefix("SCRAM-SHA-256$") else { return nil }
        let parts = text.dropFirst("SCRAM-SHA-256$".count).split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let a = parts[0].split(separator: ":"), b = parts[1].split(separator: ":")
        guard a.count == 2, b.count == 2, let it = Int(a[0]), it > 0, it <= 10_000_000,
              let salt = Data(base64Encoded: String(a[1])), let sk = Data(base64Encoded: String(b[0])),
              let svk = Data(base64Encoded: String(b[1])), sk.count == 32, svk.count == 32 else { return nil }
        iterations = it; self.salt = [UInt8](salt); storedKey = [UInt8](sk); serverKey = [UInt8](svk)
    }

    public init(password: String, salt: [UInt8], iterations: Int = 4096) {
        let salted = SCRAM.saltedPassword(Array(password.utf8), salt: salt, iterations: iterations)
        let clientKey = Digest.hmacSHA256(key: salted, message: Array("Client Key".utf8))
        self.iterations = iterations
        self.salt = salt
        storedKey = Digest.sha256(clientKey)
        serverKey = Digest.hmacSHA256(key: salted, message: Array("Server Key".utf8))
    }

    public var text: String {
        "SCRAM-SHA-256$\(iterations):\(Data(salt).base64EncodedString())$\(Data(storedKey).base64EncodedString()):\(Data(serverKey).base64EncodedString())"
    }

    /// True if `password` produces this verifier (used by cleartext `password` auth).
    public func matches(password: String) -> Bool {
        let other = SCRAMVerifier(password: password, salt: salt, iterations: iterations)
        return SCRAM.constantTimeEqual(other.storedKey, storedKey) && SCRAM.constantTimeEqual(other.serverKey, serverKey)
    }

    /// A verifier for a user that does not exist: deterministic per user name (so
    /// probing twice shows the same salt) and derived from a per-server secret.
    public static func mock(user: String, secret: [UInt8]) -> SCRAMVerifier {
        let salt = Array(Digest.hmacSHA256(key: secret, message: Array(user.utf8)).prefix(16))
        let key = Digest.hmacSHA256(key: secret, message: Array("stored:\(user)".utf8))
        var v = SCRAMVerifier(password: "", salt: salt, iterations: 1)
        v.iterations = 4096
        v.storedKey = key
        v.serverKey = key
        return v
    }
}

public enum SCRAM {
    /// Hi(password, salt, i) of RFC 5802: PBKDF2-HMAC-SHA-256 with one 32-byte block.
    public static func saltedPassword(_ password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        var u = Digest.hmacSHA256(key: password, message: salt + [0, 0, 0, 1])
        var result = u
        if iterations > 1 {
            for _ in 1..<iterations {
                u = Digest.hmacSHA256(key: password, message: u)
                for k in 0..<result.count { result[k] ^= u[k] }
            }
        }
        return result
    }

    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// One server side of a SCRAM-SHA-256 exchange.
public struct SCRAMServerExchange: Sendable {
    public enum Outcome: Equatable, Sendable {
        /// Send SASLContinue with this data.
        case challenge([UInt8])
        /// Authenticated: send SASLFinal with this data, then AuthenticationOk.
        case success([UInt8])
        /// Wrong password, unknown user or bad message.
        case failure(String)
    }

    let verifier: SCRAMVerifier
    /// False when `verifier` is the mock one: the exchange runs but always fails.
    let userExists: Bool
    let serverNonce: String
    var clientFirstBare = ""
    var serverFirst = ""
    var gs2Header = ""
    var clientNonce = ""

    public init(verifier: SCRAMVerifier, userExists: Bool, serverNonce: String) {
        self.verifier = verifier; self.userExists = userExists; self.serverNonce = serverNonce
    }

    /// Handles client-first-message; returns server-first-message.
    public mutating func receiveClientFirst(_ data: [UInt8]) -> Outcome {
        guard let text = String(validating: data, as: UTF8.self) else { return .failure("malformed SCRAM message") }
        // gs2-header: ("n" | "y" | "p=…") "," [authzid] ","
        let parts = text.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure("malformed SCRAM message") }
        let cbind = parts[0]
        guard cbind == "n" || cbind == "y" else {
            return .failure(cbind.hasPrefix("p=") ? "channel binding is not supported by this server" : "malformed SCRAM message")
        }
        guard parts[1].isEmpty else { return .failure("client uses authorization identity, but it is not supported") }
        gs2Header = "\(parts[0]),\(parts[1]),"
        clientFirstBare = String(parts[2])
        var nonce: Substring?
        for attribute in clientFirstBare.split(separator: ",") where attribute.hasPrefix("r=") { nonce = attribute.dropFirst(2) }
        guard let nonce, !nonce.isEmpty, clientFirstBare.hasPrefix("n=") else {
            return .failure("malformed SCRAM message")
        }
        clientNonce = String(nonce)
        serverFirst = "r=\(clientNonce)\(serverNonce),s=\(Data(verifier.salt).base64EncodedString()),i=\(verifier.iterations)"
        return .challenge(Array(serverFirst.utf8))
    }

    /// Handles client-final-message; checks the proof.
    public func receiveClientFinal(_ data: [UInt8]) -> Outcome {
        guard let text = String(validating: data, as: UTF8.self) else { return .failure("malformed SCRAM message") }
        guard let proofRange = text.range(of: ",p=") else { return .failure("malformed SCRAM message") }
        let withoutProof = String(text[..<proofRange.lowerBound])
        var channel: String?, nonce: String?
        for attribute in withoutProof.split(separator: ",") {
            if attribute.hasPrefix("c=") { channel = String(attribute.dropFirst(2)) }
            if attribute.hasPrefix("r=") { nonce = String(attribute.dropFirst(2)) }
        }
        guard let channel, let channelBytes = Data(base64Encoded: channel), channelBytes == Data(gs2Header.utf8) else {
            return .failure("unexpected SCRAM channel-binding attribute in client-final-message")
        }
        guard nonce == clientNonce + serverNonce else { return .failure("invalid SCRAM response (nonce does not match)") }
        guard let proof = Data(base64Encoded: String(text[proofRange.upperBound...])), proof.count == 32 else {
            return .failure("malformed SCRAM message (malformed proof in client-final-message)")
        }
        let authMessage = Array("\(clientFirstBare),\(serverFirst),\(withoutProof)".utf8)
        let clientSignature = Digest.hmacSHA256(key: verifier.storedKey, message: authMessage)
        var clientKey = [UInt8](proof)
        for i in 0..<clientKey.count { clientKey[i] ^= clientSignature[i] }
        let ok = SCRAM.constantTimeEqual(Digest.sha256(clientKey), verifier.storedKey)
        guard ok && userExists else { return .failure("password authentication failed") }
        let serverSignature = Digest.hmacSHA256(key: verifier.serverKey, message: authMessage)
        return .success(Array("v=\(Data(serverSignature).base64EncodedString())".utf8))
    }
}
