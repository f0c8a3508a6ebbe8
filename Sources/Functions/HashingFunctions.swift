// Digest functions: md5(text|bytea) → hex text and sha256(bytea) → bytea,
// computed by Columnar's Digest (MD5 per RFC 1321, SHA-256 per FIPS 180-4).

import Columnar

enum HashingFunctions {
    static func register(into registry: FunctionRegistry) {
        let r = OverloadTable()
        r.register(["md5"], [[.text], [.exact(.bytea)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                Map.toString([a[0]], all: a, count: n, .text) { _, inp, out in
                    for b in Digest.md5(Array(inp[0])) {
                        out.append(StringFunctions.hexDigits[Int(b >> 4)]); out.append(StringFunctions.hexDigits[Int(b & 15)])
                    }
                    return true
                }
            }
        }
        // PostgreSQL only has sha256(bytea); a text argument is hashed as its UTF-8 bytes.
        r.register(["sha256"], [[.exact(.bytea)], [.text]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .bytea) { a, n, _ in
                Map.toString([a[0]], all: a, count: n, .bytea) { _, inp, out in
                    out.append(contentsOf: Digest.sha256(Array(inp[0])))
                    return true
                }
            }
        }
        r.install(into: registry)
    }
}
