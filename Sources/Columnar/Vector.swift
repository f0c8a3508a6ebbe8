// Columnar vectors: one column of up to a batch's rows, Arrow-like.
// Storage is a typed contiguous buffer per physical type, an optional
// validity mask, and two compressed forms (constant, dictionary) that
// kernels may exploit or flatten with `materialized()`.
// Vectors are immutable once built; builders produce them.

public struct StringColumn: Sendable {
    /// count + 1 offsets into `bytes`.
    public var offsets: ContiguousArray<Int32>
    public var bytes: ContiguousArray<UInt8>

    public init() { offsets = [0]; bytes = [] }
    public init(offsets: ContiguousArray<Int32>, bytes: ContiguousArray<UInt8>) {
        self.offsets = offsets; self.bytes = bytes
    }
    public init<S: Sequence>(_ strings: S) where S.Element == String {
        self.init()
        for s in strings { append(s) }
    }

    public var count: Int { offsets.count - 1 }

    public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }
    // Inlinable so that each caller gets a copy specialised to its collection (an ArraySlice or a
    // buffer pointer: one memcpy); the generic copy across modules walked an iterator byte by
    // byte, with a retain and release per byte, when grouping by strings (TPC-H Q10).
    @inlinable public mutating func append<C: Collection>(bytes b: C) where C.Element == UInt8 {
        bytes.append(contentsOf: b)
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }
    @inlinable public mutating func appendEmpty() { offsets.append(Int32(truncatingIfNeeded: bytes.count)) }
    public mutating func reserve(rows: Int, bytes n: Int) {
        offsets.reserveCapacity(rows + 1); bytes.reserveCapacity(n)
    }

    @inlinable public func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }
    public func string(at i: Int) -> String {
        let r = range(i)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) }
    }
    public func byteArray(at i: Int) -> [UInt8] { Array(bytes[range(i)]) }
    public func length(at i: Int) -> Int { Int(offsets[i + 1] - offsets[i]) }
}

public enum VectorStorage: Sendable {
    case bool(ContiguousArray<Bool>)
    case int64(ContiguousArray<Int64>)
    case float64(ContiguousArray<Double>)
    case int128(ContiguousArray<Int128>)
    case string(StringColumn)
    case interval(ContiguousArray<Interval>)
    /// Lists: count + 1 offsets into a child vector.
    case list(offsets: ContiguousArray<Int32>, child: Vector)
    /// `count` copies of one value (which may be NULL).
    case constant(Value)
    /// Codes into a dictionary vector (Parquet dictionary pages stay this way).
    case dictionary(indices: ContiguousArray<Int32>, values: Vector)
}

public final class Vector: @unchecked Sendable {
    public let type: DataType
    public let count: Int
    public let storage: VectorStorage
    /// nil when no value is NULL; otherwise `validity[i] == false` marks a NULL.
    public let validity: ContiguousArray<Bool>?
    /// For `.int128` storage, when whoever built the vector already knew it: b ≤ 127 such that
    /// -2^b ≤ x < 2^b for every stored value (NULL slots included), the bound DecimalKernels
    /// would otherwise find with a pass over the column (a Parquet INT64 decimal is widened to
    /// Int128 in one pass that bounds it as well; a decimal product carries its operands'
    /// bound). nil when unknown.
    public let int128MagnitudeBits: Int?

    public init(type: DataType, count: Int, storage: VectorStorage, validity: ContiguousArray<Bool>? = nil,
                int128MagnitudeBits: Int? = nil) {
        self.type = type
        self.count = count
        self.storage = storage
        if case .int128 = storage { self.int128MagnitudeBits = int128MagnitudeBits } else { self.int128MagnitudeBits = nil }
        if let v = validity, !v.contains(false) { self.validity = nil } else { self.validity = validity }
    }

    public static func constant(_ value: Value, type: DataType, count: Int) -> Vector {
        Vector(type: type, count: count, storage: .constant(value))
    }

