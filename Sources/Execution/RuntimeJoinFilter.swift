// Runtime join filters: once a hash join's build side is hashed (before the
// first morsel of its scan pipeline runs, PipelineJoin), the keys it holds
// are known, and a probe row whose key is outside them can never match. For
// inner, semi and right joins (where an unmatched probe row yields nothing)
// whose probe keys are plain columns of the pipeline's scan, the build's
// keys become
//  - scan predicates: each key column's min…max (and, for a handful of
//    distinct values, the exact list), which rule out row groups and
//    partitions whose statistics cannot hold any build key
//    (ScanMorsel.ruledOut(byRuntimeFilter:), Lake/ParquetRuntimeFilterPruning);
//  - a row filter run before the pipeline's first join: the integer keys'
//    ranges and a bloom filter of the build's key hashes (JoinKeyBloomFilter),
//    so rows that a later join would drop are dropped before the earlier
//    joins probe them (TPC-H Q8: lineitem rows of the few parts of one type
//    are kept before the orders join, instead of after it).
// The join still decides every row: a filter only drops rows that cannot
// match, so results are the same with filters on or off
// (`SET lakesql.runtime_join_filters = off`). A row filter that keeps nearly
// every row it sees stops itself (adaptive), since then it only costs time.

import Columnar
import Foundation
import Planner

/// Where a pipeline join's probe keys come from. Per key: its position in the scan's output
/// (nil unless the key is a plain scan column, through filters and renaming projections);
/// its position in the batches entering the pipeline's first join (nil likewise, and for
/// the first join itself, whose own probe is where those rows go next); and, for a key that
/// is a build column of an inner join lower in the same pipeline, that join (0 = the lowest)
/// and the column of its build input.
struct RuntimeFilterTrace {
    var scanColumns: [Int?]
    var frontColumns: [Int?]
    var buildColumns: [(join: Int, column: Int)?]
    var keyTypes: [DataType]
}

/// Follows column positions through a scan pipeline's stages as PhysicalPlanner compiles
/// them in execution order, to give each join its RuntimeFilterTrace.
struct RuntimeFilterTracer {
    /// For each column of the current batches: the scan output position it is a copy of.
    private(set) var scanOrigin: [Int?]
    /// Likewise, positions in the batches entering the first join (nil until it is passed).
    private var frontOrigin: [Int?]? = nil
    /// Likewise, the inner join below whose build input the column comes from.
    private var buildOrigin: [(join: Int, column: Int)?]
    private var joins = 0

    init(scanWidth: Int) {
        scanOrigin = (0..<scanWidth).map { $0 }
        buildOrigin = [(join: Int, column: Int)?](repeating: nil, count: scanWidth)
    }

    mutating func project(_ exprs: [BoundExpr]) {
        func mapped<T>(_ origin: [T?]) -> [T?] {
            exprs.map { e in
                guard case .column(let i, _) = e, i >= 0, i < origin.count else { return nil }
                return origin[i]
            }
        }
        scanOrigin = mapped(scanOrigin)
        frontOrigin = frontOrigin.map { mapped($0) }
        buildOrigin = mapped(buildOrigin)
    }

    /// Rows coming out of a policy barrier: nothing above it filters below it.
    mutating func barrier() {
        scanOrigin = scanOrigin.map { _ in nil }
        frontOrigin = frontOrigin.map { $0.map { _ in nil } }
        buildOrigin = buildOrigin.map { _ in nil }
    }

    mutating func join(_ type: JoinType, probeKeys: [BoundExpr], rightWidth: Int) -> RuntimeFilterTrace {
        func traced<T>(_ origin: [T?]?) -> [T?] {
            probeKeys.map { k in
                guard let origin, case .column(let i, _) = k, i >= 0, i < origin.count else { return nil }
                return origin[i]
            }
        }
        let trace = RuntimeFilterTrace(scanColumns: traced(scanOrigin), frontColumns: traced(frontOrigin),
                                       buildColumns: traced(buildOrigin), keyTypes: probeKeys.map(\.type))
        if frontOrigin == nil { frontOrigin = (0..<scanOrigin.count).map { $0 } }
        let none = [Int?](repeating: nil, count: rightWidth)
        switch type {
        case .semi, .anti:
            break   // the left rows pass unchanged (or not at all)
        case .inner, .left:
            scanOrigin += none
            frontOrigin = frontOrigin.map { $0 + none }
            // Only an inner join's build rows may be dropped for a filter above (a left join
            // would pad its probe rows with NULLs instead).
            let join = joins
            for c in 0..<rightWidth { buildOrigin.append(type == .inner ? (join: join, column: c) : nil) }
        case .right, .full:
            // Unmatched build rows come out NULL-padded on the left: tracing stops here.
            scanOrigin = [Int?](repeating: nil, count: scanOrigin.count + rightWidth)
            frontOrigin = frontOrigin.map { [Int?](repeating: nil, count: $0.count + rightWidth) }
            buildOrigin = [(join: Int, column: Int)?](repeating: nil, count: buildOrigin.count + rightWidth)
        }
        joins += 1
        return trace
    }
}

