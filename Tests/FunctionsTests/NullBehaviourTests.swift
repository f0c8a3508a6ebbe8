// Every strict named function returns NULL (and raises nothing) for NULL
// arguments, both as plain vectors with NULL rows and as constant NULLs.

import XCTest
@testable import Functions
import Columnar

final class NullBehaviourTests: XCTestCase {
    let dec = DataType.decimal(precision: 38, scale: 2)
    let i: DataType = .int32, d: DataType = .float64, t: DataType = .text, ts: DataType = .timestamp

    var signatures: [(String, [DataType])] {
        [
            ("abs", [i]), ("abs", [d]), ("abs", [dec]), ("sign", [d]), ("ceil", [dec]), ("floor", [d]), ("round", [d]), ("round", [dec]),
            ("round", [dec, i]), ("trunc", [dec, i]), ("sqrt", [d]), ("sqrt", [dec]), ("cbrt", [d]), ("exp", [d]), ("ln", [dec]), ("log", [d]),
            ("log10", [d]), ("log", [dec, dec]), ("power", [d, d]), ("power", [dec, dec]), ("mod", [i, i]), ("mod", [dec, dec]), ("div", [dec, dec]),
            ("gcd", [i, i]), ("lcm", [.int64, .int64]), ("factorial", [.int64]), ("width_bucket", [d, d, d, i]), ("sin", [d]), ("atan2", [d, d]),
            ("degrees", [d]), ("asinh", [d]), ("sind", [d]), ("atan2d", [d, d]),
            ("length", [t]), ("octet_length", [t]), ("bit_length", [t]), ("lower", [t]), ("upper", [t]), ("initcap", [t]), ("reverse", [t]),
            ("ascii", [t]), ("chr", [i]), ("to_hex", [.int64]), ("starts_with", [t, t]), ("substr", [t, i, i]), ("substring", [t, t]),
            ("left", [t, i]), ("right", [t, i]), ("strpos", [t, t]), ("position", [t, t]), ("replace", [t, t, t]), ("translate", [t, t, t]),
            ("split_part", [t, t, i]), ("overlay", [t, t, i, i]), ("string_to_array", [t, t]), ("lpad", [t, i, t]), ("rpad", [t, i]),
            ("btrim", [t, t]), ("ltrim", [t]), ("rtrim", [t, t]), ("repeat", [t, i]), ("quote_ident", [t]), ("quote_literal", [t]),
            ("encode", [.bytea, t]), ("decode", [t, t]), ("md5", [t]), ("sha256", [.bytea]), ("concat_ws", [t, t, t]),
            ("date_trunc", [t, ts]), ("date_trunc", [t, .interval]), ("date_part", [t, .timestamptz]), ("extract", [t, .date]),
            ("age", [ts, ts]), ("age", [ts]), ("make_date", [i, i, i]), ("make_time", [i, i, d]), ("make_timestamp", [i, i, i, i, i, d]),
            ("make_interval", [i, i]), ("justify_days", [.interval]), ("justify_interval", [.interval]), ("date_bin", [.interval, ts, ts]),
            ("timezone", [t, ts]), ("to_char", [ts, t]), ("to_char", [i, t]), ("to_char", [dec, t]), ("to_date", [t, t]),
            ("to_timestamp", [t, t]), ("to_timestamp", [d]), ("to_number", [t, t]), ("isfinite", [.date]),
            ("regexp_match", [t, t]), ("regexp_replace", [t, t, t, t]), ("regexp_split_to_array", [t, t]), ("regexp_like", [t, t]),
            ("regexp_count", [t, t]), ("regexp_instr", [t, t]), ("regexp_substr", [t, t]), ("similar_to", [t, t]), ("similar_to_escape", [t]),
            ("greatest", [i, i]), ("least", [t, t]),
        ]
    }

    func testNullInNullOut() throws {
        for (name, types) in signatures {
            guard let f = FunctionRegistry.shared.scalar(name) else { XCTFail("\(name) not registered"); continue }
            guard let res = try f.resolve(types, types.map { _ in false }) else { XCTFail("\(name)\(types) does not resolve"); continue }
            let n = 3
            let plain = res.argumentTypes.map { Vector.from([Value](repeating: .null, count: n), type: $0) }
            let constant = res.argumentTypes.map { Vector.nulls(type: $0, count: n) }
            for args in [plain, constant] {
                do {
                    let out = try res.kernel(args, n, FunctionContext())
                    XCTAssertEqual(out.count, n, name)
                    for row in 0..<n { XCTAssertTrue(out.isNull(row), "\(name)\(types) row \(row) is not NULL") }
                } catch {
                    XCTFail("\(name)\(types) raised \(error) for NULL input")
                }
            }
        }
    }

    func testInvalidUTF8DoesNotCrash() throws {
        let bad = Value.bytes([0x61, 0xff, 0xc3, 0x28, 0xe2, 0x82])
        let col = Vector.from([bad], type: .text)
        for name in ["length", "upper", "initcap", "reverse", "ascii", "quote_ident", "md5"] {
            guard let res = try FunctionRegistry.shared.scalar(name)?.resolve([.text], [false]) else { return XCTFail(name) }
            XCTAssertNoThrow(try res.kernel([col], 1, FunctionContext()), name)
        }
        let sub = try FunctionRegistry.shared.scalar("substr")?.resolve([.text, .int32, .int32], [false, false, false])
        XCTAssertNoThrow(try sub?.kernel([col, Vector.from([.int(2)], type: .int32), Vector.from([.int(2)], type: .int32)], 1, FunctionContext()))
    }
}
