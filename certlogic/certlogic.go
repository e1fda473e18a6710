// Package certlogic evaluates CertLogic expressions: the JsonLogic subset in
// which EU member states write the business rules for EU Digital COVID
// Certificates ("a PCR test is accepted for 72 hours"). It implements
// version [Version] of the specification (testdata/certlogic/SPEC.md).
//
// Start with [Compile], which validates an expression (a JSON-shaped tree:
// map[string]any, []any, string, float64 or int64, bool) and prepares it,
// and [Expr.Eval], which evaluates it on a data context such as
// {"payload": <DCC payload>, "external": {...}}. [Validate] lists every
// problem of an invalid expression, as the specification's validator does.
//
// The package is pure Go without encoding/json, so that it runs inside the
// WebAssembly module. It reads no text itself: the command line reads rule
// JSON with internal/jsonread, the module reads a trust bundle's rules as
// CBOR with internal/cbor (rules.ReadBundle).
//
// # Beyond the specification
//
//   - "!==" is accepted as the negation of "===" (JsonLogic's operator; the
//     specification's schema does not list it).
//   - Where the specification leaves behaviour undefined (a date string
//     that is not in an allowed format, or names a day that does not
//     exist), evaluation fails with [CodeType] rather than guessing.
//   - "===" compares null, booleans, numbers, strings and date-times by
//     value, and finds an array or object equal to nothing.
//
// # Security
//
// Rules come from outside. Compile and Eval bound the depth and size of an
// expression and the steps of an evaluation ([Limits]); no input makes them
// panic, recurse without bound, or allocate more than the limits allow.
package certlogic

// Version is the version of the CertLogic specification this package
// implements. A business rule whose EngineVersion is newer cannot be
// evaluated by it.
const Version = "1.3.3"
