// `lakesql` with no arguments opens the REPL on the demo lake: the
// repository's Fixtures/demo, found by walking up from the current directory
// and then from the executable's folder (.build/release/lakesql lives inside
// the checkout), so it works from any sub-folder and from an installed build tree.

import Foundation

public enum DemoLake {
    public static let relativePath = "Fixtures/demo"

    public static func locate(currentDirectory: String, executablePath: String?) -> String? {
        var starts = [currentDirectory]
        if let executablePath { starts.append((executablePath as NSString).deletingLastPathComponent) }
        for start in starts {
            var folder = (start as NSString).standardizingPath
            while true {
                let candidate = (folder as NSString).appendingPathComponent(relativePath)
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), isDirectory.boolValue,
                   FileManager.default.fileExists(atPath: (candidate as NSString).appendingPathComponent("orders")) {
                    return candidate
                }
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder || parent.isEmpty { break }
                folder = parent
            }
        }
        return nil
    }
}
