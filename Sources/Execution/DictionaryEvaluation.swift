// Evaluates an expression that reads a single column once per dictionary
// entry instead of once per row, when the column arrives dictionary-encoded
// (Parquet dictionary pages stay as codes + values). `event_type = 'purchase'`
// over a million rows then compares six strings and maps each row's code to
// its entry's answer. The expression must be deterministic and read nothing
// but that column (no subqueries, outer references, volatile functions), so
// its value for a row is a function of the row's value alone.
//
// Semantics are those of the row-by-row path, exactly:
// - NULL rows take the expression's value for NULL (computed once on a
//   one-row NULL batch), so non-strict expressions (IS NULL, COALESCE) work.
// - Dictionaries hold values of rows a filter or a row policy removed, and
//   evaluating an expression on them may fail where no row would. Any error
//   on the dictionary (or on NULL) makes the batch take the row-by-row path,
//   which raises exactly the errors PostgreSQL would and nothing else; the
//   answers for unreferenced entries are never exposed.
// - A dictionary is evaluated only once enough rows have used it to pay for
//   it (a large dictionary read for a few rows keeps the row path), and its
//   answers are cached (by identity) for the batches that share it.

import Columnar
import Foundation
import Functions
import Planner

final class DictionaryEvaluation: @unchecked Sendable {
    private let column: Int
    private let columnType: DataType
    private let direct: Evaluator

    /// A dictionary seen recently: how many rows have used it and, once evaluated, the answers.
    private final class Entry {
        let dictionary: Vector
        var rowsSeen = 0
        var answers: Vector?
        var failed = false
        init(_ dictionary: Vector) { self.dictionary = dictionary }
    }
    private let lock = NSLock()
    private var entries: [Entry] = []   // most recent last; a few suffice (one per worker's row group)
    private static let maxEntries = 8
    private var nullAnswer: Value?
    private var nullAnswerKnown = false
    private var nullAnswerFailed = false

    init(column: Int, columnType: DataType, direct: @escaping Evaluator) {
        self.column = column
        self.columnType = columnType
        self.direct = direct
    }

    /// The only column `e` reads when it may be evaluated per dictionary entry, else nil.
    static func singleColumn(of e: BoundExpr) -> (Int, DataType)? {
        if case .column = e { return nil }
        var column: (Int, DataType)? = nil
        var eligible = true
        e.forEach { node in
            switch node {
            case .column(let i, let t):
                if let c = column, c.0 != i { eligible = false }
                column = (i, t)
            case .outerColumn, .subquery, .aggregate, .window, .grouping:
                eligible = false
            case .call(let f, _) where f.resolution.isVolatile:
                eligible = false
            default:
                break
            }
        }
        return eligible ? column : nil
    }

    var evaluator: Evaluator {
        { [self] b in try self.evaluate(b) }
    }

    private func evaluate(_ b: Batch) throws -> Vector {
        let n = b.count
        guard column < b.columns.count, n > 0 else { return try direct(b) }
        let input = b.columns[column]
        guard case .dictionary(let indices, let values) = input.storage, indices.count >= n,
              values.count > 0, !values.hasNulls else { return try direct(b) }
        guard let answers = answers(for: values, rows: n, batch: b) else { return try direct(b) }
        var nullResult: Value = .null
        if input.validity != nil {
            guard let v = valueForNull(b) else { return try direct(b) }
            nullResult = v
        }
        return try expand(answers, indices: indices, validity: input.validity, nullResult: nullResult, count: n) ?? direct(b)
    }

    /// The expression's value for every dictionary entry, or nil when the row path should run.
    private func answers(for values: Vector, rows n: Int, batch b: Batch) -> Vector? {
        let entry: Entry
        lock.lock()
        if let k = entries.lastIndex(where: { $0.dictionary === values }) {
            entry = entries[k]
        } else {
            entry = Entry(values)
            entries.append(entry)
            if entries.count > Self.maxEntries { entries.removeFirst() }
        }
        if let a = entry.answers { lock.unlock(); return a }
        if entry.failed { lock.unlock(); return nil }
        entry.rowsSeen += n
        // Evaluating D entries pays once the rows that used this dictionary reach D.
        let due = entry.rowsSeen >= values.count
        lock.unlock()
        guard due else { return nil }
        let d = values.count
        var columns = b.columns.map { Vector.nulls(type: $0.type, count: d) }
        columns[column] = values
        let result = try? direct(Batch(columns: columns, count: d))
        lock.lock()
        defer { lock.unlock() }
        guard let result, result.count == d else { entry.failed = true; return nil }
        entry.answers = result
        return result
    }

