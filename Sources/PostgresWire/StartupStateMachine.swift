// The start-up and authentication phase of a connection as a pure state
// machine: frontend messages in, actions out. It answers SSLRequest and
// GSSENCRequest, forwards CancelRequest, checks the database name, and runs
// trust, cleartext-password or SCRAM-SHA-256 authentication against the
// credential store. The NIO handler only executes the actions.

import Columnar
import Foundation

public enum AuthenticationMethod: String, Sendable, CaseIterable {
    case trust
    /// Cleartext password checked against the SCRAM verifier (only over TLS).
    case password
    /// Asked for by old configurations: PostgreSQL uses SCRAM when the stored
    /// password is a SCRAM verifier, and LakeSQL stores only those, so md5 means SCRAM here.
    case md5
    case scramSHA256 = "scram-sha-256"
}

/// Where the server finds users' SCRAM verifiers.
public protocol CredentialStore: Sendable {
    /// The user's verifier in PostgreSQL's text form, or nil if the user does not exist or cannot log in.
    func verifier(for user: String) -> String?
}

/// Users and passwords held in memory (tests, `--password-file`).
public struct InMemoryCredentials: CredentialStore {
    public var verifiers: [String: String]
    public init(verifiers: [String: String] = [:]) { self.verifiers = verifiers }
    /// Adds a user with a password (stored as a freshly salted verifier).
    public mutating func add(user: String, password: String, iterations: Int = 4096) {
        var salt = [UInt8](repeating: 0, count: 16)
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255) }
        verifiers[user] = SCRAMVerifier(password: password, salt: salt, iterations: iterations).text
    }
    public func verifier(for user: String) -> String? { verifiers[user] }
}

public struct StartupConfiguration: Sendable {
    public var authentication: AuthenticationMethod
    public var databaseName: String
    public var tlsAvailable: Bool
    /// Per-server secret for mock SCRAM salts of unknown users.
    public var mockSecret: [UInt8]
    public init(authentication: AuthenticationMethod, databaseName: String, tlsAvailable: Bool, mockSecret: [UInt8]) {
        self.authentication = authentication; self.databaseName = databaseName
        self.tlsAvailable = tlsAvailable; self.mockSecret = mockSecret
    }
}

public enum StartupAction: Equatable, Sendable {
    case send(BackendMessage)
    /// Send 'S' was queued just before: start TLS now.
    case startTLS
    case cancel(processID: Int32, secretKey: Int32)
    /// Authentication is complete: create the session for this user and start the query phase.
    case authenticated(user: String, parameters: [String: String])
    case close
}

public struct StartupStateMachine: Sendable {
    enum State: Sendable {
        case initial(negotiated: Bool)
        case awaitingPassword(user: String, parameters: [String: String])
        case awaitingSASLInitial(user: String, parameters: [String: String])
        case awaitingSASLResponse(user: String, parameters: [String: String], exchange: SCRAMServerExchange)
        case done
    }

    var state: State = .initial(negotiated: false)
    let configuration: StartupConfiguration
    let credentials: CredentialStore
    public let peerIsLoopback: Bool
    public var isTLS = false
    let makeNonce: @Sendable () -> String

    public init(configuration: StartupConfiguration, credentials: CredentialStore, peerIsLoopback: Bool,
                makeNonce: @escaping @Sendable () -> String = StartupStateMachine.randomNonce) {
        self.configuration = configuration; self.credentials = credentials
        self.peerIsLoopback = peerIsLoopback; self.makeNonce = makeNonce
    }

    @Sendable public static func randomNonce() -> String {
        var bytes = [UInt8](repeating: 0, count: 18)
        var rng = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        return Data(bytes).base64EncodedString()
    }

    static func fatal(_ state: String, _ message: String, hint: String? = nil) -> [StartupAction] {
        [.send(.error(ErrorFields(severity: "FATAL", sqlState: state, message: message, hint: hint))), .close]
    }

    public var isAuthenticated: Bool { if case .done = state { return true }; return false }

