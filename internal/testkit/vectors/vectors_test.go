package vectors

import (
	"strings"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	vs, err := Vectors("../../../testdata/vectors")
	if err != nil {
		t.Fatal(err)
	}
	valid := 0
	for _, v := range vs {
		if !strings.HasPrefix(strings.TrimSpace(v.Text), "HC1:") && !strings.HasPrefix(v.Name, "prefix-") {
			t.Errorf("%s: text %.20q", v.Name, v.Text)
		}
		if len(v.Expect) == 0 {
			valid++
		}
	}
	if len(vs) < 60 || valid < 15 {
		t.Errorf("%d vectors, %d valid", len(vs), valid)
	}
	cs, err := DGCCases("../../../testdata/dgc-common/2DCode/raw")
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 38 {
		t.Errorf("%d conformance cases, want 38", len(cs))
	}
	if _, err := VectorNamed("../../../testdata/vectors", "no-such-vector"); err == nil {
		t.Error("a missing vector was read")
	}
}

func TestParseClock(t *testing.T) {
	want := time.Date(2021, 5, 3, 18, 0, 0, 0, time.UTC)
	for _, s := range []string{"2021-05-03T18:00:00Z", "2021-05-03T18:00:00+0000", "2021-05-03T18:00:00", "2021-05-03T20:00:00+02:00"} {
		if got, err := ParseClock(s); err != nil || !got.Equal(want) {
			t.Errorf("ParseClock(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseClock("yesterday"); err == nil {
		t.Error("ParseClock accepted yesterday")
	}
}
