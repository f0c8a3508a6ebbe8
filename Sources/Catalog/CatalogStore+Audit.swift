// The audit log: one row per statement, appended by the Engine after the
// statement finished (or failed), read back for `lakesql_audit`, pruned by
// the `audit_retention_days` setting. Appends do not bump catalog_version:
// they change no policy, so other processes keep their snapshots.

import Columnar

extension CatalogStore {
    public func appendAudit(_ e: AuditEntry) throws {
        _ = try locked {
            try connection.query("""
                INSERT INTO audit_log (at_us, user_name, roles, client, statement, objects, masks, row_policies,
                                       rows_returned, duration_us, sqlstate)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(e.time), .text(e.user), .text(e.roles.joined(separator: ", ")), .text(e.client), .text(e.statement),
                      .text(e.objects.joined(separator: ", ")), .text(e.masks.joined(separator: ", ")),
                      .text(e.rowPolicies.joined(separator: ", ")), e.rows.map { .integer($0) } ?? .null,
                      .integer(e.durationMicros), .text(e.sqlState)])
        }
    }

    /// The smallest and largest entry ids (nil when the log is empty).
    public func auditIdRange() throws -> ClosedRange<Int64>? {
        guard let row = try query("SELECT min(id), max(id) FROM audit_log").first,
              let lo = row[0].integer, let hi = row[1].integer, lo <= hi else { return nil }
        return lo...hi
    }

    /// Entries in insertion order (oldest first), optionally only those with id > `after`.
    public func auditEntries(after: Int64 = 0, limit: Int = Int.max) throws -> [AuditEntry] {
        let rows = try query("""
            SELECT id, at_us, user_name, roles, client, statement, objects, masks, row_policies, rows_returned, duration_us, sqlstate
            FROM audit_log WHERE id > ? ORDER BY id LIMIT ?
            """, [.integer(after), .integer(Int64(min(limit, Int(Int64.max))))])
        func list(_ v: SQLiteValue) -> [String] {
            guard let t = v.text, !t.isEmpty else { return [] }
            return t.split(separator: ",").map { String($0).trimmingLeadingSpace }
        }
        return rows.map { r in
            var e = AuditEntry(time: r[1].integer ?? 0, user: r[2].text ?? "", roles: list(r[3]), client: r[4].text ?? "",
                               statement: r[5].text ?? "", objects: list(r[6]), masks: list(r[7]), rowPolicies: list(r[8]),
                               rows: r[9].integer, durationMicros: r[10].integer ?? 0, sqlState: r[11].text ?? "")
            e.id = r[0].integer ?? 0
            return e
        }
    }

    /// Deletes entries older than `days` days before `now` (µs); returns how many went.
    @discardableResult
    public func pruneAudit(olderThanDays days: Double, now: Int64) throws -> Int {
        guard days > 0 else { return 0 }
        let cutoff = now - Int64(days * 86_400_000_000)
        return try locked {
            try connection.query("DELETE FROM audit_log WHERE at_us < ?", [.integer(cutoff)])
            return connection.changes
        }
    }
}

extension String {
    var trimmingLeadingSpace: String { String(drop { $0 == " " }) }
}
