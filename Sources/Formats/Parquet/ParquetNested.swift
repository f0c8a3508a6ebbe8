// Record assembly for nested columns (Dremel): rebuilds each row of a nested
// top-level field (structs, LIST incl. legacy 2-level forms, MAP, unannotated
// repeated fields) from its leaves' repetition/definition levels and renders
// it as JSON text per the conformance rules. Every leaf entry is consumed
// exactly once; a null or empty subtree consumes one entry of each leaf in it.

import Columnar

/// What a schema node renders as, with the levels that decide null/empty.
indirect enum NestedShape {
    case leaf(Int)
    /// NULL when the first leaf's definition level is below `defLevel`.
    case optional(NestedShape, defLevel: Int, leaves: [Int])
    case structure([(name: String, shape: NestedShape)])
    /// Elements repeat while the first leaf's repetition level equals `repLevel`; empty when def < `defLevel`.
    case list(element: NestedShape, defLevel: Int, repLevel: Int, leaves: [Int])
    case map(key: NestedShape, value: NestedShape?, defLevel: Int, repLevel: Int, leaves: [Int])

    static func of(_ node: ParquetSchemaNode, file: String) throws -> NestedShape {
        let leaves = node.leafIndices
        guard !leaves.isEmpty else {
            throw SQLError(SQLState.featureNotSupported, "file \"\(file)\": group \(node.path.joined(separator: ".")) has no columns")
        }
        if node.repetition == .repeated {
            return .list(element: try base(node, file: file), defLevel: node.defLevel, repLevel: node.repLevel, leaves: leaves)
        }
        let b = try base(node, file: file)
        if node.repetition == .optional { return .optional(b, defLevel: node.defLevel, leaves: leaves) }
        return b
    }

    /// The node's value when it is present, ignoring its own repetition.
    static func base(_ node: ParquetSchemaNode, file: String) throws -> NestedShape {
        if let i = node.leafIndex { return .leaf(i) }
        guard !node.children.isEmpty, !node.leafIndices.isEmpty else {
            throw SQLError(SQLState.featureNotSupported, "file \"\(file)\": group \(node.path.joined(separator: ".")) has no columns")
        }
        let e = node.element
        let isList = e.logicalType == .list || e.convertedType == 3
        let isMap = e.logicalType == .map || e.convertedType == 1 || e.convertedType == 2
        if isList, node.children.count == 1, let r = node.children.first, r.repetition == .repeated {
            let element: NestedShape
            if r.leafIndex != nil || r.children.count > 1 || r.name == "array" || r.name == node.name + "_tuple" {
                element = try base(r, file: file)
            } else {
                element = try of(r.children[0], file: file)
            }
            return .list(element: element, defLevel: r.defLevel, repLevel: r.repLevel, leaves: r.leafIndices)
        }
        if isMap, node.children.count == 1, let kv = node.children.first, kv.repetition == .repeated,
           kv.leafIndex == nil, kv.children.count >= 1, kv.children.count <= 2 {
            let key = try of(kv.children[0], file: file)
            let value = kv.children.count == 2 ? try of(kv.children[1], file: file) : nil
            return .map(key: key, value: value, defLevel: kv.defLevel, repLevel: kv.repLevel, leaves: kv.leafIndices)
        }
        return .structure(try node.children.map { ($0.name, try of($0, file: file)) })
    }
}

/// One leaf's levels and values, with a read position.
struct LeafCursor {
    var defs: ContiguousArray<Int32>?
    var reps: ContiguousArray<Int32>?
    let entries: Int
    let maxDef: Int32
    var entry = 0
    var value = 0
    let render: (Int) -> String

    /// Without levels every entry is at the maximum (a required leaf, or a flat optional one without NULLs).
    @inline(__always) func def(_ i: Int) -> Int32 { defs.map { $0[i] } ?? maxDef }
    @inline(__always) func rep(_ i: Int) -> Int32 { reps.map { $0[i] } ?? 0 }
}

struct NestedAssembler {
    var cursors: [Int: LeafCursor]
    let what: String