final class RuntimeJoinFilter: @unchecked Sendable {
    /// Row filter: positions of the checked key columns in the batches it sees, and their
    /// inclusive ranges for integer-like keys (nil for others).
    let rowColumns: [Int]
    let rowRanges: [ClosedRange<Int64>?]
    /// Bloom filter of the build rows' hashes over exactly the `rowColumns` keys: made at
    /// once for small builds, after a successful trial for large ones (nil until then).
    private var bloom: JoinKeyBloomFilter?
    /// Instead of the bloom filter, for one integer key over a narrow range: the exact key set.
    private var bitmap: JoinKeyBitmap?
    /// With several keys: the exact value set of an integer key over a narrow range whose
    /// build values leave most of it empty (position in `rowColumns`, bitmap). Checked before
    /// the other tests, so those (a row hash and a bloom probe each) run on its survivors only:
    /// TPC-H Q9's 10,664 green parts among 200K part keys drop 95% of the line items before
    /// their (part, supplier) pair is hashed.
    private let keyBitmaps: [(column: Int, bitmap: JoinKeyBitmap)]
    /// A large build whose keys the row filter covers: its trial asks the join's own table
    /// (exact) and the bloom filter is made only if the trial drops enough rows, since a
    /// build holding every key of the probe side (a foreign key's whole table) drops none.
    private let trialTable: JoinHashTable?
    private let bloomKeys: [KeyView], bloomRows: Int
    private var bloomBuilding = false
    /// Predicates on the scan's table columns that every matching probe row satisfies.
    let scanPredicates: [ScanPredicate]
    /// For EXPLAIN ANALYZE (what ScanStatistics.runtimeFilters shows; updated when the filter
    /// stops or makes its bloom filter).
    private(set) var text: String
    /// Build rows in the table: smaller builds usually drop more, and run first.
    let buildRows: Int
    private let statistics: ScanStatistics

    private var checked = 0, dropped = 0, active = true
    private static let lock = NSLock()

    /// Builds larger than this get no bloom filter (at 16 bits a key, 4 MB).
    static let bloomMaximumRows = 1 << 21
    /// Builds up to this size get their bloom filter at once (it costs less than a trial).
    /// Tests lower this and `adaptiveRows` to reach the trial on small tables.
    nonisolated(unsafe) static var bloomEagerRows = 65_536
    /// A build column with at most this many distinct keys is also pushed as an IN list.
    static let exactListMaximum = 16
    /// The same for an integer build column (its list is checked page by page: see make).
    static let integerListMaximum = 1024
    /// Rows a row filter checks before judging itself, and the share it must drop to go on.
    nonisolated(unsafe) static var adaptiveRows = 65_536
    static let adaptiveMinimumDropped = 0.1

    private init(rowColumns: [Int], rowRanges: [ClosedRange<Int64>?], bloom: JoinKeyBloomFilter?, bitmap: JoinKeyBitmap?,
                 keyBitmaps: [(column: Int, bitmap: JoinKeyBitmap)], trialTable: JoinHashTable?,
                 bloomKeys: [KeyView], bloomRows: Int, scanPredicates: [ScanPredicate], text: String, buildRows: Int,
                 statistics: ScanStatistics) {
        self.rowColumns = rowColumns; self.rowRanges = rowRanges; self.bloom = bloom; self.bitmap = bitmap
        self.keyBitmaps = keyBitmaps
        self.trialTable = trialTable; self.bloomKeys = bloomKeys; self.bloomRows = bloomRows
        self.scanPredicates = scanPredicates; self.text = text; self.buildRows = buildRows; self.statistics = statistics
    }

    /// Whether a row filter may drop rows (else only its scan predicates are used).
    var filtersRows: Bool { !rowColumns.isEmpty && (bloom != nil || bitmap != nil || trialTable != nil || rowRanges.contains { $0 != nil }) }

    /// `SET lakesql.runtime_join_filters = off` (or the environment variable
    /// LAKESQL_RUNTIME_JOIN_FILTERS=off, for before/after runs of the benchmark harness).
    static func enabled(_ context: ExecutionContext) -> Bool {
        let value = context.functionContext.settings["lakesql.runtime_join_filters"] ?? defaultSetting
        return !["off", "false", "0"].contains(value.lowercased())
    }
    private static let defaultSetting = ProcessInfo.processInfo.environment["LAKESQL_RUNTIME_JOIN_FILTERS"] ?? "on"

