// KeyTable (group ids for hash aggregation, DISTINCT, set operations) against
// a brute-force first-seen numbering: one int key, int tuples, int + text,
// NULL keys grouping together, batches mixing the integer fast paths with the
// general path on one table, many groups (several resizes), dense integer
// keys (the direct-indexed mode, widened down and up, then left for hashing
// when a far key or a NULL arrives), and `find`.

import Columnar
import Foundation
@testable import Execution
import XCTest

final class KeyTableTests: XCTestCase {
    /// Feeds `rows` in batches of the given sizes (cycled) and checks every id, the group
    /// count, the stored keys and `find` against a dictionary numbering keys in first-seen order.
    /// With `hashes`, each batch comes with its rows' hashRows, as PartitionedDistinct passes them
    /// (and, when `wrongHashes`, with an array of another length, which the table must ignore).
    private func check(_ rows: [[Value]], _ types: [DataType], batchSizes: [Int], hashes: Bool = false, wrongHashes: Bool = false,
                       file: StaticString = #filePath, line: UInt = #line) {
        let table = KeyTable(types: types, capacity: 4)
        var reference: [[Value]: Int32] = [:]
        var order: [[Value]] = []
        var start = 0, b = 0
        while start < rows.count {
            let end = min(rows.count, start + batchSizes[b % batchSizes.count])
            b += 1
            let batch = Array(rows[start..<end])
            let vectors = types.indices.map { c in Vector.from(batch.map { $0[c] }, type: types[c]) }
            let keys = vectors.map(KeyView.init)
            let given: ContiguousArray<UInt64>? = wrongHashes ? [1, 2, 3] : hashes ? hashRows(keys, count: batch.count) : nil
            let ids = table.findOrInsert(keys, count: batch.count, hashes: given)
            var expected: [Int32] = []
            for r in batch {
                if let id = reference[r] { expected.append(id) } else {
                    let id = Int32(order.count)
                    reference[r] = id; order.append(r); expected.append(id)
                }
            }
            XCTAssertEqual(Array(ids), expected, "batch at row \(start)", file: file, line: line)
            start = end
        }
        XCTAssertEqual(table.count, order.count, file: file, line: line)
        let stored = table.keyVectors()
        for g in 0..<order.count {
            XCTAssertEqual(types.indices.map { stored[$0].value(at: g) }, order[g], "group \(g)", file: file, line: line)
        }
        // find: every stored key maps to its id, absent keys to -1.
        let absent: [Value] = types.map { $0 == .text ? .string("absent-key") : .int(Int64.min + 7) }
        let probes = order + [absent]
        let found = table.find(types.indices.map { c in KeyView(Vector.from(probes.map { $0[c] }, type: types[c])) }, count: probes.count)
        XCTAssertEqual(Array(found), Array(0..<Int32(order.count)) + [-1], file: file, line: line)
    }

    private func scrambled(_ i: Int, _ range: Int) -> Int64 { Int64((i &* 2_654_435_761) % range) }

    func testOneIntKeyManyGroupsAcrossResizes() {
        let rows: [[Value]] = (0..<60_000).map { i in
            if i % 1001 == 0 { return [.int(Int64.max - Int64(i % 3))] }
            if i % 997 == 0 { return [.int(Int64.min + 1)] }
            return [.int(scrambled(i, 25_000) - 12_000)]
        }
        check(rows, [.int64], batchSizes: [2048, 1, 777, 5000])
    }

