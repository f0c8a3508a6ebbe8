// DISTINCT: streams the first occurrence of each row (NULLs equal), using
// the shared key table over all columns.

import Columnar

final class DistinctOperator: Operator {
    private let input: Operator
    private let table: KeyTable

    init(input: Operator, fields: [Field]) {
        self.input = input
        self.table = KeyTable(types: fields.map(\.type))
    }

    func next() throws -> Batch? {
        while let b = try input.next() {
            let before = table.count
            let ids = table.findOrInsert(b.columns.map(KeyView.init), count: b.count)
            var keep: [Int32] = []
            var expected = Int32(before)
            for (i, id) in ids.enumerated() where id == expected {
                keep.append(Int32(i))
                expected += 1
            }
            if keep.count == b.count { return b }
            if !keep.isEmpty { return b.gather(keep) }
        }
        return nil
    }
}

/// DISTINCT ON: input is sorted by the keys; keeps the first row of each run of equal keys.
final class DistinctOnOperator: Operator {
    private let input: Operator
    private let keys: [Evaluator]
    private var previous: [Value]? = nil

    init(input: Operator, keys: [Evaluator]) {
        self.input = input
        self.keys = keys
    }

    func next() throws -> Batch? {
        while let b = try input.next() {
            let kv = try keys.map { try $0(b) }
            var keep: [Int32] = []
            for i in 0..<b.count {
                let row = kv.map { $0.value(at: i) }
                if row != previous { keep.append(Int32(i)); previous = row }
            }
            if !keep.isEmpty { return keep.count == b.count ? b : b.gather(keep) }
        }
        return nil
    }
}