    /// The filter a finished build gives its probe side, or nil when it gives none (an outer
    /// or anti join, keys that are not plain scan columns, an unbuilt table).
    static func make(_ join: HashJoinProbe, trace: RuntimeFilterTrace, scan: ScanNode, context: ExecutionContext) throws -> RuntimeJoinFilter? {
        guard join.type == .inner || join.type == .semi || join.type == .right,
              let table = join.builtTable, case let (keys, n, linked)? = join.builtKeys else { return nil }
        return try make(keys: keys, rows: n, linked: linked, trialTable: table, title: "\(join.type.rawValue.lowercased()) join on \(linked) build rows",
                        trace: trace, scan: scan, context: context)
    }

    /// The filter a semi/anti join's table over its left rows (SemiJoinReversed) gives the scan
    /// of its right input, whose rows probe that table: a right row whose keys no left row
    /// holds changes neither a semi nor an anti join's result. Keys with a NULL never match.
    static func make(reversedSemiJoin type: JoinType, leftKeys keys: [KeyView], rows n: Int, trace: RuntimeFilterTrace,
                     scan: ScanNode, context: ExecutionContext) throws -> RuntimeJoinFilter? {
        let nulls = JoinHashTable.nullRows(keys, count: n)
        let linked = nulls.map { n - $0.prefix(n).reduce(0) { $0 + ($1 ? 1 : 0) } } ?? n
        // No join table to trial a bloom filter on: the left rows are the smaller side, already
        // filtered, so up to the bloom limit the filter is made at once (the adaptive check still
        // stops it when it drops too little). TPC-H Q4 at SF10: 574K orders against 38M line
        // items, whose order keys span 60M values (too wide for a bitmap).
        return try make(keys: keys, rows: n, linked: linked, trialTable: nil,
                        title: "\(type.rawValue.lowercased()) join on \(linked) left rows", trace: trace, scan: scan, context: context,
                        eagerRows: bloomMaximumRows)
    }

