// Parquet split-block bloom filters (parquet-format BloomFilter.md): a
// header (size, algorithm, hash, compression) followed by a bitset of
// 256-bit blocks. A value's XXH64 (seed 0) of its PLAIN encoding picks a
// block with its upper 32 bits and sets/tests eight bits there derived from
// its lower 32 bits. A filter answers "definitely absent" or "maybe".
// Values are hashed exactly as the writer hashed the physical value, so a
// SQL literal is first turned back into the column's physical encoding;
// whenever that is not one exact byte string (nanosecond timestamps are
// floored, binary decimals have writer-chosen widths) nothing is hashed and
// the filter is not consulted.

import Columnar

public struct ParquetBloomFilter: Sendable {
    /// The bitset: a whole number of 32-byte blocks.
    public let bitset: [UInt8]
    var blockCount: Int { bitset.count / 32 }

    static let salt: [UInt32] = [0x47b6_137b, 0x4497_4d91, 0x8824_ad5b, 0xa2b7_289d,
                                 0x7054_95c7, 0x2df1_424b, 0x9efc_4947, 0x5c6b_fb31]
    /// The spec caps filters at 128 MiB.
    static let maxBytes = 128 << 20

    public init?(bitset: [UInt8]) {
        guard bitset.count >= 32, bitset.count % 32 == 0 else { return nil }
        self.bitset = bitset
    }

    /// A filter stored as header + bitset (as in a file at bloom_filter_offset); nil when it uses an
    /// algorithm, hash or compression other than split-block, XXH64 and none.
    public static func decode(_ bytes: [UInt8], what: String) throws -> ParquetBloomFilter? {
        var tr = ThriftReader(bytes, context: what)
        let header = try tr.readBloomFilterHeader()
        guard header.splitBlock, header.xxHash, header.uncompressed else { return nil }
        let n = Int(header.numBytes)
        guard n >= 32, n % 32 == 0, n <= maxBytes, n <= bytes.count - tr.pos else {
            throw SQLError(SQLState.dataCorrupted, "\(what): invalid size \(header.numBytes)")
        }
        return ParquetBloomFilter(bitset: Array(bytes[tr.pos..<tr.pos + n]))
    }

    /// False when the value whose XXH64 is `hash` is certainly not in the set.
    public func mightContain(hash: UInt64) -> Bool {
        let block = Int(((hash >> 32) &* UInt64(blockCount)) >> 32)
        let key = UInt32(truncatingIfNeeded: hash)
        let base = block * 32
        for i in 0..<8 {
            let bit = (key &* Self.salt[i]) >> 27
            let at = base + 4 * i
            let word = UInt32(bitset[at]) | UInt32(bitset[at + 1]) << 8 | UInt32(bitset[at + 2]) << 16 | UInt32(bitset[at + 3]) << 24
            if word & (1 << bit) == 0 { return false }
        }
        return true
    }

    /// Sets the bits of one hash (tests build filters with it).
    public mutating func insert(hash: UInt64) {
        let block = Int(((hash >> 32) &* UInt64(blockCount)) >> 32)
        let key = UInt32(truncatingIfNeeded: hash)
        var bits = bitset
        for i in 0..<8 {
            let bit = (key &* Self.salt[i]) >> 27
            let at = block * 32 + 4 * i + Int(bit / 8)
            bits[at] |= UInt8(1) << UInt8(bit % 8)
        }
        self = ParquetBloomFilter(bitset: bits)!
    }

