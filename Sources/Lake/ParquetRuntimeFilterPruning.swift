// Skipping a Parquet row group by a runtime join filter: once a hash join's
// build side is hashed, the executor knows the range (and for small builds
// the set) of its keys and asks each probe-side morsel whether its row
// group can hold any of them (Execution/RuntimeJoinFilter.swift). Only the
// row group's min/max/null-count statistics and partition values are used,
// which are already in memory, so asking costs no I/O. Conservative like
// ScanPruning: an unusable statistic keeps the row group. A row group that
// stays keeps the predicates for its page index: its read then skips the
// pages none of the keys can be in (never by dictionary or bloom filter,
// whose checks cost a pass over the dictionary or a read per value).

import Columnar
import Planner

extension ParquetRowGroupMorsel {
    func ruledOut(byRuntimeFilter predicates: [ScanPredicate], statistics: ScanStatistics) -> Bool {
        let fields = source.fields
        let ruled = predicates.contains { p in
            let c = p.column
            guard c >= 0, c < fields.count else { return false }
            if c >= source.fileColumnCount {
                return ScanPruning.constantFails(p, value: source.partitionValues[file][c - source.fileColumnCount])
            }
            return ScanPruning.cannotMatch(p, stats: source.chunkStatistics(file: file, rowGroup: rowGroup, column: c), type: fields[c].type)
        }
        // A morsel that stays reads only the pages whose min/max may hold a key (the page index
        // of a column clustered on the key, like l_orderkey, rules out most of them).
        if !ruled { runtimePredicates = predicates }
        // A split row group's parts are asked one by one: only the first part counts the row group.
        if ruled && (part?.index ?? 0) == 0 {
            ScanStatisticsLock.update {
                statistics.rowGroupsScanned -= 1
                statistics.rowGroupsSkipped += 1
                statistics.rowGroupsSkippedByRuntimeFilter += 1
            }
        }
        return ruled
    }
}
