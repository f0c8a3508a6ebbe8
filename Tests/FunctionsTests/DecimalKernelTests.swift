// Tests for the fast numeric kernels (DecimalKernels, DecimalSumState, the
// int → numeric cast): each is run on random columns — negatives, NULLs,
// constants on either side, different scales, magnitudes from a few digits up
// to the 38-digit limit — and compared row by row with the exact per-row
// reference (Arithmetic.decimal, Comparison.compareDecimals, FoldState<SumInt128>,
// AvgDecimalState). Batches that could overflow must take the checked path and
// raise 22003 exactly where the reference does.

import XCTest
@testable import Functions
import Columnar

final class DecimalKernelTests: XCTestCase {
    var rng = SystemRandomNumberGenerator()

    /// A random mantissa with up to `digits` digits, either sign.
    func mantissa(digits: Int) -> Int128 {
        let bound = ValueText.pow10[max(1, min(digits, 38))] - 1
        return Int128.random(in: -bound...bound, using: &rng)
    }

    /// A column of `n` random mantissas (about one row in five NULL when `nulls`), or a constant.
    func column(_ n: Int, digits: Int, scale: Int, nulls: Bool, constant: Bool) -> Vector {
        let type = DataType.decimal(precision: 38, scale: scale)
        if constant { return Vector.constant(.decimal(mantissa(digits: digits)), type: type, count: n) }
        let values = ContiguousArray((0..<n).map { _ in mantissa(digits: Int.random(in: 1...digits, using: &rng)) })
        let validity = nulls ? ContiguousArray((0..<n).map { _ in Int.random(in: 0..<5, using: &rng) != 0 }) : nil
        return Vector(type: type, count: n, storage: .int128(values), validity: validity)
    }

    func kernel(_ name: String, _ a: DataType, _ b: DataType) throws -> ScalarResolution {
        let f = try XCTUnwrap(FunctionRegistry.shared.scalar(name))
        return try XCTUnwrap(f.resolve([a, b], [false, false]))
    }

    func scale(_ t: DataType) -> Int { Arithmetic.scaleOf(t) }

