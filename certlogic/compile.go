package certlogic

import (
	"math"
	"sort"
	"strconv"
	"strings"
)

type opcode uint8

const (
	opLit opcode = iota
	opArray
	opVar
	opIf
	opEq
	opNe
	opAnd
	opLt
	opGt
	opLe
	opGe
	opBefore
	opAfter
	opNotAfter
	opNotBefore
	opIn
	opPlus
	opNot
	opPlusTime
	opReduce
	opExtract
	opDOB
)

// opNames are the operations by opcode, as written (var is compiled
// apart). An array, not a map, so that the WebAssembly module holds it as
// data instead of the code that would build a map at start-up.
var opNames = [...]string{
	opIf: "if", opEq: "===", opNe: "!==", opAnd: "and",
	opLt: "<", opGt: ">", opLe: "<=", opGe: ">=",
	opBefore: "before", opAfter: "after", opNotAfter: "not-after", opNotBefore: "not-before",
	opIn: "in", opPlus: "+", opNot: "!", opPlusTime: "plusTime", opReduce: "reduce",
	opExtract: "extractFromUVCI", opDOB: "dccDateOfBirth",
}

// lookup returns the opcode, or the unit, named name among names, and
// whether there is one; the empty slots of a table (opcodes that are no
// operation) match nothing.
func lookup(names []string, name string) (int, bool) {
	for i := range names {
		if names[i] != "" && names[i] == name {
			return i, true
		}
	}
	return 0, false
}

type unit uint8

const (
	unitYear unit = iota
	unitMonth
	unitDay
	unitHour
)

var unitNames = [...]string{unitYear: "year", unitMonth: "month", unitDay: "day", unitHour: "hour"}

// node is one compiled sub-expression.
type node struct {
	op     opcode
	name   string // the operation as written, for messages
	lit    any    // opLit: bool, float64 or string
	path   []frag // opVar; nil for the whole data context
	args   []*node
	amount int64 // opPlusTime: the amount; opExtract: the index
	unit   unit  // opPlusTime
	at     string
}

// frag is one fragment of a var path.
type frag struct {
	key   string
	index int // ≥ 0 when key is a decimal integer (an array index)
}

// Expr is a compiled, valid CertLogic expression. It is safe for concurrent
// use.
type Expr struct {
	root *node
	lim  Limits
}

// Issue is one way in which an expression does not follow the
// specification, as the specification's validator reports them.
type Issue struct {
	Path    string // where, as in [Error.Path]
	Expr    any    // the offending sub-expression
	Message string
	Code    Code // CodeInvalid, or CodeLimit for a Limits bound
}

// Validate reports every way in which expr, a JSON-shaped tree
// (map[string]any, []any, string, float64 or int64, bool, nil), is not a
// valid CertLogic expression under [DefaultLimits]. An empty result means
// [Compile] accepts it.
func Validate(expr any) []Issue {
	c := compiler{lim: DefaultLimits}
	c.compile(expr, "", 0)
	return c.issues
}

// Compile validates expr and prepares it for evaluation. It refuses an
// invalid expression with an [*Error] of code [CodeInvalid] or [CodeLimit]
// naming the first issue; [Validate] lists them all.
func Compile(expr any, lim Limits) (*Expr, error) {
	c := compiler{lim: lim.withDefaults()}
	root := c.compile(expr, "", 0)
	if len(c.issues) > 0 {
		is := c.issues[0]
		return nil, &Error{Code: is.Code, Path: is.Path, Msg: is.Message}
	}
	return &Expr{root: root, lim: c.lim}, nil
}

type compiler struct {
	lim    Limits
	nodes  int
	issues []Issue
	full   bool // MaxNodes passed: stop looking
}

// issue files an issue. Not inlined, as the helpers of operation.
//
//go:noinline
func (c *compiler) issue(path string, expr any, code Code, msg string) {
	c.issues = append(c.issues, Issue{Path: path, Expr: expr, Message: msg, Code: code})
}

func join(path, elem string) string {
	if path == "" {
		return elem
	}
	return path + "/" + elem
}

// intValue reports whether v is an integer as JavaScript's Number.isInteger
// sees it, and its value.
func intValue(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsInf(x, 0) && x == math.Trunc(x)
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	}
	return 0, false
}