    func testNoKeysIsOneGroupOnceARowArrives() {
        // An aggregate without GROUP BY: no row, no group (the operator adds the empty-input
        // row itself); then every row of every batch is group 0, and merging keeps one group.
        let table = KeyTable(types: [])
        XCTAssertEqual(Array(table.findOrInsert([], count: 0)), [])
        XCTAssertEqual(table.count, 0)
        XCTAssertEqual(Array(table.findOrInsert([], count: 3)), [0, 0, 0])
        XCTAssertEqual(Array(table.findOrInsert(vectors: [], count: 2050)), Array(repeating: 0, count: 2050))
        XCTAssertEqual(table.count, 1)
        XCTAssertEqual(Array(table.find([], count: 2)), [0, 0])
        let merged = KeyTable(types: [])
        XCTAssertEqual(Array(merged.findOrInsert(table.keyVectors().map(KeyView.init), count: table.count)), [0])
        XCTAssertEqual(merged.count, 1)
    }

    func testSortedRunsOfOneIntKey() {
        // lineitem-like: each key repeats a few times in a row, almost every key is new.
        let rows: [[Value]] = (0..<40_000).map { [.int(Int64($0 / 4) * 32)] }
        check(rows, [.int64], batchSizes: [4096])
    }

    func testIntTuples() {
        let two: [[Value]] = (0..<30_000).map { i in [.int(scrambled(i, 3000)), .int(Int64(i % 7) - 3)] }
        check(two, [.int64, .int64], batchSizes: [1024, 3, 4096])
        let three: [[Value]] = (0..<20_000).map { i in [.int(Int64(i % 5)), .int(scrambled(i, 900)), .int(Int64(i % 2))] }
        check(three, [.int64, .int64, .int64], batchSizes: [2048])
    }

    /// hashRows' loops for whole integer and numeric columns give keyHash's per-row hashes
    /// (joins, DISTINCT partitions and key tables mix the two).
    func testColumnHashLoopsAgreeWithPerRowHashes() {
        let wides: [Value] = (0..<300).map { .decimal(Int128($0 * 7_919) * (($0 % 3 == 0) ? -1 : 1) << ($0 % 70)) }
        let ints: [Value] = (0..<300).map { .int(scrambled($0, 1_000_000) - 500_000) }
        for (values, type) in [(wides, DataType.decimal(precision: 38, scale: 0)), (ints, .int64)] {
            for withNulls in [false, true] {
                let column = withNulls ? values.enumerated().map { $0.offset % 5 == 1 ? .null : $0.element } : values
                let key = KeyView(Vector.from(column, type: type))
                XCTAssertEqual(key.physical, type == .int64 ? .int64 : .int128)
                let other = KeyView(Vector.from(ints, type: .int64))
                let hashes = hashRows([other, key], count: column.count)
                for i in 0..<column.count {
                    XCTAssertEqual(hashes[i], combineKeyHash(combineKeyHash(rowHashSeed, keyHash(other, i)), keyHash(key, i)), "\(type) row \(i)")
                }
            }
        }
    }

    /// Hashes handed in (PartitionedDistinct's) give the ids computed hashes give, on the
    /// integer-tuple and general paths; an array of another length is not used.
    func testHashesPassedInAgreeWithHashing() {
        let two: [[Value]] = (0..<30_000).map { i in [.int(scrambled(i, 3000)), .int(Int64(i % 7) - 3)] }
        check(two, [.int64, .int64], batchSizes: [1024, 3, 4096], hashes: true)
        let mixed: [[Value]] = (0..<12_000).map { (i: Int) -> [Value] in
            let number: Value = (i / 700) % 2 == 0 && i % 5 == 0 ? .null : .int(Int64(i % 40))
            let text: Value = i % 11 == 0 ? .null : .string("s\(scrambled(i, 300))")
            return [number, text]
        }
        check(mixed, [.int64, .text], batchSizes: [700, 2048], hashes: true)
        check(mixed, [.int64, .text], batchSizes: [700], wrongHashes: true)
    }

    func testNullKeysGroupTogetherAndMixWithFastPaths() {
        // Batches alternate between having NULLs (general path) and not (integer paths).
        let one: [[Value]] = (0..<12_000).map { i in (i / 500) % 2 == 0 && i % 3 == 0 ? [.null] : [.int(scrambled(i, 4000))] }
        check(one, [.int64], batchSizes: [500])
        let two: [[Value]] = (0..<12_000).map { i in
            [(i / 700) % 2 == 0 && i % 5 == 0 ? .null : .int(Int64(i % 40)), .int(scrambled(i, 300))]
        }
        check(two, [.int64, .int64], batchSizes: [700])
    }

