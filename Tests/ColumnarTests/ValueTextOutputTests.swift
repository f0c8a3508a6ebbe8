// The datetime, numeric and float output functions, written in place
// (ValueText.ascii), against the substring-and-padding forms they replaced,
// kept here as the reference: the same text for every edge the layout has
// (padding, BC years, fractions with trailing zeros, offsets with minutes and
// seconds, decimals shorter than their scale, the Int128 extremes) and for
// thousands of random values.

import XCTest
@testable import Columnar

final class ValueTextOutputTests: XCTestCase {
    private func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private func referenceDecimal(_ mantissa: Int128, scale: Int) -> String {
        let mag = String(mantissa.magnitude)
        let sign = mantissa < 0 ? "-" : ""
        if scale <= 0 { return sign + mag }
        let padded = mag.count <= scale ? String(repeating: "0", count: scale + 1 - mag.count) + mag : mag
        let cut = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<cut] + "." + padded[cut...]
    }

    private func referenceTime(_ micros: Int64) -> String {
        let t = max(0, micros)
        var s = pad(Int(t / Calendar.microsPerHour), 2) + ":" + pad(Int(t / Calendar.microsPerMinute % 60), 2) + ":"
            + pad(Int(t / Calendar.microsPerSecond % 60), 2)
        let f = Int(t % Calendar.microsPerSecond)
        if f != 0 {
            var digits = pad(f, 6)
            while digits.last == "0" { digits.removeLast() }
            s += "." + digits
        }
        return s
    }

    private func referenceDate(_ days: Int64) -> (String, Bool) {
        let c = Calendar.civil(days: days)
        let (y, bc) = c.year <= 0 ? (1 - c.year, true) : (c.year, false)
        return (pad(y, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2), bc)
    }

    private func referenceOffset(_ seconds: Int) -> String {
        let a = abs(seconds)
        var s = (seconds < 0 ? "-" : "+") + pad(a / 3600, 2)
        if a % 3600 != 0 {
            s += ":" + pad(a / 60 % 60, 2)
            if a % 60 != 0 { s += ":" + pad(a % 60, 2) }
        }
        return s
    }

    func testDecimalsAtTheEdgesAndAtRandom() {
        var cases: [(Int128, Int)] = [(0, 0), (0, 2), (-5, 2), (5, 0), (-1, 38), (123, 3), (1230, 3), (-99999, 1),
                                      (Int128.max, 0), (Int128.max, 38), (Int128.min + 1, 10), (Int128.min + 1, 38),
                                      (Int128(UInt64.max), 19), (Int128(UInt64.max) + 1, 20), (-Int128(UInt64.max) - 1, 5)]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let bits = Int.random(in: 1...126, using: &rng)
            let m = Int128.random(in: -(Int128(1) << bits)...(Int128(1) << bits), using: &rng)
            cases.append((m, Int.random(in: 0...38, using: &rng)))
        }
        for (m, scale) in cases {
            XCTAssertEqual(ValueText.formatDecimal(m, scale: scale), referenceDecimal(m, scale: scale), "\(m) scale \(scale)")
        }
    }

    func testDatesTimesAndTimestampsAtTheEdgesAndAtRandom() {
        var days: [Int64] = [0, -1, 1, -719_528, -719_529, -719_893, -730_000, 2_932_896, 1 << 30, -(1 << 30), 1 << 40, -(1 << 40)]
        var micros: [Int64] = [0, 1, 10, 100_000, 999_999, 1_000_000, 86_399_999_999, 86_400_000_000, 120_500,
                               Int64.max / 2, 7 * Calendar.microsPerHour + 5]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            days.append(Int64.random(in: -3_000_000...3_000_000, using: &rng))
            micros.append(Int64.random(in: -1 << 52...1 << 52, using: &rng))
        }
        for d in days {
            let (date, bc) = referenceDate(d)
            XCTAssertEqual(ValueText.formatDate(days: d), date + (bc ? " BC" : ""), "days \(d)")
        }
        for t in micros {
            XCTAssertEqual(ValueText.formatTime(micros: t), referenceTime(t), "micros \(t)")
            let (d, timeOfDay) = Calendar.split(micros: t)
            let (date, bc) = referenceDate(d)
            XCTAssertEqual(ValueText.formatTimestamp(micros: t), date + " " + referenceTime(timeOfDay) + (bc ? " BC" : ""))
            for offset in [0, 19_800, -10_800, -(3 * 3600 + 15), 14 * 3600] {
                let (ld, ltod) = Calendar.split(micros: t + Int64(offset) * Calendar.microsPerSecond)
                let (ldate, lbc) = referenceDate(ld)
                XCTAssertEqual(ValueText.formatTimestampTZ(micros: t, offsetSeconds: offset),
                               ldate + " " + referenceTime(ltod) + referenceOffset(offset) + (lbc ? " BC" : ""))
            }
        }
        XCTAssertEqual(ValueText.formatTimestamp(micros: Int64.max), "infinity")
        XCTAssertEqual(ValueText.formatOffset(-(3 * 3600 + 15)), "-03:00:15")
        XCTAssertEqual(ValueText.formatOffset(19_800), "+05:30")
        XCTAssertEqual(ValueText.formatDate(days: -719_163), "0001-12-31 BC")
        XCTAssertEqual(ValueText.formatDate(days: -719_162), "0001-01-01")
    }

    /// formatDouble as it was before its digits moved to stack buffers.
    private func referenceDouble(_ d: Double, float32: Bool) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return d.sign == .minus ? "-0" : "0" }
        let text = float32 ? Float(d).description : d.description
        var negative = false, mantissa: [UInt8] = [], exponent = 0, sawPoint = false, pointPos = 0
        var expPart: [UInt8] = [], inExp = false
        for c in text.utf8 {
            if inExp { expPart.append(c); continue }
            switch c {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): sawPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExp = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mantissa.append(c)
                if !sawPoint { pointPos += 1 }
            default: break
            }
        }
        if !expPart.isEmpty {
            var sign = 1, v = 0
            for c in expPart { if c == UInt8(ascii: "-") { sign = -1 } else if c >= 48 && c <= 57 { v = v * 10 + Int(c - 48) } }
            exponent = sign * v
        }
        pointPos += exponent
        var start = 0
        while start < mantissa.count - 1 && mantissa[start] == UInt8(ascii: "0") { start += 1; pointPos -= 1 }
        var end = mantissa.count
        while end > start + 1 && mantissa[end - 1] == UInt8(ascii: "0") { end -= 1 }
        let digits = Array(mantissa[start..<end])
        let sciExponent = pointPos - 1
        let limit = float32 ? 6 : 15
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if sciExponent < -4 || sciExponent >= limit {
            out.append(digits[0])
            if digits.count > 1 { out.append(UInt8(ascii: ".")); out.append(contentsOf: digits[1...]) }
            out.append(UInt8(ascii: "e"))
            out.append(sciExponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let e = abs(sciExponent)
            if e < 10 { out.append(UInt8(ascii: "0")) }
            out.append(contentsOf: Array(String(e).utf8))
        } else if pointPos <= 0 {
            out.append(UInt8(ascii: "0")); out.append(UInt8(ascii: "."))
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -pointPos))
            out.append(contentsOf: digits)
        } else if pointPos >= digits.count {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: pointPos - digits.count))
        } else {
            out.append(contentsOf: digits[0..<pointPos])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[pointPos...])
        }
        return String(decoding: out, as: UTF8.self)
    }

    func testFloatsAtTheEdgesAndAtRandom() {
        var values: [Double] = [0, -0.0, .nan, .infinity, -.infinity, 1, -1, 0.1, 1e-4, 1e-5, 0.00012345, 1e15, 1e14, 123456789012345.6,
                                1e16, Double.greatestFiniteMagnitude, Double.leastNonzeroMagnitude, Double.leastNormalMagnitude,
                                -2.5e-300, 1e6, 999999.5, 1234567, 0.5, 100, 1e22, 1e21, 3.14159]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { values.append(Double(bitPattern: rng.next())) }
        for _ in 0..<5_000 { values.append(Double(Int.random(in: -10_000_000...10_000_000, using: &rng)) / [1, 10, 100, 1_000][Int.random(in: 0...3, using: &rng)]) }
        for v in values {
            XCTAssertEqual(ValueText.formatDouble(v, float32: false), referenceDouble(v, float32: false), "\(v)")
            let f = Double(Float(v))
            XCTAssertEqual(ValueText.formatDouble(f, float32: true), referenceDouble(f, float32: true), "float4 \(f)")
        }
    }
}
