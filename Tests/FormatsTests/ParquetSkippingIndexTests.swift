// The reader's skipping aids: XXH64 against the reference implementation's
// values, split-block bloom filters (our own and those pyarrow and DuckDB
// wrote, for every hashable physical type), dictionaries of fully
// dictionary-encoded chunks, page-index statistics and page-by-page reads
// of a row selection, and corrupt index bytes that must end in an SQLError.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetSkippingIndexTests: XCTestCase {
    static let fixtures = LakeTestFixtures.path("skipping")

    func testXXH64MatchesReferenceValues() {
        // Values computed with the reference xxHash library (python xxhash.xxh64).
        XCTAssertEqual(XXHash64.hash([UInt8]()), 0xEF46_DB37_51D8_E999)
        XCTAssertEqual(XXHash64.hash(Array("a".utf8)), 0xD24E_C4F1_A98C_6E5B)
        XCTAssertEqual(XXHash64.hash(Array("abc".utf8)), 0x44BC_2CF5_AD77_0999)
        XCTAssertEqual(XXHash64.hash(Array("abc".utf8), seed: 1), 0xBEA9_CA81_9932_8908)
        XCTAssertEqual(XXHash64.hash(Array("12345678".utf8)), 0xD2D0_2F08_CF7C_FD4A)
        XCTAssertEqual(XXHash64.hash(Array("1234567890123456789012345678901234567".utf8)), 0xD9D3_9A36_33DA_8133)
        XCTAssertEqual(XXHash64.hash(Array("Nobody inspects the spammish repetition".utf8)), 0xFBCE_A83C_8A37_8BF1)
        XCTAssertEqual(XXHash64.hash((0..<100).map { UInt8($0) }), 0x6AC1_E580_3216_6597)
    }

    func testSplitBlockFilterHasNoFalseNegatives() throws {
        var filter = try XCTUnwrap(ParquetBloomFilter(bitset: [UInt8](repeating: 0, count: 1024)))
        let present = (0..<100).map { XXHash64.hash(Array("in-\($0)".utf8)) }
        for h in present { filter.insert(hash: h) }
        XCTAssertTrue(present.allSatisfy { filter.mightContain(hash: $0) })
        let falsePositives = (0..<1000).filter { filter.mightContain(hash: XXHash64.hash(Array("out-\($0)".utf8))) }.count
        XCTAssertLessThan(falsePositives, 50, "a 1 KiB filter with 100 values answers 'absent' for almost every other value")
        XCTAssertNil(ParquetBloomFilter(bitset: [UInt8](repeating: 0, count: 33)), "a bitset is whole 32-byte blocks")
    }

    func testPlainEncodingsOfSQLValues() throws {
        let f = try ParquetFile(path: Self.fixtures + "/bloom.parquet")
        func leaf(_ name: String) -> ParquetLeaf { f.leaves.first { $0.path == [name] }! }
        XCTAssertEqual(ParquetBloomFilter.plainEncodings(.int(-2), leaf: leaf("i32")), [[0xFE, 0xFF, 0xFF, 0xFF]])
        XCTAssertNil(ParquetBloomFilter.plainEncodings(.int(1 << 40), leaf: leaf("i32")), "out of the physical range")
        XCTAssertEqual(ParquetBloomFilter.plainEncodings(.int(4_000_000_000), leaf: leaf("u32")), [[0x00, 0x28, 0x6B, 0xEE]])
        XCTAssertEqual(ParquetBloomFilter.plainEncodings(.double(0), leaf: leaf("f64"))?.count, 2, "+0.0 and -0.0 are equal in SQL")
        XCTAssertNil(ParquetBloomFilter.plainEncodings(.double(.nan), leaf: leaf("f64")))
        XCTAssertNil(ParquetBloomFilter.plainEncodings(.double(0.1), leaf: leaf("f32")), "0.1 is not a float32 value")
        XCTAssertEqual(ParquetBloomFilter.plainEncodings(.string("é"), leaf: leaf("s")), [[0xC3, 0xA9]], "bytes only, no length prefix")
        XCTAssertEqual(ParquetBloomFilter.plainEncodings(.decimal(-1), leaf: leaf("dec"))?.first?.count, leaf("dec").typeLength)
        XCTAssertNil(ParquetBloomFilter.plainEncodings(.int(1500), leaf: leaf("tsms")), "1.5 ms is no millisecond value")
        XCTAssertEqual(ParquetBloomFilter.plainEncodings(.int(2000), leaf: leaf("tsms")), [[2, 0, 0, 0, 0, 0, 0, 0]])
    }

    /// Every value of every column chunk must pass its chunk's filter, and most values of the other row group must not.
    func assertFiltersAgree(_ path: String, columns: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let f = try ParquetFile(path: path)
        XCTAssertGreaterThan(f.rowGroupCount, 1, file: file, line: line)
        for name in columns {
            let c = try XCTUnwrap(f.schema.firstIndex { $0.name == name }, file: file, line: line)
            let l = try XCTUnwrap(f.roots[c].leafIndex, file: file, line: line)
            var values: [[Value]] = []
            for g in 0..<f.rowGroupCount {
                let v = try f.readColumns(rowGroup: g, columns: [c]).vectors[0]
                values.append((0..<v.count).map { v.value(at: $0) }.filter { !$0.isNull })
            }
            for g in 0..<f.rowGroupCount {
                let (filter, bytes) = try XCTUnwrap(try f.bloomFilter(rowGroup: g, leaf: l), "\(name) has a filter", file: file, line: line)
                XCTAssertGreaterThan(bytes, Int64(filter.bitset.count), file: file, line: line)
                for v in values[g] {
                    let hashes = try XCTUnwrap(ParquetBloomFilter.hashes(v, leaf: f.leaves[l]), "\(name) \(v)", file: file, line: line)
                    XCTAssertTrue(hashes.contains { filter.mightContain(hash: $0) }, "\(name): \(v) must be in row group \(g)", file: file, line: line)
                }
                let own = Set(values[g].map { "\($0)" })
                let others = values[(g + 1) % f.rowGroupCount].filter { !own.contains("\($0)") }
                let absent = others.filter { !filter.mightContainAny([$0], leaf: f.leaves[l]) }.count
                XCTAssertGreaterThanOrEqual(absent * 10, others.count * 9, "\(name): most foreign values are ruled out", file: file, line: line)
            }
        }
    }

    func testPyarrowBloomFiltersForEveryPhysicalType() throws {
        try assertFiltersAgree(Self.fixtures + "/bloom.parquet",
                               columns: ["i32", "i64", "u32", "f32", "f64", "s", "b", "dec", "dt", "ts", "tsms"])
    }

    func testDuckDBBloomFiltersOnDictionaryColumns() throws {
        try assertFiltersAgree(Self.fixtures + "/duckdb_bloom.parquet", columns: ["city", "bucket"])
    }

    func testDictionaryOfFullyDictionaryEncodedChunks() throws {
        let f = try ParquetFile(path: Self.fixtures + "/pages.parquet")
        let grp = try XCTUnwrap(f.leaves.firstIndex { $0.path == ["grp"] })
        let id = try XCTUnwrap(f.leaves.firstIndex { $0.path == ["id"] })
        let d0 = try XCTUnwrap(try f.dictionaryValues(rowGroup: 0, leaf: grp))
        XCTAssertEqual(Set((0..<d0.values.count).map { d0.values.value(at: $0) }), [.string("apple"), .string("cherry")])
        let d1 = try XCTUnwrap(try f.dictionaryValues(rowGroup: 1, leaf: grp))
        XCTAssertEqual(Set((0..<d1.values.count).map { d1.values.value(at: $0) }), [.string("banana"), .string("date")])
        XCTAssertNil(try f.dictionaryValues(rowGroup: 0, leaf: id), "a PLAIN chunk has no dictionary to consult")
    }

    func testPageStatisticsAndPageReads() throws {
        let f = try ParquetFile(path: Self.fixtures + "/pages.parquet")
        let id = try XCTUnwrap(f.leaves.firstIndex { $0.path == ["id"] })
        let maybe = try XCTUnwrap(f.leaves.firstIndex { $0.path == ["maybe"] })
        let pages = try XCTUnwrap(try f.pageStatistics(rowGroup: 0, leaf: id))
        XCTAssertEqual(pages.count, 10)
        XCTAssertEqual(pages[2].rows, 100..<150)
        XCTAssertEqual(pages[2].statistics?.min, .int(100))
        XCTAssertEqual(pages[2].statistics?.max, .int(149))
        let nullPages = try XCTUnwrap(try f.pageStatistics(rowGroup: 0, leaf: maybe))
        XCTAssertEqual(nullPages[0].statistics?.nullCount, 50, "a null page is all NULL")
        XCTAssertNil(nullPages[0].statistics?.min)

        // Rows 120..<130 and 260..<261 of row group 0: two pages of each column are read.
        let selection = RowSelection([260..<261, 120..<130])
        let read = try f.readColumns(rowGroup: 0, columns: Array(0..<f.schema.count), selection: selection)
        XCTAssertEqual(read.rows, 11)
        XCTAssertEqual(read.pagesRead, 2 * f.schema.count)
        XCTAssertEqual(read.pagesSkipped, 8 * f.schema.count)
        let whole = try f.readColumns(rowGroup: 0, columns: Array(0..<f.schema.count))
        XCTAssertLessThan(read.bytesRead, whole.bytesRead / 3)
        let rows = Array(120..<130) + [260]
        for c in 0..<f.schema.count {
            XCTAssertEqual(read.vectors[c].count, 11)
            for (k, r) in rows.enumerated() {
                XCTAssertEqual(read.vectors[c].value(at: k), whole.vectors[c].value(at: r), "column \(f.schema[c].name) row \(r)")
            }
        }
        XCTAssertEqual(RowSelection([0..<5, 3..<8, 10..<12]).intersection(RowSelection([4..<11])).ranges, [4..<8, 10..<11])

        // Parsed once per chunk and kept with the file: asking again gives the same answer
        // (other chunks their own), and a chunk that does not exist is an error even once
        // others are cached (its key must not alias a real chunk's).
        XCTAssertEqual(try f.pageStatistics(rowGroup: 0, leaf: id)?.map(\.rows), pages.map(\.rows))
        XCTAssertEqual(try f.pageStatistics(rowGroup: 0, leaf: id)?[2].statistics?.max, .int(149))
        XCTAssertEqual(try f.pageStatistics(rowGroup: 1, leaf: id)?[2].statistics?.min, .int(600))
        XCTAssertEqual(try f.pageLocations(rowGroup: 1, leaf: id)?.count, 10)
        XCTAssertEqual(try f.pageLocations(rowGroup: 1, leaf: id), try f.pageLocations(rowGroup: 1, leaf: id))
        XCTAssertThrowsError(try f.pageLocations(rowGroup: 0, leaf: f.leaves.count))
        XCTAssertThrowsError(try f.pageStatistics(rowGroup: 0, leaf: f.leaves.count))
        XCTAssertThrowsError(try f.pageStatistics(rowGroup: f.rowGroupCount, leaf: 0))
    }

    /// A selection normalises any ranges — in order (the one-pass path) or not, empty, overlapping,
    /// adjacent — to sorted, disjoint, non-touching ranges covering exactly their rows.
    func testRowSelectionNormalisesRangesInAndOutOfOrder() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            var ranges: [Range<Int64>] = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                let lo = Int64.random(in: 0...60, using: &generator)
                return lo..<(lo + Int64.random(in: 0...6, using: &generator))
            }
            if round % 2 == 0 { ranges.sort { $0.lowerBound < $1.lowerBound } }
            let selection = RowSelection(ranges)
            var rows = Set<Int64>()
            for r in ranges { rows.formUnion(r) }
            XCTAssertEqual(Set(selection.ranges.flatMap { Array($0) }), rows, "\(ranges)")
            XCTAssertEqual(selection.rowCount, Int64(rows.count))
            XCTAssertTrue(selection.ranges.allSatisfy { !$0.isEmpty })
            XCTAssertTrue(zip(selection.ranges, selection.ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "\(selection.ranges)")
        }
        XCTAssertEqual(RowSelection([0..<3, 3..<5, 7..<7, 8..<9]).ranges, [0..<5, 8..<9])
        XCTAssertEqual(RowSelection([8..<9, 0..<3, 2..<5]).ranges, [0..<5, 8..<9])
        // Already normalised (kept as given), and the cases one compare away from it.
        XCTAssertEqual(RowSelection([0..<2, 5..<9, 11..<12]).ranges, [0..<2, 5..<9, 11..<12])
        XCTAssertEqual(RowSelection([]).ranges, [])
        XCTAssertEqual(RowSelection([4..<4]).ranges, [])
        XCTAssertEqual(RowSelection([0..<2, 2..<3]).ranges, [0..<3], "touching")
        XCTAssertEqual(RowSelection([0..<2, 5..<5, 7..<8]).ranges, [0..<2, 7..<8], "an empty one inside")
        XCTAssertEqual(RowSelection([5..<9, 0..<2]).ranges, [0..<2, 5..<9], "disjoint but out of order")
    }

    /// Flipped bytes in the indexes, filters and dictionaries must end in an SQLError or a usable answer, never a trap.
    func testCorruptSkippingStructuresThrowSQLErrors() throws {
        for name in ["pages.parquet", "bloom.parquet", "duckdb_bloom.parquet"] {
            let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + name)))
            var random = ParquetRobustnessTests.Random(state: 0x9E37_79B9_7F4A_7C15)
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<4 {
                    let at = Int(random.next() % UInt64(bytes.count - 8))
                    bytes[at] = UInt8(truncatingIfNeeded: random.next())
                }
                do {
                    let f = try ParquetFile(source: MemorySource(bytes, name: name))
                    for g in 0..<f.rowGroupCount {
                        for l in f.leaves.indices {
                            _ = try? f.bloomFilter(rowGroup: g, leaf: l)
                            _ = try? f.dictionaryValues(rowGroup: g, leaf: l)
                            _ = try? f.pageStatistics(rowGroup: g, leaf: l)
                        }
                        _ = try? f.readColumns(rowGroup: g, columns: Array(0..<f.schema.count), selection: RowSelection([5..<60, 300..<301]))
                    }
                } catch is SQLError {
                    continue
                }
            }
        }
    }

    /// Page-by-page reads of a selection equal the same rows of a whole read, for every corpus file
    /// with an offset index (other writers, codecs, data page v2, dictionaries, nulls).
    func testSelectionReadsMatchWholeReadsAcrossTheCorpus() throws {
        let root = ParquetConformanceTests.corpus
        guard let e = FileManager.default.enumerator(atPath: root.path) else { throw XCTSkip("corpus missing") }
        var pageReadFiles = 0
        for case let p as String in e where p.hasSuffix(".parquet") && !p.contains("large_string_map") && !p.hasPrefix("bad_data") {
            guard let f = try? ParquetFile(path: root.appendingPathComponent(p).path) else { continue }
            for g in 0..<f.rowGroupCount {
                let rows = Int64(f.metadata.rowGroups[g].numRows)
                guard rows > 3, let whole = try? f.readColumns(rowGroup: g, columns: Array(0..<f.schema.count)) else { continue }
                let selection = RowSelection([rows / 3..<rows / 3 + 2, rows - 1..<rows])
                let read = try f.readColumns(rowGroup: g, columns: Array(0..<f.schema.count), selection: selection)
                if read.pagesSkipped > 0 { pageReadFiles += 1 }
                let picked = selection.ranges.flatMap { $0.map { Int($0) } }
                XCTAssertEqual(read.rows, picked.count, p)
                for c in 0..<f.schema.count {
                    for (k, r) in picked.enumerated() {
                        XCTAssertEqual("\(read.vectors[c].value(at: k))", "\(whole.vectors[c].value(at: r))", "\(p) column \(c) row \(r)")
                    }
                }
            }
        }
        XCTAssertGreaterThan(pageReadFiles, 0, "some corpus files have offset indexes and multi-page chunks")
    }

    /// parquet-mr's filters from the shared corpus: a bare filter holding four strings, and a file whose
    /// column chunk records the filter's length.
    func testParquetMrBloomFilters() throws {
        let root = ParquetConformanceTests.corpus
        guard let raw = try? [UInt8](Data(contentsOf: root.appendingPathComponent("extras/bloom_filter.xxhash.bin"))) else {
            throw XCTSkip("corpus missing")
        }
        let filter = try XCTUnwrap(try ParquetBloomFilter.decode(raw, what: "bloom_filter.xxhash.bin"))
        for word in ["hello", "parquet", "bloom", "filter"] {
            XCTAssertTrue(filter.mightContain(hash: XXHash64.hash(Array(word.utf8))), word)
        }
        let others = (0..<200).filter { filter.mightContain(hash: XXHash64.hash(Array("other-\($0)".utf8))) }.count
        XCTAssertLessThan(others, 10)

        let f = try ParquetFile(path: root.appendingPathComponent("data/data_index_bloom_encoding_with_length.parquet").path)
        let (inFile, bytes) = try XCTUnwrap(try f.bloomFilter(rowGroup: 0, leaf: 0))
        XCTAssertEqual(bytes, Int64(try XCTUnwrap(f.metadata.rowGroups[0].columns[0].metaData?.bloomFilterLength)))
        let v = try f.readColumns(rowGroup: 0, columns: [0]).vectors[0]
        let values = (0..<v.count).map { v.value(at: $0) }.filter { !$0.isNull }
        XCTAssertFalse(values.isEmpty)
        XCTAssertTrue(inFile.mightContainAny(values, leaf: f.leaves[0]))
        for value in values { XCTAssertTrue(inFile.mightContainAny([value], leaf: f.leaves[0]), "\(value)") }
        XCTAssertFalse(inFile.mightContainAny([.string("not in the file"), .string("nor this")], leaf: f.leaves[0]))
    }
}
