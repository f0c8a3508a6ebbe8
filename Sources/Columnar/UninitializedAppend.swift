// Appending to an array without first zero-filling the new tail. Decoders
// (Parquet's decompress-into-the-array PLAIN pages, bit-unpacked dictionary
// codes) know the number of values up front and write every one of them, but
// ContiguousArray offers no "grow by n, I will initialise them" call: the
// usual `append(contentsOf: repeatElement(0, count: n))` writes the tail once
// with zeros and the decoder writes it again (1.9% + 0.9% of a TPC-H run).
//
// `append(contentsOf:)` of a Sequence reserves `underestimatedCount` slots
// and hands the uninitialised tail to the sequence's `_copyContents`, which
// a sequence may implement itself (UnsafeBufferPointer does, as a memcpy).
// `UninitializedFill` implements it by running the caller's closure over
// exactly that tail, so the values are written once, straight into place.

extension ContiguousArray where Element: BitwiseCopyable {
    /// Appends `count` elements that `fill` writes into the new tail (a buffer of exactly
    /// `count` uninitialised elements; `fill` must write all of them).
    @inlinable
    public mutating func appendUninitialized(count: Int, _ fill: (UnsafeMutableBufferPointer<Element>) -> Void) {
        guard count > 0 else { return }
        withoutActuallyEscaping(fill) { fill in
            append(contentsOf: UninitializedFill(count: count, fill: fill))
        }
    }

    /// Like `appendUninitialized(count:_:)` for a `fill` that may fail: then the array is left
    /// as it was and the error is rethrown. `fill` runs also for no elements (with an empty
    /// buffer), so it can still reject its input (a page of no values that holds bytes).
    @inlinable
    public mutating func appendUninitialized(count: Int, throwing fill: (UnsafeMutableBufferPointer<Element>) throws -> Void) throws {
        guard count > 0 else {
            try fill(UnsafeMutableBufferPointer(start: nil, count: 0))
            return
        }
        let old = self.count
        var failure: Error?
        // The error cannot leave `_copyContents`: it is kept, and the unwritten tail (bitwise
        // copyable elements, so dropping it is harmless) removed again before rethrowing.
        appendUninitialized(count: count) { buffer in
            do { try fill(buffer) } catch { failure = error }
        }
        if let failure {
            removeLast(self.count - old)
            throw failure
        }
    }
}

/// A sequence of `count` elements that writes them with `fill` when an array appends it
/// (see the file comment). Iterating it any other way yields nothing: it exists only for
/// `ContiguousArray.appendUninitialized`.
@usableFromInline
struct UninitializedFill<Element: BitwiseCopyable>: Sequence {
    @usableFromInline let count: Int
    @usableFromInline let fill: (UnsafeMutableBufferPointer<Element>) -> Void

    @inlinable init(count: Int, fill: @escaping (UnsafeMutableBufferPointer<Element>) -> Void) {
        self.count = count
        self.fill = fill
    }

    @usableFromInline struct Iterator: IteratorProtocol {
        @inlinable init() {}
        @inlinable mutating func next() -> Element? { nil }
    }

    @inlinable func makeIterator() -> Iterator { Iterator() }

    @inlinable var underestimatedCount: Int { count }

    @inlinable
    func _copyContents(initializing buffer: UnsafeMutableBufferPointer<Element>) -> (Iterator, Int) {
        // `append` passes its whole spare capacity, which it has grown to at least `count`.
        precondition(buffer.count >= count, "UninitializedFill: array capacity below the reserved count")
        fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
        return (Iterator(), count)
    }
}

extension ContiguousArray where Element: BitwiseCopyable {
    /// `source.map(transform)`, each result written once straight into place by one loop over
    /// the source's storage. `ContiguousArray(source.lazy.map(transform))` goes through the
    /// generic sequence copy, an append with its checks per element (per-batch row lists in
    /// the Parquet scan and DISTINCT were 1.5% of click-stream m2 there).
    @inlinable
    public init<Source: RandomAccessCollection>(mapping source: Source, _ transform: (Source.Element) -> Element) {
        let n = source.count
        self.init(unsafeUninitializedCapacity: n) { out, initialized in
            let done: Void? = source.withContiguousStorageIfAvailable { s in
                for i in 0..<n { (out.baseAddress! + i).initialize(to: transform(s[i])) }
            }
            if done == nil {
                var i = 0
                for x in source { (out.baseAddress! + i).initialize(to: transform(x)); i += 1 }
            }
            initialized = n
        }
    }
}
