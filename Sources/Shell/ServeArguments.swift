// Arguments of `lakesql serve`, the PostgreSQL wire-protocol server. Parsed
// here (with the other commands, so they can be unit-tested) into plain
// values; the executable maps them onto PostgresWire's ServerOptions.

public struct ServeCommandOptions: Equatable, Sendable {
    public var host = "127.0.0.1"
    public var port = 5433
    public var lakePath: String?
    public var catalogPath: String?
    public var databaseName = "lakesql"
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var maxConnections = 100
    /// scram-sha-256 (default), md5 (served as SCRAM), password (TLS only) or trust (loopback only).
    public var authentication = "scram-sha-256"
    /// `user:password` or `user:SCRAM-SHA-256$…` lines, for servers without a catalog.
    public var passwordFile: String?
    public var shutdownGraceSeconds: Double = 10
    public init() {}
}

extension CLIArguments {
    public static let serveUsage = """
    Usage: lakesql serve [OPTIONS]   serve the lake over the PostgreSQL wire protocol

      --listen HOST:PORT       address to listen on (default 127.0.0.1:5433; port 0 picks a free one)
      --lake DIR               folder whose files and sub-folders become tables
      --catalog FILE           the governance catalog (users, grants, policies)
      --database NAME          the database name clients connect to (default lakesql)
      --auth METHOD            scram-sha-256 (default), md5 (answered with SCRAM), password (needs TLS)
                               or trust (loopback only)
      --password-file FILE     users without a catalog: lines 'user:password' or 'user:SCRAM-SHA-256$…'
      --tls-cert FILE          PEM certificate (chain); with --tls-key enables SSL
      --tls-key FILE           PEM private key
      --max-connections N      connection limit (default 100)
      --shutdown-grace SECONDS on SIGINT/SIGTERM, how long running queries may finish (default 10)

    """

    static func parseServe(_ arguments: [String]) throws -> ServeCommandOptions {
        var options = ServeCommandOptions()
        var reader = ArgumentReader(arguments)
        while let arg = reader.next() {
            switch arg.name {
            case "--listen":
                let value = try reader.value(for: arg)
                guard let colon = value.lastIndex(of: ":"), let port = Int(value[value.index(after: colon)...]),
                      (0...65535).contains(port) else {
                    throw UsageError("--listen needs HOST:PORT, got '\(value)'")
                }
                var host = String(value[..<colon])
                if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                options.host = host.isEmpty ? "127.0.0.1" : host
                options.port = port
            case "--lake": options.lakePath = try reader.value(for: arg)
            case "--catalog": options.catalogPath = try reader.value(for: arg)
            case "--database": options.databaseName = try reader.value(for: arg)
            case "--tls-cert": options.tlsCertificate = try reader.value(for: arg)
            case "--tls-key": options.tlsKey = try reader.value(for: arg)
            case "--password-file": options.passwordFile = try reader.value(for: arg)
            case "--max-connections":
                let value = try reader.value(for: arg)
                guard let n = Int(value), n >= 1 else { throw UsageError("--max-connections needs a positive number, got '\(value)'") }
                options.maxConnections = n
            case "--auth":
                let value = try reader.value(for: arg).lowercased()
                guard ["scram-sha-256", "md5", "password", "trust"].contains(value) else {
                    throw UsageError("unknown --auth method '\(value)' (expected scram-sha-256, md5, password or trust)")
                }
                options.authentication = value
            case "--shutdown-grace":
                options.shutdownGraceSeconds = try seconds(try reader.value(for: arg), for: arg.name)
            case "--help", "-h": throw UsageError(serveUsage)
            default:
                throw UsageError("unknown serve option '\(arg.name)'")
            }
        }
        return options
    }
}
