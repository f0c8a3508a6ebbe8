// The Parquet schema as a tree (rebuilt from the footer's depth-first list of
// SchemaElements), each leaf's definition/repetition levels, and the mapping
// from physical + logical/converted types to LakeSQL DataTypes. Nested
// top-level fields (groups, lists, maps, repeated fields) map to .json.

import Columnar

/// How a leaf's physical values become values of its DataType.
enum LeafKind: Equatable {
    case boolean
    case int32            // INT32 as a signed integer (int16/int32)
    case uint32           // INT32 read as unsigned (int16/int32/int64)
    case int64
    case uint64           // INT64 read as unsigned -> decimal(20,0)
    case date
    case timeMillis, timeMicros, timeNanos
    case timestamp(ParquetTimeUnit)
    case int96
    case float, double, float16
    case decimalInt32, decimalInt64, decimalBytes
    /// DECIMAL wider than 38 digits, rendered exactly as text.
    case decimalText(scale: Int)
    case string
    case bytes
    case uuid
}

public final class ParquetSchemaNode {
    public let element: SchemaElement
    public var name: String { element.name }
    public let children: [ParquetSchemaNode]
    /// Definition level reached when this node is present (counts optional and repeated ancestors and itself).
    public let defLevel: Int
    /// Repetition level of this node (counts repeated ancestors and itself).
    public let repLevel: Int
    /// For leaves: the index of the column chunk in each row group.
    public let leafIndex: Int?
    public let path: [String]

    init(element: SchemaElement, children: [ParquetSchemaNode], defLevel: Int, repLevel: Int, leafIndex: Int?, path: [String]) {
        self.element = element; self.children = children; self.defLevel = defLevel; self.repLevel = repLevel
        self.leafIndex = leafIndex; self.path = path
    }

    public var isLeaf: Bool { leafIndex != nil }
    public var repetition: ParquetRepetition { element.repetition ?? .required }

    /// Leaf column indices in this subtree, in order.
    var leafIndices: [Int] {
        if let leafIndex { return [leafIndex] }
        return children.flatMap { $0.leafIndices }
    }
}

/// One leaf column: its schema path, levels, and decoded type.
public struct ParquetLeaf: Sendable {
    public let index: Int
    public let path: [String]
    public let physical: ParquetPhysicalType
    public let typeLength: Int
    public let maxDef: Int
    public let maxRep: Int
    public let type: DataType
    let kind: LeafKind
    let element: SchemaElement

    public var dottedPath: String { path.joined(separator: ".") }
}

extension LeafKind: @unchecked Sendable {}

extension ParquetLeaf {
    /// This leaf read through a value test (ScanValueTest): its values come out as the test's booleans.
    var tested: ParquetLeaf {
        ParquetLeaf(index: index, path: path, physical: physical, typeLength: typeLength, maxDef: maxDef, maxRep: maxRep,
                    type: .boolean, kind: .boolean, element: element)
    }
}

enum ParquetSchemaBuilder {
    /// Rebuilds the tree from the flat list; returns the root's children and the leaves in column order.
    static func build(_ elements: [SchemaElement], file: String) throws -> (roots: [ParquetSchemaNode], leaves: [ParquetLeaf]) {
        func corrupt(_ m: String) -> SQLError { SQLError(SQLState.dataCorrupted, "file \"\(file)\": invalid Parquet schema: \(m)") }
        guard let root = elements.first else { throw corrupt("the schema is empty") }
        var pos = 1
        var leaves: [ParquetLeaf] = []

        func node(depth: Int, def: Int, rep: Int, parentPath: [String]) throws -> ParquetSchemaNode {
            guard depth < 128 else { throw corrupt("nested too deeply") }
            guard pos < elements.count else { throw corrupt("fewer elements than the declared children") }
            let e = elements[pos]
            pos += 1
            let repetition = e.repetition ?? .required
            let d = def + (repetition == .required ? 0 : 1)
            let r = rep + (repetition == .repeated ? 1 : 0)
            let path = parentPath + [e.name]
            if let n = e.numChildren, n > 0 || e.type == nil {
                guard n >= 0, n <= elements.count - pos else { throw corrupt("element \"\(e.name)\" declares \(n) children") }
                var kids: [ParquetSchemaNode] = []
                for _ in 0..<Int(n) { kids.append(try node(depth: depth + 1, def: d, rep: r, parentPath: path)) }
                return ParquetSchemaNode(element: e, children: kids, defLevel: d, repLevel: r, leafIndex: nil, path: path)
            }
            guard let physical = e.type else { throw corrupt("leaf \"\(e.name)\" has no physical type") }
            let (type, kind) = try mapType(e, physical: physical, file: file, path: path)
            let leaf = ParquetLeaf(index: leaves.count, path: path, physical: physical, typeLength: Int(e.typeLength ?? 0),
                                   maxDef: d, maxRep: r, type: type, kind: kind, element: e)
            if physical == .fixedLenByteArray && (e.typeLength ?? -1) < 0 {
                throw corrupt("FIXED_LEN_BYTE_ARRAY column \"\(leaf.dottedPath)\" has no valid length")
            }
            leaves.append(leaf)
            return ParquetSchemaNode(element: e, children: [], defLevel: d, repLevel: r, leafIndex: leaf.index, path: path)
        }

        let n = Int(root.numChildren ?? 0)
        guard n >= 0, n < elements.count else { throw corrupt("root declares \(n) children") }
        var roots: [ParquetSchemaNode] = []
        for _ in 0..<n { roots.append(try node(depth: 0, def: 0, rep: 0, parentPath: [])) }
        guard pos == elements.count else { throw corrupt("\(elements.count - pos) schema elements are not reachable from the root") }
        return (roots, leaves)
    }

