// Table functions usable in FROM: generate_series over integers and
// timestamps; the file readers (read_parquet, read_csv, read_json and
// read_auto for `FROM 'path'`) are delegated to the Lake layer.

import Columnar
import Functions
import Lake
import Planner

final class BuiltinTableFunctions: TableFunctionProvider {
    private let lake = LakeTableFunctions()

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