    func testIntAndTextKeys() {
        let rows: [[Value]] = (0..<15_000).map { (i: Int) -> [Value] in
            let name: Value
            if i % 17 == 0 { name = .null } else if i % 29 == 0 { name = .string("") } else { name = .string("name-\(scrambled(i, 800))") }
            return [.int(Int64(i % 13)), name]
        }
        check(rows, [.int64, .text], batchSizes: [1000, 2048])
    }

    func testDenseIntKeysWidenThenSwitchToHashing() {
        var rows: [[Value]] = []
        rows += (0..<5000).map { [.int(Int64(10_000 + ($0 * 7) % 3000))] }     // dense from 10000
        rows += (0..<5000).map { [.int(Int64(9_000 - $0 % 2500))] }              // below the base
        rows += (0..<5000).map { [.int(Int64(12_000 + $0 * 3))] }               // above, sorted
        check(rows, [.int64], batchSizes: [1000])
        check(rows + [[.int(1 << 40)]] + rows.prefix(3000), [.int64], batchSizes: [1000])   // far key: hashing
        check(rows + [[.null], [.int(5)], [.null]] + rows.prefix(3000), [.int64], batchSizes: [1000])   // NULL: general path
        check([[.int(Int64.min)], [.int(Int64.max)], [.int(0)], [.int(Int64.min)]], [.int64], batchSizes: [1, 3])
    }

