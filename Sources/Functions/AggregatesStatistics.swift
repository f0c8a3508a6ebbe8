// Statistical aggregates: variance/stddev (sample and population), and the
// two-argument family corr, covar_pop/samp and regr_* (args are Y, X; only
// rows where both are non-NULL count). Per group we keep count, means and
// centred sums of squares/products updated with Welford's algorithm, and
// merge thread states with Chan et al.'s pairwise combination, which stays
// accurate where the naive sum/sum-of-squares formula cancels catastrophically.
// Integer and decimal input yields numeric in PostgreSQL: we compute in
// Double and return decimal(38, 16) rounded from the double's shortest digits.

import Columnar

enum VarianceKind { case varPop, varSamp, stddevPop, stddevSamp }

final class VarianceState: AggregateState {
    let kind: VarianceKind
    /// nil: float8 result; else decimal(38, scale) result, input scaled by 10^-inputScale.
    let decimalResult: (inputScale: Int, scale: Int)?
    var counts = ContiguousArray<Int64>()
    var means = ContiguousArray<Double>()
    var m2s = ContiguousArray<Double>()

    init(kind: VarianceKind, decimalResult: (inputScale: Int, scale: Int)?) {
        self.kind = kind; self.decimalResult = decimalResult
    }

    private func grow(_ n: Int) {
        AggregateSupport.grow(&counts, to: n, with: 0)
        AggregateSupport.grow(&means, to: n, with: 0)
        AggregateSupport.grow(&m2s, to: n, with: 0)
    }

    static func loadDoubles(_ v: Vector) -> ContiguousArray<Double> {
        switch v.type {
        case .decimal(_, let s):
            let divisor = Double(sign: .plus, exponent: 0, significand: 1) * pow10(s)
            return ContiguousArray(Kernels.int128s(v).lazy.map { Double($0) / divisor })
        case .int16, .int32, .int64:
            return ContiguousArray(Kernels.int64s(v).lazy.map { Double($0) })
        default:
            return Kernels.doubles(v)
        }
    }

    static func pow10(_ s: Int) -> Double {
        var p = 1.0
        for _ in 0..<max(0, s) { p *= 10 }
        return p
    }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        grow(groupCount)
        let xs = VarianceState.loadDoubles(arguments[0])
        guard xs.count >= rowCount else { return }
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        xs.withUnsafeBufferPointer { x in
            counts.withUnsafeMutableBufferPointer { c in
                means.withUnsafeMutableBufferPointer { mean in
                    m2s.withUnsafeMutableBufferPointer { m2 in
                        AggregateSupport.forEachValid(validity, count: rowCount) { i in
                            let g = Int(groups[i])
                            c[g] += 1
                            let delta = x[i] - mean[g]
                            mean[g] += delta / Double(c[g])
                            m2[g] += delta * (x[i] - mean[g])
                        }
                    }
                }
            }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: VarianceState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.counts.count, groupCount: groupCount)
        grow(groupCount)
        for g in 0..<o.counts.count where o.counts[g] > 0 {
            let t = Int(mapping[g])
            let na = Double(counts[t]), nb = Double(o.counts[g]), n = na + nb
            let delta = o.means[g] - means[t]
            means[t] += delta * nb / n
            m2s[t] += o.m2s[g] + delta * delta * na * nb / n
            counts[t] += o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        grow(groupCount)
        var out = ContiguousArray<Double>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for g in 0..<groupCount {
            let n = counts[g]
            let sample = kind == .varSamp || kind == .stddevSamp
            if n == 0 || (sample && n < 2) { continue }
            // Welford's m2 can dip a hair below zero for constant input.
            let m2 = max(m2s[g], 0)
            var v = m2 / Double(sample ? n - 1 : n)
            if kind == .stddevPop || kind == .stddevSamp { v = v.squareRoot() }
            out[g] = v
            valid[g] = true
        }
        guard let dec = decimalResult else {
            return Vector(type: .float64, count: groupCount, storage: .float64(out), validity: valid)
        }
        var mantissas = ContiguousArray<Int128>(repeating: 0, count: groupCount)
        for g in 0..<groupCount where valid[g] { mantissas[g] = try AggregateSupport.decimalFromDouble(out[g], scale: dec.scale) }
        return Vector(type: .decimal(precision: 38, scale: dec.scale), count: groupCount, storage: .int128(mantissas), validity: valid)
    }
}

enum RegressionKind: String {
    case corr, covar_pop, covar_samp, regr_slope, regr_intercept, regr_count, regr_r2,
         regr_avgx, regr_avgy, regr_sxx, regr_syy, regr_sxy
}

/// Two-argument moments per group: n, mean of X and Y, Sxx, Syy, Sxy (centred).
final class RegressionState: AggregateState {
    let kind: RegressionKind
    var counts = ContiguousArray<Int64>()
    var meanX = ContiguousArray<Double>()
    var meanY = ContiguousArray<Double>()
    var sxx = ContiguousArray<Double>()
    var syy = ContiguousArray<Double>()
    var sxy = ContiguousArray<Double>()

    init(kind: RegressionKind) { self.kind = kind }

