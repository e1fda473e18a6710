package jsontext

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzAppendString: any Go string, valid UTF-8 or not, comes back from
// JSON as encoding/json would give it back.
func FuzzAppendString(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/vectors/*.txt")
	if len(files) == 0 {
		f.Fatal("no seeds: ../../testdata/vectors is empty")
	}
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("\x00\x1f\"\\\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		var got, want string
		if err := json.Unmarshal(AppendString(nil, s), &got); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		std, _ := json.Marshal(s)
		json.Unmarshal(std, &want)
		if got != want {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	})
}

// AppendFloat gives back the same number through encoding/json, and null
// for what JSON cannot hold.
func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, math.Copysign(0, -1), 1.5, 1e21, 1e-7, 123456789012345678, -1 << 62, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		var got float64
		if err := json.Unmarshal(AppendFloat(nil, f), &got); err != nil || got != f {
			t.Errorf("AppendFloat(%v) = %s: %v, %v", f, AppendFloat(nil, f), got, err)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := string(AppendFloat(nil, f)); got != "null" {
			t.Errorf("AppendFloat(%v) = %s", f, got)
		}
	}
}

func TestAppendValue(t *testing.T) {
	type odd struct{}
	tree := map[string]any{"b": []any{1.5, int64(-2), 3, true, nil, "x"}, "a": map[string]any{}, "c": odd{}, "d": math.Inf(1)}
	if got, want := string(AppendValue(nil, tree, nil)), `{"a":{},"b":[1.5,-2,3,true,null,"x"],"c":null,"d":null}`; got != want {
		t.Errorf("AppendValue = %s, want %s", got, want)
	}
	other := func(b []byte, v any) []byte { return append(b, `"odd"`...) }
	if got, want := string(AppendValue(nil, []any{odd{}}, other)), `["odd"]`; got != want {
		t.Errorf("AppendValue with other = %s, want %s", got, want)
	}
}
