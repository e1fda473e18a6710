package rules

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/passcheck/passcheck/certlogic"
	"github.com/passcheck/passcheck/internal/jsonread"
)

// Limits on rule sources.
const (
	// MaxRuleSourceBytes caps one rule file, or one file of rules.
	MaxRuleSourceBytes = 16 << 20
	// MaxRuleBytes caps the JSON of one rule inside a CMS envelope.
	MaxRuleBytes = 1 << 20
)

// ruleJSONLimits read rules: the depth leaves room for CertLogic's
// MaxDepth plus the rule's own object.
var ruleJSONLimits = jsonread.Limits{MaxBytes: MaxRuleSourceBytes, MaxDepth: MaxRuleDepth}

// Problem is a rule, or a part of a source, that was left out.
type Problem struct {
	Source string // the file, and where in it
	Err    error  // an *Error
}

// Loaded is what a rule source gave.
type Loaded struct {
	Rules    []*Rule
	Problems []Problem
	// Notes are facts a build report must show, such as "the CMS
	// signature was not checked".
	Notes []string
}

func (l *Loaded) add(o *Loaded) {
	l.Rules = append(l.Rules, o.Rules...)
	l.Problems = append(l.Problems, o.Problems...)
	l.Notes = append(l.Notes, o.Notes...)
}

// LoadRules reads rules from path: a folder in the layout of the EU's
// business-rule repositories (every file named rule.json below it, at any
// depth; tests and other files are ignored), or one file that
// [ParseRules] reads. An error is returned only when path cannot be read;
// a bad rule becomes a [Problem].
func LoadRules(path string) (*Loaded, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		data, err := readFile(path)
		if err != nil {
			return nil, err
		}
		return ParseRules(path, data), nil
	}
	return LoadRulesFS(os.DirFS(path), ".", func(p string) string { return filepath.Join(path, filepath.FromSlash(p)) })
}

// LoadRulesFS reads the rules of every file named rule.json below root in
// fsys, at any depth, in the order of their paths, as [LoadRules] reads a
// folder; name gives each file's name in reports. An error is returned
// only when a file cannot be read.
func LoadRulesFS(fsys fs.FS, root string, name func(path string) string) (*Loaded, error) {
	var files []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "rule.json" {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := &Loaded{}
	for _, f := range files {
		data, err := readFS(fsys, f, name(f))
		if err != nil {
			return nil, err
		}
		out.add(ParseRules(name(f), data))
	}
	return out, nil
}

// readFile reads the file at path, refusing one over MaxRuleSourceBytes.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, path)
}

// readFS is readFile for file p of fsys, named name in errors.
func readFS(fsys fs.FS, p, name string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readCapped(f, name)
}

func readCapped(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxRuleSourceBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxRuleSourceBytes {
		return nil, &Error{Code: SourceInvalid, Msg: name + " is larger than " + strconv.Itoa(MaxRuleSourceBytes) + " bytes"}
	}
	return data, nil
}

// ParseRules reads the rules in one source file, named name in reports:
//
//   - a rule as JSON, or a JSON array of rules (as national business-rule
//     services serve them);
//   - a rule in the gateway's CMS envelope: DER, or its base64, or JSON
//     with a "cms" member holding the base64 (one such object, an array of
//     them, or the gateway's map of Identifier to such arrays). The
//     content is extracted and a note says that the CMS signature was not
//     checked.
func ParseRules(name string, data []byte) *Loaded {
	out := &Loaded{}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[') {
		v, err := jsonread.Read(trimmed, ruleJSONLimits)
		if err != nil {
			out.Problems = append(out.Problems, Problem{name, &Error{Code: SourceInvalid, Msg: err.Error(), Err: err}})
			return out
		}
		out.tree(name, v, true)
		return out
	}
	out.cms(name, trimmed)
	return out
}

func (out *Loaded) tree(name string, v any, top bool) {
	switch x := v.(type) {
	case []any:
		for i, item := range x {
			out.tree(name+"["+strconv.Itoa(i)+"]", item, false)
		}
		return
	case map[string]any:
		if _, ok := x["Identifier"]; ok {
			out.rule(name, x)
			return
		}
		if c, ok := x["cms"].(string); ok {
			out.cms(name, []byte(c))
			return
		}
		if top && len(x) > 0 {
			// The gateway's listing: Identifier → [{"cms": ...}, ...].
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			all := true
			for _, k := range keys {
				if _, ok := x[k].([]any); !ok {
					all = false
				}
			}
			if all {
				for _, k := range keys {
					out.tree(name+"["+strconv.Quote(k)+"]", x[k], false)
				}
				return
			}
		}
	}
	out.Problems = append(out.Problems, Problem{name, &Error{Code: SourceInvalid, Msg: "neither a rule, an array of rules, nor a CMS-wrapped rule"}})
}

