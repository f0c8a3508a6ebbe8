// The function registry: every scalar function, operator, aggregate and cast
// the binder can resolve, each with its vector kernel. Operators are
// functions with symbolic names ("+", "=", "||", "~~" …) so there is one
// resolution mechanism for both. The binder (Planner) resolves a call to a
// `ScalarResolution`; the executor only ever calls the kernel.

import Columnar

/// Per-query state a kernel may need (session settings, time zone).
public struct FunctionContext: @unchecked Sendable {
    /// Session TimeZone as seconds east of UTC (fixed offset for now).
    public var timeZoneOffsetSeconds: Int
    /// Name of the session TimeZone as the user set it.
    public var timeZoneName: String
    /// Statement start time, µs since the epoch (now(), current_timestamp).
    public var statementTimestamp: Int64
    /// Session settings (current_setting), lower-cased names.
    public var settings: [String: String]
    /// The secret behind mask_hash and similar keyed functions.
    public var secretKey: [UInt8]
    /// Who is asking (current_user, is_member …); nil: a superuser named "lakesql".
    public var identity: SessionIdentity? = nil
    /// The session's catalog as pg_catalog functions see it (nil: an empty database).
    public var introspection: CatalogIntrospection? = nil

    public init(timeZoneOffsetSeconds: Int = 0, timeZoneName: String = "UTC", statementTimestamp: Int64 = 0,
                settings: [String: String] = [:], secretKey: [UInt8] = []) {
        self.timeZoneOffsetSeconds = timeZoneOffsetSeconds
        self.timeZoneName = timeZoneName
        self.statementTimestamp = statementTimestamp
        self.settings = settings
        self.secretKey = secretKey
    }

    public var textOptions: TextFormatOptions { TextFormatOptions(timeZoneOffsetSeconds: timeZoneOffsetSeconds) }
}

/// A kernel computes one output vector of `rowCount` rows from argument vectors
/// (each of `rowCount` rows, already cast to the resolved argument types).
/// Unless the resolution says otherwise, a row with any NULL argument yields NULL,
/// and the kernel must not raise errors for such rows.
public typealias ScalarKernel = (_ arguments: [Vector], _ rowCount: Int, _ context: FunctionContext) throws -> Vector

public struct ScalarResolution {
    /// Types the binder must cast each argument to before calling the kernel.
    public var argumentTypes: [DataType]
    public var returnType: DataType
    public var kernel: ScalarKernel
    /// False for functions whose result varies per call with equal inputs (random(), now() is stable, not volatile).
    public var isVolatile: Bool
    /// True when the function cannot raise an error nor echo its input in an error
    /// (plain comparisons): such predicates may be pushed below row policies.
    public var isLeakproof: Bool

    public init(argumentTypes: [DataType], returnType: DataType, isVolatile: Bool = false, isLeakproof: Bool = false,
                kernel: @escaping ScalarKernel) {
        self.argumentTypes = argumentTypes
        self.returnType = returnType
        self.kernel = kernel
        self.isVolatile = isVolatile
        self.isLeakproof = isLeakproof
    }
}

public struct ScalarFunction {
    public let name: String
    /// Picks the overload for these argument types (the binder's types, where
    /// `.null` is an untyped NULL and a string literal arrives as `.text` with
    /// `unknownLiterals[i] == true`). Returns nil when nothing matches (42883).
    public let resolve: (_ argumentTypes: [DataType], _ unknownLiterals: [Bool]) throws -> ScalarResolution?

    public init(name: String, resolve: @escaping (_ argumentTypes: [DataType], _ unknownLiterals: [Bool]) throws -> ScalarResolution?) {
        self.name = name
        self.resolve = resolve
    }
}

/// Accumulates an aggregate for many groups at once. Group ids are dense,
/// 0..<groupCount, and only grow. One state object per aggregate per
/// thread; thread-local states are merged at the end.
public protocol AggregateState: AnyObject {
    /// Folds rows in: `groups[i]` is the group of row i. Arguments are cast to the
    /// resolved types; the state skips NULLs as the SQL aggregate requires.
    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws
    /// Folds `other` (same aggregate) in: other's group g becomes this state's group mapping[g].
    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws
    /// One result per group, groups 0..<groupCount.
    func finish(groupCount: Int) throws -> Vector
}

public struct AggregateResolution {
    public var argumentTypes: [DataType]
    public var returnType: DataType
    /// Makes an empty state. `constantArguments` are the direct arguments of
    /// ordered-set aggregates (percentile_cont(0.5)) and string_agg's delimiter
    /// when it is a constant.
    public var makeState: () -> AggregateState
    /// True when input order matters (string_agg, array_agg, percentile_*, mode):
    /// the operator feeds rows sorted by the call's ORDER BY.
    public var isOrderSensitive: Bool

    public init(argumentTypes: [DataType], returnType: DataType, isOrderSensitive: Bool = false,
                makeState: @escaping () -> AggregateState) {
        self.argumentTypes = argumentTypes
        self.returnType = returnType
        self.makeState = makeState
        self.isOrderSensitive = isOrderSensitive
    }
}

public struct AggregateFunction {
    public let name: String
    /// `directArguments`: constant values of ordered-set aggregates' direct args
    /// (`percentile_cont(0.5) WITHIN GROUP (ORDER BY x)` gives [0.5] and arguments [type of x]).
    public let resolve: (_ argumentTypes: [DataType], _ directArguments: [Value]) throws -> AggregateResolution?

    public init(name: String, resolve: @escaping (_ argumentTypes: [DataType], _ directArguments: [Value]) throws -> AggregateResolution?) {
        self.name = name
        self.resolve = resolve
    }
}

public final class FunctionRegistry: @unchecked Sendable {
    public static let shared = FunctionRegistry.makeBuiltins()

    private var scalars: [String: ScalarFunction] = [:]
    private var aggregates: [String: AggregateFunction] = [:]

    public init() {}

    /// Names registered more than once (a later registration silently replaced an earlier one).
    public private(set) var duplicateNames: [String] = []

    public func register(_ f: ScalarFunction) {
        if scalars[f.name] != nil { duplicateNames.append(f.name) }
        scalars[f.name] = f
    }
    /// Deliberately replaces a registered function (e.g. to add overloads around it).
    public func replace(_ f: ScalarFunction) { scalars[f.name] = f }

    public func register(_ f: AggregateFunction) {
        if aggregates[f.name] != nil { duplicateNames.append(f.name) }
        aggregates[f.name] = f
    }

    /// Lower-case name (or operator symbol).
    public func scalar(_ name: String) -> ScalarFunction? { scalars[name] }
    public func aggregate(_ name: String) -> AggregateFunction? { aggregates[name] }
    public var scalarNames: [String] { scalars.keys.sorted() }
    public var aggregateNames: [String] { aggregates.keys.sorted() }

    static func makeBuiltins() -> FunctionRegistry {
        let r = FunctionRegistry()
        registerBuiltins(into: r)
        return r
    }
}
