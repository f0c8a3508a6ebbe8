// In-memory tables (CREATE TABLE / INSERT, for tests and scratch work):
// rows kept as batches, each batch one scan morsel.

import Columnar
import Planner

public final class MemoryTable: TableSource, @unchecked Sendable {
    public let fields: [Field]
    public private(set) var batches: [Batch] = []

    public init(fields: [Field]) { self.fields = fields }

    public var estimatedRowCount: Int? { batches.reduce(0) { $0 + $1.count } }

    public func append(_ batch: Batch) {
        guard batch.count > 0 else { return }
        // Small inserts (one row at a time) fill up the last batch, so scans see few, full morsels.
        if let last = batches.last, last.count + batch.count <= Batch.capacity {
            let merged = fields.indices.map { Vector.concat([last.columns[$0], batch.columns[$0]], type: fields[$0].type) }
            batches[batches.count - 1] = Batch(columns: merged, count: last.count + batch.count)
            return
        }
        // Store plain vectors so later scans never re-expand constants.
        batches.append(Batch(columns: batch.columns.map { $0.materialized() }, count: batch.count))
    }

    public func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] {
        batches.map { MemoryMorsel(batch: $0, columns: columns) }
    }
}

final class MemoryMorsel: ScanMorsel {
    let batch: Batch
    let columns: [Int]
    init(batch: Batch, columns: [Int]) { self.batch = batch; self.columns = columns }
    func read(statistics: ScanStatistics) throws -> [Batch] {
        [Batch(columns: columns.map { batch.columns[$0] }, count: batch.count)]
    }
}
