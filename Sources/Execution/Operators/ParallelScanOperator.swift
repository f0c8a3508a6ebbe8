// Morsel-driven parallel scan pipeline: one worker thread per core takes
// the next unclaimed morsel, reads it and runs the Filter/Project stages
// above the scan on each of its batches. The consumer takes finished
// morsels strictly in morsel order, so results are deterministic and equal
// to the sequential scan's. Workers run at most `window` morsels ahead of
// the consumer (bounded memory) and stop when the query is cancelled, fails,
// or the operator is abandoned (e.g. a LIMIT above is satisfied).

import Columnar
import Foundation
import Planner

enum PipelineStage {
    case filter(Evaluator)
    case project([Evaluator])

    func apply(_ b: Batch) throws -> Batch? {
        switch self {
        case .project(let exprs):
            return Batch(columns: try exprs.map { try $0(b) }, count: b.count)
        case .filter(let predicate):
            let t = TruthVector(try predicate(b))
            var keep: [Int32] = []
            keep.reserveCapacity(b.count)
            for i in 0..<b.count where t.isTrue(i) { keep.append(Int32(i)) }
            if keep.isEmpty { return nil }
            return keep.count == b.count ? b : b.gather(keep)
        }
    }
}

/// State shared by the consumer and the workers (never the operator itself,
/// so abandoning the operator lets its deinit stop the workers).
private final class PipelineState: @unchecked Sendable {
    let condition = NSCondition()
    let morsels: [ScanMorsel]
    let stages: [PipelineStage]
    let statistics: ScanStatistics
    let cancellation: CancellationToken
    let window: Int
    var nextToClaim = 0
    var consumed = 0
    var results: [Int: [Batch]] = [:]
    var failure: Error? = nil
    var stopped = false

    init(morsels: [ScanMorsel], stages: [PipelineStage], statistics: ScanStatistics, cancellation: CancellationToken, window: Int) {
        self.morsels = morsels; self.stages = stages; self.statistics = statistics
        self.cancellation = cancellation; self.window = window
    }

    func work() {
        while true {
            condition.lock()
            while !stopped && failure == nil && nextToClaim < morsels.count && nextToClaim >= consumed + window {
                condition.wait()
            }
            if stopped || failure != nil || nextToClaim >= morsels.count {
                condition.unlock()
                return
            }
            let index = nextToClaim
            nextToClaim += 1
            condition.unlock()

            var output: [Batch] = []
            var error: Error? = nil
            do {
                try cancellation.check()
                for batch in try morsels[index].read(statistics: statistics) where batch.count > 0 {
                    var current: Batch? = batch
                    for stage in stages {
                        guard let b = current else { break }
                        current = try stage.apply(b)
                    }
                    if let b = current, b.count > 0 { output.append(b) }
                }
            } catch let e {
                error = e
            }
            condition.lock()
            if let error, failure == nil { failure = error }
            results[index] = output
            condition.broadcast()
            condition.unlock()
        }
    }
}

final class ParallelScanOperator: Operator {
    private let node: ScanNode
    private let stages: [PipelineStage]
    private let context: ExecutionContext
    private let workers: Int
    private var state: PipelineState?
    private var pending: [Batch] = []

    init(node: ScanNode, stages: [PipelineStage], context: ExecutionContext, workers: Int) {
        self.node = node
        self.stages = stages
        self.context = context
        self.workers = workers
    }

    deinit {
        guard let state else { return }
        state.condition.lock()
        state.stopped = true
        state.condition.broadcast()
        state.condition.unlock()
    }

    private func start() throws -> PipelineState {
        let morsels = try node.source.morsels(columns: node.columns, predicates: node.predicates, statistics: node.statistics)
        let state = PipelineState(morsels: morsels, stages: stages, statistics: node.statistics,
                                  cancellation: context.cancellation, window: max(2, workers * 2))
        for _ in 0..<min(workers, morsels.count) {
            let thread = Thread { state.work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
        return state
    }

    func next() throws -> Batch? {
        let state = try self.state ?? start()
        self.state = state
        while true {
            if !pending.isEmpty {
                let b = pending.removeFirst()
                node.statistics.rowsProduced += b.count
                return b
            }
            try context.checkCancelled()
            state.condition.lock()
            if state.consumed >= state.morsels.count {
                state.condition.unlock()
                return nil
            }
            while state.results[state.consumed] == nil && state.failure == nil {
                state.condition.wait()
            }
            if let failure = state.failure {
                state.stopped = true
                state.condition.broadcast()
                state.condition.unlock()
                throw failure
            }
            pending = state.results.removeValue(forKey: state.consumed) ?? []
            state.consumed += 1
            state.condition.broadcast()
            state.condition.unlock()
        }
    }
}

/// Cores available to a query's worker threads.
public let availableCores: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
