// Hive-style partitioning: `key=value` folder names become columns. Values are
// URL-decoded (%2F → /), `__HIVE_DEFAULT_PARTITION__` is NULL, and a partition
// column's type is inferred over all its values: date when every value is
// YYYY-MM-DD, bigint when every value is an integer, text otherwise.

import Columnar

public struct HivePartitionValue: Hashable, Sendable {
    public var key: String
    /// nil for `__HIVE_DEFAULT_PARTITION__`.
    public var value: String?
    public init(key: String, value: String?) { self.key = key; self.value = value }
}

public enum HivePartitions {
    public static let defaultPartition = "__HIVE_DEFAULT_PARTITION__"

    /// `key=value` of a folder name, or nil when the name is not a partition folder.
    public static func parse(folder name: String) -> HivePartitionValue? {
        guard let eq = name.firstIndex(of: "="), eq != name.startIndex else { return nil }
        let key = urlDecode(String(name[..<eq]))
        let raw = String(name[name.index(after: eq)...])
        if raw == defaultPartition { return HivePartitionValue(key: key, value: nil) }
        return HivePartitionValue(key: key, value: urlDecode(raw))
    }

    /// Partition values from every folder component of a path (the file name itself excluded).
    public static func parse(path: String) -> [HivePartitionValue] {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.dropLast().compactMap { parse(folder: String($0)) }
    }

    /// Percent-decoding; malformed escapes are kept literally.
    public static func urlDecode(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l); i += 3
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The column type for a partition key's values (NULLs ignored).
    public static func inferType(_ values: [String?]) -> DataType {
        let present = values.compactMap { $0 }
        if present.isEmpty { return .text }
        if present.allSatisfy({ parseISODate($0) != nil }) { return .date }
        if present.allSatisfy({ Int64($0) != nil }) { return .int64 }
        return .text
    }

    /// A partition value as a Value of the inferred type.
    public static func value(_ text: String?, type: DataType) -> Value {
        guard let text else { return .null }
        switch type {
        case .date: return parseISODate(text).map { .int($0) } ?? .null
        case .int64: return Int64(text).map { .int($0) } ?? .null
        default: return .string(text)
        }
    }

    /// Days since 1970-01-01 for exactly `YYYY-MM-DD`, nil otherwise.
    public static func parseISODate(_ s: String) -> Int64? {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int(b[i] - UInt8(ascii: "0"))
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), m >= 1, m <= 12,
              d >= 1, d <= Calendar.daysInMonth(year: y, month: m) else { return nil }
        return Calendar.days(year: y, month: m, day: d)
    }
}
