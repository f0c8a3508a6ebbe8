// Late materialisation inside a scan: the contract between the physical
// planner, which owns a compiled filter, and a table source that can decode
// the filter's columns first, run the filter, and decode the other columns
// only for the rows that survive (pages where every row fails are never
// read). Unlike ScanPredicate, which only skips data and leaves every row to
// the filter above, a ScanRowFilter decides rows: the planner removes the
// filter stage it was taken from, so it is evaluated exactly once, over the
// same rows, batch by batch as before.

import Columnar

public struct ScanRowFilter {
    /// Positions in the scan's output (indexes into the requested columns) the filter reads.
    public let reads: Set<Int>
    /// Output positions the operators above read (nil: all). The others may be left as NULL
    /// placeholders of their type in the surviving rows, as the filter stage left them.
    public let keeps: Set<Int>?
    /// The rows of a batch the filter keeps, ascending. The batch carries the real values at
    /// the `reads` positions; the other positions may be NULL placeholders.
    public let select: (Batch) throws -> ContiguousArray<Int32>
    /// Read positions (text or integer columns no kept position shares) that `select` sees as
    /// the boolean answers of a test instead of their values, NULL where the value is NULL: the
    /// source runs the test as it decodes the column (a PLAIN page's values where they lie, no
    /// string or integer column built). The filter reads those positions only through the test.
    public let valueTests: [Int: any ScanValueTest]

    public init(reads: Set<Int>, keeps: Set<Int>?, valueTests: [Int: any ScanValueTest] = [:],
                select: @escaping (Batch) throws -> ContiguousArray<Int32>) {
        self.reads = reads; self.keeps = keeps; self.valueTests = valueTests; self.select = select
    }

    /// Whether output position `p` is materialised for the surviving rows.
    public func keeps(_ p: Int) -> Bool { keeps?.contains(p) ?? true }
}

/// A table source that can run a ScanRowFilter while it reads (Parquet tables).
public protocol RowFilteringTableSource: TableSource {
    /// Like `morsels(columns:predicates:statistics:)`, but each morsel hands out only the rows
    /// `filter` keeps, with the positions it does not keep as NULL placeholders.
    func morsels(columns: [Int], predicates: [ScanPredicate], filter: ScanRowFilter,
                 statistics: ScanStatistics) throws -> [ScanMorsel]
}
