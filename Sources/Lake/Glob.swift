// Glob patterns over paths: `*` and `?` within one path segment, `[abc]`,
// `[a-z]` and `[!abc]` character classes, and `**` for any number of folders.
// Matching is the classic linear backtracking wildcard algorithm over Unicode
// scalars (remember the last `*` and retry from there on a mismatch).
// Expansion walks only the folders the pattern can reach, starting from the
// longest literal prefix. Hidden names match only if the pattern spells the dot.

import Columnar

public enum Glob {
    public static func hasWildcards(_ s: String) -> Bool {
        s.contains { $0 == "*" || $0 == "?" || $0 == "[" }
    }

    /// Whether one path segment (no "/") matches a one-segment pattern.
    public static func matches(_ name: String, pattern: String) -> Bool {
        let n = Array(name.unicodeScalars), p = Array(pattern.unicodeScalars)
        var ni = 0, pi = 0
        var starP = -1, starN = 0
        while ni < n.count {
            if pi < p.count {
                let c = p[pi]
                if c == "*" { starP = pi; starN = ni; pi += 1; continue }
                if c == "?" { ni += 1; pi += 1; continue }
                if c == "[", let (matched, next) = matchClass(p, at: pi, n[ni]) {
                    if matched { ni += 1; pi = next; continue }
                } else if c == n[ni] {
                    ni += 1; pi += 1; continue
                }
            }
            guard starP >= 0 else { return false }
            starN += 1; ni = starN; pi = starP + 1
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    /// Matches a `[...]` class at `p[start]`; nil if the bracket is unterminated (then it is a literal).
    private static func matchClass(_ p: [Unicode.Scalar], at start: Int, _ ch: Unicode.Scalar) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count && (p[i] == "!" || p[i] == "^") { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            if p[i] == "]" && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < p.count && p[i + 1] == "-" && p[i + 2] != "]" {
                if p[i].value <= ch.value && ch.value <= p[i + 2].value { matched = true }
                i += 3
            } else {
                if p[i] == ch { matched = true }
                i += 1
            }
        }
        return nil
    }

    /// Every regular file matching `pattern`, sorted. Relative patterns are relative to the working directory.
    public static func expand(_ pattern: String) throws -> [LakeFile] {
        let absolute = pattern.hasPrefix("/")
        let segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var base = absolute ? "/" : ""
        var index = 0
        while index < segments.count - 1 && !hasWildcards(segments[index]) {
            base = base.isEmpty ? segments[index] : LakeFileSystem.join(base, segments[index])
            index += 1
        }
        var out: [LakeFile] = []
        // Paths are told apart by their bytes: Swift's String == equates names that differ only
        // in Unicode normalisation, which Linux keeps as two files.
        var seen = Set<[UInt8]>()
        try walk(base, segments, index, into: &out, seen: &seen)
        return out.sorted { $0.path < $1.path }
    }

    private static func walk(_ dir: String, _ segments: [String], _ index: Int, into out: inout [LakeFile], seen: inout Set<[UInt8]>) throws {
        guard index < segments.count else { return }
        let segment = segments[index]
        let isLast = index == segments.count - 1
        let listDir = dir.isEmpty ? "." : dir
        if segment == "**" {
            // Zero folders: the rest of the pattern right here.
            if isLast {
                for f in try LakeFileSystem.filesRecursively(listDir) where seen.insert(Array(f.path.utf8)).inserted {
                    out.append(LakeFile(path: dir.isEmpty ? String(f.path.dropFirst(2)) : f.path, size: f.size, modified: f.modified))
                }
                return
            }
            try walk(dir, segments, index + 1, into: &out, seen: &seen)
            guard LakeFileSystem.status(listDir)?.kind == .directory else { return }
            for name in try LakeFileSystem.entries(listDir) where !LakeFileSystem.isHidden(name) {
                let path = LakeFileSystem.join(dir, name)
                if LakeFileSystem.status(path)?.kind == .directory { try walk(path, segments, index, into: &out, seen: &seen) }
            }
            return
        }
        if !hasWildcards(segment) {
            let path = LakeFileSystem.join(dir, segment)
            guard let st = LakeFileSystem.status(path) else { return }
            if isLast {
                if st.kind == .file, seen.insert(Array(path.utf8)).inserted { out.append(LakeFile(path: path, size: st.size, modified: st.modified)) }
            } else if st.kind == .directory {
                try walk(path, segments, index + 1, into: &out, seen: &seen)
            }
            return
        }
        guard LakeFileSystem.status(listDir)?.kind == .directory else { return }
        let spellsHidden = segment.hasPrefix(".") || segment.hasPrefix("_")
        for name in try LakeFileSystem.entries(listDir) where matches(name, pattern: segment) {
            if LakeFileSystem.isHidden(name) && !spellsHidden { continue }
            let path = LakeFileSystem.join(dir, name)
            guard let st = LakeFileSystem.status(path) else { continue }
            if isLast {
                if st.kind == .file, seen.insert(Array(path.utf8)).inserted { out.append(LakeFile(path: path, size: st.size, modified: st.modified)) }
            } else if st.kind == .directory {
                try walk(path, segments, index + 1, into: &out, seen: &seen)
            }
        }
    }
}
