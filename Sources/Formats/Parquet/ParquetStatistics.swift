// Row-group column statistics decoded into LakeSQL Values for pruning.
// Sort-order rules: min_value/max_value are used when present; the
// deprecated min/max fields were written with signed byte-wise comparison,
// so they are only trusted for signed numeric types (not for unsigned ints,
// strings, binary, decimals on bytes, FLOAT16 or INT96). NaN bounds are dropped.

import Columnar

enum ParquetStatisticsDecoder {
    static func decode(_ raw: ParquetStatisticsRaw, leaf: ParquetLeaf) -> ParquetColumnStatistics {
        var s = ParquetColumnStatistics(min: nil, max: nil, nullCount: raw.nullCount, distinctCount: raw.distinctCount)
        var minBytes = raw.minValue, maxBytes = raw.maxValue
        if minBytes == nil && maxBytes == nil && legacyOrderIsValid(leaf.kind) {
            minBytes = raw.min; maxBytes = raw.max
        }
        if let b = minBytes, let v = value(b, leaf: leaf, isMax: false) { s.min = v }
        if let b = maxBytes, let v = value(b, leaf: leaf, isMax: true) { s.max = v }
        if s.min == nil || s.max == nil { s.min = nil; s.max = nil }
        // A zero bound may have been written with either sign; widen it so -0.0 and +0.0 rows are never pruned.
        if case .double(let m)? = s.min, m == 0 { s.min = .double(-0.0) }
        if case .double(let m)? = s.max, m == 0 { s.max = .double(0.0) }
        return s
    }

    static func legacyOrderIsValid(_ k: LeafKind) -> Bool {
        switch k {
        case .boolean, .int32, .int64, .date, .timeMillis, .timeMicros, .timeNanos, .timestamp, .float, .double,
             .decimalInt32, .decimalInt64:
            return true
        default:
            return false
        }
    }

    private static func le(_ b: [UInt8], _ n: Int) -> UInt64? {
        guard b.count == n else { return nil }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(b[i]) << (8 * UInt64(i)) }
        return v
    }

    static func value(_ b: [UInt8], leaf: ParquetLeaf, isMax: Bool) -> Value? {
        switch leaf.kind {
        case .boolean: return b.count == 1 ? .bool(b[0] != 0) : nil
        case .int32, .date: return le(b, 4).map { .int(Int64(Int32(truncatingIfNeeded: $0))) }
        case .uint32: return le(b, 4).map { .int(Int64(UInt32(truncatingIfNeeded: $0))) }
        case .timeMillis: return le(b, 4).map { .int(Int64(Int32(truncatingIfNeeded: $0)) * 1000) }
        case .decimalInt32: return le(b, 4).map { .decimal(Int128(Int32(truncatingIfNeeded: $0))) }
        case .int64, .timeMicros, .timestamp(.micros): return le(b, 8).map { .int(Int64(bitPattern: $0)) }
        case .timeNanos, .timestamp(.nanos):
            return le(b, 8).map { v in
                let n = Int64(bitPattern: v)
                let q = n / 1000
                return .int(n % 1000 < 0 ? q - 1 : q)
            }
        case .timestamp(.millis):
            guard let v = le(b, 8) else { return nil }
            let (r, o) = Int64(bitPattern: v).multipliedReportingOverflow(by: 1000)
            return o ? nil : .int(r)
        case .uint64: return le(b, 8).map { .decimal(Int128($0)) }
        case .decimalInt64: return le(b, 8).map { .decimal(Int128(Int64(bitPattern: $0))) }
        case .float:
            guard let v = le(b, 4) else { return nil }
            let f = Float(bitPattern: UInt32(v))
            return f.isNaN ? nil : .double(Double(f))
        case .double:
            guard let v = le(b, 8) else { return nil }
            let d = Double(bitPattern: v)
            return d.isNaN ? nil : .double(d)
        case .float16:
            guard let v = le(b, 2) else { return nil }
            let d = ParquetVectors.halfToDouble(UInt16(v))
            return d.isNaN ? nil : .double(d)
        case .decimalBytes:
            guard b.count <= 16 else { return nil }
            return b.withUnsafeBufferPointer { .decimal(ParquetVectors.bigEndianSigned($0, 0..<b.count)) }
        case .string:
            // A truncated max that is not valid UTF-8 cannot be used as an upper bound.
            guard let s = String(validating: b, as: UTF8.self) else { return nil }
            return .string(s)
        case .bytes, .uuid: return .bytes(b)
        case .int96, .decimalText: return nil
        }
    }
}
