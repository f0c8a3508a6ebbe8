// Relations, schemas, masking policies, tags, row-level security and row
// policies. Relation and schema writes are plain upserts/deletes: the
// Engine validates the DDL against its in-memory catalog inside the same
// write transaction, then records the result here. Dropping a relation drops
// what hangs off it (grants, masks, tags, row policies), as PostgreSQL does.

import Columnar

extension CatalogStore {
    // MARK: Schemas and relations

    public func putSchema(_ name: String, owner: String) throws {
        try write {
            try connection.query("INSERT OR REPLACE INTO schemas VALUES (?, ?)", [.text(name), .text(owner)])
            try bumpVersion()
        }
    }

    /// Drops a schema with every relation in it.
    public func deleteSchema(_ name: String) throws {
        try write {
            for ref in try snapshot().relations.keys where ref.schema == name { try deleteRelation(ref) }
            try connection.query("DELETE FROM grants WHERE object_type = 'schema' AND object_name = ?", [.text(name)])
            try connection.query("DELETE FROM schemas WHERE name = ?", [.text(name)])
            try bumpVersion()
        }
    }

    public func putRelation(_ r: RelationRecord) throws {
        try write {
            try connection.query("INSERT OR REPLACE INTO relations VALUES (?, ?, ?, ?, ?)",
                                 [.text(r.ref.schema), .text(r.ref.name), .text(r.kind.rawValue), .text(r.owner), .text(r.createSQL)])
            try bumpVersion()
        }
    }

    /// ALTER … OWNER TO: the relation must be stored and the role exist.
    public func setOwner(of ref: RelationRef, to owner: String) throws {
        try write {
            let s = try snapshot()
            try requireRole(owner, in: s)
            guard s.relations[ref] != nil else {
                throw SQLError(SQLState.undefinedTable, "relation \"\(ref)\" is not in the catalog",
                               hint: "Tables of the lake folder have no owner; only created tables, views and external tables do.")
            }
            try connection.query("UPDATE relations SET owner = ? WHERE schema_name = ? AND name = ?",
                                 [.text(owner), .text(ref.schema), .text(ref.name)])
            try bumpVersion()
        }
    }

    public func setSchemaOwner(_ schema: String, to owner: String) throws {
        try write {
            let s = try snapshot()
            try requireRole(owner, in: s)
            guard s.schemas[schema] != nil else { throw SQLError(SQLState.invalidSchemaName, "schema \"\(schema)\" does not exist") }
            try connection.query("UPDATE schemas SET owner = ? WHERE name = ?", [.text(owner), .text(schema)])
            try bumpVersion()
        }
    }

    public func deleteRelation(_ ref: RelationRef) throws {
        try write {
            let key: [SQLiteValue] = [.text(ref.schema), .text(ref.name)]
            try connection.query("DELETE FROM relations WHERE schema_name = ? AND name = ?", key)
            try deletePolicies(on: ref)
            try connection.query("DELETE FROM grants WHERE object_type = 'table' AND object_name = ?", [.text(ref.description)])
            try bumpVersion()
        }
    }

    /// Masks, tags, RLS and row policies of a table (also for lake tables that were never stored).
    public func deletePolicies(on ref: RelationRef) throws {
        try write {
            let key: [SQLiteValue] = [.text(ref.schema), .text(ref.name)]
            for table in ["column_masks", "column_tags", "rls_tables", "row_policies"] {
                try connection.query("DELETE FROM \(table) WHERE schema_name = ? AND table_name = ?", key)
            }
            try bumpVersion()
        }
    }

    // MARK: Masking policies

