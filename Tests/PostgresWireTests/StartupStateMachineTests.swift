// The start-up/authentication state machine without sockets: SSL and GSS
// negotiation, database name checks, trust only on loopback, password only
// over TLS, and a full SCRAM-SHA-256 exchange computed the client's way
// (RFC 5802), including wrong passwords and unknown users (28P01).

import Columnar
import Foundation
import XCTest
@testable import PostgresWire

final class StartupStateMachineTests: XCTestCase {
    let secret: [UInt8] = Array(repeating: 7, count: 32)

    func machine(_ auth: AuthenticationMethod, tls: Bool = false, loopback: Bool = true, users: [String: String] = [:]) -> StartupStateMachine {
        var credentials = InMemoryCredentials()
        for (u, p) in users {
            credentials.verifiers[u] = SCRAMVerifier(password: p, salt: Array("salt-\(u)".utf8), iterations: 64).text
        }
        return StartupStateMachine(configuration: StartupConfiguration(authentication: auth, databaseName: "lakesql", tlsAvailable: tls,
                                                                       mockSecret: secret),
                                   credentials: credentials, peerIsLoopback: loopback, makeNonce: { "SERVERNONCE" })
    }

    func errorState(_ actions: [StartupAction]) -> String? {
        for a in actions { if case .send(.error(let f)) = a { return f.sqlState } }
        return nil
    }

    func testSSLRequestAnsweredNWithoutTLSAndSWithTLS() {
        var m = machine(.trust)
        XCTAssertEqual(m.receive(.sslRequest), [.send(.sslResponse(false))])
        var t = machine(.trust, tls: true)
        XCTAssertEqual(t.receive(.sslRequest), [.send(.sslResponse(true)), .startTLS])
        // A second negotiation is a protocol violation.
        XCTAssertEqual(errorState(t.receive(.sslRequest)), SQLState.protocolViolation)
    }

    func testGSSEncRequestRefused() {
        var m = machine(.trust)
        XCTAssertEqual(m.receive(.gssEncRequest), [.send(.sslResponse(false))])
    }