    /// `keys`: the build rows' key columns (`n` rows, `linked` of them without a NULL key);
    /// `trialTable`: a table holding them, which large builds ask before making a bloom filter
    /// (without one they filter by ranges only).
    private static func make(keys: [KeyView], rows n: Int, linked: Int, trialTable table: JoinHashTable?, title: String,
                             trace: RuntimeFilterTrace, scan: ScanNode, context: ExecutionContext,
                             eagerRows: Int = bloomEagerRows) throws -> RuntimeJoinFilter? {
        guard keys.count == trace.keyTypes.count, !keys.isEmpty else { return nil }
        let nulls = JoinHashTable.nullRows(keys, count: n)
        let fields = scan.source.fields

        var predicates: [ScanPredicate] = []
        var described: [String] = []
        for (k, position) in trace.scanColumns.enumerated() {
            guard let position, position < scan.columns.count, linked > 0 else { continue }
            let column = scan.columns[position]
            let type = trace.keyTypes[k]
            guard column >= 0, column < fields.count, fields[column].type == type, prunable(type),
                  case let (low, high)? = bounds(keys[k], type: type, count: n, nulls: nulls) else { continue }
            predicates.append(.compare(column: column, op: .ge, value: low))
            predicates.append(.compare(column: column, op: .le, value: high))
            var text = "\(fields[column].name) in [\(ValueText.format(low, type: type)), \(ValueText.format(high, type: type))]"
            // Integer keys go as a longer list: Parquet scans test it against each page's min/max
            // (keys clustered in the file, like order keys, then skip most pages), in one pass of
            // integer compares per page (ScanPruning).
            let listMaximum = keys[k].physical == .int64 ? integerListMaximum : exactListMaximum
            if linked <= 4 * listMaximum, let values = distinctValues(keys[k], type: type, count: n, nulls: nulls, limit: listMaximum),
               values.count <= listMaximum, values.count > 2 {
                predicates.append(.inList(column: column, values: values))
                text += " (\(values.count) values)"
            }
            described.append(text)
        }

        var rowColumns: [Int] = [], rowRanges: [ClosedRange<Int64>?] = [], rowKeys: [Int] = []
        for (k, position) in trace.frontColumns.enumerated() {
            guard let position else { continue }
            rowColumns.append(position)
            rowKeys.append(k)
            var range: ClosedRange<Int64>? = nil
            if keys[k].physical == .int64 {
                range = linked == 0 ? nil : intBounds(keys[k], count: n, nulls: nulls)
            }
            rowRanges.append(range)
        }
        var bloom: JoinKeyBloomFilter? = nil
        var bitmap: JoinKeyBitmap? = nil
        var trialTable: JoinHashTable? = nil
        let bloomKeys = rowKeys.map { keys[$0] }
        // One integer key over a narrow range gets its exact bitmap whatever the build's size:
        // one pass over the keys, no hashing, at most 4 MB (a reversed anti join's 420K left
        // customers against 15M orders at SF10, TPC-H Q22, had only the keys' range before).
        // Other keys get a bloom filter at once up to `eagerRows`, else after a trial.
        if rowKeys.count == 1 {
            bitmap = JoinKeyBitmap.make(bloomKeys[0], rows: n, linked: linked, range: rowRanges[0], nulls: nulls)
        }
        if bitmap == nil, !rowKeys.isEmpty, linked <= eagerRows {
            bloom = makeBloom(bloomKeys, rows: n, linked: linked, nulls: nulls)
        }
        var keyBitmaps: [(column: Int, bitmap: JoinKeyBitmap)] = []
        if rowKeys.count > 1 {
            for (c, k) in rowKeys.enumerated() {
                // Only a sparse one pays for its pass: a key whose build values fill their range
                // (every supplier) drops no more than the range test does.
                guard let made = JoinKeyBitmap.make(keys[k], rows: n, linked: linked, range: rowRanges[c], nulls: nulls),
                      made.setBits * 4 <= made.width else { continue }
                keyBitmaps.append((c, made))
                var name = "key \(c + 1)"
                if let position = trace.scanColumns[k], position < scan.columns.count, scan.columns[position] < fields.count {
                    name = fields[scan.columns[position]].name
                }
                described.append("\(name) bitmap \(size(made.byteCount))")
            }
        }
        try context.reserve(bytes: keyBitmaps.reduce(0) { $0 + $1.bitmap.byteCount })
        if bloom != nil || bitmap != nil {
            try context.reserve(bytes: (bloom?.byteCount ?? 0) + (bitmap?.byteCount ?? 0))
            described.append(describe(bloom, bitmap, keys: rowKeys.count))
        } else if let table, rowKeys.count == keys.count, linked <= bloomMaximumRows {
            trialTable = table
            described.append("trial on the join's table")
        }
        let filter = RuntimeJoinFilter(rowColumns: rowColumns, rowRanges: rowRanges, bloom: bloom, bitmap: bitmap, keyBitmaps: keyBitmaps,
                                       trialTable: trialTable,
                                       bloomKeys: trialTable == nil ? [] : bloomKeys, bloomRows: n, scanPredicates: predicates,
                                       text: title + ": " + described.joined(separator: ", "),
                                       buildRows: linked, statistics: scan.statistics)
        return filter.scanPredicates.isEmpty && !filter.filtersRows ? nil : filter
    }

    /// A bloom filter of the build rows' hashes over `keys` (rows with a NULL join key left out).
    private static func makeBloom(_ keys: [KeyView], rows n: Int, linked: Int, nulls: ContiguousArray<Bool>?) -> JoinKeyBloomFilter {
        let filter = JoinKeyBloomFilter(expectedKeys: linked)
        let hashes = hashRows(keys, count: n)
        for i in 0..<n where !(nulls?[i] ?? false) { filter.insert(hashes[i]) }
        return filter
    }

    private static func describe(_ bloom: JoinKeyBloomFilter?, _ bitmap: JoinKeyBitmap?, keys: Int) -> String {
        if let bitmap { return "bitmap " + size(bitmap.byteCount) + " of the key's range" }
        return "bloom " + size(bloom?.byteCount ?? 0) + " over \(keys) key\(keys == 1 ? "" : "s")"
    }

    private static func size(_ bytes: Int) -> String {
        bytes >= 1024 ? "\(bytes / 1024) KB" : "\(bytes) B"
    }

    /// Types whose row-group statistics compare exactly like the join's equality (no floats:
    /// NaN and -0 join as equal but order apart; no char(n), whose padding the statistics keep).
    private static func prunable(_ type: DataType) -> Bool {
        switch type {
        case .int16, .int32, .int64, .date, .time, .timestamp, .timestamptz, .decimal, .text, .varchar: return true
        default: return false
        }
    }

    private static func intBounds(_ key: KeyView, count n: Int, nulls: ContiguousArray<Bool>?) -> ClosedRange<Int64>? {
        var low = Int64.max, high = Int64.min, any = false
        key.ints.withUnsafeBufferPointer { xs in
            let m = min(n, xs.count)
            guard let nulls else {
                // No NULLs: a plain min/max the compiler vectorises (the per-row NULL check kept
                // it scalar: 0.15 ms a run for click-stream m6's 100K products).
                for i in 0..<m {
                    low = Swift.min(low, xs[i])
                    high = Swift.max(high, xs[i])
                }
                any = m > 0
                return
            }
            for i in 0..<min(m, nulls.count) where !nulls[i] {
                low = Swift.min(low, xs[i])
                high = Swift.max(high, xs[i])
                any = true
            }
        }
        return any ? low...high : nil
    }