func (out *Loaded) rule(name string, v any) {
	r, err := ParseRule(v, certlogic.DefaultLimits)
	if err != nil {
		out.Problems = append(out.Problems, Problem{name, err})
		return
	}
	r.Source = name
	out.Rules = append(out.Rules, r)
}

func (out *Loaded) cms(name string, data []byte) {
	der := data
	if len(der) == 0 || der[0] != 0x30 {
		dec := make([]byte, base64.StdEncoding.DecodedLen(len(data)))
		n, err := base64.StdEncoding.Decode(dec, bytes.Join(bytes.Fields(data), nil))
		if err != nil {
			out.Problems = append(out.Problems, Problem{name, &Error{Code: SourceInvalid, Msg: "neither JSON, nor a CMS envelope in DER or base64"}})
			return
		}
		der = dec[:n]
	}
	content, err := cmsContent(der)
	if err != nil {
		out.Problems = append(out.Problems, Problem{name, &Error{Code: SourceInvalid, Msg: "CMS envelope: " + err.Error(), Err: err}})
		return
	}
	if len(content) > MaxRuleBytes {
		out.Problems = append(out.Problems, Problem{name, &Error{Code: SourceInvalid, Msg: "CMS content larger than " + strconv.Itoa(MaxRuleBytes) + " bytes"}})
		return
	}
	v, err := jsonread.Read(content, ruleJSONLimits)
	if err != nil {
		out.Problems = append(out.Problems, Problem{name, &Error{Code: SourceInvalid, Msg: "CMS content: " + err.Error(), Err: err}})
		return
	}
	before := len(out.Rules)
	out.rule(name+" (CMS content)", v)
	for _, r := range out.Rules[before:] {
		out.Notes = append(out.Notes, name+": rule "+r.Identifier+" "+r.Version+" taken from its CMS envelope; the CMS signature was not checked")
	}
}

// cmsContent returns the encapsulated content of a CMS SignedData
// (RFC 5652 §5.1) in DER: ContentInfo{id-signedData, [0] SignedData{
// version, digestAlgorithms, encapContentInfo{eContentType, [0] OCTET
// STRING}, ...}}. It checks no signature.
func cmsContent(der []byte) ([]byte, error) {
	ci, rest, err := tlv(der, 0x30)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, errors.New("data after the ContentInfo")
	}
	oid, ci, err := tlv(ci, 0x06)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(oid, oidSignedData) {
		return nil, errors.New("not SignedData")
	}
	sdWrap, _, err := tlv(ci, 0xa0)
	if err != nil {
		return nil, err
	}
	sd, _, err := tlv(sdWrap, 0x30)
	if err != nil {
		return nil, err
	}
	if _, sd, err = tlv(sd, 0x02); err != nil { // version
		return nil, err
	}
	if _, sd, err = tlv(sd, 0x31); err != nil { // digestAlgorithms
		return nil, err
	}
	eci, _, err := tlv(sd, 0x30)
	if err != nil {
		return nil, err
	}
	if _, eci, err = tlv(eci, 0x06); err != nil { // eContentType
		return nil, err
	}
	wrap, _, err := tlv(eci, 0xa0)
	if err != nil {
		return nil, errors.New("no encapsulated content (a detached signature)")
	}
	if len(wrap) > 0 && wrap[0] == 0x24 { // constructed OCTET STRING: concatenate its parts
		parts, _, err := tlv(wrap, 0x24)
		if err != nil {
			return nil, err
		}
		var out []byte
		for len(parts) > 0 {
			var p []byte
			if p, parts, err = tlv(parts, 0x04); err != nil {
				return nil, err
			}
			out = append(out, p...)
		}
		return out, nil
	}
	content, _, err := tlv(wrap, 0x04)
	return content, err
}

var oidSignedData = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02}

// tlv reads one DER element with the given tag and returns its content
// and what follows it.
func tlv(b []byte, tag byte) (content, rest []byte, err error) {
	if len(b) < 2 {
		return nil, nil, errors.New("truncated")
	}
	if b[0] != tag {
		return nil, nil, errors.New("unexpected tag 0x" + strconv.FormatUint(uint64(b[0]), 16))
	}
	n, i := int(b[1]), 2
	if n >= 0x80 {
		k := n & 0x7f
		if k == 0 || k > 4 || len(b) < 2+k {
			return nil, nil, errors.New("unsupported length")
		}
		n = 0
		for _, c := range b[2 : 2+k] {
			n = n<<8 | int(c)
		}
		i = 2 + k
	}
	if n < 0 || n > len(b)-i {
		return nil, nil, errors.New("truncated")
	}
	return b[i : i+n], b[i+n:], nil
}