    func testTrustOnLoopbackAuthenticates() {
        var m = machine(.trust)
        let actions = m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "bob", "database": "lakesql"]))
        XCTAssertEqual(actions, [.send(.authentication(.ok)), .authenticated(user: "bob", parameters: ["user": "bob", "database": "lakesql"])])
    }

    func testTrustRefusedOffLoopback() {
        var m = machine(.trust, loopback: false)
        let actions = m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "bob", "database": "lakesql"]))
        XCTAssertEqual(errorState(actions), SQLState.invalidAuthorizationSpecification)
        XCTAssertEqual(actions.last, .close)
    }

    func testUnknownDatabaseIs3D000AndDefaultsToUserName() {
        var m = machine(.trust)
        XCTAssertEqual(errorState(m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "bob", "database": "other"]))),
                       SQLState.invalidCatalogName)
        var n = machine(.trust)
        XCTAssertEqual(errorState(n.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "bob"]))),
                       SQLState.invalidCatalogName)
        var o = machine(.trust)
        XCTAssertEqual(errorState(o.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["database": "lakesql"]))),
                       SQLState.invalidAuthorizationSpecification)
    }

    func testPasswordNeedsTLS() {
        var m = machine(.password, users: ["alice": "pw"])
        XCTAssertEqual(errorState(m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "alice", "database": "lakesql"]))),
                       SQLState.invalidAuthorizationSpecification)
        var t = machine(.password, tls: true, users: ["alice": "pw"])
        _ = t.receive(.sslRequest)
        t.isTLS = true
        XCTAssertEqual(t.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "alice", "database": "lakesql"])),
                       [.send(.authentication(.cleartextPassword))])
        XCTAssertEqual(errorState(t.receive(.password(Array("nope".utf8) + [0]))), SQLState.invalidPassword)
        var u = machine(.password, tls: true, users: ["alice": "pw"])
        u.isTLS = true
        _ = u.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "alice", "database": "lakesql"]))
        XCTAssertEqual(u.receive(.password(Array("pw".utf8) + [0])).last,
                       .authenticated(user: "alice", parameters: ["user": "alice", "database": "lakesql"]))
    }

    // MARK: SCRAM

    struct Client {
        let password: String
        let nonce = "CLIENTNONCE"
        var first: String { "n,,n=,r=\(nonce)" }
        func final(serverFirst: String) -> (message: String, serverSignature: String)? {
            var attrs: [String: String] = [:]
            for part in serverFirst.split(separator: ",") { attrs[String(part.prefix(1))] = String(part.dropFirst(2)) }
            guard let r = attrs["r"], let s = attrs["s"], let salt = Data(base64Encoded: s), let i = attrs["i"].flatMap(Int.init) else { return nil }
            let salted = SCRAM.saltedPassword(Array(password.utf8), salt: [UInt8](salt), iterations: i)
            let clientKey = Digest.hmacSHA256(key: salted, message: Array("Client Key".utf8))
            let storedKey = Digest.sha256(clientKey)
            let withoutProof = "c=biws,r=\(r)"
            let auth = Array("n=,r=\(nonce),\(serverFirst),\(withoutProof)".utf8)
            let signature = Digest.hmacSHA256(key: storedKey, message: auth)
            let proof = zip(clientKey, signature).map { $0 ^ $1 }
            let serverKey = Digest.hmacSHA256(key: salted, message: Array("Server Key".utf8))
            let serverSignature = Digest.hmacSHA256(key: serverKey, message: auth)
            return ("\(withoutProof),p=\(Data(proof).base64EncodedString())", "v=\(Data(serverSignature).base64EncodedString())")
        }
    }

    func saslInitial(_ data: String) -> FrontendMessage {
        let bytes = Array(data.utf8)
        let n = Int32(bytes.count)
        return .password(Array("SCRAM-SHA-256".utf8) + [0] + withUnsafeBytes(of: n.bigEndian) { Array($0) } + bytes)
    }

    func runSCRAM(user: String, password: String, users: [String: String]) -> (actions: [StartupAction], expectedFinal: String?) {
        var m = machine(.scramSHA256, users: users)
        let start = m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": user, "database": "lakesql"]))
        XCTAssertEqual(start, [.send(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))])
        let client = Client(password: password)
        guard case .send(.authentication(.saslContinue(let serverFirst)))? = m.receive(saslInitial(client.first)).first,
              let (final, expected) = client.final(serverFirst: String(decoding: serverFirst, as: UTF8.self)) else {
            XCTFail("no server-first message")
            return ([], nil)
        }
        XCTAssertTrue(String(decoding: serverFirst, as: UTF8.self).hasPrefix("r=CLIENTNONCESERVERNONCE,s="))
        return (m.receive(.password(Array(final.utf8))), expected)
    }

    func testSCRAMRightPasswordAuthenticatesAndProvesServer() {
        let (actions, expected) = runSCRAM(user: "alice", password: "s3cret", users: ["alice": "s3cret"])
        guard let expected else { return }
        XCTAssertEqual(actions.first, .send(.authentication(.saslFinal(Array(expected.utf8)))))
        XCTAssertEqual(actions.last, .authenticated(user: "alice", parameters: ["user": "alice", "database": "lakesql"]))
    }

    func testSCRAMWrongPasswordIs28P01() {
        let (actions, _) = runSCRAM(user: "alice", password: "wrong", users: ["alice": "s3cret"])
        XCTAssertEqual(errorState(actions), SQLState.invalidPassword)
        XCTAssertEqual(actions.last, .close)
    }

    func testSCRAMUnknownUserRunsTheSameExchangeAndFailsAlike() {
        let (actions, _) = runSCRAM(user: "mallory", password: "whatever", users: ["alice": "s3cret"])
        guard case .send(.error(let f))? = actions.first else { return XCTFail("expected an error") }
        XCTAssertEqual(f.sqlState, SQLState.invalidPassword)
        XCTAssertEqual(f.message, "password authentication failed for user \"mallory\"")
    }

    func testSCRAMRejectsChannelBindingAndBadMessages() {
        var m = machine(.scramSHA256, users: ["alice": "x"])
        _ = m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "alice", "database": "lakesql"]))
        XCTAssertEqual(errorState(m.receive(saslInitial("p=tls-server-end-point,,n=,r=abc"))), SQLState.protocolViolation)
        var n = machine(.scramSHA256, users: ["alice": "x"])
        _ = n.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "alice", "database": "lakesql"]))
        XCTAssertEqual(errorState(n.receive(.password([1, 2, 3]))), SQLState.protocolViolation)
    }

    func testMD5IsServedWithSCRAM() {
        var m = machine(.md5, users: ["alice": "x"])
        XCTAssertEqual(m.receive(.startup(protocolVersion: ProtocolCodes.version3, parameters: ["user": "alice", "database": "lakesql"])),
                       [.send(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))])
    }

    func testCancelRequestForwardedThenClosed() {
        var m = machine(.trust)
        XCTAssertEqual(m.receive(.cancelRequest(processID: 5, secretKey: 9)), [.cancel(processID: 5, secretKey: 9), .close])
        var n = machine(.trust)
        _ = n.receive(.sslRequest)
        XCTAssertEqual(n.receive(.cancelRequest(processID: 5, secretKey: 9)), [.cancel(processID: 5, secretKey: 9), .close])
    }

    func testQueryBeforeStartupIsAViolation() {
        var m = machine(.trust)
        XCTAssertEqual(errorState(m.receive(.query("SELECT 1"))), SQLState.protocolViolation)
    }

    func testVerifierTextRoundTripsAndRFC7677Vector() {
        // RFC 7677 section 3: user "user", password "pencil".
        let salt = [UInt8](Data(base64Encoded: "W22ZaJ0SNY7soEsUEjb6gQ==")!)
        let v = SCRAMVerifier(password: "pencil", salt: salt, iterations: 4096)
        XCTAssertEqual(SCRAMVerifier(v.text), v)
        var exchange = SCRAMServerExchange(verifier: v, userExists: true, serverNonce: "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0")
        XCTAssertEqual(exchange.receiveClientFirst(Array("n,,n=user,r=rOprNGfwEbeRWgbNEkqO".utf8)),
                       .challenge(Array("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".utf8)))
        let final = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        XCTAssertEqual(exchange.receiveClientFinal(Array(final.utf8)),
                       .success(Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8)))
        XCTAssertNil(SCRAMVerifier("md5abcdef"))
        XCTAssertNil(SCRAMVerifier("SCRAM-SHA-256$x:abc$def:ghi"))
        XCTAssertTrue(v.matches(password: "pencil"))
        XCTAssertFalse(v.matches(password: "pencil2"))
    }
}
