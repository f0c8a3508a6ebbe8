// A test of text values that a Parquet scan runs while it decodes a column,
// in place of the column: when a scan's filter reads a text column only
// through one such test (`email LIKE '%77@example.com'`) and nothing above
// the scan reads the column, the reader hands the filter a boolean column
// of the test's answers (ScanRowFilter.valueTests). A PLAIN page's values are
// then tested where they lie in the decompressed page, and no string column
// is built: building one and testing it after were two fifths of a
// string-filter scan's time besides decompression (click-stream m8).

/// A per-value test of one column that a scan can run while it decodes the column: NULL
/// in, NULL out; every non-NULL value gives true or false. What a reader needs to run it on
/// stored values is in the refinements (StringValueTest, IntegerValueTest).
public protocol ScanValueTest: Sendable {
    /// The answers over a vector of the tested column: a boolean vector of its length, NULL
    /// where it is NULL (a read that could not run the test on stored values uses this).
    func test(_ v: Vector) -> Vector
}

/// A per-value test of text (Functions gives every one `test(_ v: Vector)` from `test(_:count:)`).
public protocol StringValueTest: ScanValueTest {
    /// Whether each of the first `count` values of `texts` passes.
    func test(_ texts: StringColumn, count: Int) -> ContiguousArray<Bool>
    /// For `count` values stored as PLAIN BYTE_ARRAY (each a 4-byte little-endian length, then
    /// its bytes) from `start` in `page[..<end]`: appends whether each passes to `out` and
    /// returns the position after the last value; nil when a length runs past `end` (`out` is
    /// then as it was).
    func testLengthPrefixed(_ page: UnsafeRawPointer, from start: Int, end: Int, count: Int,
                            into out: inout ContiguousArray<Bool>) -> Int?
}

public enum LengthPrefixedValues {
    /// Walks `count` length-prefixed values (as `StringValueTest.testLengthPrefixed` describes
    /// them) and appends `passes(bytes, length)` for each; nil when a length runs past `end`.
    /// A bad page leaves `out` as it was; each value's bytes lie inside `page[..<end]` when
    /// `passes` sees them.
    @inlinable @inline(__always)
    public static func test(_ page: UnsafeRawPointer, from start: Int, end: Int, count n: Int,
                            into out: inout ContiguousArray<Bool>,
                            _ passes: (UnsafePointer<UInt8>, Int) -> Bool) -> Int? {
        guard n > 0 else { return n == 0 ? start : nil }
        let bytes = page.assumingMemoryBound(to: UInt8.self)
        var stop: Int? = nil
        // One pass: each length is checked as the walk reaches it (the walk is a chain of loads,
        // each length saying where the next one is; the tests overlap with it). A bad length
        // leaves the rest false, and the whole tail is taken off again.
        out.appendUninitialized(count: n) { o in
            var at = start, i = 0
            while i < n {
                if end &- at < 4 { break }
                let len = Int(UInt32(littleEndian: page.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                at &+= 4
                if len > end &- at { break }
                (o.baseAddress! + i).initialize(to: passes(bytes + at, len))
                at &+= len
                i &+= 1
            }
            if i == n { stop = at }
            while i < n { (o.baseAddress! + i).initialize(to: false); i &+= 1 }
        }
        if stop == nil { out.removeLast(n) }
        return stop
    }
}