    /// The smallest and largest non-NULL build key as Values of the column's type.
    private static func bounds(_ key: KeyView, type: DataType, count n: Int, nulls: ContiguousArray<Bool>?) -> (Value, Value)? {
        switch key.physical {
        case .int64:
            return intBounds(key, count: n, nulls: nulls).map { (.int($0.lowerBound), .int($0.upperBound)) }
        case .int128:
            var low: Int128? = nil, high: Int128? = nil
            for i in 0..<min(n, key.wides.count) where !(nulls?[i] ?? false) {
                let x = key.wides[i]
                if low.map({ x < $0 }) ?? true { low = x }
                if high.map({ x > $0 }) ?? true { high = x }
            }
            guard let low, let high else { return nil }
            return (.decimal(low), .decimal(high))
        case .string:
            var low = -1, high = -1
            let s = key.strings
            s.bytes.withUnsafeBufferPointer { bytes in
                // Byte order (code point order for UTF-8), as Parquet orders strings.
                func order(_ a: Int, _ b: Int) -> Int {
                    let ra = s.range(a), rb = s.range(b)
                    let m = min(ra.count, rb.count)
                    if m > 0, let base = bytes.baseAddress {
                        let c = memcmp(base + ra.lowerBound, base + rb.lowerBound, m)
                        if c != 0 { return Int(c) }
                    }
                    return ra.count - rb.count
                }
                for i in 0..<min(n, s.count) where !(nulls?[i] ?? false) {
                    if low < 0 || order(i, low) < 0 { low = i }
                    if high < 0 || order(i, high) > 0 { high = i }
                }
            }
            guard low >= 0 else { return nil }
            return (.string(s.string(at: low)), .string(s.string(at: high)))
        default:
            return nil
        }
    }

    /// The distinct non-NULL build keys as Values (a small build only), nil when not representable.
    private static func distinctValues(_ key: KeyView, type: DataType, count n: Int, nulls: ContiguousArray<Bool>?, limit: Int) -> [Value]? {
        if key.physical == .int64 {
            // Integers hashed as integers (the list may run to 1,024 keys).
            var seen = Set<Int64>(minimumCapacity: min(n, limit + 1))
            var out: [Value] = []
            for i in 0..<n where !(nulls?[i] ?? false) {
                if seen.insert(key.ints[i]).inserted { out.append(.int(key.ints[i])) }
                if out.count > limit { return out }
            }
            return out
        }
        var seen = Set<Value>()
        var out: [Value] = []
        for i in 0..<n where !(nulls?[i] ?? false) {
            let v: Value
            switch key.physical {
            case .int64: v = .int(key.ints[i])
            case .int128: v = .decimal(key.wides[i])
            case .string: v = .string(key.strings.string(at: i))
            default: return nil
            }
            if seen.insert(v).inserted { out.append(v) }
            if out.count > limit { return out }
        }
        return out
    }

    /// How the next batch is checked: nil once the filter has stopped.
    private enum Check { case bitmap(JoinKeyBitmap), bloom(JoinKeyBloomFilter), exact(JoinHashTable), ranges }

    private var check: Check? {
        Self.lock.lock(); defer { Self.lock.unlock() }
        guard active else { return nil }
        if let bitmap { return .bitmap(bitmap) }
        if let bloom { return .bloom(bloom) }
        if let trialTable { return .exact(trialTable) }
        return .ranges
    }

    /// Counts a checked batch; true when the trial has just succeeded and this caller is to
    /// make the bloom filter.
    private func record(checked n: Int, kept: Int) -> Bool {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        checked += n
        dropped += n - kept
        statistics.runtimeFilterRowsChecked += n
        statistics.runtimeFilterRowsDropped += n - kept
        guard active, checked >= Self.adaptiveRows else { return false }
        if Double(dropped) < Double(checked) * Self.adaptiveMinimumDropped {
            active = false
            retitle(text + ", stopped after \(checked) rows")
            return false
        }
        if bloom == nil, trialTable != nil, !bloomBuilding {
            bloomBuilding = true
            return true
        }
        return false
    }

    /// Replaces this filter's line in the scan's EXPLAIN ANALYZE list (under the lock).
    private func retitle(_ new: String) {
        if let i = statistics.runtimeFilters.firstIndex(of: text) { statistics.runtimeFilters[i] = new }
        text = new
    }