    /// A vector of `count` NULLs.
    public static func nulls(type: DataType, count: Int) -> Vector { constant(.null, type: type, count: count) }

    @inlinable public func isNull(_ i: Int) -> Bool {
        switch storage {
        case .constant(let v): return v.isNull
        case .dictionary(let idx, let values):
            if let validity, !validity[i] { return true }
            return values.isNull(Int(idx[i]))
        default:
            if let validity { return !validity[i] }
            return false
        }
    }

    public var hasNulls: Bool {
        switch storage {
        case .constant(let v): return v.isNull && count > 0
        case .dictionary(let idx, let values):
            if validity != nil { return true }
            return values.hasNulls && idx.contains { values.isNull(Int($0)) }
        default: return validity != nil
        }
    }

    public var isConstant: Bool { if case .constant = storage { return true }; return false }

    /// The value at row `i` (slow path: for tests, literals and row-wise code).
    public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch storage {
        case .bool(let a): return .bool(a[i])
        case .int64(let a): return .int(a[i])
        case .float64(let a): return .double(a[i])
        case .int128(let a): return .decimal(a[i])
        case .string(let s):
            switch type {
            case .bytea, .uuid: return .bytes(s.byteArray(at: i))
            default: return .string(s.string(at: i))
            }
        case .interval(let a): return .interval(a[i])
        case .list(let offsets, let child):
            return .list((Int(offsets[i])..<Int(offsets[i + 1])).map { child.value(at: $0) })
        case .constant(let v): return v
        case .dictionary(let idx, let values): return values.value(at: Int(idx[i]))
        }
    }

    /// The same values in plain (non-constant, non-dictionary) storage.
    public func materialized() -> Vector {
        switch storage {
        case .constant(let v):
            var b = VectorBuilder(type: type, capacity: count)
            for _ in 0..<count { b.append(v) }
            return b.finish()
        case .dictionary(let idx, let values):
            let flat = values.materialized().gather(idx)
            guard let validity else { return flat }
            var merged = ContiguousArray<Bool>(repeating: true, count: count)
            for i in 0..<count { merged[i] = validity[i] && !flat.isNull(i) }
            return Vector(type: type, count: count, storage: flat.storage, validity: merged, int128MagnitudeBits: flat.int128MagnitudeBits)
        default:
            return self
        }
    }

    /// Rows picked by index, in order (filter, join output, sort).
    /// Generic callers land here; the indices are copied once into a contiguous buffer so the
    /// per-type loops below run over raw pointers (a generic Collection walk across the module
    /// boundary goes through witness tables for every element).
    public func gather<C: Collection>(_ indices: C) -> Vector where C.Element == Int32 {
        if let array = indices as? [Int32] {
            return array.withUnsafeBufferPointer { gather(buffer: $0) }
        }
        if let array = indices as? ContiguousArray<Int32> {
            return array.withUnsafeBufferPointer { gather(buffer: $0) }
        }
        let copy = ContiguousArray(indices)
        return copy.withUnsafeBufferPointer { gather(buffer: $0) }
    }

    /// Rows picked by index from a contiguous index buffer.
    public func gather(buffer indices: UnsafeBufferPointer<Int32>) -> Vector {
        let n = indices.count
        @inline(__always)
        func pick<T>(_ a: ContiguousArray<T>) -> ContiguousArray<T> {
            a.withUnsafeBufferPointer { p in
                ContiguousArray<T>(unsafeUninitializedCapacity: n) { out, initialized in
                    for k in 0..<n { (out.baseAddress! + k).initialize(to: p[Int(indices[k])]) }
                    initialized = n
                }
            }
        }
        let newValidity: ContiguousArray<Bool>? = validity.map { pick($0) }
        switch storage {
        case .bool(let a): return Vector(type: type, count: n, storage: .bool(pick(a)), validity: newValidity)
        case .int64(let a): return Vector(type: type, count: n, storage: .int64(pick(a)), validity: newValidity)
        case .float64(let a): return Vector(type: type, count: n, storage: .float64(pick(a)), validity: newValidity)
        case .int128(let a):
            // Picked rows are some of the stored ones: the magnitude bound still holds.
            return Vector(type: type, count: n, storage: .int128(pick(a)), validity: newValidity, int128MagnitudeBits: int128MagnitudeBits)
        case .interval(let a): return Vector(type: type, count: n, storage: .interval(pick(a)), validity: newValidity)
        case .string(let s):
            return Vector(type: type, count: n, storage: .string(s.gathered(indices)), validity: newValidity)
        case .list(let offsets, let child):
            var newOffsets = ContiguousArray<Int32>([0]); var childIdx = ContiguousArray<Int32>()
            for k in 0..<n {
                let i = Int(indices[k])
                for j in offsets[i]..<offsets[i + 1] { childIdx.append(j) }
                newOffsets.append(Int32(childIdx.count))
            }
            return Vector(type: type, count: n, storage: .list(offsets: newOffsets, child: child.gather(childIdx)), validity: newValidity)
        case .constant(let v): return Vector(type: type, count: n, storage: .constant(v))
        case .dictionary(let idx, let values):
            return Vector(type: type, count: n, storage: .dictionary(indices: pick(idx), values: values), validity: newValidity)
        }
    }

    /// Rows `range` as a new vector (bulk copies of the range, VectorSlice.swift).
    public func slice(_ range: Range<Int>) -> Vector { contiguousSlice(range) }

    /// Rows of several vectors of one type, one after the other.
    public static func concat(_ parts: [Vector], type: DataType) -> Vector {
        concatenated(parts, type: type)   // typed bulk copies (VectorConcat.swift)
    }
}