    static func mapType(_ e: SchemaElement, physical: ParquetPhysicalType, file: String, path: [String]) throws -> (DataType, LeafKind) {
        // Annotations that do not fit the physical type are ignored (the physical type is used), as pyarrow does.
        func decimal(_ precision: Int, _ scale: Int) -> (DataType, LeafKind)? {
            guard precision > 0, scale >= 0, scale <= precision else { return nil }
            switch physical {
            case .int32 where precision <= 9: return (.decimal(precision: precision, scale: scale), .decimalInt32)
            case .int64 where precision <= 18: return (.decimal(precision: precision, scale: scale), .decimalInt64)
            case .byteArray, .fixedLenByteArray:
                if precision > DataType.maxDecimalPrecision { return (.text, .decimalText(scale: scale)) }
                return (.decimal(precision: precision, scale: scale), .decimalBytes)
            default: return nil
            }
        }
        func integer(_ width: Int, _ signed: Bool) -> (DataType, LeafKind)? {
            switch physical {
            case .int32:
                if signed { return (width <= 16 ? .int16 : .int32, .int32) }
                return (width <= 8 ? .int16 : width <= 16 ? .int32 : .int64, .uint32)
            case .int64:
                return signed ? (.int64, .int64) : (.decimal(precision: 20, scale: 0), .uint64)
            default: return nil
            }
        }
        func temporal(_ kind: LeafKind, _ type: DataType, needs: ParquetPhysicalType) -> (DataType, LeafKind)? {
            physical == needs ? (type, kind) : nil
        }
        let byteLike = physical == .byteArray || physical == .fixedLenByteArray
        if let lt = e.logicalType {
            switch lt {
            case .string, .enumeration, .json:
                if byteLike { return (.text, .string) }
            case .uuid:
                if physical == .fixedLenByteArray && e.typeLength == 16 { return (.uuid, .uuid) }
            case .decimal(let s, let p):
                if let r = decimal(p, s) { return r }
            case .date:
                if let r = temporal(.date, .date, needs: .int32) { return r }
            case .time(_, let unit):
                let r: (DataType, LeafKind)?
                switch unit {
                case .millis: r = temporal(.timeMillis, .time, needs: .int32)
                case .micros: r = temporal(.timeMicros, .time, needs: .int64)
                case .nanos: r = temporal(.timeNanos, .time, needs: .int64)
                }
                if let r { return r }
            case .timestamp(let utc, let unit):
                if let r = temporal(.timestamp(unit), utc ? .timestamptz : .timestamp, needs: .int64) { return r }
            case .integer(let w, let signed):
                if let r = integer(w, signed) { return r }
            case .float16:
                if physical == .fixedLenByteArray && e.typeLength == 2 { return (.float32, .float16) }
            default: break
            }
        } else if let ct = e.convertedType {
            switch ct {
            case 0, 4, 19: if byteLike { return (.text, .string) }
            case 5: if let r = decimal(Int(e.precision ?? 0), Int(e.scale ?? 0)) { return r }
            case 6: if let r = temporal(.date, .date, needs: .int32) { return r }
            case 7: if let r = temporal(.timeMillis, .time, needs: .int32) { return r }
            case 8: if let r = temporal(.timeMicros, .time, needs: .int64) { return r }
            case 9: if let r = temporal(.timestamp(.millis), .timestamptz, needs: .int64) { return r }
            case 10: if let r = temporal(.timestamp(.micros), .timestamptz, needs: .int64) { return r }
            case 11: if let r = integer(8, false) { return r }
            case 12: if let r = integer(16, false) { return r }
            case 13: if let r = integer(32, false) { return r }
            case 14: if let r = integer(64, false) { return r }
            case 15: if let r = integer(8, true) { return r }
            case 16: if let r = integer(16, true) { return r }
            case 17: if let r = integer(32, true) { return r }
            case 18: if let r = integer(64, true) { return r }
            default: break
            }
        }
        switch physical {
        case .boolean: return (.boolean, .boolean)
        case .int32: return (.int32, .int32)
        case .int64: return (.int64, .int64)
        case .int96: return (.timestamp, .int96)
        case .float: return (.float32, .float)
        case .double: return (.float64, .double)
        case .byteArray, .fixedLenByteArray: return (.bytea, .bytes)
        }
    }
}
