// The small interface the sqllogictest runner needs from an engine, so the
// runner can be tested with a fake, plus its adapter to the real
// Engine.Session. A "connection" is one session on a fresh, empty database.

import Columnar
import Engine

public protocol SLTConnection: AnyObject {
    /// Runs one statement; the runner drains the result.
    func execute(_ sql: String) throws -> QueryResult
    /// Text options used to render T columns.
    var textOptions: TextFormatOptions { get }
    /// Cancels the running statement; called from the watchdog thread.
    func cancel()
}

public protocol SLTEngine {
    /// A session on a new, empty database (one per test file).
    func connectToFreshDatabase() throws -> SLTConnection
}

extension Session: SLTConnection {}

/// The real engine: every file gets its own in-memory Database.
public struct LakeSQLEngine: SLTEngine {
    public var options: DatabaseOptions
    public init(options: DatabaseOptions = .init()) { self.options = options }

    public func connectToFreshDatabase() throws -> SLTConnection {
        try Database(options: options).connect()
    }
}
