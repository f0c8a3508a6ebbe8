// Table functions usable in FROM: generate_series over integers and
// timestamps; the file readers (read_parquet, read_csv, read_json and
// read_auto for `FROM 'path'`) are delegated to the Lake layer.

import Columnar
import Functions
import Lake
import Planner

final class BuiltinTableFunctions: TableFunctionProvider {
    private let lake = LakeTableFunctions()

    func tableFunction(name: String, arguments: [Value], types: [DataType], named: [String: Value]) throws -> TableSource? {
        if name == "generate_series", types.contains(where: { $0.isTemporal || $0.physical == .int128 }) {
            return try TypedSeries.make(arguments, types)
        }
        return try tableFunction(name: name, arguments: arguments, named: named)
    }

    /// Table functions served here read no files; everything else goes to the lake's readers.
    static let withoutFiles: Set<String> = ["generate_series", "lakesql_functions"]

    func readsFiles(_ name: String) -> Bool { !BuiltinTableFunctions.withoutFiles.contains(name) }

    func tableFunction(name: String, arguments: [Value], named: [String: Value]) throws -> TableSource? {
        switch name {
        case "generate_series":
            return try GenerateSeries.make(arguments)
        case "lakesql_functions":
            return functionListing()
        default:
            return try lake.tableFunction(name: name, arguments: arguments, named: named)
        }
    }
}

/// lakesql_functions(): every function, operator and aggregate the binder can resolve.
func functionListing() -> TableSource {
    let registry = FunctionRegistry.shared
    let rows = registry.scalarNames.map { ($0, $0.first?.isLetter == true || $0.first == "_" ? "function" : "operator") }
        + registry.aggregateNames.map { ($0, "aggregate") }
    let table = MemoryTable(fields: [Field(name: "name", type: .text, nullable: false), Field(name: "kind", type: .text, nullable: false)])
    table.append(Batch(columns: [Vector.from(rows.map { .string($0.0) }, type: .text),
                                 Vector.from(rows.map { .string($0.1) }, type: .text)], count: rows.count))
    return table
}

/// generate_series(start, stop [, step]) over integers.
final class GenerateSeries: TableSource {
    let fields: [Field]
    let start: Int64, stop: Int64, step: Int64

    init(start: Int64, stop: Int64, step: Int64, type: DataType) {
        self.start = start; self.stop = stop; self.step = step
        fields = [Field(name: "generate_series", type: type, nullable: false)]
    }

    static func make(_ args: [Value]) throws -> TableSource? {
        guard args.count == 2 || args.count == 3 else { return nil }
        var ints: [Int64] = []
        for a in args {
            switch a {
            case .int(let i): ints.append(i)
            case .null: return EmptySource(fields: [Field(name: "generate_series", type: .int64)])
            default: return nil
            }
        }
        let step = ints.count == 3 ? ints[2] : 1
        guard step != 0 else { throw SQLError(SQLState.invalidParameterValue, "step size cannot equal zero") }
        let type: DataType = ints.allSatisfy { Int32(exactly: $0) != nil } ? .int32 : .int64
        return GenerateSeries(start: ints[0], stop: ints[1], step: step, type: type)
    }

    var estimatedRowCount: Int? {
        let span = (Double(stop) - Double(start)) / Double(step)
        return span < 0 ? 0 : Int(min(span + 1, Double(Int.max / 2)))
    }

    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] {
        [SeriesMorsel(series: self, columns: columns)]
    }

    final class SeriesMorsel: ScanMorsel {
        let series: GenerateSeries, columns: [Int]
        init(series: GenerateSeries, columns: [Int]) { self.series = series; self.columns = columns }
        func read(statistics: ScanStatistics) throws -> [Batch] {
            var batches: [Batch] = []
            var values = ContiguousArray<Int64>()
            var v = series.start
            let s = series
            while s.step > 0 ? v <= s.stop : v >= s.stop {
                values.append(v)
                if values.count == Batch.capacity {
                    batches.append(batch(values)); values.removeAll(keepingCapacity: true)
                }
                let (next, overflow) = v.addingReportingOverflow(s.step)
                if overflow { break }
                v = next
            }
            if !values.isEmpty { batches.append(batch(values)) }
            return batches
        }
        private func batch(_ values: ContiguousArray<Int64>) -> Batch {
            let col = Vector(type: series.fields[0].type, count: values.count, storage: .int64(values))
            return Batch(columns: columns.map { _ in col }, count: values.count)
        }
    }
}