extension StringColumn {
    /// Strings picked by index: one pass over the offsets gives the new offsets (and so the
    /// byte total, allocated once), a second copies the bytes. Strings of up to a few dozen
    /// bytes (names, codes) are copied 16 bytes at a time, overrunning their end into the
    /// room reserved past the total (later strings overwrite it); the source's last bytes,
    /// where such an overrun would read past the buffer, go through memcpy.
    func gathered(_ indices: UnsafeBufferPointer<Int32>) -> StringColumn {
        let n = indices.count
        return offsets.withUnsafeBufferPointer { o in
            let newOffsets = ContiguousArray<Int32>(unsafeUninitializedCapacity: n + 1) { out, initialized in
                var end: Int32 = 0
                out[0] = 0
                for k in 0..<n {
                    let i = Int(indices[k])
                    end &+= o[i + 1] &- o[i]
                    out[k + 1] = end
                }
                initialized = n + 1
            }
            let total = Int(newOffsets[n])
            let newBytes = bytes.withUnsafeBufferPointer { src in
                ContiguousArray<UInt8>(unsafeUninitializedCapacity: total + 16) { dst, initialized in
                    initialized = total
                    guard total > 0, let from = src.baseAddress, let to = dst.baseAddress else { return }
                    let wideCopyEnd = src.count - 16
                    newOffsets.withUnsafeBufferPointer { no in
                        for k in 0..<n {
                            let i = Int(indices[k])
                            let lo = Int(o[i]), len = Int(o[i + 1]) - lo
                            let at = Int(no[k])
                            if len <= 48 && lo + len <= wideCopyEnd {
                                var c = 0
                                repeat {
                                    let a = UnsafeRawPointer(from + lo + c).loadUnaligned(as: UInt64.self)
                                    let b = UnsafeRawPointer(from + lo + c + 8).loadUnaligned(as: UInt64.self)
                                    UnsafeMutableRawPointer(to + at + c).storeBytes(of: a, as: UInt64.self)
                                    UnsafeMutableRawPointer(to + at + c + 8).storeBytes(of: b, as: UInt64.self)
                                    c += 16
                                } while c < len
                            } else if len > 0 {
                                (to + at).initialize(from: from + lo, count: len)
                            }
                        }
                    }
                }
            }
            return StringColumn(offsets: newOffsets, bytes: newBytes)
        }
    }
}