    public func createMaskingPolicy(_ p: MaskingPolicyRecord, orReplace: Bool = false, ifNotExists: Bool = false) throws {
        try write {
            if try snapshot().maskingPolicies[p.name] != nil {
                if ifNotExists { return }
                if !orReplace { throw SQLError(SQLState.duplicateObject, "masking policy \"\(p.name)\" already exists") }
            }
            try connection.query("INSERT OR REPLACE INTO masking_policies VALUES (?, ?, ?, ?, ?)",
                                 [.text(p.name), .text(p.parameterName), .text(p.parameterType), .text(p.returnType), .text(p.bodySQL)])
            try bumpVersion()
        }
    }

    /// Refused (2BP01) while a column or a tag uses the policy.
    public func dropMaskingPolicy(_ name: String, ifExists: Bool = false) throws {
        try write {
            let s = try snapshot()
            guard s.maskingPolicies[name] != nil else {
                if ifExists { return }
                throw SQLError(SQLState.undefinedObject, "masking policy \"\(name)\" does not exist")
            }
            var users = s.columnMasks.filter { $0.value == name }.map { "column \($0.key.table).\($0.key.column)" }
            users += s.tagPolicies.filter { $0.value.contains(name) }.map { "tag \($0.key)" }
            if !users.isEmpty {
                throw SQLError("2BP01", "cannot drop masking policy \(name) because other objects depend on it",
                               detail: users.sorted().joined(separator: "\n"),
                               hint: "UNSET the masking policy on those columns and tags first.")
            }
            try connection.query("DELETE FROM masking_policies WHERE name = ?", [.text(name)])
            try bumpVersion()
        }
    }

    func requireMaskingPolicy(_ name: String, in s: GovernanceSnapshot) throws -> MaskingPolicyRecord {
        guard let p = s.maskingPolicies[name] else { throw SQLError(SQLState.undefinedObject, "masking policy \"\(name)\" does not exist") }
        return p
    }

    public func setColumnMask(_ column: ColumnRef, policy: String) throws {
        try write {
            _ = try requireMaskingPolicy(policy, in: try snapshot())
            try connection.query("INSERT OR REPLACE INTO column_masks VALUES (?, ?, ?, ?)",
                                 [.text(column.table.schema), .text(column.table.name), .text(column.column), .text(policy)])
            try bumpVersion()
        }
    }

    public func unsetColumnMask(_ column: ColumnRef) throws {
        try write {
            try connection.query("DELETE FROM column_masks WHERE schema_name = ? AND table_name = ? AND column_name = ?",
                                 [.text(column.table.schema), .text(column.table.name), .text(column.column)])
            try bumpVersion()
        }
    }

    // MARK: Tags

    public func createTag(_ name: String, ifNotExists: Bool = false) throws {
        try write {
            if try snapshot().tags.contains(name) {
                if ifNotExists { return }
                throw SQLError(SQLState.duplicateObject, "tag \"\(name)\" already exists")
            }
            try connection.query("INSERT INTO tags VALUES (?)", [.text(name)])
            try bumpVersion()
        }
    }

    /// Drops a tag with its column assignments and policy attachments.
    public func dropTag(_ name: String, ifExists: Bool = false) throws {
        try write {
            guard try snapshot().tags.contains(name) else {
                if ifExists { return }
                throw SQLError(SQLState.undefinedObject, "tag \"\(name)\" does not exist")
            }
            try connection.query("DELETE FROM tags WHERE name = ?", [.text(name)])
            try bumpVersion()
        }
    }

    func requireTag(_ name: String, in s: GovernanceSnapshot) throws {
        guard s.tags.contains(name) else { throw SQLError(SQLState.undefinedObject, "tag \"\(name)\" does not exist") }
    }

    public func setColumnTag(_ column: ColumnRef, tag: String) throws {
        try write {
            try requireTag(tag, in: try snapshot())
            try connection.query("INSERT OR IGNORE INTO column_tags VALUES (?, ?, ?, ?)",
                                 [.text(column.table.schema), .text(column.table.name), .text(column.column), .text(tag)])
            try bumpVersion()
        }
    }