    /// The PLAIN encodings a SQL value can have in a column of this leaf (several for ±0.0),
    /// or nil when the value cannot be mapped to exactly those bytes.
    static func plainEncodings(_ value: Value, leaf: ParquetLeaf) -> [[UInt8]]? {
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        func integer(_ v: Value) -> Int64? {
            switch v {
            case .int(let i): return i
            case .double(let d): return d.rounded() == d && abs(d) < 9.0e18 ? Int64(d) : nil
            default: return nil
            }
        }
        func decimal(_ v: Value) -> Int128? { if case .decimal(let d) = v { return d }; return nil }
        switch leaf.kind {
        case .int32, .date:
            guard let i = integer(value), let x = Int32(exactly: i) else { return nil }
            return [le(UInt64(UInt32(bitPattern: x)), 4)]
        case .uint32:
            guard let i = integer(value), let x = UInt32(exactly: i) else { return nil }
            return [le(UInt64(x), 4)]
        case .timeMillis:
            guard let i = integer(value), i % 1000 == 0, let x = Int32(exactly: i / 1000) else { return nil }
            return [le(UInt64(UInt32(bitPattern: x)), 4)]
        case .decimalInt32:
            guard let d = decimal(value), let x = Int32(exactly: d) else { return nil }
            return [le(UInt64(UInt32(bitPattern: x)), 4)]
        case .int64, .timeMicros, .timestamp(.micros):
            guard let i = integer(value) else { return nil }
            return [le(UInt64(bitPattern: i), 8)]
        case .timestamp(.millis):
            guard let i = integer(value), i % 1000 == 0 else { return nil }
            return [le(UInt64(bitPattern: i / 1000), 8)]
        case .uint64:
            guard let d = decimal(value), let x = UInt64(exactly: d) else { return nil }
            return [le(x, 8)]
        case .decimalInt64:
            guard let d = decimal(value), let x = Int64(exactly: d) else { return nil }
            return [le(UInt64(bitPattern: x), 8)]
        case .float:
            let d: Double
            switch value {
            case .double(let x): d = x
            case .int(let i): d = Double(i)
            default: return nil
            }
            guard !d.isNaN, Double(Float(d)) == d else { return nil }
            if d == 0 { return [le(UInt64(Float(0).bitPattern), 4), le(UInt64((-Float(0)).bitPattern), 4)] }
            return [le(UInt64(Float(d).bitPattern), 4)]
        case .double:
            let d: Double
            switch value {
            case .double(let x): d = x
            case .int(let i):
                guard let exact = Double(exactly: i) else { return nil }
                d = exact
            default: return nil
            }
            guard !d.isNaN else { return nil }
            if d == 0 { return [le(Double(0).bitPattern, 8), le((-Double(0)).bitPattern, 8)] }
            return [le(d.bitPattern, 8)]
        case .decimalBytes:
            // Only FIXED_LEN_BYTE_ARRAY has one encoding per value (big-endian two's complement of the fixed width).
            guard leaf.physical == .fixedLenByteArray, let d = decimal(value), leaf.typeLength > 0, leaf.typeLength <= 16 else { return nil }
            let n = leaf.typeLength
            if n < 16 {
                let limit = Int128(1) << (8 * n - 1)
                guard d >= -limit, d < limit else { return nil }
            }
            let bits = UInt128(bitPattern: d)
            return [(0..<n).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt128(n - 1 - $0))) }]
        case .string:
            switch value {
            case .string(let s): return [Array(s.utf8)]
            case .bytes(let b): return [b]
            default: return nil
            }
        case .bytes, .uuid:
            switch value {
            case .bytes(let b):
                if leaf.physical == .fixedLenByteArray && b.count != leaf.typeLength { return nil }
                return [b]
            case .string(let s) where leaf.kind == .bytes: return [Array(s.utf8)]
            default: return nil
            }
        case .boolean, .int96, .float16, .timeNanos, .timestamp(.nanos), .decimalText:
            return nil
        }
    }

    /// The XXH64 hashes of a SQL value in this leaf's column, or nil when it cannot be hashed.
    public static func hashes(_ value: Value, leaf: ParquetLeaf) -> [UInt64]? {
        plainEncodings(value, leaf: leaf)?.map { XXHash64.hash($0) }
    }

    /// False when no value of `values` can be in a column chunk with this filter.
    public func mightContainAny(_ values: [Value], leaf: ParquetLeaf) -> Bool {
        for v in values where !v.isNull {
            guard let hs = Self.hashes(v, leaf: leaf) else { return true }
            if hs.contains(where: { mightContain(hash: $0) }) { return true }
        }
        return false
    }
}
