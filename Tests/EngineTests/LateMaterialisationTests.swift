// Filters and hash joins materialise only the columns read above them
// (PhysicalPlanner's RequiredColumns.swift); the columns nobody reads travel
// as NULL placeholders. These queries read columns at every level (filter
// inputs, join keys, residuals, aggregates, sorts, outer joins' padding)
// and must give the answers computed here from the rows inserted.

import Columnar
import Engine
import Foundation
import XCTest

final class LateMaterialisationTests: XCTestCase {
    private struct Customer { let id: Int; let name: String; let nation: Int? }
    private struct Order { let id: Int; let customer: Int?; let comment: String; let price: Int }
    private let customers: [Customer] = (0..<120).map { Customer(id: $0, name: "c\($0)", nation: $0 % 9 == 0 ? nil : $0 % 5) }
    private let orders: [Order] = (0..<1500).map {
        Order(id: $0, customer: $0 % 23 == 0 ? nil : ($0 * 7) % 150, comment: $0 % 6 == 0 ? "special requests \($0)" : "plain \($0)",
              price: ($0 * 31) % 1000)
    }

    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE customer (c_id int, c_name text, c_nation int)").allRows()
        _ = try s.execute("CREATE TABLE orders (o_id int, o_customer int, o_comment text, o_price int)").allRows()
        for chunk in stride(from: 0, to: customers.count, by: 40) {
            let values = customers[chunk..<min(chunk + 40, customers.count)]
                .map { "(\($0.id), '\($0.name)', \($0.nation.map(String.init) ?? "NULL"))" }.joined(separator: ", ")
            _ = try s.execute("INSERT INTO customer VALUES \(values)").allRows()
        }
        for chunk in stride(from: 0, to: orders.count, by: 100) {
            let values = orders[chunk..<min(chunk + 100, orders.count)]
                .map { "(\($0.id), \($0.customer.map(String.init) ?? "NULL"), '\($0.comment)', \($0.price))" }.joined(separator: ", ")
            _ = try s.execute("INSERT INTO orders VALUES \(values)").allRows()
        }
        _ = try s.execute("SET lakesql.join_parallel_build_rows = 1").allRows()
        return s
    }

    private func rows(_ s: Session, _ sql: String) throws -> [[Value]] {
        var out: [[Value]] = []
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)").allRows()
            let r = try s.execute(sql).allRows()
            if threads == 1 { out = r } else { XCTAssertEqual(r, out, "\(sql): two threads differ from one") }
        }
        return out
    }

    func testOuterJoinWithFilteredLookupSideCountsLikeQ13() throws {
        let s = try session()
        let got = try rows(s, """
            SELECT c_id, count(o_id) FROM customer LEFT JOIN orders ON c_id = o_customer AND o_comment NOT LIKE '%special%requests%'
            GROUP BY c_id ORDER BY c_id
            """)
        let expected = customers.map { c -> [Value] in
            [.int(Int64(c.id)), .int(Int64(orders.filter { $0.customer == c.id && !$0.comment.hasPrefix("special requests") }.count))]
        }
        XCTAssertEqual(got, expected)
    }

    func testJoinOutputColumnsReadAtEveryLevel() throws {
        let s = try session()
        // The filter reads o_comment, the join o_customer, the residual o_price and c_nation,
        // the aggregate c_name and o_price; o_id is read nowhere above the scan.
        let got = try rows(s, """
            SELECT c_name, sum(o_price), count(*) FROM orders JOIN customer ON o_customer = c_id AND o_price > c_nation * 100
            WHERE o_comment LIKE 'plain%' GROUP BY c_name ORDER BY c_name
            """)
        var sums: [String: (Int, Int)] = [:]
        for o in orders where o.comment.hasPrefix("plain") {
            guard let c = customers.first(where: { $0.id == o.customer }), let n = c.nation, o.price > n * 100 else { continue }
            sums[c.name, default: (0, 0)].0 += o.price
            sums[c.name, default: (0, 0)].1 += 1
        }
        let expected = sums.keys.sorted().map { k -> [Value] in [.string(k), .int(Int64(sums[k]!.0)), .int(Int64(sums[k]!.1))] }
        XCTAssertEqual(got, expected)
    }

    func testPaddedRowsSortsAndSemiJoinsKeepTheColumnsTheyShow() throws {
        let s = try session()
        let got = try rows(s, """
            SELECT c_name, o_id FROM customer LEFT JOIN orders ON c_id = o_customer AND o_price < 20 WHERE c_id < 30 ORDER BY c_id, o_id
            """)
        var expected: [[Value]] = []
        for c in customers where c.id < 30 {
            let matches = orders.filter { $0.customer == c.id && $0.price < 20 }
            if matches.isEmpty { expected.append([.string(c.name), .null]) }
            for o in matches { expected.append([.string(c.name), .int(Int64(o.id))]) }
        }
        XCTAssertEqual(got, expected)
        let semi = try rows(s, """
            SELECT c_name FROM customer WHERE c_nation = 2 AND EXISTS (SELECT 1 FROM orders WHERE o_customer = c_id AND o_comment LIKE 'special%')
            ORDER BY c_name
            """)
        let names = customers.filter { c in c.nation == 2 && orders.contains { $0.customer == c.id && $0.comment.hasPrefix("special") } }
            .map(\.name).sorted()
        XCTAssertEqual(semi, names.map { [.string($0)] })
    }
}
