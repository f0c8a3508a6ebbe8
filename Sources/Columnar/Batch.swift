// A Batch: the unit of work between operators. Up to `Batch.capacity` rows
// as one Vector per column, all of the same length.

public final class Batch: @unchecked Sendable {
    /// Rows per batch produced by scans and most operators. 8,192 rather than 2,048: per-batch
    /// costs (evaluator set-up, allocations, reference counting) fell enough that 21 of the 22
    /// TPC-H SF1 queries ran 3–20% faster, and a batch of 8-byte values (64 KB) still fits in L2.
    public static let capacity = 8192

    public let columns: [Vector]
    public let count: Int

    public init(columns: [Vector], count: Int) {
        self.columns = columns
        self.count = count
    }

    public convenience init(columns: [Vector]) {
        self.init(columns: columns, count: columns.first?.count ?? 0)
    }

    public func gather<C: Collection>(_ indices: C) -> Batch where C.Element == Int32 {
        let copy = (indices as? [Int32]).map(ContiguousArray.init) ?? ContiguousArray(indices)
        return copy.withUnsafeBufferPointer { p in Batch(columns: columns.map { $0.gather(buffer: p) }, count: p.count) }
    }

    /// Rows picked by index, gathering only the columns in `needed`; the other columns become
    /// NULL constants of the right type and length (for evaluating an expression that reads
    /// only `needed`, without copying the rest of the batch).
    public func gather(_ indices: [Int32], onlyColumns needed: Set<Int>) -> Batch {
        indices.withUnsafeBufferPointer { p in
            Batch(columns: columns.enumerated().map { i, column in
                needed.contains(i) ? column.gather(buffer: p) : Vector.nulls(type: column.type, count: p.count)
            }, count: p.count)
        }
    }

    public func slice(_ range: Range<Int>) -> Batch {
        if range == 0..<count { return self }
        return Batch(columns: columns.map { $0.slice(range) }, count: range.count)
    }

    public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }
}

/// Name and type of one result or table column.
public struct Field: Hashable, Sendable {
    public var name: String
    public var type: DataType
    public var nullable: Bool
    public init(name: String, type: DataType, nullable: Bool = true) {
        self.name = name; self.type = type; self.nullable = nullable
    }
}