func (c *compiler) compile(expr any, path string, depth int) *node {
	if c.full {
		return nil
	}
	c.nodes++
	if c.nodes > c.lim.MaxNodes {
		c.full = true
		c.issue(path, nil, CodeLimit, "expression has more than "+strconv.Itoa(c.lim.MaxNodes)+" nodes")
		return nil
	}
	if depth > c.lim.MaxDepth {
		c.full = true
		c.issue(path, nil, CodeLimit, "expression nested deeper than "+strconv.Itoa(c.lim.MaxDepth))
		return nil
	}
	switch x := expr.(type) {
	case nil:
		c.issue(path, expr, CodeInvalid, "null is not a CertLogic literal")
	case bool:
		return &node{op: opLit, lit: x, at: path}
	case string:
		if len(x) > c.lim.MaxString {
			c.issue(path, nil, CodeLimit, "string literal longer than "+strconv.Itoa(c.lim.MaxString)+" bytes")
			return nil
		}
		return &node{op: opLit, lit: x, at: path}
	case float64, int64, int:
		f, ok := intValue(x)
		if !ok {
			c.issue(path, expr, CodeInvalid, "a number literal must be an integer")
			return nil
		}
		return &node{op: opLit, lit: f, at: path}
	case []any:
		n := &node{op: opArray, at: path, args: make([]*node, len(x))}
		for i, item := range x {
			if c.full {
				break
			}
			n.args[i] = c.compile(item, join(path, strconv.Itoa(i)), depth+1)
		}
		return n
	case map[string]any:
		return c.operation(x, path, depth)
	default:
		c.issue(path, nil, CodeInvalid, "not a JSON value")
	}
	return nil
}

func (c *compiler) operation(m map[string]any, path string, depth int) *node {
	if len(m) != 1 {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, strconv.Quote(k))
		}
		sort.Strings(keys)
		c.issue(path, m, CodeInvalid, "an operation object must have exactly one key, not "+strconv.Itoa(len(m))+" ("+strings.Join(keys, ", ")+")")
		return nil
	}
	var name string
	var operand any
	for k, v := range m {
		name, operand = k, v
	}
	at := join(path, name)
	if name == "var" {
		p, ok := operand.(string)
		if !ok {
			c.issue(at, m, CodeInvalid, `not of the form { "var": "<path>" }`)
			return nil
		}
		if len(p) > c.lim.MaxString {
			c.issue(at, nil, CodeLimit, "var path longer than "+strconv.Itoa(c.lim.MaxString)+" bytes")
			return nil
		}
		return &node{op: opVar, name: name, path: splitPath(p), at: at}
	}
	i, known := lookup(opNames[:], name)
	op := opcode(i)
	if !known {
		c.issue(path, m, CodeInvalid, "unrecognised operation "+strconv.Quote(name))
		return nil
	}
	args, ok := operand.([]any)
	if !ok {
		c.issue(at, m, CodeInvalid, "the operands of "+strconv.Quote(name)+" must be an array")
		return nil
	}
	n := &node{op: op, name: name, at: at}
	switch op {
	case opIf, opReduce:
		if c.arity(m, at, name, len(args), 3, 3) {
			c.operands(n, args, at, depth)
		}
	case opEq, opNe, opIn, opPlus:
		if c.arity(m, at, name, len(args), 2, 2) {
			c.operands(n, args, at, depth)
		}
	case opAnd:
		if c.arity(m, at, name, len(args), 2, -1) {
			c.operands(n, args, at, depth)
		}
	case opLt, opGt, opLe, opGe, opBefore, opAfter, opNotAfter, opNotBefore:
		if c.arity(m, at, name, len(args), 2, 3) {
			c.operands(n, args, at, depth)
		}
	case opNot, opDOB:
		if c.arity(m, at, name, len(args), 1, 1) {
			c.operands(n, args, at, depth)
		}
	case opPlusTime:
		if !c.arity(m, at, name, len(args), 3, 3) {
			return nil
		}
		n.args = []*node{c.operand(args, 0, at, depth)}
		n.amount = c.intLiteral(args[1], at, "amount", name)
		s, _ := args[2].(string)
		u, ok := lookup(unitNames[:], s)
		if !ok {
			c.issue(join(at, "2"), args[2], CodeInvalid, `"unit" argument (#3) of "plusTime" must be one of "year", "month", "day", "hour"`)
		}
		n.unit = unit(u)
	case opExtract:
		if !c.arity(m, at, name, len(args), 2, 2) {
			return nil
		}
		n.args = []*node{c.operand(args, 0, at, depth)}
		n.amount = c.intLiteral(args[1], at, "index", name)
	}
	c.checkLiterals(n, m)
	return n
}

