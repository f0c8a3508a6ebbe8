// Registers every built-in function and operator. Each family lives in its
// own file and exposes a `register…` function called from here.

import Columnar

func registerBuiltins(into registry: FunctionRegistry) {
    registerAggregates(into: registry)
    registerOperators(into: registry)
    MathFunctions.register(into: registry)
    StringFunctions.register(into: registry)
    HashingFunctions.register(into: registry)
    ConditionalFunctions.register(into: registry)
    DateTimeFunctions.register(into: registry)
    RegexFunctions.register(into: registry)
    MiscFunctions.register(into: registry)
    MaskFunctions.register(into: registry)
    IdentityFunctions.register(into: registry)
    PgCatalogFunctions.register(into: registry)
}
