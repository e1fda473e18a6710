// Package vectors reads the project's test passes: the generated vectors in
// testdata/vectors (see internal/testkit/genvectors) and the EU DCC conformance
// cases in testdata/dgc-common. Every test that runs passes through the core —
// natively, under Node, in a browser — reads them here, so that all of them
// judge the same cases. It imports only the standard library, so that the
// core's own tests may use it.
package vectors

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Vector is one file of testdata/vectors: a header, a blank line, the text.
type Vector struct {
	Name    string
	Comment string
	Expect  []string  // the error codes, sorted; empty for a valid pass
	Warn    []string  // the warning codes, sorted
	Now     time.Time // the validation clock
	Text    string    // the QR text, exactly as the file holds it
}

// SignersFile is the file of a vectors folder holding the trusted DSC
// certificates (PEM).
const SignersFile = "signers.pem"

// Vectors reads every vector in dir.
func Vectors(dir string) ([]Vector, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no vectors in %s: run go generate ./dcc", dir)
	}
	var out []Vector
	for _, f := range files {
		v, err := readVector(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// VectorNamed reads the vector name (without .txt) in dir.
func VectorNamed(dir, name string) (Vector, error) {
	return readVector(filepath.Join(dir, name+".txt"))
}

func readVector(file string) (Vector, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Vector{}, err
	}
	head, text, ok := strings.Cut(string(data), "\n\n")
	if !ok {
		return Vector{}, fmt.Errorf("%s: no blank line after the header", file)
	}
	v := Vector{Name: strings.TrimSuffix(filepath.Base(file), ".txt"), Text: strings.TrimSuffix(text, "\n")}
	sc := bufio.NewScanner(strings.NewReader(head))
	for sc.Scan() {
		k, val, _ := strings.Cut(sc.Text(), ": ")
		switch k {
		case "expect":
			if val != "valid" {
				v.Expect = strings.Fields(val)
			}
		case "warn":
			v.Warn = strings.Fields(val)
		case "now":
			if v.Now, err = time.Parse(time.RFC3339, val); err != nil {
				return Vector{}, fmt.Errorf("%s: %v", file, err)
			}
		case "comment":
			v.Comment = val
		default:
			return Vector{}, fmt.Errorf("%s: unknown header %q", file, k)
		}
	}
	if v.Now.IsZero() {
		return Vector{}, fmt.Errorf("%s: no now: header", file)
	}
	return v, nil
}

// DGCCase is one EU DCC conformance case (testdata/dgc-common; its README
// explains the fields and flags).
type DGCCase struct {
	Name        string
	Prefix      string          // the QR text
	JSON        any             // the DCC payload as JSON, when the case has one
	Certificate string          // the signer's DER certificate, base64; "" when none
	Clock       time.Time       // VALIDATIONCLOCK
	Description string          // DESCRIPTION
	Expected    map[string]bool // EXPECTEDRESULTS
	PNG         string          // 2DCODE: the QR picture, base64 PNG
}

// DGCCases reads the cases in dir (testdata/dgc-common/2DCode/raw).
func DGCCases(dir string) ([]DGCCase, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		return nil, fmt.Errorf("no conformance cases in %s", dir)
	}
	var out []DGCCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var c struct {
			JSON    any    `json:"JSON"`
			Prefix  string `json:"PREFIX"`
			PNG     string `json:"2DCODE"`
			TestCtx struct {
				Certificate     string `json:"CERTIFICATE"`
				ValidationClock string `json:"VALIDATIONCLOCK"`
				Description     string `json:"DESCRIPTION"`
			} `json:"TESTCTX"`
			Expected map[string]bool `json:"EXPECTEDRESULTS"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		clock, err := ParseClock(c.TestCtx.ValidationClock)
		if err != nil {
			return nil, fmt.Errorf("%s: VALIDATIONCLOCK: %v", f, err)
		}
		out = append(out, DGCCase{
			Name: strings.TrimSuffix(filepath.Base(f), ".json"), Prefix: c.Prefix, JSON: c.JSON,
			Certificate: c.TestCtx.Certificate, Clock: clock, Description: c.TestCtx.Description,
			Expected: c.Expected, PNG: c.PNG,
		})
	}
	return out, nil
}

// ParseClock reads a VALIDATIONCLOCK: RFC 3339, a "+0000"-style offset, or
// no zone (UTC).
func ParseClock(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("not a time: " + s)
}
