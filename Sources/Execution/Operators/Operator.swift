// The physical operator interface: a pull-based iterator of Batches.
// Operators are created per execution by PhysicalPlanner and are not reused.

import Columnar

public protocol Operator: AnyObject {
    /// The next batch (never empty), or nil when the operator is exhausted.
    func next() throws -> Batch?
}

extension Operator {
    /// Reads everything into one batch (materialising operators: sort, join build, window).
    func drain(fields: [Field], context: ExecutionContext, keepingEncoding: Bool = false) throws -> Batch {
        concatBatches(try drainParts(context: context), fields: fields, keepingEncoding: keepingEncoding)
    }

    /// Reads everything as the batches the operator gave (no copy into one batch).
    func drainParts(context: ExecutionContext) throws -> [Batch] {
        var parts: [Batch] = []
        while let b = try next() {
            try context.checkCancelled()
            try context.reserve(bytes: estimatedBytes(b))
            parts.append(b)
        }
        return parts
    }
}

/// The parts' rows as one batch. `keepingEncoding`: a column whose parts are codes into one
/// dictionary (a Parquet column chunk cut into batches) stays codes into it, and one constant
/// stays one constant (Vector.concatenatedKeepingEncoding). Join builds ask for it: their rows
/// are only gathered afterwards, and a gathered dictionary column reaches the operators above
/// (GROUP BY a dimension's name, m6) as codes, where expanding it cost a string copy per row.
func concatBatches(_ parts: [Batch], fields: [Field], keepingEncoding: Bool = false) -> Batch {
    if parts.count == 1 { return parts[0] }
    let count = parts.reduce(0) { $0 + $1.count }
    let columns = fields.enumerated().map { i, f in
        if parts.isEmpty { return Vector.from([], type: f.type) }
        let vectors = parts.map { $0.columns[i] }
        if keepingEncoding && vectors.allSatisfy({ $0.type == f.type }) { return Vector.concatenatedKeepingEncoding(vectors) }
        return Vector.concat(vectors, type: f.type)
    }
    return Batch(columns: columns, count: count)
}

/// Emits a materialised batch in slices of Batch.capacity rows.
final class BatchSlicer {
    private let batch: Batch
    private var position = 0
    init(_ batch: Batch) { self.batch = batch }
    func next() -> Batch? {
        guard position < batch.count else { return nil }
        let end = min(position + Batch.capacity, batch.count)
        defer { position = end }
        return batch.slice(position..<end)
    }
}
