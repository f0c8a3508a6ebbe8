// Where `lakesql` with no arguments finds the demo lake.

import XCTest
@testable import Shell

final class DemoLakeTests: XCTestCase {
    func testFoundFromSubfoldersOrTheExecutable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let checkout = root.appendingPathComponent("checkout")
        try FileManager.default.createDirectory(at: checkout.appendingPathComponent("Fixtures/demo/orders"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: checkout.appendingPathComponent("Sources/Shell"), withIntermediateDirectories: true)
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let expected = checkout.appendingPathComponent("Fixtures/demo").standardized.path

        XCTAssertEqual(DemoLake.locate(currentDirectory: checkout.appendingPathComponent("Sources/Shell").path, executablePath: nil).map { URL(fileURLWithPath: $0).standardized.path }, expected)
        XCTAssertEqual(DemoLake.locate(currentDirectory: elsewhere.path,
                                       executablePath: checkout.appendingPathComponent(".build/release/lakesql").path).map { URL(fileURLWithPath: $0).standardized.path }, expected)
        XCTAssertNil(DemoLake.locate(currentDirectory: elsewhere.path, executablePath: "/usr/bin/lakesql"))
    }
}
