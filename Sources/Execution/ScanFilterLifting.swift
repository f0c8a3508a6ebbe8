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
    /// produced (otherwise nothing is decoded later and the plain stage is as good). Nil: a plain stage.
    func scanFilter(_ p: BoundExpr, _ predicate: @escaping Evaluator, output: Set<Int>?, scan: ScanNode) -> PipelineStage? {
        guard lateMaterialization, scan.source is RowFilteringTableSource, let reads = reads([p]), !reads.isEmpty else { return nil }
        let produced = scan.columns.indices.filter { !reads.contains($0) && (output?.contains($0) ?? true) }
        guard !produced.isEmpty else { return nil }
        return .filterAboveScan(predicate, reads: reads, keeping: output)
    }

    /// `SET lakesql.late_materialization = off` turns scan filters off (before/after measures, escape hatch).
    var lateMaterialization: Bool {
        let value = context.functionContext.settings["lakesql.late_materialization"] ?? Self.lateMaterializationDefault
        return !["off", "false", "0"].contains(value.lowercased())
    }

    private static let lateMaterializationDefault = ProcessInfo.processInfo.environment["LAKESQL_LATE_MATERIALIZATION"] ?? "on"
}

/// The morsels of a scan pipeline and the stages left to run over them: when the first
/// stage (or the first inside a leading policy barrier) is a filter the source can run, the
/// source gets it and the stage goes. Morsels `runtimePredicates` (runtime join filters) rule
/// out by their statistics are dropped before the rest are tracked for the progress display.
func pipelineMorsels(_ node: ScanNode, _ stages: [PipelineStage], context: ExecutionContext,
                     runtimePredicates: [ScanPredicate] = []) throws
    -> (morsels: [ScanMorsel], stages: [PipelineStage]) {
    if stages.yieldsNothingFromScan { return ([], stages) }
    let guarded = stages.isGuarded
    func kept(_ morsels: [ScanMorsel]) -> [ScanMorsel] {
        guard !runtimePredicates.isEmpty else { return morsels }
        return morsels.filter { !$0.ruledOut(byRuntimeFilter: runtimePredicates, statistics: node.statistics) }
    }
    var lifted: (predicate: Evaluator, reads: Set<Int>, keeping: Set<Int>?)? = nil
    var remaining = stages
    switch stages.first {
    case .filterAboveScan(let predicate, let reads, let keeping)?:
        lifted = (predicate, reads, keeping)
        remaining.removeFirst()
    case .guarded(let inner, let barrier)?:
        if case .filterAboveScan(let predicate, let reads, let keeping)? = inner.first {
            lifted = (predicate, reads, keeping)
            remaining[0] = .guarded(Array(inner.dropFirst()), barrier)
        }
    default:
        break
    }
    guard let lifted, let source = node.source as? RowFilteringTableSource else {
        let morsels = try node.source.morsels(columns: node.columns, predicates: node.predicates, statistics: node.statistics)
        return (kept(morsels).tracked(by: context.progress, countingRows: !guarded), stages)
    }
    // The progress display counts the rows read, not only those the filter kept (none below a barrier).
    let progress = guarded ? nil : context.progress
    let filter = ScanRowFilter(reads: lifted.reads, keeps: lifted.keeping) { b in
        progress?.scanned(rows: b.count)
        return ConnectiveEvaluation.selectedRows(try lifted.predicate(b), count: b.count)
    }
    let morsels = try source.morsels(columns: node.columns, predicates: node.predicates, filter: filter, statistics: node.statistics)
    return (kept(morsels).tracked(by: context.progress, countingRows: false), remaining)
}
