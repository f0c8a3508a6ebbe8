// The scan fast paths of the Parquet reader: bit unpacking with one 64-bit
// load per value (every width 0–32 against a bit-by-bit reference packer,
// buffers cut so the byte-by-byte tail runs too), dictionary codes decoded
// straight into the chunk's index array, and flat columns kept in physical
// form and converted batch by batch in ParquetColumnsRead.slice (compared
// with the whole-vector path a row selection takes).

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetScanPathTests: XCTestCase {
    static let skipping = LakeTestFixtures.path("skipping")

    /// LSB-first packing, one bit at a time (the format's definition).
    private func pack(_ values: [UInt32], width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count * width + 7) / 8)
        var bit = 0
        for v in values {
            for b in 0..<width {
                if v >> UInt32(b) & 1 == 1 { out[bit >> 3] |= UInt8(1) << UInt8(bit & 7) }
                bit += 1
            }
        }
        return out
    }

    private func randomValues(_ n: Int, width: Int, seed: inout UInt64) -> [UInt32] {
        (0..<n).map { _ in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let v = UInt32(truncatingIfNeeded: seed >> 29)
            return width == 32 ? v : v & ((UInt32(1) << UInt32(width)) - 1)
        }
    }

    func testUnpackEveryWidthMatchesReference() {
        var seed: UInt64 = 42
        for width in 1...32 {
            for n in [1, 7, 8, 9, 31, 64, 100, 257] {
                let values = randomValues(n, width: width, seed: &seed)
                let packed = pack(values, width: width)   // exactly as many bytes as the bits need: the tail path runs
                var out = ContiguousArray<Int32>([-1, -1])  // appends after existing values
                packed.withUnsafeBufferPointer { p in
                    out.appendUninitialized(count: n) { dst in
                        RLEHybrid.unpack(UnsafeRawPointer(p.baseAddress!), available: p.count, bitWidth: width, values: n, into: dst.baseAddress!)
                    }
                }
                XCTAssertEqual(Array(out.prefix(2)), [-1, -1])
                XCTAssertEqual(out.dropFirst(2).map { UInt32(bitPattern: $0) }, values, "width \(width), \(n) values")
                // With an offset into a larger buffer (the fast path reads past the run's own bytes).
                let padded = [0xAB, 0xCD] + packed + [UInt8](repeating: 0xFF, count: 16)
                var fromOffset = ContiguousArray<Int32>()
                padded.withUnsafeBufferPointer { p in
                    fromOffset.appendUninitialized(count: n) { dst in
                        RLEHybrid.unpack(UnsafeRawPointer(p.baseAddress! + 2), available: p.count - 2, bitWidth: width, values: n, into: dst.baseAddress!)
                    }
                }
                XCTAssertEqual(fromOffset.map { UInt32(bitPattern: $0) }, values, "width \(width), \(n) values at offset 2")
            }
        }
    }

    func testHybridBitPackedRunsEveryWidth() throws {
        var seed: UInt64 = 7
        for width in 0...32 {
            // A bit-packed run of 3 groups of 8, then an RLE run of 5, then a short bit-packed group.
            let a = width == 0 ? [UInt32](repeating: 0, count: 24) : randomValues(24, width: width, seed: &seed)
            let repeated: UInt32 = width == 0 ? 0 : randomValues(1, width: width, seed: &seed)[0]
            let b = width == 0 ? [UInt32](repeating: 0, count: 3) : randomValues(3, width: width, seed: &seed)
            var data: [UInt8] = []
            if width > 0 {
                data.append(UInt8(3 << 1 | 1)); data += pack(a, width: width)
                data.append(UInt8(5 << 1))
                for i in 0..<((width + 7) / 8) { data.append(UInt8(truncatingIfNeeded: repeated >> UInt32(8 * i))) }
                data.append(UInt8(1 << 1 | 1)); data += pack(b + [0, 0, 0, 0, 0], width: width)
            }
            var out = ContiguousArray<Int32>()
            try data.withUnsafeBufferPointer { p in
                try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: width, count: 32, into: &out)
            }
            let expected = a + [UInt32](repeating: repeated, count: 5) + b
            XCTAssertEqual(out.map { UInt32(bitPattern: $0) }, expected, "width \(width)")
        }
    }

    /// Definition levels of at most 1 are counted while decoded: the count of 1s must be the
    /// decoded values' (bit-packed runs of every length, including a partial last byte, and
    /// RLE runs of 0 and 1), and an RLE run of a larger value is rejected.
    func testLevelsOfMaximumOneAreCountedWhileDecoded() throws {
        var seed: UInt64 = 11
        for groups in [1, 2, 3, 9, 17] {
            for tail in [0, 1, 5, 7] {
                let packed = randomValues(groups * 8, width: 1, seed: &seed)
                let last = randomValues(8, width: 1, seed: &seed)
                var data: [UInt8] = [UInt8(groups << 1 | 1)] + pack(packed, width: 1)
                data += [UInt8(6 << 1), 1, UInt8(4 << 1), 0]   // runs: six 1s, four 0s
                data += [UInt8(1 << 1 | 1)] + pack(last, width: 1)
                let count = groups * 8 + 10 + tail
                var out = ContiguousArray<Int32>()
                var ones = 0
                try data.withUnsafeBufferPointer { p in
                    try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: 1, count: count, into: &out, ones: &ones)
                }
                let expected = packed + [UInt32](repeating: 1, count: 6) + [UInt32](repeating: 0, count: 4) + last.prefix(tail)
                XCTAssertEqual(out.map { UInt32(bitPattern: $0) }, expected, "\(groups) groups, tail \(tail)")
                XCTAssertEqual(ones, expected.filter { $0 == 1 }.count, "\(groups) groups, tail \(tail)")
            }
        }
        let badRun: [UInt8] = [UInt8(3 << 1), 2]
        var out = ContiguousArray<Int32>()
        var ones = 0
        XCTAssertThrowsError(try badRun.withUnsafeBufferPointer { p in
            try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: 1, count: 3, into: &out, ones: &ones)
        }) { XCTAssertEqual(($0 as? LevelAboveMaximum)?.level, 2, "\($0)") }
        // Without counting, the same run decodes (other widths' callers check their levels themselves).
        var plain = ContiguousArray<Int32>()
        try badRun.withUnsafeBufferPointer { p in try RLEHybrid.decode(p, start: 0, end: p.count, bitWidth: 1, count: 3, into: &plain) }
        XCTAssertEqual(Array(plain), [2, 2, 2])
    }

    func testDictionaryCodesOutOfRangeAreRejected() throws {
        // The dictionary column of pages.parquet decodes; a corrupted code must still be caught
        // now that codes go straight into the chunk's array.
        let f = try ParquetFile(path: Self.skipping + "/pages.parquet")
        let c = try XCTUnwrap(f.schema.firstIndex { $0.name == "grp" })
        let v = try f.readColumns(rowGroup: 0, columns: [c]).vectors[0]
        guard case .dictionary(let idx, let values) = v.storage else { return XCTFail("grp is dictionary-encoded") }
        XCTAssertTrue(idx.allSatisfy { $0 >= 0 && Int($0) < values.count })
    }

    /// Column slices through the deferred physical path equal the whole-vector path's values.
    func testDeferredPhysicalColumnsSliceLikeWholeVectors() throws {
        var deferred = 0
        for name in ["bloom.parquet", "pages.parquet"] {
            let f = try ParquetFile(path: Self.skipping + "/" + name)
            let columns = Array(0..<f.schema.count)
            for g in 0..<f.rowGroupCount {
                let whole = try f.readColumns(rowGroup: g, columns: columns)
                let rows = whole.rows
                XCTAssertGreaterThan(rows, 300)
                // A selection of all rows but the last goes through flatColumn + gather (or page reads).
                let reference = try f.readColumns(rowGroup: g, columns: columns, selection: RowSelection([0..<Int64(rows - 1)]))
                for c in columns {
                    if case .physical = whole.columns[c] { deferred += 1 }
                    for r in [0..<7, 5..<300, 0..<(rows - 1), (rows - 2)..<(rows - 1)] {
                        let s = try whole.slice(c, r)
                        XCTAssertEqual(s.count, r.count)
                        XCTAssertEqual(s.type, reference.vectors[c].type)
                        for (k, row) in r.enumerated() {
                            // Compared as text: NaN (row 510 of pages.parquet) is not == itself.
                            XCTAssertEqual("\(s.value(at: k))", "\(reference.vectors[c].value(at: row))", "\(name) column \(f.schema[c].name) row \(row)")
                        }
                    }
                    // Whole vectors (tests, nested readers) agree with the slices too.
                    let all = whole.vectors[c]
                    XCTAssertEqual(all.count, rows)
                    XCTAssertEqual("\(all.value(at: rows / 2))", "\(try whole.slice(c, (rows / 2)..<(rows / 2 + 1)).value(at: 0))")
                }
            }
        }
        XCTAssertGreaterThan(deferred, 5, "plain non-null columns take the deferred path")
    }

    func testPhysicalValuesSliceOfStrings() {
        let s = StringColumn(["a", "", "bcd", "ef"])
        guard case .bytes(let sliced) = PhysicalValues.bytes(s).slice(1..<4) else { return XCTFail() }
        XCTAssertEqual((0..<sliced.count).map { sliced.string(at: $0) }, ["", "bcd", "ef"])
        XCTAssertEqual(Array(sliced.offsets), [0, 0, 3, 5])
    }

    /// Gathering values by index (dictionary decoding, late reads' survivors) appends exactly
    /// the indexed values after what was there, for fixed-width and byte-array values,
    /// with repeated, out-of-order and empty-string entries.
    func testAppendGatheredMatchesIndexing() throws {
        let ints: ContiguousArray<Int64> = [10, -20, 30, Int64.max, 0]
        let indices: ContiguousArray<Int32> = [3, 0, 0, 4, 2, 1, 3]
        var gathered = PhysicalValues.int64([7])
        try gathered.appendGathered(from: .int64(ints), indices)
        guard case .int64(let got) = gathered else { return XCTFail("kind") }
        XCTAssertEqual(Array(got), [7] + indices.map { ints[Int($0)] })

        let words = ["", "alpha", "b", "", "a longer value than thirty-two bytes, to be sure"]
        var strings = PhysicalValues.bytes(StringColumn(["kept"]))
        try strings.appendGathered(from: .bytes(StringColumn(words)), indices.map { $0 % 5 } + [0])
        guard case .bytes(let column) = strings else { return XCTFail("kind") }
        XCTAssertEqual((0..<column.count).map { column.string(at: $0) }, ["kept"] + (indices.map { $0 % 5 } + [0]).map { words[Int($0)] })

        var empty = PhysicalValues.double([1.5])
        try empty.appendGathered(from: .double([2.5]), [])
        guard case .double(let d) = empty else { return XCTFail("kind") }
        XCTAssertEqual(Array(d), [1.5])
        var none = PhysicalValues.bytes(StringColumn(["x"]))
        try none.appendGathered(from: .bytes(StringColumn(["", ""])), [1, 0])
        guard case .bytes(let blanks) = none else { return XCTFail("kind") }
        XCTAssertEqual((0..<blanks.count).map { blanks.string(at: $0) }, ["x", "", ""])
    }

    /// RLE/bit-packed hybrid data of random runs and bit-packed groups (as a writer lays them
    /// out: varint headers, one value byte per run at these widths, 8 values per group).
    private func hybrid(_ values: [UInt32], width: Int, seed: inout UInt64) -> [UInt8] {
        var out: [UInt8] = [], i = 0
        func varint(_ v: Int) { var v = v; while v >= 0x80 { out.append(UInt8(v & 0x7F | 0x80)); v >>= 7 }; out.append(UInt8(v)) }
        while i < values.count {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            var run = 1
            while i + run < values.count && values[i + run] == values[i] { run += 1 }
            if run >= 8 || seed >> 60 == 0 {
                varint(run << 1)
                out.append(UInt8(values[i]))
                i += run
            } else {
                let groups = 1 + Int(seed >> 61)
                var chunk = Array(values[i..<min(values.count, i + groups * 8)])
                let used = chunk.count
                while chunk.count < groups * 8 { chunk.append(0) }      // padding past the values
                varint(groups << 1 | 1)
                out += pack(chunk, width: width)
                i += used
            }
        }
        return out
    }

    /// decodeMapped gives each code's answer exactly as decoding the codes and mapping them does,
    /// at every width it takes and every number of codes it looks up at once, appending after
    /// answers already there; a code past the answers
    /// (in a run, in a whole byte, in a last byte) and data that ends early are refused, the
    /// answers left as they were.
    func testCodesMappedToAnswersMatchDecodingThenMapping() throws {
        var seed: UInt64 = 7
        var cutsRefused = 0
        for width in 1...8 {
            for n in [1, 3, 8, 9, 31, 64, 100, 1000, 4099] {
                let dictionarySize = Swift.max(1, (1 << width) - (width == 1 ? 0 : 1))
                let answers = (0..<dictionarySize).map { ($0 * 7 + width) % 3 == 0 }
                let codes = randomValues(n, width: width, seed: &seed).map { $0 % UInt32(dictionarySize) }
                    .enumerated().map { $0.offset % 50 < 20 ? codes0(width) : $0.element }
                let data = hybrid(codes, width: width, seed: &seed)
                var expected = ContiguousArray<Int32>()
                try data.withUnsafeBufferPointer { try RLEHybrid.decode($0, start: 0, end: $0.count, bitWidth: width, count: n, into: &expected) }
                var got: ContiguousArray<Bool> = [true, false]
                try data.withUnsafeBufferPointer { p in
                    try answers.withUnsafeBufferPointer { a in
                        try RLEHybrid.decodeMapped(p, start: 0, end: p.count, bitWidth: width, count: n, answers: a, into: &got)
                    }
                }
                XCTAssertEqual(Array(got.prefix(2)), [true, false], "width \(width) n \(n): the answers before are kept")
                XCTAssertEqual(Array(got.dropFirst(2)), expected.map { answers[Int($0)] }, "width \(width) n \(n)")
                // Every number of codes looked up at once that fits the width (a chunk's table
                // chooses by its rows, not the page's).
                for perLookup in [1, 2, 4, 8] where perLookup * width <= 12 || perLookup == 1 {
                    var grouped: ContiguousArray<Bool> = []
                    try data.withUnsafeBufferPointer { p in
                        try answers.withUnsafeBufferPointer { a in
                            let table = RLEHybrid.MappedAnswers(a, bitWidth: width, codes: n, codesPerLookup: perLookup)
                            XCTAssertEqual(table.codesPerLookup, perLookup)
                            try RLEHybrid.decodeMapped(p, start: 0, end: p.count, count: n, answers: table, into: &grouped)
                        }
                    }
                    XCTAssertEqual(Array(grouped), expected.map { answers[Int($0)] }, "width \(width) n \(n), \(perLookup) codes a lookup")
                    if let top = codes.max(), top > 0 {
                        var refused: ContiguousArray<Bool> = []
                        XCTAssertThrowsError(try data.withUnsafeBufferPointer { p in
                            try answers.prefix(Int(top)).withUnsafeBufferPointer { a in
                                try RLEHybrid.decodeMapped(p, start: 0, end: p.count, count: n,
                                                           answers: RLEHybrid.MappedAnswers(a, bitWidth: width, codes: n, codesPerLookup: perLookup),
                                                           into: &refused)
                            }
                        }, "width \(width) n \(n), \(perLookup) codes a lookup: code \(top) past \(top) answers")
                        XCTAssertEqual(refused, [])
                    }
                }
                // Fewer answers than codes used: refused, nothing appended.
                if let top = codes.max(), top > 0 {
                    var refused: ContiguousArray<Bool> = [true]
                    XCTAssertThrowsError(try data.withUnsafeBufferPointer { p in
                        try answers.prefix(Int(top)).withUnsafeBufferPointer { a in
                            try RLEHybrid.decodeMapped(p, start: 0, end: p.count, bitWidth: width, count: n, answers: a, into: &refused)
                        }
                    }, "width \(width) n \(n): code \(top) past \(top) answers")
                    XCTAssertEqual(refused, [true])
                }
                // The data cut inside its last run: refused exactly when decoding the codes is.
                let cut = Array(data.dropLast())
                var codesOfCut = ContiguousArray<Int32>(), short: ContiguousArray<Bool> = []
                let decodes = (try? cut.withUnsafeBufferPointer { try RLEHybrid.decode($0, start: 0, end: $0.count, bitWidth: width, count: n, into: &codesOfCut) }) != nil
                let maps = (try? cut.withUnsafeBufferPointer { p in
                    try answers.withUnsafeBufferPointer { a in
                        try RLEHybrid.decodeMapped(p, start: 0, end: p.count, bitWidth: width, count: n, answers: a, into: &short)
                    }
                }) != nil
                XCTAssertEqual(maps, decodes, "width \(width) n \(n): a cut run")
                if !maps { cutsRefused += 1 }
                XCTAssertEqual(Array(short), maps ? codesOfCut.map { answers[Int($0)] } : [])
            }
        }
        XCTAssertGreaterThan(cutsRefused, 10, "some cut data is refused")
    }

    /// A code repeated in runs (so the data mixes runs and bit-packed groups).
    private func codes0(_ width: Int) -> UInt32 { width == 1 ? 1 : 2 }

    /// Late reads convert only their survivors below one row in eight, and below one in sixteen
    /// for columns kept as stored (INT64, DOUBLE): converting every row of those costs about a
    /// copy. A decimal (widened to 128 bits), an unsigned INT32 and text keep one in eight.
    func testSparseReadFactorFollowsTheCostOfConverting() throws {
        let f = try ParquetFile(path: LakeTestFixtures.path("skipping/pages.parquet"))
        let factors = Dictionary(uniqueKeysWithValues: f.roots.indices.map { (f.roots[$0].name, f.sparseReadFactor(column: $0)) })
        XCTAssertEqual(factors, ["id": 16, "down": 16, "maybe": 16, "f": 16, "u": 8, "dec": 8, "s": 8, "grp": 8])
        XCTAssertEqual(f.sparseReadFactor(column: 99), ParquetFile.sparseReadFactor, "a column that does not exist")
    }
}
