// The EXPLAIN ANALYZE annotation of a scan: files, row groups and pages
// scanned and skipped (row-group skips broken down by cause), bytes read.
// Pages are listed only when a reader counted them; runtime join filters
// (their key ranges, bloom filters and the rows they dropped) when there were any.

import Planner

enum ScanStatisticsText {
    static func render(_ st: ScanStatistics) -> String {
        let causes = [("partitions", st.rowGroupsSkippedByPartition), ("stats", st.rowGroupsSkippedByStatistics),
                      ("pages", st.rowGroupsSkippedByPageIndex), ("dictionary", st.rowGroupsSkippedByDictionary),
                      ("bloom", st.rowGroupsSkippedByBloomFilter),
                      ("runtime filter", st.rowGroupsSkippedByRuntimeFilter)].filter { $0.1 > 0 }
        let why = causes.isEmpty ? "" : " (" + causes.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
        // Pages are listed only when the reader counted some (not for in-memory or text tables).
        let pages = st.pagesScanned + st.pagesSkipped > 0 ? "pages scanned=\(st.pagesScanned) skipped=\(st.pagesSkipped); " : ""
        let tested = st.chunksTestedWhileDecoded > 0 ? "; chunks tested while decoded=\(st.chunksTestedWhileDecoded)" : ""
        return "[files scanned=\(st.filesScanned) skipped=\(st.filesSkipped); "
            + "row groups scanned=\(st.rowGroupsScanned) skipped=\(st.rowGroupsSkipped)\(why); "
            + pages + "bytes read=\(st.bytesRead)\(tested)]" + runtimeFilters(st)
    }

    /// The runtime join filters a pipeline derived for this scan, and the rows they dropped.
    private static func runtimeFilters(_ st: ScanStatistics) -> String {
        guard !st.runtimeFilters.isEmpty else { return "" }
        let rows = st.runtimeFilterRowsChecked > 0
            ? "; rows checked=\(st.runtimeFilterRowsChecked) dropped=\(st.runtimeFilterRowsDropped)" : ""
        return " [runtime filters: " + st.runtimeFilters.joined(separator: "; ") + rows + "]"
    }
}
