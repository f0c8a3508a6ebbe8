// Contiguous row ranges of a vector by bulk copies: what cutting a large
// result into batches costs (join outputs, drained sorts, LIMIT, the Parquet
// scan's row groups). A range is copied with one memcpy per buffer (string
// offsets rebased in one tight loop); dictionary vectors copy only their
// codes and share the dictionary. Building an index array and gathering
// through it, as a general selection does, cost a load per row and an index
// array per batch.

extension Vector {
    /// Rows `r` (within 0...count) as a new vector of bulk-copied buffers.
    public func contiguousSlice(_ r: Range<Int>) -> Vector {
        if r == 0..<count { return self }
        let newValidity = validity.map { ContiguousArray($0[r]) }
        let sliced: VectorStorage
        switch storage {
        case .bool(let a): sliced = .bool(ContiguousArray(a[r]))
        case .int64(let a): sliced = .int64(ContiguousArray(a[r]))
        case .float64(let a): sliced = .float64(ContiguousArray(a[r]))
        case .int128(let a): sliced = .int128(ContiguousArray(a[r]))
        case .interval(let a): sliced = .interval(ContiguousArray(a[r]))
        case .string(let s): sliced = .string(s.slice(r))
        case .dictionary(let idx, let values): sliced = .dictionary(indices: ContiguousArray(idx[r]), values: values)
        case .constant(let v): return Vector.constant(v, type: type, count: r.count)
        case .list:
            let indices = ContiguousArray<Int32>((Int32(r.lowerBound)..<Int32(r.upperBound)))
            return indices.withUnsafeBufferPointer { gather(buffer: $0) }
        }
        // Rows of this vector: its magnitude bound (if any) holds for them too.
        return Vector(type: type, count: r.count, storage: sliced, validity: newValidity, int128MagnitudeBits: int128MagnitudeBits)
    }
}

extension Vector {
    /// The rows of several ranges, in order, as one vector: each range is bulk-copied (a row
    /// selection of whole pages or row ranges), never gathered row by row through an index array.
    public func copyingRanges(_ ranges: [Range<Int>]) -> Vector {
        if ranges.count == 1 { return contiguousSlice(ranges[0]) }
        let n = ranges.reduce(0) { $0 + $1.count }
        func join<T>(_ a: ContiguousArray<T>) -> ContiguousArray<T> {
            var out = ContiguousArray<T>()
            out.reserveCapacity(n)
            for r in ranges { out.append(contentsOf: a[r]) }
            return out
        }
        let newValidity = validity.map { join($0) }
        let joined: VectorStorage
        switch storage {
        case .bool(let a): joined = .bool(join(a))
        case .int64(let a): joined = .int64(join(a))
        case .float64(let a): joined = .float64(join(a))
        case .int128(let a): joined = .int128(join(a))
        case .interval(let a): joined = .interval(join(a))
        case .string(let s):
            var out = StringColumn()
            var bytes = 0
            for r in ranges { bytes += Int(s.offsets[r.upperBound] - s.offsets[r.lowerBound]) }
            out.reserve(rows: n, bytes: bytes)
            for r in ranges { out.appendAll(s.slice(r)) }
            joined = .string(out)
        case .dictionary(let idx, let values): joined = .dictionary(indices: join(idx), values: values)
        case .constant(let v): return Vector.constant(v, type: type, count: n)
        case .list:
            var indices = ContiguousArray<Int32>()
            indices.reserveCapacity(n)
            for r in ranges { for i in r { indices.append(Int32(i)) } }
            return indices.withUnsafeBufferPointer { gather(buffer: $0) }
        }
        return Vector(type: type, count: n, storage: joined, validity: newValidity, int128MagnitudeBits: int128MagnitudeBits)
    }
}

extension StringColumn {
    /// Strings `r` with offsets rebased to 0: one bulk copy of their bytes, one loop over the offsets.
    public func slice(_ r: Range<Int>) -> StringColumn {
        offsets.withUnsafeBufferPointer { o in
            let base = o[r.lowerBound], hi = Int(o[r.upperBound])
            let rebased = ContiguousArray<Int32>(unsafeUninitializedCapacity: r.count + 1) { out, initialized in
                for k in 0...r.count { out[k] = o[r.lowerBound + k] &- base }
                initialized = r.count + 1
            }
            return StringColumn(offsets: rebased, bytes: ContiguousArray(bytes[Int(base)..<hi]))
        }
    }
}
