// Shares one column chunk's decoded dictionary between the reads that need it
// at the same time. A large row group is split into parts that different
// workers read concurrently (ParquetTableSource), and each part used to fetch,
// decompress and decode the same dictionary page (l_orderkey's, l_partkey's:
// 0.5-2 MB each) and convert it into its own dictionary vector. A slot is
// held weakly here and strongly by the reads using it (ParquetColumnsRead
// keeps it until its batches are cut), so nothing outlives the scans that
// share it: no decoded data stays cached between queries. A part that finds
// the slot already filled does not fetch the dictionary page's bytes either.
// The parts of one row group run one after another as often as side by side
// (eight morsels on two cores), so the scan pins the slots of the row groups
// it splits for as long as it holds their morsels: otherwise the third part
// found the slot released with the first and decoded the dictionary again.

import Columnar
import Foundation

/// The decoded dictionary of one column chunk, decoded once by whichever read gets here first.
final class ParquetDictionarySlot: @unchecked Sendable {
    private let lock = NSLock()
    private var values: PhysicalValues?
    private var vector: Vector?

    /// The dictionary's physical values, decoded by `decode` unless another read already did.
    /// A failed decode leaves the slot empty, so every read reports the error itself.
    func values(_ decode: () throws -> PhysicalValues) throws -> PhysicalValues {
        lock.lock()
        defer { lock.unlock() }
        if let values { return values }
        let decoded = try decode()
        values = decoded
        return decoded
    }

    /// The dictionary's physical values if a read has decoded them already (a later part of the
    /// row group then need not even fetch the dictionary page's bytes again).
    var decoded: PhysicalValues? {
        lock.lock()
        defer { lock.unlock() }
        return values
    }

    /// The dictionary as a vector of the leaf's type (one shared object, so per-dictionary
    /// work keyed by identity, like DictionaryEvaluation's answers, is shared too).
    func vector(_ make: (PhysicalValues) throws -> Vector) throws -> Vector? {
        lock.lock()
        defer { lock.unlock() }
        if let vector { return vector }
        guard let values else { return nil }
        let made = try make(values)
        vector = made
        return made
    }
}

/// Slots of the dictionaries being read, by (row group, leaf), held weakly.
final class ParquetDictionarySharing: @unchecked Sendable {
    private struct Key: Hashable { let rowGroup: Int; let leaf: Int }
    private final class Weak { weak var slot: ParquetDictionarySlot?; init(_ s: ParquetDictionarySlot) { slot = s } }
    private let lock = NSLock()
    private var slots: [Key: Weak] = [:]

    /// The slot of one column chunk's dictionary: the one a concurrent read holds, or a new one.
    func slot(rowGroup: Int, leaf: Int) -> ParquetDictionarySlot {
        let key = Key(rowGroup: rowGroup, leaf: leaf)
        lock.lock()
        defer { lock.unlock() }
        if let live = slots[key]?.slot { return live }
        // Forget slots nobody holds any more before adding one (keeps the table as small as the reads in flight).
        if slots.count >= 64 { slots = slots.filter { $0.value.slot != nil } }
        let fresh = ParquetDictionarySlot()
        slots[key] = Weak(fresh)
        return fresh
    }

    /// Slots currently held by some read (tests).
    var liveSlots: Int {
        lock.lock()
        defer { lock.unlock() }
        return slots.values.filter { $0.slot != nil }.count
    }
}

/// The dictionary slots of some column chunks, held for as long as this object lives (by the
/// morsels of a split row group), so parts read one after another share one decoded dictionary.
public final class ParquetDictionaryPin: @unchecked Sendable {
    let slots: [ParquetDictionarySlot]
    init(_ slots: [ParquetDictionarySlot]) { self.slots = slots }
}

extension ParquetFile {
    /// Pins the dictionary slots of the given leaves of row group `rowGroup` (see ParquetDictionaryPin).
    public func pinDictionaries(rowGroup: Int, leaves: [Int]) -> ParquetDictionaryPin {
        ParquetDictionaryPin(leaves.map { dictionaries.slot(rowGroup: rowGroup, leaf: $0) })
    }
}