    private func grow(_ n: Int) {
        AggregateSupport.grow(&counts, to: n, with: 0)
        AggregateSupport.grow(&meanX, to: n, with: 0)
        AggregateSupport.grow(&meanY, to: n, with: 0)
        AggregateSupport.grow(&sxx, to: n, with: 0)
        AggregateSupport.grow(&syy, to: n, with: 0)
        AggregateSupport.grow(&sxy, to: n, with: 0)
    }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 2, groupCount: groupCount)
        grow(groupCount)
        let ys = VarianceState.loadDoubles(arguments[0]), xs = VarianceState.loadDoubles(arguments[1])
        guard xs.count >= rowCount, ys.count >= rowCount else { return }
        let validity = Kernels.combinedValidity([arguments[0], arguments[1]], count: rowCount)
        // Move the per-group arrays into locals so the row loop works on unique buffers.
        var c = counts, mx = meanX, my = meanY, xx = sxx, yy = syy, xy = sxy
        counts = []; meanX = []; meanY = []; sxx = []; syy = []; sxy = []
        defer { counts = c; meanX = mx; meanY = my; sxx = xx; syy = yy; sxy = xy }
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                c.withUnsafeMutableBufferPointer { c in
                    mx.withUnsafeMutableBufferPointer { mx in
                        my.withUnsafeMutableBufferPointer { my in
                            xx.withUnsafeMutableBufferPointer { xx in
                                yy.withUnsafeMutableBufferPointer { yy in
                                    xy.withUnsafeMutableBufferPointer { xy in
                                        AggregateSupport.forEachValid(validity, count: rowCount) { i in
                                            let g = Int(groups[i])
                                            c[g] += 1
                                            let n = Double(c[g])
                                            let dx = x[i] - mx[g], dy = y[i] - my[g]
                                            mx[g] += dx / n
                                            my[g] += dy / n
                                            xx[g] += dx * (x[i] - mx[g])
                                            yy[g] += dy * (y[i] - my[g])
                                            xy[g] += dx * (y[i] - my[g])
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: RegressionState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.counts.count, groupCount: groupCount)
        grow(groupCount)
        for g in 0..<o.counts.count where o.counts[g] > 0 {
            let t = Int(mapping[g])
            let na = Double(counts[t]), nb = Double(o.counts[g]), n = na + nb
            let dx = o.meanX[g] - meanX[t], dy = o.meanY[g] - meanY[t]
            let w = na * nb / n
            sxx[t] += o.sxx[g] + dx * dx * w
            syy[t] += o.syy[g] + dy * dy * w
            sxy[t] += o.sxy[g] + dx * dy * w
            meanX[t] += dx * nb / n
            meanY[t] += dy * nb / n
            counts[t] += o.counts[g]
        }
    }

    /// PostgreSQL's float8_regr_* / float8_corr / float8_covar_* final functions.
    private func result(_ g: Int) -> Double? {
        let n = counts[g]
        if n < 1 { return nil }
        let nd = Double(n), xx = max(sxx[g], 0), yy = max(syy[g], 0), xy = sxy[g]
        switch kind {
        case .regr_count: return nd
        case .covar_pop: return xy / nd
        case .covar_samp: return n < 2 ? nil : xy / (nd - 1)
        case .corr: return xx == 0 || yy == 0 ? nil : xy / (xx * yy).squareRoot()
        case .regr_avgx: return meanX[g]
        case .regr_avgy: return meanY[g]
        case .regr_sxx: return xx
        case .regr_syy: return yy
        case .regr_sxy: return xy
        case .regr_slope: return xx == 0 ? nil : xy / xx
        case .regr_intercept: return xx == 0 ? nil : meanY[g] - meanX[g] * xy / xx
        case .regr_r2:
            if xx == 0 { return nil }
            if yy == 0 { return 1 }
            return xy * xy / (xx * yy)
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        grow(groupCount)
        if kind == .regr_count {
            return Vector(type: .int64, count: groupCount, storage: .int64(ContiguousArray(counts.prefix(groupCount))))
        }
        var out = ContiguousArray<Double>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        for g in 0..<groupCount {
            if let r = result(g) { out[g] = r; valid[g] = true }
        }
        return Vector(type: .float64, count: groupCount, storage: .float64(out), validity: valid)
    }
}

func registerStatisticsAggregates(into registry: FunctionRegistry) {
    let kinds: [String: VarianceKind] = [
        "variance": .varSamp, "var_samp": .varSamp, "var_pop": .varPop,
        "stddev": .stddevSamp, "stddev_samp": .stddevSamp, "stddev_pop": .stddevPop,
    ]
    AggregateSupport.register(registry, Array(kinds.keys)) { name, types, _ in
        guard types.count == 1, let kind = kinds[name] else { return nil }
        let t = types[0]
        switch t {
        case .float32, .float64:
            return AggregateResolution(argumentTypes: [t], returnType: .float64) {
                VarianceState(kind: kind, decimalResult: nil)
            }
        case .int16, .int32, .int64:
            return AggregateResolution(argumentTypes: [t], returnType: .decimal(precision: 38, scale: 16)) {
                VarianceState(kind: kind, decimalResult: (0, 16))
            }
        case .decimal(_, let s):
            let rs = min(max(s, 16), 38)
            return AggregateResolution(argumentTypes: [t], returnType: .decimal(precision: 38, scale: rs)) {
                VarianceState(kind: kind, decimalResult: (s, rs))
            }
        default: return nil
        }
    }
    let regressions: [RegressionKind] = [.corr, .covar_pop, .covar_samp, .regr_slope, .regr_intercept, .regr_count,
                                         .regr_r2, .regr_avgx, .regr_avgy, .regr_sxx, .regr_syy, .regr_sxy]
    AggregateSupport.register(registry, regressions.map(\.rawValue)) { name, types, _ in
        guard types.count == 2, let kind = RegressionKind(rawValue: name) else { return nil }
        for t in types where !(t.isNumeric || t == .null) { return nil }
        return AggregateResolution(argumentTypes: [.float64, .float64], returnType: kind == .regr_count ? .int64 : .float64) {
            RegressionState(kind: kind)
        }
    }
}