    /// The rows of `b` whose keys may be in the build, ascending (NULL keys never are); nil
    /// when the filter has stopped (keep them all).
    func survivors(_ b: Batch) -> ContiguousArray<Int32>? {
        guard let check else { return nil }
        let kept = selection(rowColumns.map { b.columns[$0] }, count: b.count, check)
        if record(checked: b.count, kept: kept.count) {
            // Made outside the lock (other workers go on asking the table meanwhile). A trial only
            // runs where no bitmap could be made, so what it earns is a bloom filter.
            let made = Self.makeBloom(bloomKeys, rows: bloomRows, linked: buildRows,
                                      nulls: JoinHashTable.nullRows(trialTable?.keys ?? bloomKeys, count: bloomRows))
            Self.lock.lock()
            bloom = made
            retitle(text.replacingOccurrences(of: "trial on the join's table",
                                              with: Self.describe(made, nil, keys: rowColumns.count) + " after a trial"))
            Self.lock.unlock()
        }
        return kept
    }

    private func selection(_ columns: [Vector], count n: Int, _ check: Check) -> ContiguousArray<Int32> {
        if !keyBitmaps.isEmpty {
            // The sparse keys' bitmaps first; the rest of the check on their survivors.
            var rows: ContiguousArray<Int32>? = nil
            for (c, keyBitmap) in keyBitmaps {
                let v = rows.map { columns[c].gather($0) } ?? columns[c]
                guard let kept = singleIntSelection(v, count: v.count, bloom: nil, bitmap: keyBitmap) else { continue }
                if let previous = rows {
                    rows = ContiguousArray(mapping: kept) { previous[Int($0)] }
                } else {
                    rows = kept
                }
                if kept.isEmpty { return [] }
            }
            if let rows, rows.count < n {
                let narrowed = columns.map { $0.gather(rows) }
                return ContiguousArray(mapping: checkedWithoutKeyBitmaps(narrowed, count: rows.count, check)) { rows[Int($0)] }
            }
        }
        return checkedWithoutKeyBitmaps(columns, count: n, check)
    }

    private func checkedWithoutKeyBitmaps(_ columns: [Vector], count n: Int, _ check: Check) -> ContiguousArray<Int32> {
        if case .exact(let table) = check {
            var li: [Int32] = [], ri: [Int32] = []
            li.reserveCapacity(n); ri.reserveCapacity(n)
            table.probe(columns.map(KeyView.init), count: n, firstOnly: true, li: &li, ri: &ri)
            return ContiguousArray(li)
        }
        let bloom: JoinKeyBloomFilter?
        if case .bloom(let b) = check { bloom = b } else { bloom = nil }
        let bitmap: JoinKeyBitmap?
        if case .bitmap(let b) = check { bitmap = b } else { bitmap = nil }
        if columns.count == 1, let single = singleIntSelection(columns[0], count: n, bloom: bloom, bitmap: bitmap) { return single }
        if columns.count == 1, case .dictionary(let indices, let values) = columns[0].storage, values.count < n {
            // Decide each dictionary value once, then pick the rows by their codes.
            var passes = ContiguousArray<Bool>(repeating: false, count: values.count)
            for i in checkedWithoutKeyBitmaps([values], count: values.count, check) { passes[Int(i)] = true }
            let validity = columns[0].validity
            return ContiguousArray(unsafeUninitializedCapacity: n) { dst, initialized in
                var k = 0
                for i in 0..<n {
                    let code = Int(indices[i])
                    let keep = (validity?[i] ?? true) && code >= 0 && code < passes.count && passes[code]
                    dst[k] = Int32(truncatingIfNeeded: i)
                    k += keep ? 1 : 0
                }
                initialized = k
            }
        }
        let views = columns.map(KeyView.init)
        let nulls = JoinHashTable.nullRows(views, count: n)
        var keep = ContiguousArray<Bool>(repeating: true, count: n)
        if let nulls { for i in 0..<n where nulls[i] { keep[i] = false } }
        for (c, range) in rowRanges.enumerated() {
            guard let range, views[c].physical == .int64 else { continue }
            let lo = range.lowerBound, hi = range.upperBound
            views[c].ints.withUnsafeBufferPointer { xs in
                for i in 0..<min(n, xs.count) where xs[i] < lo || xs[i] > hi { keep[i] = false }
            }
        }
        if let bitmap, views.count == 1, views[0].physical == .int64 {
            let low = bitmap.low, high = bitmap.high
            bitmap.words.withUnsafeBufferPointer { words in
                views[0].ints.withUnsafeBufferPointer { xs in
                    for i in 0..<min(n, xs.count) where keep[i] && !JoinKeyBitmap.contains(xs[i], low: low, high: high, words: words) {
                        keep[i] = false
                    }
                }
            }
        }
        if let bloom {
            let hashes = hashRows(views, count: n)
            let shift = bloom.shift
            bloom.words.withUnsafeBufferPointer { words in
                for i in 0..<n where keep[i] {
                    let (w, m) = JoinKeyBloomFilter.slot(hashes[i], shift: shift)
                    if words[w] & m != m { keep[i] = false }
                }
            }
        }
        return ContiguousArray(unsafeUninitializedCapacity: n) { dst, initialized in
            var k = 0
            for i in 0..<n {
                dst[k] = Int32(truncatingIfNeeded: i)
                k += keep[i] ? 1 : 0
            }
            initialized = k
        }
    }

