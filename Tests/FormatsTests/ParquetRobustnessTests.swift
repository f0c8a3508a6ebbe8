// Corrupt-input tests for the Parquet reader: every corpus file truncated at
// many points and with deterministic pseudo-random byte flips must either
// read or throw an SQLError — never trap or hang.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetRobustnessTests: XCTestCase {
    /// xorshift64*: deterministic so failures reproduce.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12; state ^= state << 25; state ^= state >> 27
            return state &* 2685821657736338717
        }
    }

    func corpusFiles() throws -> [String] {
        let root = ParquetConformanceTests.corpus
        guard let e = FileManager.default.enumerator(atPath: root.path) else { throw XCTSkip("corpus missing") }
        var out: [String] = []
        for case let p as String in e where p.hasSuffix(".parquet") && !p.contains("large_string_map") {
            out.append(root.appendingPathComponent(p).path)
        }
        return out.sorted()
    }

    func readEverything(_ bytes: [UInt8], name: String) throws {
        let f = try ParquetFile(source: MemorySource(bytes, name: name))
        for g in 0..<f.rowGroupCount {
            _ = try f.rowGroup(g)
            for b in try f.readRowGroup(g, columns: Array(0..<f.schema.count)) {
                for c in b.columns where c.count > 0 { _ = c.value(at: c.count - 1) }
            }
        }
    }

    func testTruncatedAndCorruptedFilesThrowSQLErrors() throws {
        var rng = Random(state: UInt64(ProcessInfo.processInfo.environment["LAKESQL_FUZZ_SEED"] ?? "") ?? 0x9E3779B97F4A7C15)
        var refused = 0, read = 0
        for path in try corpusFiles() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            var variants: [[UInt8]] = []
            for cut in [0, 4, 11, bytes.count / 3, bytes.count / 2, bytes.count - 9, bytes.count - 1] where cut >= 0 && cut < bytes.count {
                variants.append(Array(bytes[..<cut]))
            }
            for _ in 0..<(Int(ProcessInfo.processInfo.environment["LAKESQL_FUZZ_ROUNDS"] ?? "") ?? 12) {
                var m = bytes
                let flips = 1 + Int(rng.next() % 4)
                // Half the variants hit the footer region, where the structure lives.
                let tail = rng.next() % 2 == 0
                let span = tail ? max(1, min(m.count, m.count / 10 + 16)) : m.count
                for _ in 0..<flips {
                    let at = m.count - span + Int(rng.next() % UInt64(span))
                    m[at] ^= UInt8(truncatingIfNeeded: 1 + rng.next() % 255)
                }
                variants.append(m)
            }
            for v in variants {
                do {
                    try readEverything(v, name: path)
                    read += 1
                } catch is SQLError {
                    refused += 1
                } catch {
                    XCTFail("\(path): non-SQLError \(error)")
                }
            }
        }
        XCTAssertGreaterThan(refused, 100)
        print("corrupted variants: \(refused) refused, \(read) read")
    }

    /// Two rows of 1 GiB strings (4 KB on disk): refused before anything that large is allocated.
    func testHugeValuesAreRefusedCleanly() throws {
        let path = ParquetConformanceTests.corpus.appendingPathComponent("data/large_string_map.brotli.parquet").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("corpus missing") }
        let f = try ParquetFile(path: path)
        XCTAssertThrowsError(try f.readAll()) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.programLimitExceeded, "\(e)")
        }
    }

    func testMissingFileIsUndefinedFile() {
        XCTAssertThrowsError(try ParquetFile(path: "/nonexistent/x.parquet")) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.undefinedFile)
            XCTAssertTrue((e as? SQLError)?.message.contains("/nonexistent/x.parquet") ?? false)
        }
    }

    func testEncryptedFooterIsRefusedAsUnsupported() throws {
        let path = ParquetConformanceTests.corpus.appendingPathComponent("data/encrypt_columns_and_footer.parquet.encrypted").path
        guard FileManager.default.fileExists(atPath: path) else { throw XCTSkip("corpus missing") }
        XCTAssertThrowsError(try ParquetFile(path: path)) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.featureNotSupported)
            XCTAssertTrue((e as? SQLError)?.message.contains("encrypted") ?? false)
        }
    }

    func testNotParquetIsCorrupt() {
        XCTAssertThrowsError(try ParquetFile(source: MemorySource(Array("hello, this is not parquet".utf8)))) { e in
            XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.dataCorrupted)
        }
    }
}

/// Manual timing aid: LAKESQL_PARQUET_BENCH=<file.parquet> swift test --filter ParquetBenchmark (not a timed test).
final class ParquetBenchmark: XCTestCase {
    func testReadWholeFile() throws {
        guard let path = ProcessInfo.processInfo.environment["LAKESQL_PARQUET_BENCH"] else { throw XCTSkip("set LAKESQL_PARQUET_BENCH") }
        let start = Date()
        let f = try ParquetFile(path: path)
        var rows = 0
        for g in 0..<f.rowGroupCount {
            let t0 = Date()
            for b in try f.readRowGroup(g, columns: Array(0..<f.schema.count)) { rows += b.count }
            print("row group \(g): \(Date().timeIntervalSince(t0)) s")
        }
        print("read \(rows) rows in \(Date().timeIntervalSince(start)) s")
        for c in 0..<f.schema.count {
            let t0 = Date()
            _ = try f.readRowGroupColumns(0, columns: [c])
            let t1 = Date()
            _ = try f.readRowGroup(0, columns: [c])
            print("column \(f.schema[c].name) (\(f.schema[c].type)): decode \(t1.timeIntervalSince(t0)) s, decode+batches \(Date().timeIntervalSince(t1)) s")
        }
        XCTAssertEqual(Int64(rows), f.numRows)
    }
}