    /// Few keys spread over a range of up to `denseFloor` values (a morsel's first batches of
    /// customer ids) keep the table dense, numbered as hashing numbers them; a key that widens
    /// the range past the floor (and past eight slots per key) switches it to hashing.
    func testFewKeysSpreadUnderTheFloorStayDense() {
        let span = KeyTable.denseFloor - 1
        let keys: [Int64] = (0..<3000).map { Int64(($0 * 7919) % span) + 10 }
        let dense = KeyTable(types: [.int64]), hashed = KeyTable(types: [.int64])
        _ = hashed.findOrInsert([KeyView(Vector.from([.int(1 << 50)], type: .int64))], count: 1)
        var ids: [Int32] = [], hashedIds: [Int32] = []
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = KeyView(Vector.from(keys[start..<start + 1000].map { .int($0) }, type: .int64))
            ids += dense.findOrInsert([batch], count: 1000)
            hashedIds += hashed.findOrInsert([batch], count: 1000).map { $0 - 1 }
            XCTAssertTrue(dense.isDense, "keys within \(span) values stay dense")
        }
        XCTAssertEqual(ids, hashedIds)
        let wider = KeyView(Vector.from([.int(keys[5]), .int(Int64(span) + 20), .int(keys[7])], type: .int64))
        let more = dense.findOrInsert([wider], count: 3)
        XCTAssertFalse(dense.isDense, "a range past the floor switches to hashing")
        XCTAssertEqual(Array(more), [ids[5], Int32(dense.count - 1), ids[7]])
        XCTAssertEqual(Array(dense.find([KeyView(Vector.from(keys.prefix(50).map { .int($0) }, type: .int64))], count: 50)), Array(ids.prefix(50)))
    }

    /// A table that left dense mode because its first keys spread over a wide range (a morsel's
    /// first customer ids at SF10) returns to it once its keys fill the range to eight slots per
    /// key, numbering groups exactly as hashing does before and after; keys that stay sparse in
    /// their range keep it hashing, and NULLs or a far key after the return send it back.
    func testHashedTableReturnsToDenseOnceItsKeysFillTheRange() {
        let span: Int64 = 2_000_000
        // 300,000 distinct keys (drawn with repeats) over two million values: 6.7 values per key.
        let keys: [Int64] = (0..<600_000).map { i in Int64((i % 300_000) &* 7_919 % Int(span)) + 5 }
        let table = KeyTable(types: [.int64]), hashed = KeyTable(types: [.int64])
        _ = hashed.findOrInsert([KeyView(Vector.from([.int(1 << 50)], type: .int64))], count: 1)
        var ids: [Int32] = [], hashedIds: [Int32] = [], sawHashing = false
        for start in stride(from: 0, to: keys.count, by: 2048) {
            let n = min(2048, keys.count - start)
            let batch = KeyView(Vector(type: .int64, count: n, storage: .int64(ContiguousArray(keys[start..<start + n]))))
            ids += table.findOrInsert([batch], count: n)
            hashedIds += hashed.findOrInsert([batch], count: n).map { $0 - 1 }
            if !table.isDense { sawHashing = true }
        }
        XCTAssertTrue(sawHashing, "the first batch spreads past the floor: the table hashes")
        XCTAssertTrue(table.isDense, "300,000 keys over 2M values: back to dense mode")
        XCTAssertEqual(ids, hashedIds)
        XCTAssertEqual(table.count, 300_000)
        let probe = KeyView(Vector.from(keys.prefix(5000).map { .int($0) } + [.int(4), .int(span + 5), .null], type: .int64))
        XCTAssertEqual(Array(table.find([probe], count: 5003)), Array(ids.prefix(5000)) + [-1, -1, -1])
        XCTAssertEqual(table.keyVectors()[0].value(at: Int(ids[123])), .int(keys[123]))
        // After the return, a NULL key leaves dense mode again and is a group of its own.
        let withNull = table.findOrInsert([KeyView(Vector.from([.int(keys[9]), .null, .int(keys[10])], type: .int64))], count: 3)
        XCTAssertFalse(table.isDense)
        XCTAssertEqual(Array(withNull), [ids[9], 300_000, ids[10]])

        // 20,000 keys over the same range (100 values per key) keep hashing.
        let sparse = KeyTable(types: [.int64])
        for start in stride(from: 0, to: 20_000, by: 2000) {
            _ = sparse.findOrInsert([KeyView(Vector.from((start..<start + 2000).map { .int(Int64($0) * 100) }, type: .int64))], count: 2000)
        }
        XCTAssertFalse(sparse.isDense, "keys spread a hundred values apart stay hashed")
        XCTAssertEqual(sparse.count, 20_000)
    }

    /// Lookups in dense mode read the dense array (the table stays dense, so concurrent finds
    /// write nothing): stored keys map to their ids; NULLs, unseen keys inside the range and keys
    /// beyond either end (down to Int64.min, up to Int64.max) to -1; inserting after finds goes on.
    func testFindsInDenseModeStayDenseAndAgreeWithHashing() {
        let keys: [Int64] = (0..<3000).map { 50_000 + ($0 * 7) % 4000 }   // 3,000 of 4,000 values from 50,000
        let dense = KeyTable(types: [.int64]), hashed = KeyTable(types: [.int64])
        let ids = dense.findOrInsert([KeyView(Vector.from(keys.map { .int($0) }, type: .int64))], count: keys.count)
        // A far key first puts the reference table in hash mode from the start.
        _ = hashed.findOrInsert([KeyView(Vector.from([.int(1 << 50)], type: .int64))], count: 1)
        let hashedIds = hashed.findOrInsert([KeyView(Vector.from(keys.map { .int($0) }, type: .int64))], count: keys.count)
        var probes: [Value] = keys.map { .int($0) }
        probes += [.null, .int(49_999), .int(54_000), .int(54_001), .int(Int64.min), .int(Int64.max), .int(Int64.min + 50_000), .int(0)]
        probes += (50_000..<54_000).map { .int(Int64($0)) }
        dense.prepareForConcurrentFinds()
        let probe = KeyView(Vector.from(probes, type: .int64))
        var answers = [ContiguousArray<Int32>](repeating: [], count: 4)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 4) { k in
            let found = dense.find([probe], count: probes.count)
            lock.lock(); answers[k] = found; lock.unlock()
        }
        XCTAssertTrue(dense.isDense, "finds leave a dense table dense")
        XCTAssertFalse(hashed.isDense)
        let fromHashing = hashed.find([probe], count: probes.count)
        let firstId = Dictionary(zip(keys, ids), uniquingKeysWith: { a, _ in a })
        let expected: [Int32] = probes.map { v in if case .int(let x) = v { return firstId[x] ?? -1 }; return -1 }
        for a in answers { XCTAssertEqual(Array(a), expected) }
        // The hashed table numbers groups from 1 (its far key is group 0).
        XCTAssertEqual(fromHashing.map { $0 < 0 ? -1 : $0 - 1 }, expected)
        XCTAssertEqual(Array(ids), Array(hashedIds.map { $0 - 1 }))
        // Inserting after finds: a new key in range, then a far one (the table switches to hashing).
        let more = dense.findOrInsert([KeyView(Vector.from([.int(50_001), .int(50_003), .int(-1_000_000)], type: .int64))], count: 3)
        XCTAssertEqual(more[0], firstId[50_001] ?? -2)
        XCTAssertEqual(Array(more[1...]), [Int32(dense.count - 2), Int32(dense.count - 1)])
        XCTAssertEqual(Array(dense.find([KeyView(Vector.from([.int(-1_000_000), .int(50_003), .null], type: .int64))], count: 3)),
                       [Int32(dense.count - 1), Int32(dense.count - 2), -1])
        XCTAssertFalse(dense.isDense, "a key far below the range switches to hashing")
    }

    /// A text column as dictionary codes over `dictionary` (NULL rows through validity), as
    /// Parquet dictionary pages arrive.
    private func dictionaryVector(_ values: [Value], dictionary: [String?]) -> Vector {
        let dict = Vector.from(dictionary.map { $0.map(Value.string) ?? .null }, type: .text)
        var codes = ContiguousArray<Int32>(), validity = ContiguousArray<Bool>()
        for v in values {
            if case .string(let x) = v, let c = dictionary.firstIndex(of: x) { codes.append(Int32(c)); validity.append(true) }
            else { codes.append(0); validity.append(false) }
        }
        return Vector(type: .text, count: values.count, storage: .dictionary(indices: codes, values: dict), validity: validity)
    }

    /// Dictionary-coded text with integers takes the prefix split (PrefixSplit): ids, stored keys
    /// and `find` match a first-seen numbering through dictionary batches, plain-text batches,
    /// NULL rows (validity) and NULL dictionary entries, and a merge of another table's keys.
    func testDictionaryTextWithIntegersSplitsIntoAPrefixTable() {
        let dictionary: [String?] = ["mobile", "desktop", nil, "tablet", "tv"]
        let rows: [[Value]] = (0..<20_000).map { i in
            let device: Value = i % 23 == 0 ? .null : (dictionary[(i * 7) % dictionary.count].map(Value.string) ?? .null)
            return [device, .int(scrambled(i, 3_000))]
        }
        let table = KeyTable(types: [.text, .int64], capacity: 4)
        var reference: [[Value]: Int32] = [:], order: [[Value]] = []
        var start = 0, b = 0
        while start < rows.count {
            let end = min(rows.count, start + [2048, 1000, 1][b % 3])
            let batch = Array(rows[start..<end])
            // Every third batch arrives as plain text (a row group without a dictionary).
            let devices = b % 3 == 1 ? Vector.from(batch.map { $0[0] }, type: .text) : dictionaryVector(batch.map { $0[0] }, dictionary: dictionary)
            let ids = table.findOrInsert(vectors: [devices, Vector.from(batch.map { $0[1] }, type: .int64)], count: batch.count)
            var expected: [Int32] = []
            for r in batch {
                if let id = reference[r] { expected.append(id) } else {
                    let id = Int32(order.count); reference[r] = id; order.append(r); expected.append(id)
                }
            }
            XCTAssertEqual(Array(ids), expected, "batch at row \(start)")
            start = end; b += 1
        }
        XCTAssertEqual(table.count, order.count)
        let stored = table.keyVectors()
        if case .dictionary = stored[0].storage {} else { XCTFail("the table split: its text keys come back as dictionary codes") }
        for g in 0..<order.count { XCTAssertEqual([stored[0].value(at: g), stored[1].value(at: g)], order[g], "group \(g)") }
        let probes = order + [[.string("absent"), .int(1)], [.string("mobile"), .int(Int64.min)]]
        let found = table.find([KeyView(Vector.from(probes.map { $0[0] }, type: .text)), KeyView(Vector.from(probes.map { $0[1] }, type: .int64))],
                               count: probes.count)
        XCTAssertEqual(Array(found), Array(0..<Int32(order.count)) + [-1, -1])
        // Merging the stored keys into a fresh table (as parallel aggregation merges partials)
        // numbers them in order.
        let merged = KeyTable(types: [.text, .int64])
        XCTAssertEqual(Array(merged.findOrInsert(stored.map(KeyView.init), count: order.count)), Array(0..<Int32(order.count)))
    }
    /// A split whose other column is one integer keys its body by (prefix id, integer) packed
    /// into one int64: NULL integers, both ends of the packed range, and `find` of integers
    /// outside it; then a batch with an integer outside the range rebuilds the body as pairs,
    /// and ids, stored keys and finds go on as a first-seen numbering gives them. The integer
    /// may be an int64 or a numeric's unscaled value (extract(hour …) is numeric), whose wide
    /// values go past Int64 as well.
    func testPackedPrefixSplitAndItsSwitchToPairs() {
        checkPackedPrefixSplit(.int64, wide: { .int(Int64.max - Int64($0)) }) { .int(Int64($0)) }
        checkPackedPrefixSplit(.decimal(precision: 38, scale: 2), wide: { .decimal(Int128(Int64.max) * 1000 + Int128($0)) }) { .decimal($0) }
    }

    private func checkPackedPrefixSplit(_ type: DataType, wide: (Int) -> Value, _ value: (Int128) -> Value) {
        let dictionary: [String?] = ["mobile", "desktop", "tablet"]
        let extremes: [Value] = [value(-(1 << 47)), value((1 << 47) - 2), .null, value(0), value(-1)]
        func rows(_ range: Range<Int>, wide isWide: Bool) -> [[Value]] {
            range.map { i in
                let device: Value = dictionary[(i * 5) % 3].map(Value.string) ?? .null
                var x: Value = i % 41 == 0 ? extremes[(i / 41) % extremes.count] : value(Int128(scrambled(i, 900)))
                if isWide && i % 500 == 3 { x = wide(i) }
                return [device, x]
            }
        }
        let table = KeyTable(types: [.text, type])
        var reference: [[Value]: Int32] = [:], order: [[Value]] = []
        for (k, batch) in [rows(0..<2048, wide: false), rows(2048..<4096, wide: false), rows(4096..<6144, wide: true), rows(6144..<8000, wide: false)].enumerated() {
            let ids = table.findOrInsert(vectors: [dictionaryVector(batch.map { $0[0] }, dictionary: dictionary),
                                                   Vector.from(batch.map { $0[1] }, type: type)], count: batch.count)
            var expected: [Int32] = []
            for r in batch {
                if let id = reference[r] { expected.append(id) } else {
                    let id = Int32(order.count); reference[r] = id; order.append(r); expected.append(id)
                }
            }
            XCTAssertEqual(Array(ids), expected, "\(type) batch \(k)")
            XCTAssertEqual(table.splitIsPacked, k < 2, "\(type): packed until the batch with wide integers")
            let probes = order + [[.string("mobile"), value(Int128(Int64.min))], [.string("tablet"), value(1 << 47)], [.string("absent"), value(0)]]
            let found = table.find([KeyView(Vector.from(probes.map { $0[0] }, type: .text)), KeyView(Vector.from(probes.map { $0[1] }, type: type))],
                                   count: probes.count)
            XCTAssertEqual(Array(found), Array(0..<Int32(order.count)) + [-1, -1, -1], "\(type): finds after batch \(k)")
            let stored = table.keyVectors()
            XCTAssertEqual(stored[1].type, type)
            for g in stride(from: 0, to: order.count, by: 7) {
                XCTAssertEqual([stored[0].value(at: g), stored[1].value(at: g)], order[g], "\(type): group \(g) after batch \(k)")
            }
        }
        XCTAssertEqual(table.count, order.count)
    }

    /// Batches of one row group share their dictionary objects, and the code combination -> id
    /// map carries over between them; a batch over other dictionaries (other entries, another
    /// order) must not reuse it, and coming back to the first ones must still give its ids.
    func testSharedDictionariesAcrossBatchesKeepTheirIds() {
        func dictionary(_ entries: [String]) -> Vector { Vector.from(entries.map(Value.string), type: .text) }
        let a1 = dictionary(["red", "green", "blue"]), a2 = dictionary(["s", "m"])
        let b1 = dictionary(["blue", "pink", "red"]), b2 = dictionary(["m", "l", "s"])
        let sets = [(a1, a2), (a1, a2), (b1, b2), (a1, a2), (b1, b2), (b1, b2)]
        let table = KeyTable(types: [.text, .text], capacity: 4)
        var reference: [[Value]: Int32] = [:], order: [[Value]] = []
        var seed = 11
        for (k, (d1, d2)) in sets.enumerated() {
            let n = [40, 7, 64, 33, 12, 50][k]
            var c1 = ContiguousArray<Int32>(), c2 = ContiguousArray<Int32>(), valid = ContiguousArray<Bool>()
            for _ in 0..<n {
                seed = (seed * 1_103_515_245 + 12_345) & 0x7fff_ffff
                c1.append(Int32(seed % d1.count)); c2.append(Int32((seed / 7) % d2.count)); valid.append(seed % 11 != 0)
            }
            let v1 = Vector(type: .text, count: n, storage: .dictionary(indices: c1, values: d1), validity: valid)
            let v2 = Vector(type: .text, count: n, storage: .dictionary(indices: c2, values: d2))
            let ids = table.findOrInsert(vectors: [v1, v2], count: n)
            var expected: [Int32] = []
            for i in 0..<n {
                let row = [v1.value(at: i), v2.value(at: i)]
                if let id = reference[row] { expected.append(id) } else {
                    let id = Int32(order.count); reference[row] = id; order.append(row); expected.append(id)
                }
            }
            XCTAssertEqual(Array(ids), expected, "batch \(k)")
        }
        XCTAssertEqual(table.count, order.count)
        let stored = table.keyVectors()
        for g in 0..<order.count { XCTAssertEqual([stored[0].value(at: g), stored[1].value(at: g)], order[g], "group \(g)") }
    }
    /// Keys whose columns all code (dictionary text beside integers of a small range, or two
    /// small integer ranges) look each combination of codes up in a direct map, with no split:
    /// ranges drifting from batch to batch (within, overlapping and beyond the earlier one),
    /// negative integers, NULL integers and a batch of NULLs only, a batch too wide to code
    /// (hashed on the same table) and coded batches after it; ids, stored keys and `find` as a
    /// first-seen numbering gives them. The integer may be an int64 or a numeric's unscaled
    /// value (extract(hour …) is numeric).
    func testSmallIntegerRangesBesideDictionariesMapCodesDirectly() {
        let entries = ["US", "DE", "FR", "BR"]
        let dictionary = Vector.from(entries.map(Value.string), type: .text)
        for type in [DataType.int64, .decimal(precision: 38, scale: 0)] {
            func value(_ x: Int) -> Value { type == .int64 ? .int(Int64(x)) : .decimal(Int128(x)) }
            let first: [Value] = [.string("US"), value(0)]
            checkCodedKeys([.text, type], first: first) { batch, i, lo, span, nullEvery in
                let code = Int32((i * 7 + batch) % entries.count)
                return (code, [.string(entries[Int(code)]), nullEvery > 0 && i % nullEvery == 0 ? .null : value(lo + (i * 5) % span)])
            } vectors: { rows, codes in
                [Vector(type: .text, count: rows.count, storage: .dictionary(indices: codes, values: dictionary)),
                 Vector.from(rows.map { $0[1] }, type: type)]
            }
        }
        // Two integers, one of them far from zero (days since 1970 beside a status).
        checkCodedKeys([.int64, .int64], first: [.int(20_000), .int(0)]) { batch, i, lo, span, nullEvery in
            (0, [.int(Int64(20_000 + lo + (i * 3) % span)), nullEvery > 0 && i % nullEvery == 0 ? .null : .int(Int64(i % 3))])
        } vectors: { rows, _ in [Vector.from(rows.map { $0[0] }, type: .int64), Vector.from(rows.map { $0[1] }, type: .int64)] }
    }

    private func checkCodedKeys(_ types: [DataType], first: [Value],
                                row: (_ batch: Int, _ i: Int, _ lo: Int, _ span: Int, _ nullEvery: Int) -> (Int32, [Value]),
                                vectors: (_ rows: [[Value]], _ codes: ContiguousArray<Int32>) -> [Vector],
                                file: StaticString = #filePath, line: UInt = #line) {
        // (lowest integer, integers spanned, rows, every how many rows a NULL integer; 1: all)
        let plans = [(0, 3, 600, 0), (1, 2, 400, 7), (2, 4, 500, 0), (-6, 9, 800, 11), (0, 24, 2_000, 0),
                     (3, 1, 300, 1), (0, 100_000, 3_000, 0), (10, 5, 700, 5), (-6, 30, 1_000, 0)]
        let table = KeyTable(types: types, capacity: 4)
        var reference: [[Value]: Int32] = [:], order: [[Value]] = []
        for (b, (lo, span, n, nullEvery)) in plans.enumerated() {
            var rows: [[Value]] = [], codes = ContiguousArray<Int32>()
            for i in 0..<n {
                let (code, r) = row(b, i, lo, span, nullEvery)
                rows.append(r); codes.append(code)
            }
            let ids = table.findOrInsert(vectors: vectors(rows, codes), count: n)
            var expected: [Int32] = []
            for r in rows {
                if let id = reference[r] { expected.append(id) } else {
                    let id = Int32(order.count); reference[r] = id; order.append(r); expected.append(id)
                }
            }
            XCTAssertEqual(Array(ids), expected, "\(types) batch \(b)", file: file, line: line)
            XCTAssertNil(table.splitIsPacked, "\(types): coded keys need no split", file: file, line: line)
            XCTAssertEqual(table.mapsKeyCodes, span < 1_000, "\(types) batch \(b): coded unless too wide", file: file, line: line)
        }
        XCTAssertEqual(table.count, order.count, file: file, line: line)
        let stored = table.keyVectors()
        for g in 0..<order.count {
            XCTAssertEqual(types.indices.map { stored[$0].value(at: g) }, order[g], "\(types): group \(g)", file: file, line: line)
        }
        let absent: [Value] = [types[0] == .text ? .string("absent") : .int(-1), first[1]]
        let probes = order + [absent]
        let found = table.find(types.indices.map { c in KeyView(Vector.from(probes.map { $0[c] }, type: types[c])) }, count: probes.count)
        XCTAssertEqual(Array(found), Array(0..<Int32(order.count)) + [-1], file: file, line: line)
    }
}
