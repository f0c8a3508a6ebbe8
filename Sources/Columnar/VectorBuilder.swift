// Builds a Vector of a given type row by row or by appending whole vectors.
// The typed `append` overloads are the fast path for kernels that produce
// values one at a time; `append(_ value: Value)` is the generic slow path.

public struct VectorBuilder {
    public let type: DataType
    public private(set) var count = 0
    private var validity: ContiguousArray<Bool>? = nil
    private var bools = ContiguousArray<Bool>()
    private var ints = ContiguousArray<Int64>()
    private var doubles = ContiguousArray<Double>()
    private var wides = ContiguousArray<Int128>()
    private var strings = StringColumn()
    private var intervals = ContiguousArray<Interval>()
    private var listOffsets = ContiguousArray<Int32>([0])
    private var listChild: [Value] = []

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        switch type.physical {
        case .bool: bools.reserveCapacity(capacity)
        case .int64: ints.reserveCapacity(capacity)
        case .float64: doubles.reserveCapacity(capacity)
        case .int128: wides.reserveCapacity(capacity)
        case .string: strings.offsets.reserveCapacity(capacity + 1)
        case .interval: intervals.reserveCapacity(capacity)
        case .list: break
        }
    }

    private mutating func markValid() { validity?.append(true); count += 1 }

    public mutating func appendNull() {
        if validity == nil { validity = ContiguousArray(repeating: true, count: count) }
        validity?.append(false)
        count += 1
        switch type.physical {
        case .bool: bools.append(false)
        case .int64: ints.append(0)
        case .float64: doubles.append(0)
        case .int128: wides.append(0)
        case .string: strings.appendEmpty()
        case .interval: intervals.append(Interval())
        case .list: listOffsets.append(Int32(listChild.count))
        }
    }

    public mutating func append(_ v: Bool) { bools.append(v); markValid() }
    public mutating func append(_ v: Int64) { ints.append(v); markValid() }
    public mutating func append(_ v: Double) { doubles.append(v); markValid() }
    public mutating func append(_ v: Int128) { wides.append(v); markValid() }
    public mutating func append(_ v: String) { strings.append(v); markValid() }
    public mutating func append(bytes v: UnsafeBufferPointer<UInt8>) { strings.append(bytes: v); markValid() }
    public mutating func append(bytes v: [UInt8]) { strings.append(bytes: v); markValid() }
    public mutating func append(_ v: Interval) { intervals.append(v); markValid() }

    /// Appends a Value; it must already be of this builder's type (no coercion here).
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .bool(let b):
            switch type.physical {
            case .bool: append(b)
            case .int64: append(Int64(b ? 1 : 0))
            default: appendNull()
            }
        case .int(let i):
            switch type.physical {
            case .int64: append(i)
            case .float64: append(Double(i))
            case .int128: append(Int128(i))
            case .bool: append(i != 0)
            default: append(String(i))
            }
        case .double(let d):
            switch type.physical {
            case .float64: append(d)
            case .int64: append(Int64(d))
            default: append(String(d))
            }
        case .decimal(let m): append(m)
        case .string(let s):
            if type.physical == .string { append(s) } else { appendNull() }
        case .bytes(let b): append(bytes: b)
        case .interval(let iv): append(iv)
        case .list(let items):
            listChild.append(contentsOf: items)
            listOffsets.append(Int32(listChild.count))
            markValid()
        }
    }

    /// Appends every row of `v`, which must have this builder's physical type.
    public mutating func append(contentsOf v: Vector) {
        switch v.storage {
        case .constant, .dictionary, .list:
            for i in 0..<v.count { append(v.value(at: i)) }
            return
        default: break
        }
        // A vector of another physical class (e.g. an untyped NULL column) goes value by value.
        guard v.type.physical == type.physical else {
            for i in 0..<v.count { append(v.value(at: i)) }
            return
        }
        if let vv = v.validity {
            if validity == nil { validity = ContiguousArray(repeating: true, count: count) }
            validity?.append(contentsOf: vv)
        } else {
            validity?.append(contentsOf: repeatElement(true, count: v.count))
        }
        count += v.count
        switch v.storage {
        case .bool(let a): bools.append(contentsOf: a)
        case .int64(let a): ints.append(contentsOf: a)
        case .float64(let a): doubles.append(contentsOf: a)
        case .int128(let a): wides.append(contentsOf: a)
        case .interval(let a): intervals.append(contentsOf: a)
        case .string(let s):
            let base = Int32(truncatingIfNeeded: strings.bytes.count) - s.offsets[0]
            strings.bytes.append(contentsOf: s.bytes[Int(s.offsets[0])..<Int(s.offsets[s.count])])
            for o in s.offsets.dropFirst() { strings.offsets.append(o + base) }
        default: break
        }
    }

    public func finish() -> Vector {
        let storage: VectorStorage
        switch type.physical {
        case .bool: storage = .bool(bools)
        case .int64: storage = .int64(ints)
        case .float64: storage = .float64(doubles)
        case .int128: storage = .int128(wides)
        case .string: storage = .string(strings)
        case .interval: storage = .interval(intervals)
        case .list:
            let elementType: DataType
            if case .array(let e) = type { elementType = e } else { elementType = .null }
            var child = VectorBuilder(type: elementType, capacity: listChild.count)
            for v in listChild { child.append(v) }
            storage = .list(offsets: listOffsets, child: child.finish())
        }
        return Vector(type: type, count: count, storage: storage, validity: validity)
    }
}

public extension Vector {
    /// Builds a vector from values (tests, VALUES lists, catalog rows).
    static func from(_ values: [Value], type: DataType) -> Vector {
        var b = VectorBuilder(type: type, capacity: values.count)
        for v in values { b.append(v) }
        return b.finish()
    }
}
