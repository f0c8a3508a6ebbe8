// Walks the shared Parquet conformance corpus (../shared/parquet-conformance):
// reads every file with ParquetFile, renders each row as a JSON object with
// ValueJSON (keys in schema order) and compares it with F.expected.jsonl the
// way check.py does. Files that must be refused must throw an SQLError.
// Set LAKESQL_PARQUET_DUMP=<dir> to also write each file's JSONL output there.

import XCTest
import Foundation
@testable import Formats
import Columnar

final class ParquetConformanceTests: XCTestCase {
    static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/parquet-conformance").standardizedFileURL

    /// All rows of a file as JSON object lines.
    static func renderRows(_ path: String, verifyChecksums: Bool = false) throws -> [String] {
        let file = try ParquetFile(path: path, verifyChecksums: verifyChecksums)
        var lines: [String] = []
        let keys = file.schema.map { ValueJSON.quote($0.name) + ":" }
        for batch in try file.readAll() {
            for r in 0..<batch.count {
                var line = "{"
                for (c, field) in file.schema.enumerated() {
                    if c > 0 { line += "," }
                    line += keys[c]
                    line += ValueJSON.render(batch.columns[c].value(at: r), type: field.type)
                }
                line += "}"
                lines.append(line)
            }
        }
        return lines
    }

    func testConformanceCorpus() throws { try runCorpus(verifyChecksums: false) }

    /// The same corpus with page CRC verification on: every file with valid CRCs still reads.
    func testConformanceCorpusVerifyingChecksums() throws { try runCorpus(verifyChecksums: true) }

    func runCorpus(verifyChecksums: Bool) throws {
        let root = Self.corpus
        guard let manifestData = FileManager.default.contents(atPath: root.appendingPathComponent("manifest.json").path) else {
            throw XCTSkip("conformance corpus not found at \(root.path)")
        }
        let manifest = try JSONParser(bytes: [UInt8](manifestData)).parsed()
        let dump = ProcessInfo.processInfo.environment["LAKESQL_PARQUET_DUMP"]
        var passed = 0
        var failures: [String] = []
        for entry in manifest["files"]?.arrayValue ?? [] {
            guard let name = entry["file"]?.stringValue, let expect = entry["expect"]?.stringValue else { continue }
            if entry["heavy"] != nil && entry["heavy"] != .null { continue }  // check.py skips these without --heavy
            let path = root.appendingPathComponent(name).path
            let outcome: Result<[String], Error>
            do { outcome = .success(try Self.renderRows(path, verifyChecksums: verifyChecksums)) } catch { outcome = .failure(error) }
            if let dump, !verifyChecksums {
                let target = URL(fileURLWithPath: dump).appendingPathComponent(name.replacingOccurrences(of: "/", with: "__"))
                switch outcome {
                case .success(let lines): try (lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")).write(to: target, atomically: true, encoding: .utf8)
                case .failure(let e): try ("ERROR " + String(describing: e)).write(to: target.appendingPathExtension("err"), atomically: true, encoding: .utf8)
                }
            }
            switch (expect, outcome) {
            case (_, .failure(let e)) where !(e is SQLError):
                failures.append("\(name): non-SQLError \(e)")
            case ("error", .failure), ("rows_or_error", .failure):
                passed += 1
            case ("error", .success):
                failures.append("\(name): accepted a file that must be refused")
            case (_, .failure(let e)):
                failures.append("\(name): \(e)")
            case (_, .success(let lines)):
                do {
                    try compareWithExpected(name: name, entry: entry, lines: lines)
                    passed += 1
                } catch {
                    failures.append("\(name): \(error)")
                }
            }
        }
        print("Parquet conformance\(verifyChecksums ? " (verifying CRCs)" : ""): \(passed) passed, \(failures.count) failed")
        for f in failures { print("  FAIL \(f)") }
        XCTAssertEqual(failures, [])
        XCTAssertGreaterThanOrEqual(passed, 80)
    }

    func compareWithExpected(name: String, entry: JSON, lines: [String]) throws {
        let root = Self.corpus
        guard let expectedName = entry["expected"]?.stringValue, let schemaName = entry["schema"]?.stringValue,
              let expectedData = FileManager.default.contents(atPath: root.appendingPathComponent(expectedName).path),
              let schemaData = FileManager.default.contents(atPath: root.appendingPathComponent(schemaName).path) else {
            throw Mismatch(description: "expected output missing")
        }
        let expected = try String(decoding: expectedData, as: UTF8.self).split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { try JSONParser.parse(String($0)) }
        let types = try JSONParser(bytes: [UInt8](schemaData)).parsed()["json_types"]?.arrayValue ?? []
        guard expected.count == lines.count else { throw Mismatch(description: "expected \(expected.count) rows, got \(lines.count)") }
        var alternatives: [String: [JSON]] = [:]
        for a in entry["alternatives"]?.arrayValue ?? [] {
            if case .number(let r) = a["row"] ?? .null, let c = a["column"]?.stringValue {
                alternatives["\(r)/\(c)", default: []].append(contentsOf: a["values"]?.arrayValue ?? [])
            }
        }
        for (r, (e, line)) in zip(expected, lines).enumerated() {
            let a = try JSONParser.parse(line)
            guard case .object(let fields) = a else { throw Mismatch(description: "row \(r) is not an object") }
            let names = types.compactMap { $0["name"]?.stringValue }
            guard fields.map({ $0.0 }) == names else { throw Mismatch(description: "row \(r): keys \(fields.map { $0.0 }) != \(names)") }
            for t in types {
                guard let n = t["name"]?.stringValue else { continue }
                do {
                    try ConformanceCompare.compare(e[n] ?? .null, a[n] ?? .null, t["type"] ?? .null, "row \(r) column \(n)")
                } catch {
                    let alts = alternatives["\(r)/\(n)"] ?? []
                    if !alts.contains(where: { (try? ConformanceCompare.compare($0, a[n] ?? .null, t["type"] ?? .null, "")) != nil }) { throw error }
                }
            }
        }
    }
}

extension JSONParser {
    func parsed() throws -> JSON {
        var p = self
        return try p.value()
    }
}
