// The REPL's history file (~/.lakesql_history, under $HOME): one entry per
// line, a multi-line statement kept as one entry with its newlines stored as
// \x01 (psql's trick), appended as each entry is accepted so a killed session
// loses nothing, and trimmed to the last `limit` entries when loaded.
// Anything mentioning a password is never recorded.

import Foundation

public struct HistoryFile {
    public let path: String
    public var limit = 1000

    public init(path: String) { self.path = path }

    /// `$HOME/.lakesql_history` (nil when there is no home to write to).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".lakesql_history")
    }

    /// False for entries that must never reach the file: blank ones and any mentioning a password.
    public static func shouldRecord(_ entry: String) -> Bool {
        if entry.allSatisfy({ $0.isWhitespace }) { return false }
        let lower = entry.lowercased()
        return !lower.contains("password")
    }

    static func encode(_ entry: String) -> String {
        entry.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\u{01}")
    }

    static func decode(_ line: String) -> String { line.replacingOccurrences(of: "\u{01}", with: "\n") }

    /// The stored entries, oldest first; rewrites the file when it holds more than `limit`.
    public func load() -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var entries = String(decoding: data, as: UTF8.self).split(separator: "\n").map { HistoryFile.decode(String($0)) }
        // Entries written by hand (or by an older build) that mention passwords are dropped too.
        entries = entries.filter(HistoryFile.shouldRecord)
        if entries.count > limit {
            entries = Array(entries.suffix(limit))
            let text = entries.map { HistoryFile.encode($0) + "\n" }.joined()
            try? FileReplacement.replace(text, atPath: path, mode: 0o600)
        }
        return entries
    }

    /// Appends one entry (if it may be recorded); the file is created private to the user.
    @discardableResult
    public func append(_ entry: String) -> Bool {
        guard HistoryFile.shouldRecord(entry) else { return false }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        Terminal.write(fd, HistoryFile.encode(entry) + "\n")
        return true
    }
}
