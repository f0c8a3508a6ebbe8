// Concatenation of vectors by typed bulk copies: what draining an operator
// into one batch (join builds, sorts, windows) costs. Each part's buffers are
// copied whole (fixed-width arrays with one memcpy, string bytes in one
// append and their offsets rebased in one pass); dictionary parts are
// expanded with a typed gather and constant parts with a typed fill, never
// row by row through boxed Values, which made drains of dictionary-encoded
// Parquet columns dominate TPC-H Q4's profile.

public extension Vector {
    /// Rows of several vectors of one type, one after the other (same result as appending
    /// each row's value to a VectorBuilder of `type`).
    static func concatenated(_ parts: [Vector], type: DataType) -> Vector {
        if parts.count == 1 { return parts[0] }
        // NULL placeholders (columns nobody above reads, RequiredColumns.swift) stay one constant.
        if !parts.isEmpty, parts.allSatisfy({ if case .constant(.null) = $0.storage { return true }; return false }) {
            return Vector.nulls(type: type, count: parts.reduce(0) { $0 + $1.count })
        }
        let flat = parts.map { $0.plainForConcat(type: type) }
        let total = flat.reduce(0) { $0 + $1.count }
        var validity: ContiguousArray<Bool>? = nil
        if flat.contains(where: { $0.validity != nil }) {
            var v = ContiguousArray<Bool>()
            v.reserveCapacity(total)
            for p in flat {
                if let pv = p.validity { v.append(contentsOf: pv) } else { v.append(contentsOf: ContiguousArray(repeating: true, count: p.count)) }
            }
            validity = v
        }
        func join<T>(_ pick: (Vector) -> ContiguousArray<T>?) -> ContiguousArray<T> {
            var out = ContiguousArray<T>()
            out.reserveCapacity(total)
            for p in flat { if let a = pick(p) { out.append(contentsOf: a) } }
            return out
        }
        let storage: VectorStorage
        switch type.physical {
        case .bool: storage = .bool(join { if case .bool(let a) = $0.storage { return a }; return nil })
        case .int64: storage = .int64(join { if case .int64(let a) = $0.storage { return a }; return nil })
        case .float64: storage = .float64(join { if case .float64(let a) = $0.storage { return a }; return nil })
        case .int128: storage = .int128(join { if case .int128(let a) = $0.storage { return a }; return nil })
        case .interval: storage = .interval(join { if case .interval(let a) = $0.storage { return a }; return nil })
        case .string:
            var bytes = 0
            for p in flat { if case .string(let s) = p.storage { bytes += Int(s.offsets[s.count] - s.offsets[0]) } }
            var out = StringColumn()
            out.reserve(rows: total, bytes: bytes)
            for p in flat { if case .string(let s) = p.storage { out.appendAll(s) } }
            storage = .string(out)
        case .list:
            // Lists are rare in drained inputs; the builder handles their children.
            var b = VectorBuilder(type: type, capacity: total)
            for p in parts { for i in 0..<p.count { b.append(p.value(at: i)) } }
            return b.finish()
        }
        return Vector(type: type, count: total, storage: storage, validity: validity)
    }

    /// This vector in the plain storage of `type`'s physical class (dictionary codes expanded,
    /// constants repeated, a vector of another class converted through Values).
    internal func plainForConcat(type: DataType) -> Vector {
        switch storage {
        case .dictionary:
            let m = materialized()
            if case .dictionary = m.storage { return m.convertedByValue(type: type) }
            return m.type.physical == type.physical ? m : m.convertedByValue(type: type)
        case .constant(let c):
            if c.isNull {
                return Vector.nulls(type: type, count: 1).convertedByValue(type: type).repeatedFirst(count)
            }
            return Vector.from([c], type: type).repeatedFirst(count)
        case .list:
            return self
        default:
            return type.physical == self.type.physical ? self : convertedByValue(type: type)
        }
    }

    /// Row 0 `n` times (a typed gather of index 0).
    private func repeatedFirst(_ n: Int) -> Vector {
        let zeros = ContiguousArray<Int32>(repeating: 0, count: n)
        return zeros.withUnsafeBufferPointer { gather(buffer: $0) }
    }

    /// The slow path for a part of another physical class (an untyped NULL column, say).
    private func convertedByValue(type: DataType) -> Vector {
        var b = VectorBuilder(type: type, capacity: count)
        for i in 0..<count { b.append(value(at: i)) }
        return b.finish()
    }
}

extension StringColumn {
    /// Appends every string of `other`: its bytes in one copy, its offsets rebased.
    mutating func appendAll(_ other: StringColumn) {
        let n = other.count
        guard n > 0 else { return }
        let lo = Int(other.offsets[0]), hi = Int(other.offsets[n])
        let base = Int32(truncatingIfNeeded: bytes.count) &- other.offsets[0]
        other.bytes.withUnsafeBufferPointer { b in bytes.append(contentsOf: UnsafeBufferPointer(rebasing: b[lo..<hi])) }
        other.offsets.withUnsafeBufferPointer { o in
            offsets.append(contentsOf: o[1...].lazy.map { $0 &+ base })
        }
    }
}

public extension Vector {
    /// Like `concatenated`, but parts that share one encoding keep it: constants of one value
    /// stay one constant, and dictionary parts over the same dictionary (one Parquet column
    /// chunk's, cut into batches) stay codes into it, so the dictionary-aware kernels above
    /// still see it (merging small batches, SmallBatchCoalescer).
    static func concatenatedKeepingEncoding(_ parts: [Vector]) -> Vector {
        guard let first = parts.first else { return Vector.nulls(type: .null, count: 0) }
        if parts.count == 1 { return first }
        let type = first.type
        let total = parts.reduce(0) { $0 + $1.count }
        switch first.storage {
        case .constant(let value):
            if parts.allSatisfy({ part in
                if part.type == type, case .constant(let v) = part.storage { return v == value }
                return false
            }) {
                return Vector.constant(value, type: type, count: total)
            }
        case .dictionary(_, let values):
            if parts.allSatisfy({ part in
                if part.type == type, case .dictionary(_, let v) = part.storage { return v === values }
                return false
            }) {
                var indices = ContiguousArray<Int32>()
                indices.reserveCapacity(total)
                for part in parts { if case .dictionary(let idx, _) = part.storage { indices.append(contentsOf: idx) } }
                var validity: ContiguousArray<Bool>? = nil
                if parts.contains(where: { $0.validity != nil }) {
                    var v = ContiguousArray<Bool>()
                    v.reserveCapacity(total)
                    for part in parts { v.append(contentsOf: part.validity ?? ContiguousArray(repeating: true, count: part.count)) }
                    validity = v
                }
                return Vector(type: type, count: total, storage: .dictionary(indices: indices, values: values), validity: validity)
            }
        default:
            break
        }
        return concatenated(parts, type: type)
    }
}