    public func unsetColumnTag(_ column: ColumnRef, tag: String) throws {
        try write {
            try requireTag(tag, in: try snapshot())
            try connection.query("DELETE FROM column_tags WHERE schema_name = ? AND table_name = ? AND column_name = ? AND tag = ?",
                                 [.text(column.table.schema), .text(column.table.name), .text(column.column), .text(tag)])
            try bumpVersion()
        }
    }

    /// Attaches a masking policy to a tag; one per parameter type (a policy of the same
    /// type replaces the previous one).
    public func setTagPolicy(tag: String, policy: String) throws {
        try write {
            let s = try snapshot()
            try requireTag(tag, in: s)
            let p = try requireMaskingPolicy(policy, in: s)
            for other in s.tagPolicies[tag] ?? [] where other != policy {
                if s.maskingPolicies[other]?.parameterType == p.parameterType {
                    try connection.query("DELETE FROM tag_policies WHERE tag = ? AND policy = ?", [.text(tag), .text(other)])
                }
            }
            try connection.query("INSERT OR IGNORE INTO tag_policies VALUES (?, ?)", [.text(tag), .text(policy)])
            try bumpVersion()
        }
    }

    /// Detaches `policy` (or every policy, when nil) from a tag.
    public func unsetTagPolicy(tag: String, policy: String?) throws {
        try write {
            try requireTag(tag, in: try snapshot())
            if let policy {
                try connection.query("DELETE FROM tag_policies WHERE tag = ? AND policy = ?", [.text(tag), .text(policy)])
            } else {
                try connection.query("DELETE FROM tag_policies WHERE tag = ?", [.text(tag)])
            }
            try bumpVersion()
        }
    }

    // MARK: Row-level security

    public func setRowLevelSecurity(_ table: RelationRef, enabled: Bool) throws {
        try write {
            if enabled {
                try connection.query("INSERT OR IGNORE INTO rls_tables VALUES (?, ?)", [.text(table.schema), .text(table.name)])
            } else {
                try connection.query("DELETE FROM rls_tables WHERE schema_name = ? AND table_name = ?", [.text(table.schema), .text(table.name)])
            }
            try bumpVersion()
        }
    }

    public func createRowPolicy(_ p: RowPolicyRecord, orReplace: Bool = false) throws {
        try write {
            let s = try snapshot()
            for r in p.roles where r != "public" { try requireRole(r, in: s) }
            if s.rowPolicies[p.table]?.contains(where: { $0.name == p.name }) ?? false {
                if !orReplace {
                    throw SQLError(SQLState.duplicateObject, "policy \"\(p.name)\" for table \"\(p.table.name)\" already exists")
                }
                try connection.query("DELETE FROM row_policies WHERE schema_name = ? AND table_name = ? AND name = ?",
                                     [.text(p.table.schema), .text(p.table.name), .text(p.name)])
            }
            try connection.query("INSERT INTO row_policies VALUES (?, ?, ?, ?)",
                                 [.text(p.table.schema), .text(p.table.name), .text(p.name), .text(p.usingSQL)])
            for (i, r) in p.roles.enumerated() {
                try connection.query("INSERT INTO row_policy_roles VALUES (?, ?, ?, ?, ?)",
                                     [.text(p.table.schema), .text(p.table.name), .text(p.name), .integer(Int64(i)), .text(r)])
            }
            try bumpVersion()
        }
    }

    public func dropRowPolicy(_ name: String, on table: RelationRef, ifExists: Bool = false) throws {
        try write {
            guard try snapshot().rowPolicies[table]?.contains(where: { $0.name == name }) ?? false else {
                if ifExists { return }
                throw SQLError(SQLState.undefinedObject, "policy \"\(name)\" for table \"\(table.name)\" does not exist")
            }
            try connection.query("DELETE FROM row_policies WHERE schema_name = ? AND table_name = ? AND name = ?",
                                 [.text(table.schema), .text(table.name), .text(name)])
            try bumpVersion()
        }
    }
}
