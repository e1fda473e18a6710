package certlogic

// Limits bound the work of [Compile] and [Expr.Eval], so that a hostile rule
// (nested 10,000 deep, a reduce over a million items, a megabyte literal)
// ends with an [*Error] of code [CodeLimit] instead of exhausting the stack,
// the clock or the memory. A zero field takes its value from
// [DefaultLimits].
type Limits struct {
	// MaxDepth is the deepest nesting of operations and array literals
	// in an expression. The EU rules nest about 8 deep.
	MaxDepth int
	// MaxNodes is the number of operations, literals and array items in
	// an expression. The largest EU rule has about 40.
	MaxNodes int
	// MaxString is the length in bytes of a string literal or a var path.
	MaxString int
	// MaxSteps is the number of expression nodes one evaluation may
	// visit, counting every visit of a reduce's lambda. It bounds the time
	// and, since each step allocates at most one small array or object, the memory
	// of an evaluation.
	MaxSteps int
	// MaxReduce is the length of the longest array a reduce folds over.
	MaxReduce int
}

// DefaultLimits are generous for real rules: an EU rule takes well under a
// hundred steps on a pass.
var DefaultLimits = Limits{
	MaxDepth:  64,
	MaxNodes:  10_000,
	MaxString: 4096,
	MaxSteps:  100_000,
	MaxReduce: 10_000,
}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultLimits.MaxNodes
	}
	if l.MaxString <= 0 {
		l.MaxString = DefaultLimits.MaxString
	}
	if l.MaxSteps <= 0 {
		l.MaxSteps = DefaultLimits.MaxSteps
	}
	if l.MaxReduce <= 0 {
		l.MaxReduce = DefaultLimits.MaxReduce
	}
	return l
}
