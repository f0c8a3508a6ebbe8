// LIMIT/OFFSET: skips `offset` rows, then passes at most `limit` rows and
// stops pulling its input once satisfied.

import Columnar

final class LimitOperator: Operator {
    private let input: Operator
    private var toSkip: Int
    private var remaining: Int?

    init(input: Operator, limit: Int?, offset: Int) {
        self.input = input
        self.toSkip = offset
        self.remaining = limit
    }

    func next() throws -> Batch? {
        while true {
            if let r = remaining, r <= 0 { return nil }
            guard var b = try input.next() else { return nil }
            if toSkip > 0 {
                if b.count <= toSkip { toSkip -= b.count; continue }
                b = b.slice(toSkip..<b.count)
                toSkip = 0
            }
            if let r = remaining {
                if b.count > r { b = b.slice(0..<r) }
                remaining = r - b.count
            }
            return b
        }
    }
}