    /// The common case in one pass: one plain integer key without NULLs.
    private func singleIntSelection(_ v: Vector, count n: Int, bloom: JoinKeyBloomFilter?, bitmap: JoinKeyBitmap?) -> ContiguousArray<Int32>? {
        guard v.validity == nil else { return nil }
        switch v.storage {
        case .int64(let xs) where xs.count >= n:
            return xs.withUnsafeBufferPointer { x in select(n, bloom: bloom, bitmap: bitmap) { x[$0] } }
        case .dictionary(let codes, let values) where codes.count >= n && values.count >= n && values.validity == nil:
            // A large dictionary (a key column's first pages in Parquet): read through the codes
            // rather than materialising the column for the generic path.
            guard case .int64(let entries) = values.storage, !entries.isEmpty else { return nil }
            let inRange = codes.withUnsafeBufferPointer { c in
                var ok = true
                for i in 0..<n { ok = ok && c[i] >= 0 && Int(c[i]) < entries.count }
                return ok
            }
            guard inRange else { return nil }
            return codes.withUnsafeBufferPointer { c in
                entries.withUnsafeBufferPointer { e in select(n, bloom: bloom, bitmap: bitmap) { e[Int(c[$0])] } }
            }
        default:
            return nil
        }
    }

    /// The rows whose key `value(i)` passes the bitmap, or the range and bloom filter.
    @inline(__always)
    private func select(_ n: Int, bloom: JoinKeyBloomFilter?, bitmap: JoinKeyBitmap?, _ value: (Int) -> Int64) -> ContiguousArray<Int32> {
        if let bitmap {
            let low = bitmap.low, high = bitmap.high
            return bitmap.words.withUnsafeBufferPointer { words in
                ContiguousArray(unsafeUninitializedCapacity: n) { dst, initialized in
                    var k = 0
                    for i in 0..<n {
                        dst[k] = Int32(truncatingIfNeeded: i)
                        k += JoinKeyBitmap.contains(value(i), low: low, high: high, words: words) ? 1 : 0
                    }
                    initialized = k
                }
            }
        }
        let range = rowRanges[0] ?? Int64.min...Int64.max
        let lo = range.lowerBound, hi = range.upperBound
        let bloomWords = bloom?.words ?? []
        let shift = bloom?.shift ?? 64
        let hasBloom = bloom != nil
        return bloomWords.withUnsafeBufferPointer { words in
            ContiguousArray(unsafeUninitializedCapacity: n) { dst, initialized in
                var k = 0
                for i in 0..<n {
                    let x = value(i)
                    var keep = x >= lo && x <= hi
                    if keep && hasBloom {
                        let (w, m) = JoinKeyBloomFilter.slot(intKeyHash(x), shift: shift)
                        keep = words[w] & m == m
                    }
                    dst[k] = Int32(truncatingIfNeeded: i)
                    k += keep ? 1 : 0
                }
                initialized = k
            }
        }
    }
}

/// The runtime filters run as one pipeline stage, before the pipeline's first join.
final class RuntimeFilterStage: @unchecked Sendable {
    let filters: [RuntimeJoinFilter]
    init(filters: [RuntimeJoinFilter]) { self.filters = filters }

    func apply(_ b: Batch) -> Batch? {
        var current = b
        for f in filters {
            guard let keep = f.survivors(current) else { continue }
            if keep.isEmpty { return nil }
            if keep.count == current.count { continue }
            current = keep.withUnsafeBufferPointer { ConnectiveEvaluation.gathered(current, rows: $0, columns: nil) }
        }
        return current
    }
}