    /// The expression's value when the column is NULL (nil when it cannot be had without error).
    private func valueForNull(_ b: Batch) -> Value? {
        lock.lock()
        if nullAnswerKnown { defer { lock.unlock() }; return nullAnswerFailed ? nil : nullAnswer }
        lock.unlock()
        var columns = b.columns.map { Vector.nulls(type: $0.type, count: 1) }
        columns[column] = Vector.nulls(type: columnType, count: 1)
        let result = try? direct(Batch(columns: columns, count: 1))
        lock.lock()
        defer { lock.unlock() }
        nullAnswerKnown = true
        if let result, result.count == 1 { nullAnswer = result.value(at: 0) } else { nullAnswerFailed = true }
        return nullAnswerFailed ? nil : nullAnswer
    }

    /// Each row's answer through its code, as a dictionary over the answers (booleans with
    /// NULLs among the rows or the answers as plain vectors). Nil when a code is out of range.
    private func expand(_ answers: Vector, indices: ContiguousArray<Int32>, validity: ContiguousArray<Bool>?,
                        nullResult: Value, count n: Int) throws -> Vector? {
        let d = answers.count
        var inRange = true
        indices.withUnsafeBufferPointer { p in
            if validity == nil {
                // One reduction the compiler vectorises; a negative code reads as a huge one.
                var largest: UInt32 = 0
                for i in 0..<n { largest = Swift.max(largest, UInt32(bitPattern: p[i])) }
                inRange = Int(largest) < d
                return
            }
            for i in 0..<n where p[i] < 0 || Int(p[i]) >= d {
                if validity?[i] ?? true { inRange = false; break }
            }
        }
        guard inRange else { return nil }
        if answers.type == .boolean, validity == nil, !answers.hasNulls, case .bool = answers.storage {
            // A filter's answer stays codes into the entries' answers: ConnectiveEvaluation
            // selects rows through them without a per-row copy of the truth.
            let codes = indices.count == n ? indices : ContiguousArray(indices[0..<n])
            return Vector(type: .boolean, count: n, storage: .dictionary(indices: codes, values: answers))
        }
        if answers.type == .boolean {
            let truth = Kernels.bools(answers)
            let nullNullResult = nullResult.isNull
            var nullFill = false
            if case .bool(let v) = nullResult { nullFill = v }
            var out = ContiguousArray<Bool>(repeating: false, count: n)
            var outValid: ContiguousArray<Bool>? = nil
            let answerNulls: ContiguousArray<Bool>? = answers.hasNulls ? ContiguousArray((0..<d).map { answers.isNull($0) }) : nil
            truth.withUnsafeBufferPointer { t in
                indices.withUnsafeBufferPointer { p in
                    out.withUnsafeMutableBufferPointer { o in
                        if validity == nil {
                            for i in 0..<n { o[i] = t[Int(p[i])] }
                        } else if let validity {
                            for i in 0..<n { o[i] = validity[i] ? t[Int(p[i])] : nullFill }
                        }
                    }
                }
            }
            if answerNulls != nil || (validity != nil && nullNullResult) {
                var valid = ContiguousArray<Bool>(repeating: true, count: n)
                for i in 0..<n {
                    if let validity, !validity[i] { valid[i] = !nullNullResult; continue }
                    if let answerNulls, answerNulls[Int(indices[i])] { valid[i] = false }
                }
                outValid = valid
            }
            return Vector(type: .boolean, count: n, storage: .bool(out), validity: outValid)
        }
        // Other types stay dictionary-encoded, so grouping and later filters can use the codes.
        guard nullResult.isNull || validity == nil else { return nil }
        let plain: Vector
        switch answers.storage {
        case .constant, .dictionary: plain = answers.materialized()
        default: plain = answers
        }
        var codes = indices.count == n ? indices : ContiguousArray(indices[0..<n])
        if let validity { for i in 0..<n where !validity[i] { codes[i] = 0 } }   // never read, but always in range
        return Vector(type: answers.type, count: n, storage: .dictionary(indices: codes, values: plain), validity: validity)
    }
}