    func corrupt(_ m: String) -> SQLError { SQLError(SQLState.dataCorrupted, "\(what): \(m)") }

    private func currentDef(_ leaf: Int) throws -> Int32 {
        guard let c = cursors[leaf], c.entry < c.entries else { throw corrupt("levels end before the row group does") }
        return c.def(c.entry)
    }

    private mutating func skipNull(_ leaves: [Int], below level: Int) throws {
        for l in leaves {
            guard var c = cursors[l], c.entry < c.entries else { throw corrupt("levels end before the row group does") }
            if c.def(c.entry) >= Int32(level) { throw corrupt("definition levels of sibling columns disagree") }
            c.entry += 1
            cursors[l] = c
        }
    }

    /// Renders one value of `shape` at the current position, appending JSON to `out`.
    mutating func render(_ shape: NestedShape, into out: inout String) throws {
        switch shape {
        case .leaf(let l):
            guard var c = cursors[l], c.entry < c.entries else { throw corrupt("levels end before the row group does") }
            if c.def(c.entry) == c.maxDef {
                out += c.render(c.value)
                c.value += 1
            } else {
                out += "null"
            }
            c.entry += 1
            cursors[l] = c
        case .optional(let inner, let d, let leaves):
            if try currentDef(leaves[0]) < Int32(d) {
                out += "null"
                try skipNull(leaves, below: d)
            } else {
                try render(inner, into: &out)
            }
        case .structure(let fields):
            out += "{"
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                out += ValueJSON.quote(f.name)
                out += ":"
                try render(f.shape, into: &out)
            }
            out += "}"
        case .list(let element, let d, let r, let leaves):
            if try currentDef(leaves[0]) < Int32(d) {
                out += "[]"
                try skipNull(leaves, below: d)
                return
            }
            out += "["
            var first = true
            while true {
                if !first { out += "," }
                first = false
                try render(element, into: &out)
                guard let c = cursors[leaves[0]], c.entry < c.entries, c.rep(c.entry) == Int32(r) else { break }
            }
            out += "]"
        case .map(let key, let value, let d, let r, let leaves):
            if try currentDef(leaves[0]) < Int32(d) {
                out += "[]"
                try skipNull(leaves, below: d)
                return
            }
            out += "["
            var first = true
            while true {
                if !first { out += "," }
                first = false
                if let value {
                    out += "{\"key\":"
                    try render(key, into: &out)
                    out += ",\"value\":"
                    try render(value, into: &out)
                    out += "}"
                } else {
                    try render(key, into: &out)
                }
                guard let c = cursors[leaves[0]], c.entry < c.entries, c.rep(c.entry) == Int32(r) else { break }
            }
            out += "]"
        }
    }

    /// Renders `rows` records of a top-level field as a .json vector (a NULL top-level value is SQL NULL).
    mutating func column(_ shape: NestedShape, leaves: [Int], rows: Int) throws -> Vector {
        var b = VectorBuilder(type: .json, capacity: rows)
        var text = ""
        var totalBytes = 0
        for _ in 0..<rows {
            for l in leaves {
                guard let c = cursors[l], c.entry < c.entries else { throw corrupt("levels end before the row group does") }
                if c.rep(c.entry) != 0 { throw corrupt("first repetition level must be 0 at the start of a row") }
            }
            if case .optional(_, let d, let ls) = shape, try currentDef(ls[0]) < Int32(d) {
                try skipNull(ls, below: d)
                b.appendNull()
                continue
            }
            text.removeAll(keepingCapacity: true)
            try render(shape, into: &text)
            totalBytes += text.utf8.count
            // String vectors use 32-bit offsets.
            guard totalBytes <= Int(Int32.max) else {
                throw SQLError(SQLState.programLimitExceeded, "\(what): JSON text of the row group exceeds 2 GiB")
            }
            b.append(text)
        }
        for l in leaves {
            if let c = cursors[l], c.entry != c.entries { throw corrupt("column holds more values than the row group's rows") }
        }
        return b.finish()
    }
}
