package certlogic

// ResultEqual reports whether got, a result of [Rule.Eval] or [Eval],
// equals want, an expected JSON value (numbers as float64), as the
// specification's test suites compare them: arrays and objects element by
// element, numbers by value, a date-time with its ISO 8601 string (what
// JSON.stringify makes of a JavaScript Date).
func ResultEqual(got, want any) bool {
	switch w := want.(type) {
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !ResultEqual(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			gv, ok := g[k]
			if !ok || !ResultEqual(gv, v) {
				return false
			}
		}
		return true
	case string:
		if d, ok := got.(DateTime); ok {
			return d.String() == w
		}
		g, ok := got.(string)
		return ok && g == w
	case nil:
		return got == nil
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	}
	wf, ok1 := number(want)
	gf, ok2 := number(got)
	return ok1 && ok2 && wf == gf
}
