// Turns a decoded column chunk into LakeSQL Vectors: physical values are
// converted to the leaf's DataType in one typed pass (unit scaling, unsigned
// widening, big-endian decimals, FLOAT16 widening), then spread over the rows
// using the definition levels (NULL rows get a placeholder and a false
// validity bit). Dictionary chunks become .dictionary vectors.

import Columnar

enum ParquetVectors {
    /// Dense vector (no nulls) of the leaf's type from physical values.
    static func dense(_ values: PhysicalValues, leaf: ParquetLeaf, file: String) throws -> Vector {
        func mismatch() -> SQLError {
            SQLError(SQLState.dataCorrupted, "file \"\(file)\", column \(leaf.dottedPath): values do not match the column type")
        }
        func overflow() -> SQLError {
            SQLError(SQLState.datetimeFieldOverflow, "file \"\(file)\", column \(leaf.dottedPath): timestamp out of range")
        }
        let n = values.count
        let type = leaf.type
        // The conversions that cannot fail are shared with the batch-by-batch path.
        if let v = denseRange(values, 0..<n, leaf: leaf) { return v }
        switch (leaf.kind, values) {
        case (.boolean, .bool(let a)):
            return Vector(type: type, count: n, storage: .bool(a))
        case (.int32, .int32(let a)), (.date, .int32(let a)):
            var out = ContiguousArray<Int64>(); out.reserveCapacity(n)
            a.withUnsafeBufferPointer { p in for v in p { out.append(Int64(v)) } }
            if type == .int16 {
                // INT(8)/INT(16) annotated columns may hold wider values in corrupt files; keep them in range.
                for v in out where v < Int64(Int16.min) || v > Int64(Int16.max) { throw mismatch() }
            }
            return Vector(type: type, count: n, storage: .int64(out))
        case (.uint32, .int32(let a)):
            var out = ContiguousArray<Int64>(); out.reserveCapacity(n)
            a.withUnsafeBufferPointer { p in for v in p { out.append(Int64(UInt32(bitPattern: v))) } }
            if let range = type.integerRange {
                for v in out where !range.contains(v) { throw mismatch() }
            }
            return Vector(type: type, count: n, storage: .int64(out))
        case (.timestamp(.millis), .int64(let a)):
            var out = ContiguousArray<Int64>(); out.reserveCapacity(n)
            for v in a {
                let (r, o) = v.multipliedReportingOverflow(by: 1000)
                if o { throw overflow() }
                out.append(r)
            }
            return Vector(type: type, count: n, storage: .int64(out))
        case (.decimalBytes, .bytes(let s)):
            var out = ContiguousArray<Int128>(); out.reserveCapacity(n)
            try s.bytes.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let r = s.range(i)
                    guard r.count <= 16 else {
                        // Wider encodings are legal if the extra bytes are sign extension.
                        let extra = r.count - 16
                        let sign: UInt8 = r.isEmpty ? 0 : (b[r.lowerBound] & 0x80 != 0 ? 0xff : 0)
                        for j in r.lowerBound..<r.lowerBound + extra where b[j] != sign { throw mismatch() }
                        out.append(bigEndianSigned(b, r.lowerBound + extra..<r.upperBound))
                        continue
                    }
                    out.append(bigEndianSigned(b, r))
                }
            }
            return Vector(type: type, count: n, storage: .int128(out))
        case (.decimalText(let scale), .bytes(let s)):
            var out = StringColumn()
            for i in 0..<n {
                let text = s.bytes.withUnsafeBufferPointer { wideDecimalText($0, s.range(i), scale: scale) }
                out.append(text)
            }
            return Vector(type: type, count: n, storage: .string(out))
        case (.float16, .bytes(let s)):
            var out = ContiguousArray<Double>(); out.reserveCapacity(n)
            for i in 0..<n {
                let r = s.range(i)
                guard r.count == 2 else { throw mismatch() }
                let bits = UInt16(s.bytes[r.lowerBound]) | UInt16(s.bytes[r.lowerBound + 1]) << 8
                out.append(halfToDouble(bits))
            }
            return Vector(type: type, count: n, storage: .float64(out))
        case (.string, .bytes(let s)), (.bytes, .bytes(let s)):
            return Vector(type: type, count: n, storage: .string(s))
        case (.uuid, .bytes(let s)):
            return Vector(type: type, count: n, storage: .string(s))
        default:
            throw mismatch()
        }
    }

    /// Values `r` of a physical column converted to the leaf's type in one pass over the range
    /// (no intermediate copy of the range), for the conversions that cannot fail
    /// (`convertsWithoutFailure`); nil for any other leaf.
    static func denseRange(_ values: PhysicalValues, _ r: Range<Int>, leaf: ParquetLeaf) -> Vector? {
        let n = r.count
        func map<S, D>(_ a: ContiguousArray<S>, _ f: (S) -> D) -> ContiguousArray<D> {
            a.withUnsafeBufferPointer { src in
                ContiguousArray<D>(unsafeUninitializedCapacity: n) { out, initialized in
                    guard let o = out.baseAddress, let s = src.baseAddress else { initialized = 0; return }
                    let from = s + r.lowerBound
                    for i in 0..<n { (o + i).initialize(to: f(from[i])) }
                    initialized = n
                }
            }
        }
        func copy<T>(_ a: ContiguousArray<T>) -> ContiguousArray<T> { r == a.indices ? a : ContiguousArray(a[r]) }
        // Widening to Int128 also ORs each value's magnitude word (x ^ (x >> 63): x, or |x| - 1
        // when negative, as DecimalKernels.magnitudeBits does) in the same pass, so the vector
        // carries its bound and the decimal kernels and sums need no second pass over 16-byte values.
        func widen<S>(_ a: ContiguousArray<S>, _ f: (S) -> Int64, unsigned: Bool = false) -> Vector {
            var bound: UInt64 = 0
            let out = a.withUnsafeBufferPointer { src in
                ContiguousArray<Int128>(unsafeUninitializedCapacity: n) { out, initialized in
                    guard let o = out.baseAddress, let s = src.baseAddress else { initialized = 0; return }
                    let from = s + r.lowerBound
                    var acc: UInt64 = 0
                    if unsigned {
                        for i in 0..<n {
                            let x = UInt64(bitPattern: f(from[i]))
                            acc |= x
                            (o + i).initialize(to: Int128(x))
                        }
                    } else {
                        for i in 0..<n {
                            let x = f(from[i])
                            acc |= UInt64(bitPattern: x ^ (x >> 63))
                            (o + i).initialize(to: Int128(x))
                        }
                    }
                    bound = acc
                    initialized = n
                }
            }
            return Vector(type: leaf.type, count: n, storage: .int128(out), int128MagnitudeBits: 64 - bound.leadingZeroBitCount)
        }
        let type = leaf.type
        switch (leaf.kind, values) {
        case (.int32, .int32(let a)) where type != .int16, (.date, .int32(let a)):
            return Vector(type: type, count: n, storage: .int64(map(a) { Int64($0) }))
        case (.timeMillis, .int32(let a)):
            return Vector(type: type, count: n, storage: .int64(map(a) { Int64($0) * 1000 }))
        case (.int64, .int64(let a)), (.timeMicros, .int64(let a)), (.int96, .int64(let a)), (.timestamp(.micros), .int64(let a)):
            return Vector(type: type, count: n, storage: .int64(copy(a)))
        case (.timeNanos, .int64(let a)), (.timestamp(.nanos), .int64(let a)):
            // floor division keeps pre-epoch values on the right microsecond
            return Vector(type: type, count: n, storage: .int64(map(a) { v in
                let q = v / 1000
                return v % 1000 < 0 ? q - 1 : q
            }))
        case (.uint64, .int64(let a)):
            return widen(a, { $0 }, unsigned: true)
        case (.decimalInt32, .int32(let a)):
            return widen(a, { Int64($0) })
        case (.decimalInt64, .int64(let a)):
            return widen(a, { $0 })
        case (.float, .float(let a)):
            return Vector(type: type, count: n, storage: .float64(map(a) { Double($0) }))
        case (.double, .double(let a)):
            return Vector(type: type, count: n, storage: .float64(copy(a)))
        default:
            return nil
        }
    }

    static func bigEndianSigned(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int128 {
        if r.isEmpty { return 0 }
        var v: Int128 = b[r.lowerBound] & 0x80 != 0 ? -1 : 0
        for j in r { v = (v << 8) | Int128(b[j]) }
        return v
    }

    /// Exact decimal text of a big-endian two's-complement integer of any width, with `scale` fractional digits.
    static func wideDecimalText(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, scale: Int) -> String {
        var mag = Array(b[r])
        let negative = (mag.first ?? 0) & 0x80 != 0
        if negative {
            // two's complement negate
            for i in mag.indices { mag[i] = ~mag[i] }
            var i = mag.count - 1
            while i >= 0 { mag[i] &+= 1; if mag[i] != 0 { break }; i -= 1 }
        }
        var digits: [UInt8] = []
        while mag.contains(where: { $0 != 0 }) {
            var rem = 0
            for i in mag.indices {
                let cur = rem << 8 | Int(mag[i])
                mag[i] = UInt8(cur / 10)
                rem = cur % 10
            }
            digits.append(UInt8(rem) + 48)
        }
        if digits.isEmpty { digits = [48] }
        return insertPoint(String(decoding: digits.reversed(), as: UTF8.self), scale: scale, negative: negative)
    }

    private static func insertPoint(_ digits: String, scale: Int, negative: Bool) -> String {
        var d = digits
        if scale > 0 {
            if d.count <= scale { d = String(repeating: "0", count: scale - d.count + 1) + d }
            d.insert(".", at: d.index(d.endIndex, offsetBy: -scale))
        }
        return (negative ? "-" : "") + d
    }

    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exp = Int((h >> 10) & 0x1f)
        let frac = Double(h & 0x3ff)
        if exp == 0 { return sign * frac * 0x1p-24 }
        if exp == 31 { return frac == 0 ? sign * .infinity : .nan }
        return sign * (1 + frac / 1024) * Double(sign: .plus, exponent: exp - 15, significand: 1)
    }

    /// Spreads a dense vector over `validity.count` rows (rows with validity false become NULL).
    static func scatter(_ dense: Vector, validity: ContiguousArray<Bool>) -> Vector {
        let rows = validity.count
        if dense.count == rows { return Vector(type: dense.type, count: rows, storage: dense.storage, validity: nil) }
        func spread<T>(_ a: ContiguousArray<T>, _ zero: T) -> ContiguousArray<T> {
            var out = ContiguousArray<T>(repeating: zero, count: rows)
            var j = 0
            out.withUnsafeMutableBufferPointer { o in
                a.withUnsafeBufferPointer { src in
                    validity.withUnsafeBufferPointer { v in
                        for i in 0..<rows where v[i] { o[i] = src[j]; j += 1 }
                    }
                }
            }
            return out
        }
        let storage: VectorStorage
        switch dense.storage {
        case .bool(let a): storage = .bool(spread(a, false))
        case .int64(let a): storage = .int64(spread(a, 0))
        case .float64(let a): storage = .float64(spread(a, 0))
        case .int128(let a): storage = .int128(spread(a, 0))
        case .string(let s):
            var offsets = ContiguousArray<Int32>(repeating: 0, count: rows + 1)
            var j = 0
            offsets.withUnsafeMutableBufferPointer { o in
                s.offsets.withUnsafeBufferPointer { so in
                    validity.withUnsafeBufferPointer { v in
                        o[0] = so[0]
                        for i in 0..<rows {
                            j &+= v[i] ? 1 : 0
                            o[i + 1] = so[j]
                        }
                    }
                }
            }
            storage = .string(StringColumn(offsets: offsets, bytes: s.bytes))
        default:
            return Vector(type: dense.type, count: rows, storage: dense.storage, validity: validity)
        }
        return Vector(type: dense.type, count: rows, storage: storage, validity: validity)
    }

    /// The vector for a flat (non-repeated) leaf: one row per level entry.
    static func flatColumn(_ d: DecodedColumn, leaf: ParquetLeaf, file: String) throws -> Vector {
        guard d.fallbackCodes == nil else {
            throw SQLError(SQLState.internalError, "file \"\(file)\", column \(leaf.dottedPath): unconverted dictionary codes in a whole read")
        }
        let rows = d.entries
        var validity: ContiguousArray<Bool>? = nil
        var present = rows
        if let defs = d.defLevels, leaf.maxDef > 0 {
            // Count first (a reduction that vectorises): optional columns without NULLs, the
            // common case, then need no validity mask at all.
            let m = Int32(leaf.maxDef)
            let n = min(rows, defs.count)
            let defined = d.definedEntries.map { Swift.min($0, n) } ?? defs.withUnsafeBufferPointer { p in
                var c = 0
                for i in 0..<n { c &+= p[i] == m ? 1 : 0 }
                return c
            }
            if defined < rows {
                validity = ContiguousArray(unsafeUninitializedCapacity: rows) { o, initialized in
                    defs.withUnsafeBufferPointer { p in
                        for i in 0..<n { o[i] = p[i] == m }
                        for i in n..<rows { o[i] = false }
                    }
                    initialized = rows
                }
                present = defined
            }
        } else if let bits = d.definedBits, leaf.maxDef > 0 {
            let n = min(rows, bits.count * 64)
            let defined = bits.withUnsafeBufferPointer { DefinitionBits.count($0, from: 0, to: n) }
            if defined < rows {
                validity = ContiguousArray(unsafeUninitializedCapacity: rows) { o, initialized in
                    bits.withUnsafeBufferPointer { w in
                        for i in 0..<n { o[i] = w[i >> 6] >> UInt64(i & 63) & 1 != 0 }
                        for i in n..<rows { o[i] = false }
                    }
                    initialized = rows
                }
                present = defined
            }
        }
        let stored = d.indices?.count ?? d.values.count
        guard present == stored else {
            throw SQLError(SQLState.dataCorrupted, "file \"\(file)\", column \(leaf.dottedPath): \(stored) values for \(present) non-null rows")
        }
        if let indices = d.indices, let dict = d.dictionary {
            // Parts of a row group read at the same time share one dictionary vector.
            let shared = try d.dictionarySlot?.vector { try dense($0, leaf: leaf, file: file) }
            let dictVector = try shared ?? dense(dict, leaf: leaf, file: file)
            if dictVector.count == 0 { return Vector.nulls(type: leaf.type, count: rows) }
            guard let validity else {
                return Vector(type: leaf.type, count: rows, storage: .dictionary(indices: indices, values: dictVector))
            }
            var spreadIdx = ContiguousArray<Int32>(repeating: 0, count: rows)
            spreadIdx.withUnsafeMutableBufferPointer { out in
                indices.withUnsafeBufferPointer { src in
                    validity.withUnsafeBufferPointer { v in
                        var j = 0
                        for i in 0..<rows where v[i] { out[i] = src[j]; j += 1 }
                    }
                }
            }
            return Vector(type: leaf.type, count: rows, storage: .dictionary(indices: spreadIdx, values: dictVector), validity: validity)
        }
        let values = try dense(d.values, leaf: leaf, file: file)
        guard let validity else { return values }
        return scatter(values, validity: validity)
    }

    /// The vector of only `rows` (ascending entry numbers) of a flat leaf: what `flatColumn`
    /// followed by a gather of those rows gives, but only the selected rows' values are
    /// converted and placed. A late-materialised read that keeps one row in fifty touches every
    /// page, and converting and spreading all of their rows was a quarter of such a scan.
    /// The definition levels are still counted in full (a value's position is the number of
    /// non-NULL rows before it), which also keeps flatColumn's check of the value count.
    static func flatColumn(_ d: DecodedColumn, leaf: ParquetLeaf, file: String, rows: ContiguousArray<Int32>) throws -> Vector {
        let entries = d.entries
        let codesBefore = d.fallbackCodes?.count ?? 0
        let stored = codesBefore + (d.indices?.count ?? d.values.count)
        func corrupt(_ present: Int) -> SQLError {
            SQLError(SQLState.dataCorrupted, "file \"\(file)\", column \(leaf.dottedPath): \(stored) values for \(present) non-null rows")
        }
        // Each selected row's position among the stored values, -1 for a NULL.
        var ranks = ContiguousArray<Int32>(repeating: -1, count: rows.count)
        var anyNull = false
        var ranked: (defined: Int, ascending: Bool)? = nil
        if leaf.maxDef > 0, let bits = d.definedBits {
            ranked = bits.withUnsafeBufferPointer { w in
                rankSelected(rows, entries: entries, into: &ranks, anyNull: &anyNull, words: w)
            }
        } else if leaf.maxDef > 0, let defs = d.defLevels {
            ranked = defs.withUnsafeBufferPointer { p in
                rankSelected(rows, entries: entries, into: &ranks, anyNull: &anyNull, levels: DefinedLevelsView(levels: p, maxDef: Int32(leaf.maxDef)))
            }
        }
        if let (defined, ascending) = ranked {
            guard ascending else { throw SQLError(SQLState.internalError, "file \"\(file)\": rows of a sparse read out of order") }
            guard defined == stored else { throw corrupt(defined) }
        } else {
            guard entries == stored else { throw corrupt(entries) }
            for (k, r) in rows.enumerated() {
                guard r >= 0, Int(r) < entries else { throw SQLError(SQLState.internalError, "file \"\(file)\": row \(r) of a sparse read past \(entries)") }
                ranks[k] = r
            }
        }
        let validity: ContiguousArray<Bool>? = anyNull ? ContiguousArray(ranks.lazy.map { $0 >= 0 }) : nil
        let valueRows = anyNull ? ContiguousArray(ranks.lazy.filter { $0 >= 0 }) : ranks
        if let indices = d.indices, let dict = d.dictionary {
            let shared = try d.dictionarySlot?.vector { try dense($0, leaf: leaf, file: file) }
            let dictVector = try shared ?? dense(dict, leaf: leaf, file: file)
            if dictVector.count == 0 { return Vector.nulls(type: leaf.type, count: rows.count) }
            var codes = ContiguousArray<Int32>(repeating: 0, count: rows.count)
            indices.withUnsafeBufferPointer { src in
                for k in 0..<rows.count where ranks[k] >= 0 { codes[k] = src[Int(ranks[k])] }
            }
            return Vector(type: leaf.type, count: rows.count, storage: .dictionary(indices: codes, values: dictVector), validity: validity)
        }
        var picked = d.values.emptyOfSameKind
        if let codes = d.fallbackCodes {
            guard let dict = d.dictionary else {
                throw SQLError(SQLState.internalError, "file \"\(file)\", column \(leaf.dottedPath): dictionary codes without a dictionary")
            }
            // Rows before the fall-back to PLAIN pages take their value through their code;
            // valueRows ascend, so they are a prefix.
            let split = valueRows.firstIndex { Int($0) >= codes.count } ?? valueRows.count
            let pickedCodes = codes.withUnsafeBufferPointer { c in ContiguousArray(valueRows[..<split].lazy.map { c[Int($0)] }) }
            try picked.appendGathered(from: dict, pickedCodes, expecting: valueRows.count)
            let after = Int32(truncatingIfNeeded: codes.count)
            try picked.appendGathered(from: d.values, ContiguousArray(valueRows[split...].lazy.map { $0 - after }))
        } else {
            try picked.appendGathered(from: d.values, valueRows)
        }
        let values = try dense(picked, leaf: leaf, file: file)
        guard let validity else { return values }
        return scatter(values, validity: validity)
    }

    /// Each selected row's rank among the defined entries (its value's position), -1 and
    /// `anyNull` for an undefined one; returns the defined entries in all and whether the rows
    /// ascended. Levels as integers (nested readers' form); bits have their own count below.
    private static func rankSelected(_ rows: ContiguousArray<Int32>, entries: Int, into ranks: inout ContiguousArray<Int32>,
                                     anyNull: inout Bool, levels: DefinedLevelsView) -> (defined: Int, ascending: Bool) {
        let n = Swift.min(entries, levels.count)
        var defined = 0, next = 0
        let ascending = forEachSelected(rows, entries: entries, into: &ranks) { k, row, out in
            let gapEnd = Swift.min(row, n)
            if gapEnd > next { defined &+= levels.defined(from: next, to: gapEnd) }
            if row < n && levels.isDefined(row) {
                out[k] = Int32(truncatingIfNeeded: defined)
                defined &+= 1
            } else {
                anyNull = true
            }
            next = row + 1
        }
        if ascending && next < n { defined &+= levels.defined(from: next, to: n) }
        return (defined, ascending)
    }

    /// rankSelected for levels kept as bits: the set bits before each word are counted first,
    /// in one pass over the words, so a row's rank is that count and one masked popcount, with
    /// no branch on how many words lie between two selected rows (counting them as the rows
    /// advanced mispredicted once per row: 8% of click-stream m6, 3% of whose rows survive;
    /// counting each gap with a call before that was 5%).
    private static func rankSelected(_ rows: ContiguousArray<Int32>, entries: Int, into ranks: inout ContiguousArray<Int32>,
                                     anyNull: inout Bool, words: UnsafeBufferPointer<UInt64>) -> (defined: Int, ascending: Bool) {
        let n = Swift.min(entries, words.count * 64)
        let usedWords = (n + 63) >> 6
        let before = ContiguousArray<Int32>(unsafeUninitializedCapacity: usedWords) { out, initialized in
            var count = 0
            for w in 0..<usedWords {
                out[w] = Int32(truncatingIfNeeded: count)
                count &+= words[w].nonzeroBitCount
            }
            initialized = usedWords
        }
        var nulls = false
        let ascending = before.withUnsafeBufferPointer { before in
            forEachSelected(rows, entries: entries, into: &ranks) { k, row, out in
                guard row < n else { nulls = true; return }
                let w = row >> 6
                let bits = words[w], bit = UInt64(row & 63)
                let isSet = bits >> bit & 1 != 0
                let rank = before[w] &+ Int32(truncatingIfNeeded: (bits & ((1 << bit) &- 1)).nonzeroBitCount)
                out[k] = isSet ? rank : -1
                nulls = nulls || !isSet
            }
        }
        if nulls { anyNull = true }
        return (DefinitionBits.count(words, from: 0, to: n), ascending)
    }

    /// Calls `rank` with each selected row in turn (its index in `rows`, the row, the ranks'
    /// storage) while the rows ascend and lie below `entries`; false when they did not.
    @inline(__always)
    private static func forEachSelected(_ rows: ContiguousArray<Int32>, entries: Int, into ranks: inout ContiguousArray<Int32>,
                                        _ rank: (Int, Int, UnsafeMutableBufferPointer<Int32>) -> Void) -> Bool {
        var next = 0, ascending = true
        ranks.withUnsafeMutableBufferPointer { out in
            rows.withUnsafeBufferPointer { selected in
                for k in 0..<selected.count {
                    let row = Int(selected[k])
                    guard row >= next, row < entries else { ascending = false; return }
                    rank(k, row, out)
                    next = row + 1
                }
            }
        }
        return ascending
    }

    /// Whether converting these physical values to the leaf's type cannot fail (no range checks,
    /// no overflow, no byte-width checks), so the conversion may be deferred to each batch.
    static func convertsWithoutFailure(_ leaf: ParquetLeaf) -> Bool {
        switch leaf.kind {
        case .int32, .date: return leaf.type != .int16
        case .timeMillis, .int64, .timeMicros, .int96, .timeNanos, .uint64, .decimalInt32, .decimalInt64, .float, .double:
            return true
        case .timestamp(let unit): return unit != .millis
        default: return false
        }
    }

    /// A flat column chunk whose values map one to one onto its rows: no NULL, no dictionary
    /// codes, a conversion that cannot fail (ParquetColumnsRead keeps these physical).
    static func isDensePlain(_ d: DecodedColumn, leaf: ParquetLeaf) -> Bool {
        guard leaf.maxRep == 0, d.indices == nil, d.fallbackCodes == nil, d.values.count == d.entries, convertsWithoutFailure(leaf) else { return false }
        if leaf.maxDef > 0, let defs = d.defLevels {
            let m = Int32(leaf.maxDef)
            let defined = d.definedEntries ?? defs.withUnsafeBufferPointer { p in
                var c = 0
                for i in 0..<p.count { c &+= p[i] == m ? 1 : 0 }
                return c
            }
            if defined != d.entries || defs.count != d.entries { return false }
        }
        if leaf.maxDef > 0, let bits = d.definedBits {
            let n = Swift.min(d.entries, bits.count * 64)
            if bits.withUnsafeBufferPointer({ DefinitionBits.count($0, from: 0, to: n) }) != d.entries { return false }
        }
        return true
    }

    /// Rows `r` of a whole-row-group vector, copying contiguous ranges (dictionaries are shared, not copied).
    static func slice(_ v: Vector, _ r: Range<Int>) -> Vector { v.contiguousSlice(r) }
}

/// A flat leaf's definition levels as integers, as `rankSelected` reads them.
struct DefinedLevelsView {
    let levels: UnsafeBufferPointer<Int32>
    let maxDef: Int32
    var count: Int { levels.count }
    @inline(__always) func isDefined(_ i: Int) -> Bool { levels[i] == maxDef }
    @inline(__always) func defined(from: Int, to: Int) -> Int {
        guard let base = levels.baseAddress else { return 0 }
        return DefinitionLevels.countDefined(base + from, count: to - from, maxDef: maxDef)
    }
}
