// The REPL's own result layout: a table in a box (numbers right-aligned,
// NULL shown distinctly), fitted to the terminal's width by narrowing the
// widest columns and cutting their cells with `…`, and when even the
// narrowest layout does not fit, dropping the last columns with a note of
// what is hidden. Expanded mode (\x) prints one `column │ value` line per
// field instead; `auto` picks it when the table would not fit. Pure: it
// returns text, so fitting is tested without a terminal.

public struct BoxColumn: Equatable, Sendable {
    public var name: String
    public var rightAligned: Bool
    public init(name: String, rightAligned: Bool) { self.name = name; self.rightAligned = rightAligned }
}

public struct BoxTableOptions: Sendable {
    /// Columns available on screen (nil: no limit).
    public var width: Int?
    public var nullDisplay: String = "∅"
    /// ANSI styles (bold header, dim NULL): only for terminals.
    public var colors = false
    public var expanded = ExpandedMode.off
    public var footer = true
    public init(width: Int? = nil, nullDisplay: String = "∅", colors: Bool = false, expanded: ExpandedMode = .off, footer: Bool = true) {
        self.width = width; self.nullDisplay = nullDisplay; self.colors = colors; self.expanded = expanded; self.footer = footer
    }
}

public enum BoxTable {
    /// Narrowest a column is cut to before columns are hidden instead.
    static let minimumColumnWidth = 6

    public static func render(columns: [BoxColumn], rows: [[String?]], options: BoxTableOptions) -> String {
        let cells = rows.map { row in (0..<columns.count).map { c in c < row.count ? row[c].map(flatten) : nil } }
        let natural = (0..<columns.count).map { c in
            cells.reduce(displayWidth(columns[c].name)) { max($0, displayWidth($1[c] ?? options.nullDisplay)) }
        }
        let useExpanded: Bool
        switch options.expanded {
        case .on: useExpanded = true
        case .off: useExpanded = false
        case .auto: useExpanded = options.width.map { tableWidth(natural) > $0 } ?? false
        }
        var out = useExpanded ? expanded(columns: columns, cells: cells, options: options)
                              : boxed(columns: columns, cells: cells, natural: natural, options: options)
        if options.footer { out += rows.count == 1 ? "(1 row)\n" : "(\(rows.count) rows)\n" }
        return out
    }

    /// Screen width of a table with these column widths: `│ a │ b │`.
    static func tableWidth(_ widths: [Int]) -> Int { widths.reduce(1) { $0 + $1 + 3 } }

    /// Column widths that fit `limit`, and how many leading columns are shown.
    static func fit(natural: [Int], limit: Int?) -> (widths: [Int], shown: Int) {
        guard let limit, tableWidth(natural) > limit else { return (natural, natural.count) }
        let minimums = natural.map { min($0, minimumColumnWidth) }
        var shown = natural.count
        // Room for the `…` column that says columns are hidden.
        while shown > 1, tableWidth(Array(minimums.prefix(shown))) + (shown < natural.count ? 4 : 0) > limit { shown -= 1 }
        if shown < natural.count {
            while shown > 1, tableWidth(Array(minimums.prefix(shown))) + 4 > limit { shown -= 1 }
        }
        var widths = Array(natural.prefix(shown))
        let budget = limit - (shown < natural.count ? 4 : 0)
        // Take one column at a time from the widest column until the table fits.
        var excess = tableWidth(widths) - budget
        while excess > 0 {
            guard let widest = widths.indices.filter({ widths[$0] > minimums[$0] }).max(by: { widths[$0] < widths[$1] }) else { break }
            let runnerUp = widths.indices.filter { $0 != widest }.map { widths[$0] }.max() ?? 0
            var target = max(minimums[widest], runnerUp, widths[widest] - excess)
            if target >= widths[widest] { target = widths[widest] - 1 }
            excess -= widths[widest] - target
            widths[widest] = target
        }
        return (widths, shown)
    }

