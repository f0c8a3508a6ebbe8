// Where a result column comes from, for the wire protocol's RowDescription
// (table OID + attribute number) and so for clients' ResultSetMetaData.
// As in PostgreSQL (parse_target.c, markTargetListOrigin), only a select item
// that is a plain column reference has an origin: the table or view named in
// FROM (a view is reported itself, not the tables under it), followed through
// joins, USING merges and derived tables/CTEs; expressions, set operations
// and table functions have none. Metadata only: policies are applied as usual.

import Columnar

public struct ColumnOrigin: Hashable, Sendable {
    /// The table or view as the catalog names it.
    public var relation: RelationName
    /// 1-based column position in the relation (pg_attribute.attnum).
    public var attributeNumber: Int
    public init(relation: RelationName, attributeNumber: Int) {
        self.relation = relation; self.attributeNumber = attributeNumber
    }
}

extension BoundQuery {
    /// The origin of output column i (nil when it is not a plain column of a table or view).
    public func origin(of i: Int) -> ColumnOrigin? { i < origins.count ? origins[i] : nil }
}