extension Array where Element == PipelineStage {
    /// Starts a scan pipeline: builds its joins' tables (PipelineJoin, the topmost first, the
    /// order a tree of HashJoinOperators builds them in), derives runtime filters from each,
    /// and plans the scan's morsels without those the filters rule out. A filter whose keys
    /// are build columns of an inner join lower in the pipeline goes to that join's build
    /// input before it is read (`incoming` of its ParallelScanOperator): TPC-H Q8's region
    /// filter reaches nation, nation's customers, and customer's the orders build.
    /// `incoming`: filters from a pipeline above whose build input this pipeline is, on scan
    /// positions; they run first. Returns the morsels and the stages to run (with runtime
    /// filter stages added). Consumer thread, before any morsel runs.
    func started(scan: ScanNode, context: ExecutionContext,
                 incoming: [RuntimeJoinFilter] = []) throws -> (morsels: [ScanMorsel], stages: [PipelineStage]) {
        let joins: [(stage: Int, join: PipelineJoin)] = enumerated().compactMap { k, stage in
            if case .join(let j) = stage { return (k, j) }
            return nil
        }
        let enabled = RuntimeJoinFilter.enabled(context)
        let scanFilters = scansFilterRows(scan, context: context)
        let liftedReads = leadingScanFilter?.reads
        var filters: [RuntimeJoinFilter] = []
        var inScan: [RuntimeJoinFilter] = []
        for (index, (_, j)) in joins.enumerated().reversed() {
            try j.prepare()
            guard enabled, var trace = j.trace else { continue }
            // Keys that are plain scan columns are checked by the scan itself, so the columns no
            // filter reads are decoded only for rows that may join — also for the first join,
            // whose probe would otherwise be the first to look at every row. Not when the query's
            // own scan filter reads other columns and a key is nullable: the scan decodes whatever
            // its filters read for every row, and spreading a nullable key's values over every
            // row (a product_id that is NULL on 60% of the events, behind `event_type =
            // 'purchase'`) costs more than the check saves; a required key costs little.
            let keys = trace.scanColumns.compactMap { $0 }
            let fields = scan.source.fields
            let required = keys.allSatisfy { $0 < scan.columns.count && scan.columns[$0] < fields.count && !fields[scan.columns[$0]].nullable }
            let checkedInScan = scanFilters && keys.count == trace.scanColumns.count
                && (required || (liftedReads.map { Set(keys).isSubset(of: $0) } ?? true))
            if checkedInScan { trace.frontColumns = trace.scanColumns }
            if let f = try RuntimeJoinFilter.make(j.join, trace: trace, scan: scan, context: context) {
                if checkedInScan { inScan.append(f) } else { filters.append(f) }
            }
            // Keys that are build columns of a lower inner join: filter that join's build input.
            for lower in 0..<index {
                let keys = trace.buildColumns.map { $0?.join == lower ? $0?.column : nil }
                guard keys.contains(where: { $0 != nil }), let target = joins[lower].join.buildPipeline else { continue }
                let positions = keys.map { c in c.flatMap { $0 < target.outputOrigin.count ? target.outputOrigin[$0] : nil } }
                guard positions.contains(where: { $0 != nil }) else { continue }
                let sideways = RuntimeFilterTrace(scanColumns: positions, frontColumns: positions,
                                                  buildColumns: positions.map { _ in nil }, keyTypes: trace.keyTypes)
                if let f = try RuntimeJoinFilter.make(j.join, trace: sideways, scan: target.scanNode, context: context) {
                    target.incoming.append(f)
                }
            }
        }
        if yieldsNothingFromScan { return ([], self) }
        // Filters from a pipeline above run on scan positions: in the scan when it can.
        let incomingInScan = scanFilters ? incoming : []
        let incomingStage = scanFilters ? [] : incoming
        let scanRowFilters = (incomingInScan + inScan).filter(\.filtersRows).sorted { $0.buildRows < $1.buildRows }
        // The scan may take over a leading filter stage (late materialisation): stage positions shift.
        let all = incoming + inScan + filters
        let (morsels, remaining) = try pipelineMorsels(scan, self, context: context,
                                                       runtimePredicates: all.flatMap(\.scanPredicates),
                                                       runtimeRowFilters: scanRowFilters)
        var stages = remaining
        let shift = count - stages.count
        scan.statistics.runtimeFilters = all.map(\.text)
        let rowFilters = filters.filter(\.filtersRows).sorted { $0.buildRows < $1.buildRows }
        if let at = joins.first?.stage, !rowFilters.isEmpty {
            stages.insert(.runtimeFilter(RuntimeFilterStage(filters: rowFilters)), at: at - shift)
        }
        let first = incomingStage.filter(\.filtersRows).sorted { $0.buildRows < $1.buildRows }
        if !first.isEmpty { stages.insert(.runtimeFilter(RuntimeFilterStage(filters: first)), at: 0) }
        return (morsels, stages)
    }
}