    static func boxed(columns: [BoxColumn], cells: [[String?]], natural: [Int], options: BoxTableOptions) -> String {
        let (widths, shown) = fit(natural: natural, limit: options.width)
        let hidden = columns.count - shown
        var all = widths
        if hidden > 0 { all.append(1) }
        func rule(_ left: String, _ middle: String, _ right: String) -> String {
            left + all.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right + "\n"
        }
        func line(_ texts: [(String, Bool, Bool)]) -> String {
            // (text, rightAligned, styled as NULL)
            var s = "│"
            for (i, (text, right, isNull)) in texts.enumerated() {
                let cut = truncate(text, to: all[i])
                let pad = String(repeating: " ", count: max(0, all[i] - displayWidth(cut)))
                let styled = isNull && options.colors ? "\u{1B}[2m\(cut)\u{1B}[0m" : cut
                s += " " + (right ? pad + styled : styled + pad) + " │"
            }
            return (all.isEmpty ? s + "│" : s) + "\n"
        }
        var out = rule("┌", "┬", "┐")
        var header = "│"
        for c in 0..<shown {
            let name = truncate(columns[c].name, to: widths[c])
            let pad = max(0, widths[c] - displayWidth(name))
            let styled = options.colors ? "\u{1B}[1m\(name)\u{1B}[0m" : name
            header += " " + String(repeating: " ", count: pad / 2) + styled + String(repeating: " ", count: pad - pad / 2) + " │"
        }
        if hidden > 0 { header += " … │" }
        if all.isEmpty { header += "│" }
        out += header + "\n"
        out += rule("├", "┼", "┤")
        for row in cells {
            var texts = (0..<shown).map { c in (row[c] ?? options.nullDisplay, columns[c].rightAligned, row[c] == nil) }
            if hidden > 0 { texts.append(("…", false, false)) }
            out += line(texts)
        }
        out += rule("└", "┴", "┘")
        if hidden > 0 {
            let names = columns[shown...].map(\.name)
            let list = names.count > 8 ? names.prefix(8).joined(separator: ", ") + ", …" : names.joined(separator: ", ")
            out += "\(hidden) column\(hidden == 1 ? "" : "s") hidden: \(list) (\\x shows every column)\n"
        }
        return out
    }

    static func expanded(columns: [BoxColumn], cells: [[String?]], options: BoxTableOptions) -> String {
        let nameWidth = columns.map { displayWidth($0.name) }.max() ?? 0
        let valueWidth = options.width.map { max(8, $0 - nameWidth - 3) }
        var out = ""
        for (r, row) in cells.enumerated() {
            let title = "─[ RECORD \(r + 1) ]"
            let ruleWidth = max(displayWidth(title) + 1, min(options.width ?? 40, nameWidth + 3 + (valueWidth.map { min($0, 40) } ?? 40)))
            out += title + String(repeating: "─", count: max(1, ruleWidth - displayWidth(title))) + "\n"
            for c in 0..<columns.count {
                let name = columns[c].name + String(repeating: " ", count: nameWidth - displayWidth(columns[c].name))
                let raw = row[c] ?? options.nullDisplay
                let value = valueWidth.map { truncate(raw, to: $0) } ?? raw
                let styled = row[c] == nil && options.colors ? "\u{1B}[2m\(value)\u{1B}[0m" : value
                out += (options.colors ? "\u{1B}[1m\(name)\u{1B}[0m" : name) + " │ " + styled + "\n"
            }
        }
        if cells.isEmpty { out += "(no rows)\n" }
        return out
    }

    /// One line per cell: newlines shown as `↵`, tabs as spaces.
    static func flatten(_ s: String) -> String {
        guard s.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }) else { return s }
        var out = ""
        for ch in s {
            switch ch {
            case "\n", "\r\n": out += "↵"
            case "\r": out += "↵"
            case "\t": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    /// `s` cut to `width` screen columns, ending in `…` when cut.
    static func truncate(_ s: String, to width: Int) -> String {
        guard displayWidth(s) > width else { return s }
        guard width > 1 else { return width == 1 ? "…" : "" }
        var out = ""
        var used = 0
        for ch in s {
            let w = displayWidth(String(ch))
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }
}