// intLiteral returns v, the second operand of the operation name at at, as
// an integer, and reports an issue when it is not an integer literal of at
// most 2^53 in magnitude (what names the operand).
func (c *compiler) intLiteral(v any, at, what, name string) int64 {
	f, ok := intValue(v)
	if !ok || math.Abs(f) > 1<<53 {
		c.issue(join(at, "1"), v, CodeInvalid, `"`+what+`" argument (#2) of "`+name+`" must be an integer literal`)
	}
	return int64(f)
}

// arity reports whether an operation name (at at, written m) with got
// operands has between lo and hi of them (hi < 0: no upper bound), and
// files the issue when it has not. operation's helpers are methods, not
// inlined: inlined closures made operation the largest function of the
// WebAssembly module.
//
//go:noinline
func (c *compiler) arity(m map[string]any, at, name string, got, lo, hi int) bool {
	if got >= lo && (hi < 0 || got <= hi) {
		return true
	}
	want := strconv.Itoa(lo)
	switch {
	case hi < 0:
		want = "at least " + want
	case hi != lo:
		want += " or " + strconv.Itoa(hi)
	}
	c.issue(at, m, CodeInvalid, strconv.Quote(name)+" must have "+want+" operands, not "+strconv.Itoa(got))
	return false
}

// operand compiles operand i of args, the operands of the operation at at.
//
//go:noinline
func (c *compiler) operand(args []any, i int, at string, depth int) *node {
	return c.compile(args[i], join(at, strconv.Itoa(i)), depth+1)
}

// operands compiles every operand of args into n.args.
//
//go:noinline
func (c *compiler) operands(n *node, args []any, at string, depth int) {
	n.args = make([]*node, len(args))
	for i := range args {
		if c.full {
			break
		}
		n.args[i] = c.operand(args, i, at, depth)
	}
}

// checkLiterals reports operands that are literals of a type the operation
// refuses on any data: the evaluation would fail whatever the data.
func (c *compiler) checkLiterals(n *node, m map[string]any) {
	for i, a := range n.args {
		if a == nil {
			continue
		}
		bad := ""
		switch n.op {
		case opLt, opGt, opLe, opGe, opPlus:
			if a.op == opArray || a.op == opLit {
				if _, isNum := a.lit.(float64); !isNum {
					bad = "must be an integer"
				}
			}
		case opBefore, opAfter, opNotAfter, opNotBefore:
			if a.op == opArray || a.op == opLit {
				bad = "must be a date-time (made by plusTime or dccDateOfBirth), not a literal"
			}
		case opIn:
			if i == 1 && a.op == opLit {
				bad = "must be an array"
			}
		case opPlusTime, opDOB, opExtract:
			if a.op == opArray || a.op == opLit {
				if _, isStr := a.lit.(string); !isStr {
					bad = "must be a string"
				}
			}
		case opReduce:
			if i == 0 && a.op == opLit {
				bad = "must be an array"
			}
		}
		if bad != "" {
			c.issue(a.at, m, CodeInvalid, "operand #"+strconv.Itoa(i+1)+" of "+strconv.Quote(n.name)+" "+bad)
		}
	}
}

func splitPath(p string) []frag {
	if p == "" {
		return nil
	}
	// strings.Split by hand: it would bring strings.Index and its
	// Rabin-Karp search into the WebAssembly module for this one call.
	var parts []string
	for {
		i := strings.IndexByte(p, '.')
		if i < 0 {
			parts = append(parts, p)
			break
		}
		parts = append(parts, p[:i])
		p = p[i+1:]
	}
	out := make([]frag, len(parts))
	for i, s := range parts {
		out[i] = frag{key: s, index: -1}
		if s != "" && len(s) <= 9 {
			v, err := strconv.Atoi(s)
			if err == nil && v >= 0 && s[0] != '+' && s[0] != '-' {
				out[i].index = v
			}
		}
	}
	return out
}
