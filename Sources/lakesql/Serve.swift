// `lakesql serve`: builds the Database, the credential store and the
// PostgresWire server from the parsed options, logs with swift-log, and shuts
// down cleanly on SIGINT/SIGTERM (stop accepting, let running statements
// finish for the grace period, then cancel them).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar
import Dispatch
import Engine
import Foundation
import Logging
import PostgresWire
import Shell

func runServe(_ options: ServeCommandOptions) -> Int32 {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = ProcessInfo.processInfo.environment["LAKESQL_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        return handler
    }
    let logger = Logger(label: "lakesql.serve")
    do {
        guard let method = AuthenticationMethod(rawValue: options.authentication) else {
            throw SQLError(SQLState.invalidParameterValue, "unknown authentication method \(options.authentication)")
        }
        var server = ServerOptions()
        server.host = options.host
        server.port = options.port
        server.databaseName = options.databaseName
        server.authentication = method
        server.tlsCertificate = options.tlsCertificate
        server.tlsKey = options.tlsKey
        server.maxConnections = options.maxConnections
        try PostgresServer.validate(server)
        if options.catalogPath != nil && options.passwordFile != nil {
            throw SQLError(SQLState.invalidParameterValue, "--catalog and --password-file exclude each other: users come from one place")
        }
        let database = try Database(options: DatabaseOptions(lakePath: options.lakePath, catalogPath: options.catalogPath))
        // Users and their verifiers: the governance catalog's login roles, else a password file.
        let credentials: CredentialStore
        if options.catalogPath != nil {
            credentials = DatabaseCredentials(database: database)
        } else if let file = options.passwordFile {
            credentials = try PasswordFile.load(file)
        } else {
            credentials = InMemoryCredentials()
            if method != .trust { logger.warning("no users: pass --catalog (or --password-file) so that clients can log in") }
        }
        let instance = PostgresServer(options: server, credentials: credentials, sessions: DatabaseSessionFactory(database: database),
                                      logger: Logger(label: "lakesql.wire"))
        let address = try instance.start()
        // The bound port on stdout, for scripts that asked for port 0.
        print("listening on \(address.ipAddress ?? options.host):\(address.port ?? options.port)")
        fflush(stdout)

        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let done = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                logger.info("signal received", metadata: ["signal": "\(sig)"])
                done.signal()
            }
            source.resume()
            sources.append(source)
        }
        done.wait()
        instance.shutdown(grace: options.shutdownGraceSeconds)
        return 0
    } catch let error as SQLError {
        logger.error("\(error.message)")
        return 1
    } catch {
        logger.error("\(error)")
        return 1
    }
}

enum PasswordFile {
    /// Lines `user:password` or `user:SCRAM-SHA-256$…`; `#` comments and blank lines ignored.
    static func load(_ path: String) throws -> InMemoryCredentials {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SQLError(SQLState.undefinedFile, "could not read password file \"\(path)\"")
        }
        var credentials = InMemoryCredentials()
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex else {
                throw SQLError(SQLState.invalidParameterValue, "password file \"\(path)\" line \(n + 1): expected user:password")
            }
            let user = String(trimmed[..<colon])
            let secret = String(trimmed[trimmed.index(after: colon)...])
            if secret.hasPrefix("SCRAM-SHA-256$") {
                guard SCRAMVerifier(secret) != nil else {
                    throw SQLError(SQLState.invalidParameterValue, "password file \"\(path)\" line \(n + 1): malformed SCRAM verifier")
                }
                credentials.verifiers[user] = secret
            } else {
                credentials.add(user: user, password: secret)
            }
        }
        return credentials
    }
}
