// Where the Parquet fixtures of Fixtures/lake-tests (written by its generate.py) are, from
// this test target's sources, so the tests run from any working directory.

import Foundation

enum LakeTestFixtures {
    /// The repository's Fixtures/lake-tests folder, with `relative` (a folder or file in it) appended.
    static func path(_ relative: String) -> String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Fixtures/lake-tests/" + relative
    }
}
