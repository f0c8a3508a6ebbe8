// RowDescription's table OID and attribute number per result column: the
// binder's ColumnOrigin (a table or view and a 1-based position) mapped to
// the pg_class OID that this session's pg_catalog lists, so that clients
// (pgjdbc's ResultSetMetaData) can join a result column to pg_attribute.
// Zeros where a column has no origin or the relation is not listed.

import Columnar
import Planner

/// What RowDescription says about where a column comes from.
public struct ResultColumnSource: Equatable, Sendable {
    public var tableOID: Int32
    public var attributeNumber: Int16
    public init(tableOID: Int32, attributeNumber: Int16) { self.tableOID = tableOID; self.attributeNumber = attributeNumber }
    public static let none = ResultColumnSource(tableOID: 0, attributeNumber: 0)
}

extension Session {
    /// One source per column of `count`. Building the pg_catalog view costs about a millisecond
    /// (debug build, demo lake) per statement, so OIDs are remembered per session until a statement
    /// that may change the catalog (DDL, grants, SET ROLE: anything but a query) runs. OIDs are
    /// name-derived (CatalogSnapshot.relationOID), so another session's DROP and CREATE of the same
    /// name keeps them.
    public func columnSources(_ origins: [ColumnOrigin?], count: Int) -> [ResultColumnSource] {
        guard origins.contains(where: { $0 != nil }) else { return Array(repeating: .none, count: count) }
        var oids: [RelationName: Int32] = [:]
        return (0..<count).map { i in
            guard i < origins.count, let origin = origins[i], let attnum = Int16(exactly: origin.attributeNumber) else { return .none }
            if oids[origin.relation] == nil {
                if let known = rowDescriptionOIDs[origin.relation] {
                    oids[origin.relation] = known
                } else {
                    let oid = currentRelationOID(origin.relation)
                    oids[origin.relation] = oid ?? 0
                    if let oid { rowDescriptionOIDs[origin.relation] = oid }
                }
            }
            let oid = oids[origin.relation] ?? 0
            return oid == 0 ? .none : ResultColumnSource(tableOID: oid, attributeNumber: attnum)
        }
    }

    public func columnSources(of result: QueryResult) -> [ResultColumnSource] {
        columnSources(result.columnOrigins, count: result.fields.count)
    }

    /// The relation's OID; a pg_catalog view cached from before a CREATE in this session is rebuilt once.
    private func currentRelationOID(_ relation: RelationName) -> Int32? {
        if let oid = relationOID(schema: relation.schema, name: relation.name) { return oid }
        statementSystemCatalog = nil
        return relationOID(schema: relation.schema, name: relation.name)
    }
}

/// The binder's ColumnOrigin under the Engine's name, for layers that do not import Planner (the wire).
public typealias ResultColumnOrigin = ColumnOrigin