    public mutating func receive(_ message: FrontendMessage) -> [StartupAction] {
        switch (state, message) {
        case (.initial(let negotiated), .sslRequest):
            guard !negotiated else { return Self.fatal(SQLState.protocolViolation, "unexpected SSL request after negotiation") }
            state = .initial(negotiated: true)
            if configuration.tlsAvailable { return [.send(.sslResponse(true)), .startTLS] }
            return [.send(.sslResponse(false))]
        case (.initial(let negotiated), .gssEncRequest):
            guard !negotiated else { return Self.fatal(SQLState.protocolViolation, "unexpected GSSENC request after negotiation") }
            state = .initial(negotiated: true)
            return [.send(.sslResponse(false))]
        case (.initial, .cancelRequest(let pid, let key)):
            // Clients may negotiate SSL first (asyncpg does); the cancel counts either way.
            state = .done
            return [.cancel(processID: pid, secretKey: key), .close]
        case (.initial, .startup(_, let parameters)):
            return startup(parameters)
        case (.awaitingPassword(let user, let parameters), .password(let bytes)):
            // PasswordMessage: the password as a C string.
            let password = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            let verifier = credentials.verifier(for: user).flatMap(SCRAMVerifier.init)
            let check = verifier ?? SCRAMVerifier.mock(user: user, secret: configuration.mockSecret)
            let ok = check.matches(password: password) && verifier != nil
            return ok ? succeed(user: user, parameters: parameters) : passwordFailed(user)
        case (.awaitingSASLInitial(let user, let parameters), .password(let bytes)):
            var body = bytes[...]
            guard let nul = body.firstIndex(of: 0) else { return Self.fatal(SQLState.protocolViolation, "malformed SASLInitialResponse") }
            let mechanism = String(decoding: body[body.startIndex..<nul], as: UTF8.self)
            body = body[(nul + 1)...]
            guard mechanism == "SCRAM-SHA-256" else {
                return Self.fatal(SQLState.protocolViolation, "client selected an invalid SASL authentication mechanism")
            }
            guard body.count >= 4 else { return Self.fatal(SQLState.protocolViolation, "malformed SASLInitialResponse") }
            let length = body.prefix(4).reduce(Int32(0)) { $0 << 8 | Int32($1) }
            let data = Array(body.dropFirst(4))
            guard length >= 0, Int(length) == data.count else { return Self.fatal(SQLState.protocolViolation, "malformed SASLInitialResponse") }
            let stored = credentials.verifier(for: user).flatMap(SCRAMVerifier.init)
            var exchange = SCRAMServerExchange(verifier: stored ?? SCRAMVerifier.mock(user: user, secret: configuration.mockSecret),
                                               userExists: stored != nil, serverNonce: makeNonce())
            switch exchange.receiveClientFirst(data) {
            case .challenge(let reply):
                state = .awaitingSASLResponse(user: user, parameters: parameters, exchange: exchange)
                return [.send(.authentication(.saslContinue(reply)))]
            case .failure(let why):
                return Self.fatal(SQLState.protocolViolation, why)
            case .success:
                return Self.fatal(SQLState.protocolViolation, "malformed SCRAM message")
            }
        case (.awaitingSASLResponse(let user, let parameters, let exchange), .password(let bytes)):
            switch exchange.receiveClientFinal(bytes) {
            case .success(let final):
                var actions: [StartupAction] = [.send(.authentication(.saslFinal(final)))]
                actions += succeed(user: user, parameters: parameters)
                return actions
            case .failure(let why):
                if why == "password authentication failed" { return passwordFailed(user) }
                return Self.fatal(SQLState.protocolViolation, why)
            case .challenge:
                return Self.fatal(SQLState.protocolViolation, "malformed SCRAM message")
            }
        case (_, .terminate):
            state = .done
            return [.close]
        default:
            state = .done
            return Self.fatal(SQLState.protocolViolation, "unexpected message during start-up")
        }
    }

    func passwordFailed(_ user: String) -> [StartupAction] {
        Self.fatal(SQLState.invalidPassword, "password authentication failed for user \"\(user)\"")
    }

    mutating func succeed(user: String, parameters: [String: String]) -> [StartupAction] {
        state = .done
        return [.send(.authentication(.ok)), .authenticated(user: user, parameters: parameters)]
    }

    mutating func startup(_ parameters: [String: String]) -> [StartupAction] {
        guard let user = parameters["user"], !user.isEmpty else {
            state = .done
            return Self.fatal(SQLState.invalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet")
        }
        let database = parameters["database"].flatMap { $0.isEmpty ? nil : $0 } ?? user
        guard database == configuration.databaseName else {
            state = .done
            return Self.fatal(SQLState.invalidCatalogName, "database \"\(database)\" does not exist",
                              hint: "This server serves the database \"\(configuration.databaseName)\".")
        }
        if let replication = parameters["replication"], !["false", "off", "no", "0"].contains(replication.lowercased()) {
            state = .done
            return Self.fatal(SQLState.featureNotSupported, "replication connections are not supported")
        }
        switch configuration.authentication {
        case .trust:
            guard peerIsLoopback else {
                state = .done
                return Self.fatal(SQLState.invalidAuthorizationSpecification, "trust authentication is only allowed on loopback connections")
            }
            return succeed(user: user, parameters: parameters)
        case .password:
            guard isTLS else {
                state = .done
                return Self.fatal(SQLState.invalidAuthorizationSpecification, "password authentication requires an SSL connection",
                                  hint: "Connect with sslmode=require.")
            }
            state = .awaitingPassword(user: user, parameters: parameters)
            return [.send(.authentication(.cleartextPassword))]
        case .md5, .scramSHA256:
            state = .awaitingSASLInitial(user: user, parameters: parameters)
            return [.send(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])))]
        }
    }
}