final class EmptySource: TableSource {
    let fields: [Field]
    init(fields: [Field]) { self.fields = fields }
    var estimatedRowCount: Int? { 0 }
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] { [] }
}

/// generate_series over timestamps (two dates give timestamptz, as in PostgreSQL)
/// with an interval step, and over numerics with a numeric step.
final class TypedSeries: TableSource {
    let fields: [Field]
    private let values: [Value]

    private init(type: DataType, values: [Value]) {
        fields = [Field(name: "generate_series", type: type, nullable: false)]
        self.values = values
    }

    /// At most this many rows, so a mistaken step cannot exhaust memory.
    static let maxRows = 50_000_000

    static func make(_ args: [Value], _ types: [DataType]) throws -> TableSource? {
        guard args.count == 2 || args.count == 3, types.count == args.count else { return nil }
        if args.contains(where: \.isNull) { return EmptySource(fields: [Field(name: "generate_series", type: types[0])]) }
        if types.prefix(2).allSatisfy({ [.date, .timestamp, .timestamptz].contains($0) }) {
            guard args.count == 3, types[2] == .interval, case .interval(let step) = args[2] else {
                throw SQLError(SQLState.undefinedFunction, "function generate_series(\(types.map(\.description).joined(separator: ", "))) does not exist",
                               hint: "Timestamps and dates step by an interval: generate_series(start, stop, INTERVAL '1 day').")
            }
            guard step.comparisonKey != 0 else { throw SQLError(SQLState.invalidParameterValue, "step size cannot equal zero") }
            func micros(_ v: Value, _ t: DataType) -> Int64 {
                guard case .int(let i) = v else { return 0 }
                return t == .date ? i * Calendar.microsPerDay : i
            }
            // Dates resolve to the timestamptz variant (the preferred datetime type), as in PostgreSQL;
            // their midnight is taken in UTC.
            let type: DataType = types.prefix(2).contains(.timestamp) && !types.contains(.timestamptz) ? .timestamp : .timestamptz
            let start = micros(args[0], types[0]), stop = micros(args[1], types[1])
            var out: [Value] = []
            var v = start
            // Each value is the previous one plus the step, months clamped to month ends
            // (Jan 31 + 1 mon = Feb 29, then Mar 29), as PostgreSQL's timestamp + interval.
            while step.comparisonKey > 0 ? v <= stop : v >= stop {
                out.append(.int(v))
                if out.count >= maxRows { throw SQLError(SQLState.programLimitExceeded, "generate_series would return more than \(maxRows) rows") }
                let (d, t) = Calendar.split(micros: v)
                let shifted = Calendar.addMonths(days: d, months: Int(step.months)) + Int64(step.days)
                let (next, overflow) = (shifted * Calendar.microsPerDay).addingReportingOverflow(t + step.micros)
                if overflow { break }
                v = next
            }
            return TypedSeries(type: type, values: out)
        }
        // Numeric: every value at the largest scale among the arguments.
        let scales = types.map { t -> Int in if case .decimal(_, let s) = t { return s }; return 0 }
        let scale = scales.max() ?? 0
        func mantissa(_ v: Value, _ s: Int) -> Int128? {
            var m: Int128
            switch v {
            case .decimal(let d): m = d
            case .int(let i): m = Int128(i)
            default: return nil
            }
            for _ in s..<scale { m *= 10 }
            return m
        }
        guard let start = mantissa(args[0], scales[0]), let stop = mantissa(args[1], scales[1]) else { return nil }
        var one: Int128 = 1
        for _ in 0..<scale { one *= 10 }
        let step = args.count == 3 ? mantissa(args[2], scales[2]) ?? one : one
        guard step != 0 else { throw SQLError(SQLState.invalidParameterValue, "step size cannot equal zero") }
        var out: [Value] = []
        var v = start
        while step > 0 ? v <= stop : v >= stop {
            out.append(.decimal(v))
            if out.count >= maxRows { throw SQLError(SQLState.programLimitExceeded, "generate_series would return more than \(maxRows) rows") }
            v += step
        }
        return TypedSeries(type: .decimal(precision: 38, scale: scale), values: out)
    }

    var estimatedRowCount: Int? { values.count }

    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] {
        let vector = Vector.from(values, type: fields[0].type)
        let table = MemoryTable(fields: fields)
        table.append(Batch(columns: [vector], count: values.count))
        return try table.morsels(columns: columns, predicates: predicates, statistics: statistics)
    }
}