    /// Runs `name` on (x, y) through the registered kernel and checks every row against `reference`;
    /// when some valid row's reference throws, the kernel must throw the same SQLSTATE.
    func check(_ name: String, _ x: Vector, _ y: Vector, reference: (Int128, Int128) throws -> Value,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try kernel(name, x.type, y.type)
        XCTAssertEqual(r.argumentTypes, [x.type, y.type], file: file, line: line)
        let n = x.count
        var expected: [Value] = []
        var expectedError: String? = nil
        for i in 0..<n {
            if x.isNull(i) || y.isNull(i) { expected.append(.null); continue }
            guard case .decimal(let a) = x.value(at: i), case .decimal(let b) = y.value(at: i) else { return XCTFail("not decimal") }
            do { expected.append(try reference(a, b)) } catch let e as SQLError { expectedError = e.sqlState; break }
        }
        do {
            let out = try r.kernel([x, y], n, FunctionContext())
            XCTAssertNil(expectedError, "kernel succeeded where the reference raised", file: file, line: line)
            guard expectedError == nil else { return }
            XCTAssertEqual(out.count, n, file: file, line: line)
            for i in 0..<n where out.value(at: i) != expected[i] {
                return XCTFail("\(name) row \(i): \(out.value(at: i)) != \(expected[i]) (\(x.type) \(x.value(at: i)), \(y.type) \(y.value(at: i)))",
                               file: file, line: line)
            }
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, expectedError, "\(e.message)", file: file, line: line)
        }
    }

    func testAddSubMulAgainstReference() throws {
        for round in 0..<300 {
            let n = Int.random(in: 1...200, using: &rng)
            let s1 = [0, 2, 4, 8, 18, 30].randomElement(using: &rng)!, s2 = [0, 1, 2, 6, 20].randomElement(using: &rng)!
            // Mostly small magnitudes (the fast path), sometimes near the limits (bound fails, checked path).
            let d1 = round % 5 == 0 ? 38 : Int.random(in: 1...19, using: &rng)
            let d2 = round % 7 == 0 ? 37 : Int.random(in: 1...19, using: &rng)
            let x = column(n, digits: d1, scale: s1, nulls: round % 2 == 0, constant: round % 6 == 1)
            let y = column(n, digits: d2, scale: s2, nulls: round % 3 == 0, constant: round % 6 == 2)
            for (name, op) in [("+", ArithOp.add), ("-", .sub), ("*", .mul)] {
                let rs: Int
                switch op {
                case .mul: rs = min(s1 + s2, 38)
                default: rs = max(s1, s2)
                }
                try check(name, x, y) { a, b in .decimal(try Arithmetic.decimal(op, a, s1, b, s2, resultScale: rs)) }
            }
        }
    }

    func testOverflowRaises22003() throws {
        let big = ValueText.pow10[37] * 5
        let t0 = DataType.decimal(precision: 38, scale: 0)
        let xs = Vector(type: t0, count: 3, storage: .int128([1, big, 2]))
        let ys = Vector(type: t0, count: 3, storage: .int128([1, big, 3]))
        for name in ["+", "*"] {
            let r = try kernel(name, t0, t0)
            assertSQLState(SQLState.numericValueOutOfRange) { try r.kernel([xs, ys], 3, FunctionContext()) }
        }
        // A NULL row holding a huge mantissa must not raise: the bound is conservative, the checked path skips it.
        let masked = Vector(type: t0, count: 3, storage: .int128([1, big, 2]), validity: [true, false, true])
        let sum = try kernel("+", t0, t0).kernel([masked, ys], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { sum.value(at: $0) }, [.decimal(2), .null, .decimal(5)])
        // Scale alignment overflows too: 10^37 at scale 0 plus anything at scale 2 needs 10^39.
        let t2 = DataType.decimal(precision: 38, scale: 2)
        let r = try kernel("-", t0, t2)
        assertSQLState(SQLState.numericValueOutOfRange) {
            try r.kernel([Vector.constant(.decimal(ValueText.pow10[37]), type: t0, count: 2),
                          Vector(type: t2, count: 2, storage: .int128([1, 2]))], 2, FunctionContext())
        }
    }

    func testBoundaryMagnitudesStayExact() throws {
        // Largest 38-digit values: sums at the limit and products just under it.
        let t0 = DataType.decimal(precision: 38, scale: 0)
        let max38 = ValueText.pow10[38] - 1
        let a = Vector(type: t0, count: 2, storage: .int128([max38 - 5, -(max38 - 5)]))
        let b = Vector(type: t0, count: 2, storage: .int128([5, -5]))
        let s = try kernel("+", t0, t0).kernel([a, b], 2, FunctionContext())
        XCTAssertEqual([s.value(at: 0), s.value(at: 1)], [.decimal(max38), .decimal(-max38)])
        let p = ValueText.pow10[19] - 1
        let c = Vector(type: t0, count: 1, storage: .int128([p]))
        let m = try kernel("*", t0, t0).kernel([c, c], 1, FunctionContext())
        XCTAssertEqual(m.value(at: 0), .decimal(p * p))
        // Int64 edge values take the 64×64 product.
        let e = Vector(type: t0, count: 2, storage: .int128([Int128(Int64.min) + 1, Int128(Int64.max)]))
        let q = try kernel("*", t0, t0).kernel([e, e], 2, FunctionContext())
        XCTAssertEqual([q.value(at: 0), q.value(at: 1)],
                       [.decimal((Int128(Int64.min) + 1) * (Int128(Int64.min) + 1)), .decimal(Int128(Int64.max) * Int128(Int64.max))])
    }

    func testBoundsDecideThePath() {
        let t = DataType.decimal(precision: 38, scale: 0)
        let small = Vector(type: t, count: 2, storage: .int128([12, -7]))
        let huge = Vector(type: t, count: 2, storage: .int128([ValueText.pow10[30], 1]))
        XCTAssertNotNil(DecimalKernels.multiply(small, small, resultType: t, count: 2))
        XCTAssertNil(DecimalKernels.multiply(huge, huge, resultType: t, count: 2))
        XCTAssertNotNil(DecimalKernels.addSub(subtract: false, huge, 0, small, 0, resultType: t, count: 2))
        XCTAssertNil(DecimalKernels.addSub(subtract: true, huge, 0, small, 10, resultType: t, count: 2))
        for values: [Int128] in [[0], [1], [-1], [Int128(Int64.min)], [Int128(Int64.max)], [Int128.max], [Int128.min + 1, 3]] {
            let bits = values.withUnsafeBufferPointer { DecimalKernels.magnitudeBits($0) }
            for v in values { XCTAssertLessThanOrEqual(v.magnitude, UInt128(1) << bits, "\(v)") }
            XCTAssertLessThanOrEqual(bits, 127)
        }
    }

    /// A bound the vector carries (Vector.int128MagnitudeBits: the Parquet reader's widening
    /// pass sets it) decides the path instead of a scan of the values.
    func testCarriedBoundIsUsed() throws {
        let t = DataType.decimal(precision: 38, scale: 0)
        let small: ContiguousArray<Int128> = [12, -7]
        let scanned = Vector(type: t, count: 2, storage: .int128(small))
        let loose = Vector(type: t, count: 2, storage: .int128(small), int128MagnitudeBits: 127)
        XCTAssertNotNil(DecimalKernels.multiply(scanned, scanned, resultType: t, count: 2))
        XCTAssertNil(DecimalKernels.multiply(loose, loose, resultType: t, count: 2), "the carried bound decides")
        XCTAssertEqual(DecimalKernels.magnitudeBits(loose, small, count: 2), 127)
        XCTAssertEqual(DecimalKernels.magnitudeBits(scanned, small, count: 2), 4)
        // Sums agree with the reference whichever bound a batch carries.
        let tight = Vector(type: t, count: 2, storage: .int128(small), int128MagnitudeBits: 4)
        try compareStates(DecimalSumState(.sum(t)), FoldState<SumInt128>(resultType: t),
                          batches: [(tight, [0, 0]), (loose, [0, 1]), (scanned, [1, 1])], groupCount: 2)
        // Products and sums of random columns carry a bound that holds for every result value
        // (-2^b ≤ x < 2^b, what a scan would allow) and is at most a few bits above the scan's.
        let t2 = DataType.decimal(precision: 38, scale: 2)
        for round in 0..<200 {
            let n = Int.random(in: 1...64, using: &rng)
            let digits = Int.random(in: 1...17, using: &rng)
            let x = column(n, digits: digits, scale: 2, nulls: round % 2 == 0, constant: round % 7 == 3)
            let y = column(n, digits: Int.random(in: 1...17, using: &rng), scale: 2, nulls: false, constant: round % 5 == 1)
            let results = [DecimalKernels.multiply(x, y, resultType: DataType.decimal(precision: 38, scale: 4), count: n),
                           DecimalKernels.addSub(subtract: round % 2 == 0, x, 2, y, 2, resultType: t2, count: n)]
            for case let r? in results {
                guard case .int128(let values) = r.storage else { XCTFail("storage"); continue }
                let b = try XCTUnwrap(r.int128MagnitudeBits, "round \(round)")
                for v in values {
                    XCTAssertTrue(v >= -(Int128(1) << b) && v < Int128(1) << b, "round \(round): \(v) outside 2^\(b)")
                }
                let scannedBits = values.withUnsafeBufferPointer { DecimalKernels.magnitudeBits($0) }
                XCTAssertLessThanOrEqual(b, scannedBits + 66, "round \(round)")
            }
        }
        // A dictionary-coded column takes its dictionary's bound (its rows are dictionary values),
        // also when it is materialised with NULL rows.
        let coded = Vector(type: t, count: 3, storage: .dictionary(indices: [1, 0, 1], values: loose), validity: [true, false, true])
        XCTAssertEqual(DecimalKernels.magnitudeBits(coded, Kernels.int128s(coded), count: 3), 127)
        XCTAssertEqual(coded.materialized().int128MagnitudeBits, 127)
        XCTAssertNil(DecimalKernels.multiply(coded, scanned, resultType: t, count: 3), "the dictionary's bound decides")
        let plainCoded = Vector(type: t, count: 2, storage: .dictionary(indices: [1, 0], values: scanned))
        XCTAssertEqual(DecimalKernels.magnitudeBits(plainCoded, Kernels.int128s(plainCoded), count: 2), 4)
        // Slices and gathers keep it; other storage carries none.
        XCTAssertEqual(tight.slice(1..<2).int128MagnitudeBits, 4)
        XCTAssertEqual(tight.gather([Int32(1)]).int128MagnitudeBits, 4)
        XCTAssertNil(Vector(type: .int64, count: 1, storage: .int64([1]), int128MagnitudeBits: 3).int128MagnitudeBits)
    }

    func testComparisonsAgainstReference() throws {
        for round in 0..<200 {
            let n = Int.random(in: 1...150, using: &rng)
            let s1 = [0, 2, 3, 19, 37].randomElement(using: &rng)!, s2 = [0, 2, 5, 38].randomElement(using: &rng)!
            let digits = round % 4 == 0 ? 38 : Int.random(in: 1...12, using: &rng)
            let x = column(n, digits: digits, scale: s1, nulls: round % 2 == 0, constant: round % 5 == 1)
            // Equal values at both scales now and then, so = and <> see both outcomes.
            var y = column(n, digits: Int.random(in: 1...12, using: &rng), scale: s2, nulls: round % 3 == 0, constant: round % 5 == 2)
            if round % 4 == 1, !x.isConstant, s2 >= s1, s2 - s1 <= 20 {
                let f = ValueText.pow10[s2 - s1]
                let xs = Kernels.int128s(x)
                y = Vector(type: .decimal(precision: 38, scale: s2), count: n, storage: .int128(ContiguousArray(xs.map { $0 * f })))
            }
            for op in CompareOp.allCases {
                try check(op.rawValue, x, y) { a, b in .bool(op.test(Comparison.compareDecimals(a, s1, b, s2))) }
            }
        }
    }

    /// Feeds the same batches into the registered state and a reference state; results must match.
    func compareStates(_ fast: AggregateState, _ reference: AggregateState, batches: [(Vector, [Int32])], groupCount: Int,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        // Running sums past Int128 fail in update: both must fail alike.
        var fastError: String? = nil, referenceError: String? = nil
        for (v, groups) in batches {
            groups.withUnsafeBufferPointer { g in
                do { try fast.update(groups: g, groupCount: groupCount, arguments: [v], rowCount: groups.count) }
                catch let e as SQLError { fastError = fastError ?? e.sqlState } catch { fastError = "?" }
                do { try reference.update(groups: g, groupCount: groupCount, arguments: [v], rowCount: groups.count) }
                catch let e as SQLError { referenceError = referenceError ?? e.sqlState } catch { referenceError = "?" }
            }
        }
        XCTAssertEqual(fastError, referenceError, file: file, line: line)
        if fastError != nil || referenceError != nil { return }
        // Totals past 38 digits fail in finish: both must fail alike.
        func finished(_ s: AggregateState) -> Result<Vector, SQLError> {
            do { return .success(try s.finish(groupCount: groupCount)) } catch let e as SQLError { return .failure(e) } catch { return .failure(SQLError("XX000", "\(error)")) }
        }
        let fa = finished(fast), fb = finished(reference)
        guard case .success(let a) = fa, case .success(let b) = fb else {
            if case .failure(let x) = fa, case .failure(let y) = fb { return XCTAssertEqual(x.sqlState, y.sqlState, file: file, line: line) }
            return XCTFail("one state failed, the other did not: \(fa) vs \(fb)", file: file, line: line)
        }
        XCTAssertEqual(a.type, b.type, file: file, line: line)
        XCTAssertEqual((0..<groupCount).map { a.value(at: $0) }, (0..<groupCount).map { b.value(at: $0) }, file: file, line: line)
    }

    func testSumAndAvgAgainstReference() throws {
        for round in 0..<120 {
            let groupCount = [1, 1, 3, 17, 200].randomElement(using: &rng)!
            let scale = [0, 2, 4, 20].randomElement(using: &rng)!
            let digits = round % 9 == 0 ? 36 : Int.random(in: 1...18, using: &rng)
            var batches: [(Vector, [Int32])] = []
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let n = Int.random(in: 0...300, using: &rng)
                let v = column(n, digits: digits, scale: scale, nulls: round % 2 == 0, constant: round % 10 == 3)
                batches.append((v, (0..<n).map { _ in Int32.random(in: 0..<Int32(groupCount), using: &rng) }))
            }
            let t = DataType.decimal(precision: 38, scale: scale)
            let rs = min(max(scale, 16), 38)
            try compareStates(DecimalSumState(.sum(t)), FoldState<SumInt128>(resultType: t), batches: batches, groupCount: groupCount)
            try compareStates(DecimalSumState(.mean(inputScale: scale, resultScale: rs)), AvgDecimalState(inputScale: scale, resultScale: rs),
                              batches: batches, groupCount: groupCount)
        }
        // bigint input widens.
        let ints = Vector(type: .int64, count: 4, storage: .int64([Int64.max, Int64.max, -3, 7]), validity: [true, true, false, true])
        try compareStates(DecimalSumState(.sum(.decimal(precision: 38, scale: 0))), FoldState<SumInt128>(resultType: .decimal(precision: 38, scale: 0)),
                          batches: [(ints, [0, 0, 1, 1])], groupCount: 3)
        try compareStates(DecimalSumState(.mean(inputScale: 0, resultScale: 16)), AvgDecimalState(inputScale: 0, resultScale: 16),
                          batches: [(ints, [1, 0, 0, 1])], groupCount: 2)
    }

    func testSumMergeAndOverflow() throws {
        let t = DataType.decimal(precision: 38, scale: 2)
        let a = DecimalSumState(.sum(t)), b = DecimalSumState(.sum(t))
        let v = Vector(type: t, count: 3, storage: .int128([150, -25, 1000]), validity: [true, true, false])
        try [Int32(0), 1, 1].withUnsafeBufferPointer { try a.update(groups: $0, groupCount: 2, arguments: [v], rowCount: 3) }
        try [Int32(1), 1, 0].withUnsafeBufferPointer { try b.update(groups: $0, groupCount: 2, arguments: [v], rowCount: 3) }
        try a.merge(b, mapping: [1, 0], groupCount: 3)
        let r = try a.finish(groupCount: 3)
        XCTAssertEqual((0..<3).map { r.value(at: $0) }, [.decimal(275), .decimal(-25), .null])
        // Past Int128 in the running sum: 22003, also with one group (the register loop).
        let huge = Vector(type: t, count: 3, storage: .int128([Int128.max / 2, Int128.max / 2, Int128.max / 2]))
        for groups: [Int32] in [[0, 0, 0], [1, 1, 1]] {
            let s = DecimalSumState(.sum(t))
            assertThrowsSQLState(SQLState.numericValueOutOfRange) {
                try groups.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: 2, arguments: [huge], rowCount: 3) }
            }
        }
        // Batches that each pass the unchecked bound early on, then cross 2^127 together:
        // the state must switch to checked adds and raise where the reference does.
        for groupCount in [1, 2] {
            let s = DecimalSumState(.sum(t)), reference = FoldState<SumInt128>(resultType: t)
            let row = Vector(type: t, count: 1, storage: .int128([Int128(1) << 125]))
            var fastError: String? = nil, referenceError: String? = nil
            for _ in 0..<5 {
                try [Int32(groupCount - 1)].withUnsafeBufferPointer { g in
                    if fastError == nil {
                        do { try s.update(groups: g, groupCount: groupCount, arguments: [row], rowCount: 1) } catch let e as SQLError { fastError = e.sqlState }
                    }
                    if referenceError == nil {
                        do { try reference.update(groups: g, groupCount: groupCount, arguments: [row], rowCount: 1) } catch let e as SQLError { referenceError = e.sqlState }
                    }
                }
            }
            XCTAssertEqual(fastError, SQLState.numericValueOutOfRange)
            XCTAssertEqual(fastError, referenceError)
        }
        // Above 38 digits at the end: 22003 from finish.
        let wide = Vector(type: t, count: 2, storage: .int128([ValueText.pow10[38] - 1, 1]))
        let s = DecimalSumState(.sum(t))
        try [Int32(0), 0].withUnsafeBufferPointer { try s.update(groups: $0, groupCount: 1, arguments: [wide], rowCount: 2) }
        assertThrowsSQLState(SQLState.numericValueOutOfRange) { _ = try s.finish(groupCount: 1) }
    }

    /// Dictionary-coded input: the bound of a dictionary is kept for the batches that share it
    /// (by identity), so a new dictionary with large entries must be bounded afresh and its
    /// overflow caught, not summed unchecked under the previous dictionary's small bound.
    func testSumThroughDictionariesBoundsEachDictionary() throws {
        let t = DataType.decimal(precision: 38, scale: 2)
        let small = Vector(type: t, count: 3, storage: .int128([1, 2, 3]))
        let large = Vector(type: t, count: 2, storage: .int128([Int128(1) << 125, 5]))
        func coded(_ codes: [Int32], _ dictionary: Vector) -> Vector {
            Vector(type: t, count: codes.count, storage: .dictionary(indices: ContiguousArray(codes), values: dictionary))
        }
        let batches: [(Vector, [Int32])] = [
            (coded([0, 1, 2, 2], small), [0, 0, 0, 0]), (coded([2, 0], small), [0, 0]),
            (coded([0, 0, 0, 0, 1], large), [0, 0, 0, 0, 0]),
        ]
        try compareStates(DecimalSumState(.sum(t)), FoldState<SumInt128>(resultType: t), batches: batches, groupCount: 1)
        let s = DecimalSumState(.sum(t))
        assertThrowsSQLState(SQLState.numericValueOutOfRange) {
            for (v, groups) in batches {
                try groups.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: 1, arguments: [v], rowCount: groups.count) }
            }
        }
        // The same dictionary object again after another: still its own bound, same sums as the reference.
        let mixed: [(Vector, [Int32])] = [(coded([1], large), [0]), (coded([2, 2], small), [1, 1]), (coded([1, 1], large), [1, 0])]
        try compareStates(DecimalSumState(.sum(t)), FoldState<SumInt128>(resultType: t), batches: mixed, groupCount: 2)
    }

    func testNumericToIntegerAndFloatCasts() throws {
        for round in 0..<200 {
            let n = Int.random(in: 1...100, using: &rng)
            let scale = [0, 1, 2, 5, 18, 20].randomElement(using: &rng)!
            let digits = round % 4 == 0 ? 30 : Int.random(in: 1...(round % 3 == 0 ? 18 : 12), using: &rng)
            let x = column(n, digits: digits, scale: scale, nulls: round % 2 == 0, constant: false)
            for target: DataType in [.int16, .int32, .int64, .float64] {
                let k = try XCTUnwrap(Cast.kernel(from: x.type, to: target, explicit: true))
                var expected: [Value] = [], expectedError: String? = nil
                for i in 0..<n {
                    guard case .decimal(let m) = x.value(at: i) else { expected.append(.null); continue }
                    if target == .float64 { expected.append(.double(Cast.doubleFromDecimal(m, scale: scale))); continue }
                    let range = try XCTUnwrap(target.integerRange)
                    guard let r = Cast.rescale(m, from: scale, to: 0), r >= Int128(range.lowerBound), r <= Int128(range.upperBound) else {
                        expectedError = SQLState.numericValueOutOfRange; break
                    }
                    expected.append(.int(Int64(r)))
                }
                do {
                    let out = try k([x], n, FunctionContext())
                    XCTAssertNil(expectedError, "\(target): cast succeeded where the reference raised")
                    if expectedError == nil { XCTAssertEqual((0..<n).map { out.value(at: $0) }, expected, "\(target) scale \(scale)") }
                } catch let e as SQLError {
                    XCTAssertEqual(e.sqlState, expectedError, "\(target): \(e.message)")
                }
            }
        }
        // Halves round away from zero, as PostgreSQL's numeric → integer does.
        let halves = Vector(type: .decimal(precision: 38, scale: 1), count: 4, storage: .int128([25, -25, 24, -26]))
        let out = try XCTUnwrap(Cast.kernel(from: halves.type, to: .int64, explicit: true))([halves], 4, FunctionContext())
        XCTAssertEqual((0..<4).map { out.value(at: $0) }, [.int(3), .int(-3), .int(2), .int(-3)])
    }

    func testIntegerToNumericCast() throws {
        let ints = Vector(type: .int64, count: 4, storage: .int64([0, -42, Int64.max, Int64.min]))
        let toWide = try XCTUnwrap(Cast.kernel(from: .int64, to: .decimal(precision: 38, scale: 18), explicit: true))
        let out = try toWide([ints], 4, FunctionContext())
        let f = ValueText.pow10[18]
        XCTAssertEqual((0..<4).map { out.value(at: $0) },
                       [.decimal(0), .decimal(-42 * f), .decimal(Int128(Int64.max) * f), .decimal(Int128(Int64.min) * f)])
        let toNarrow = try XCTUnwrap(Cast.kernel(from: .int64, to: .decimal(precision: 20, scale: 2), explicit: true))
        assertSQLState(SQLState.numericValueOutOfRange) { try toNarrow([ints], 4, FunctionContext()) }
        let fits = Vector(type: .int64, count: 2, storage: .int64([123, -999]))
        let small = try toNarrow([fits], 2, FunctionContext())
        XCTAssertEqual([small.value(at: 0), small.value(at: 1)], [.decimal(12300), .decimal(-99900)])
    }
}
