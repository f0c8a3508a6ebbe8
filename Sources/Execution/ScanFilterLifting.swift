// Late materialisation, executed: the filter right above a scan in a scan
// pipeline is handed to the table source (ScanRowFilter) when the source
// can run it while it reads (Parquet), so the columns the filter does not
// read are decoded only for the rows that survive. The filter stage is then
// removed from the pipeline: the predicate is evaluated exactly once, over
// the same rows in the same batches as the stage would have seen (the whole
// predicate moves, so AND/OR keep their per-row short-circuit and an error
// a term raises is raised for the same rows). A policy's row filter right
// above the scan moves too; its errors are still sanitized because the
// pipeline stays guarded (source errors under a barrier are sanitized in
// forEachStageOutput). `SET lakesql.late_materialization = off` (default
// from LAKESQL_LATE_MATERIALIZATION) keeps the filter as a stage.

import Columnar
import Foundation
import Planner

extension PhysicalPlanner {
    /// The stage for a filter directly above `scan`: one the scan may run itself when the
    /// source can, the setting allows it, and some column the filter does not read is
    /// produced or some column it reads is value-tested (otherwise the plain stage is as
    /// good: nothing would be decoded later). Nil: a plain stage.
    func scanFilter(_ p: BoundExpr, _ predicate: @escaping RowSelector, output: Set<Int>?, scan: ScanNode) -> PipelineStage? {
        guard lateMaterialization, scan.source is RowFilteringTableSource, let reads = reads([p]), !reads.isEmpty else { return nil }
        let produced = scan.columns.indices.filter { !reads.contains($0) && (output?.contains($0) ?? true) }
        let tested = valueTested(p, output: output)
        guard !produced.isEmpty || tested != nil else { return nil }
        return .filterAboveScan(predicate, reads: reads, keeping: output, tested: tested)
    }

    /// `SET lakesql.late_materialization = off` turns scan filters off (before/after measures, escape hatch).
    var lateMaterialization: Bool { lateMaterializationEnabled(context) }
}

func lateMaterializationEnabled(_ context: ExecutionContext) -> Bool {
    let value = context.functionContext.settings["lakesql.late_materialization"] ?? lateMaterializationDefault
    return !["off", "false", "0"].contains(value.lowercased())
}

private let lateMaterializationDefault = ProcessInfo.processInfo.environment["LAKESQL_LATE_MATERIALIZATION"] ?? "on"

extension Array where Element == PipelineStage {
    /// The filter the scan takes over (late materialisation) — the first stage, or the first
    /// inside a leading policy barrier — and the stages left without it; nil when there is none.
    var leadingScanFilter: (predicate: RowSelector, reads: Set<Int>, keeping: Set<Int>?, tested: ValueTestedFilter?,
                            rest: [PipelineStage])? {
        switch first {
        case .filterAboveScan(let predicate, let reads, let keeping, let tested)?:
            return (predicate, reads, keeping, tested, Array(dropFirst()))
        case .guarded(let inner, let barrier)?:
            guard case .filterAboveScan(let predicate, let reads, let keeping, let tested)? = inner.first else { return nil }
            var rest = self
            rest[0] = .guarded(Array(inner.dropFirst()), barrier)
            return (predicate, reads, keeping, tested, rest)
        default:
            return nil
        }
    }
}

/// Whether `scan` runs row filters while it reads (runtime join filters go there then).
func scansFilterRows(_ scan: ScanNode, context: ExecutionContext) -> Bool {
    scan.source is RowFilteringTableSource && lateMaterializationEnabled(context)
}

/// The morsels of a scan pipeline and the stages left to run over them: when the first
/// stage (or the first inside a leading policy barrier) is a filter the source can run, the
/// source gets it and the stage goes. Morsels `runtimePredicates` (runtime join filters) rule
/// out by their statistics are dropped before the rest are tracked for the progress display.
/// `runtimeRowFilters` (on scan positions; only when `scansFilterRows`) run in the scan after
/// that filter, on the rows it kept: they only drop rows no join above can match.
func pipelineMorsels(_ node: ScanNode, _ stages: [PipelineStage], context: ExecutionContext,
                     runtimePredicates: [ScanPredicate] = [], runtimeRowFilters: [RuntimeJoinFilter] = []) throws
    -> (morsels: [ScanMorsel], stages: [PipelineStage]) {
    if stages.yieldsNothingFromScan { return ([], stages) }
    let guarded = stages.isGuarded
    func kept(_ morsels: [ScanMorsel]) -> [ScanMorsel] {
        guard !runtimePredicates.isEmpty else { return morsels }
        return morsels.filter { !$0.ruledOut(byRuntimeFilter: runtimePredicates, statistics: node.statistics) }
    }
    let lifted = stages.leadingScanFilter
    let remaining = lifted?.rest ?? stages
    guard lifted != nil || !runtimeRowFilters.isEmpty, let source = node.source as? RowFilteringTableSource else {
        let morsels = try node.source.morsels(columns: node.columns, predicates: node.predicates, statistics: node.statistics)
        return (kept(morsels).tracked(by: context.progress, countingRows: !guarded), stages)
    }
    // The progress display counts the rows read, not only those the filter kept (none below a barrier).
    let progress = guarded ? nil : context.progress
    let keyColumns = Set(runtimeRowFilters.flatMap(\.rowColumns))
    // Runtime join filters read their key columns' values: those are never seen through a test.
    let tested = lifted?.tested.flatMap { $0.tests.keys.contains(where: keyColumns.contains) ? nil : $0 }
    let predicate = tested?.predicate ?? lifted?.predicate
    let filter = ScanRowFilter(reads: (lifted?.reads ?? []).union(keyColumns), keeps: lifted?.keeping,
                               valueTests: tested?.tests ?? [:]) { b in
        progress?.scanned(rows: b.count)
        var rows: ContiguousArray<Int32>
        if let predicate {
            rows = try predicate(b)
        } else {
            rows = ContiguousArray((0..<Int32(b.count)))
        }
        return survivingJoinFilters(runtimeRowFilters, b, rows: rows)
    }
    let morsels = try source.morsels(columns: node.columns, predicates: node.predicates, filter: filter, statistics: node.statistics)
    return (kept(morsels).tracked(by: context.progress, countingRows: false), remaining)
}

/// The rows of `rows` (ascending rows of `b`) that every runtime join filter keeps, each filter
/// seeing only the rows the ones before it kept.
private func survivingJoinFilters(_ filters: [RuntimeJoinFilter], _ b: Batch, rows: ContiguousArray<Int32>) -> ContiguousArray<Int32> {
    var rows = rows
    for f in filters {
        if rows.isEmpty { return rows }
        let all = rows.count == b.count
        // The filter reads only its key columns: gather those of the rows still in.
        let subset = all ? b : b.gather(Array(rows), onlyColumns: Set(f.rowColumns))
        guard let keep = f.survivors(subset) else { continue }
        if keep.count == rows.count { continue }
        rows = all ? keep : ContiguousArray(keep.map { rows[Int($0)] })
    }
    return rows
}
