// A test of integer values that a Parquet scan runs while it decodes a
// column, in place of the column (as StringValueTest does for text): when a
// scan's filter reads an integer column only as `column = constant`,
// `column <> constant` or `column [NOT] IN (constants)` and nothing above the
// scan reads it, the reader tests each dictionary entry once, each PLAIN
// page's values where they lie in the decompressed page, and hands the
// filter booleans. Click-stream m5 (`user_id = 1232650` over a week) turned
// a dictionary-coded prefix of every chunk into values and compared every
// value in a second pass over an 8-byte column.

/// A per-value test of signed integers (INT32 and INT64 as stored, widened to Int64).
public protocol IntegerValueTest: ScanValueTest {
    /// Appends to `out` whether each of `count` little-endian signed integers of `width`
    /// bytes (4 or 8) from `values` (any alignment) passes.
    func testStored(_ values: UnsafeRawPointer, width: Int, count: Int, into out: inout ContiguousArray<Bool>)
}
