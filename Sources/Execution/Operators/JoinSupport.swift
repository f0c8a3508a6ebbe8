// Shared by the join operators: assembling output batches from matched row
// pairs, NULL-padding unmatched rows, and tracking which rows matched.

import Columnar

enum JoinOutput {
    static func pairs(_ left: Batch, _ li: [Int32], _ right: Batch, _ ri: [Int32]) -> Batch {
        Batch(columns: left.columns.map { $0.gather(li) } + right.columns.map { $0.gather(ri) }, count: li.count)
    }

    static func leftPadded(_ left: Batch, _ rows: [Int32], rightFields: [Field]) -> Batch {
        Batch(columns: left.columns.map { $0.gather(rows) } + rightFields.map { .nulls(type: $0.type, count: rows.count) }, count: rows.count)
    }

    static func rightPadded(_ right: Batch, _ rows: [Int32], leftFields: [Field]) -> Batch {
        Batch(columns: leftFields.map { .nulls(type: $0.type, count: rows.count) } + right.columns.map { $0.gather(rows) }, count: rows.count)
    }
}
