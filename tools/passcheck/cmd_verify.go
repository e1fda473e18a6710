package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
	"github.com/passcheck/passcheck/trustlist/certs"
)

func init() {
	register(&command{
		Name: "verify",
		UsageLine: "verify [--dsc CERT]... [--trustlist DIR|FILE --trust-key PUB.pem]... [--revocations SRC]... [--state FILE|none]\n" +
			"\t[--at RFC3339] [--rules SRC [--valuesets SRC]] [--country CC|none] [--region R] [--lang L] [--json] < PASS",
		Short: "verify one pass read from standard input",
		Long: `
Verify reads the text of one pass QR code ("HC1:...") from standard input,
checks it, and prints a verdict, or with --json the Result.

The trusted signers come from --dsc (a DSC certificate, PEM or DER; the flag
repeats) and from a trust list (--trustlist, a folder written by
"passcheck trustlist build" or a bundle file, checked against the pinned
publisher keys given with --trust-key; its freshness is judged by the real
clock).

Like the pages, verify remembers the highest sequence of a trust list it
accepted, per set of pinned publisher keys, and refuses an older list after
it (TRUSTLIST_ROLLBACK): an older list, even validly signed, may lack a
revocation or keep a withdrawn signer. The memory is a small file, by
default $XDG_STATE_HOME/passcheck/state.json (else
~/.local/state/passcheck/state.json); --state FILE names another, --state
none keeps none.

Revocation: a pass whose hash is on its issuer's revocation list is
CERT_REVOKED (not valid, whatever else). With --trustlist DIR the signed
revocation index that the folder's trustlist.json names is checked (its
sequence remembered like the list's); one that cannot be used, or is past
its expiry, gives REVOCATION_STALE (cannot check). --revocations SRC (gateway
batch JSON, a plain list, or a folder; repeatable) checks against those
entries instead. Without either (--dsc, or a bundle file) the Result carries
the warning REVOCATION_UNCHECKED.

--at sets the validation clock for the pass (RFC 3339, fractional seconds
allowed); the default is now.

Business rules (docs/rules.md) decide whether a verified pass is accepted
in the rule country: --rules SRC evaluates the rules of a source (a folder in
the EU business-rule layout, a rule JSON file, rules in CMS envelopes; the
value sets from --valuesets SRC, by default the EU ones built in); with
--trustlist, the rules the trust list carries are used. --country CC chooses
the rule country (default EU: the EU baseline; a member state's rules replace
it), --region R a region of it; --country none is technical check only. Rules
are evaluated only when --rules or --country is given or the trust list
carries rules; --country EU alone uses the EU baseline built into passcheck.
A failed rule is RULE_FAILED (not valid), a rule that could not be evaluated
RULE_OPEN, a country with no rule in force RULES_MISSING (cannot check).
--lang L prints the rule descriptions in that language where a rule has it.

The exit code follows the Result's verdict: 0 valid, 1 invalid, 3 cannot
check (the signer is not trusted, or the trust list cannot be used: the
pass's other failed checks are then unverified), 4 not a pass (the text is
not a readable pass); 2 is a usage or I/O error.

Example:

	passcheck verify --dsc signer.pem --at 2021-06-01T00:00:00Z < pass.txt
	passcheck verify --trustlist public/trust --trust-key publisher.pub --country DE < pass.txt
`,
		Run: runVerify,
	})
	register(&command{
		Name:      "decode",
		UsageLine: "decode < PASS",
		Short:     "print a pass's content without checking it",
		Long: `
Decode reads the text of one pass QR code from standard input and prints
its headers, claims and payload as JSON, without checking any signature,
clock or schema: for debugging. The exit code is 4 (not a pass) when it
cannot be decoded, 2 for a usage or I/O error.
`,
		Run: runDecode,
	})
}

// readPass reads one pass text from standard input. It reads at most one
// byte more than the core accepts, so that a text too long for a pass
// reaches the core and gets its code (INPUT_TOO_LARGE); empty input and
// input holding several passes are usage errors, each with its message.
func readPass(e *env) (string, error) {
	b, err := io.ReadAll(io.LimitReader(e.stdin, dcc.MaxInputLen+1))
	if err != nil {
		return "", err
	}
	text := string(b)
	if strings.TrimSpace(text) == "" {
		return "", errors.New("standard input is empty: give one pass text (HC1:...), e.g. passcheck verify < pass.txt")
	}
	if n := strings.Count(strings.ToUpper(text), dcc.Prefix); n > 1 && len(text) <= dcc.MaxInputLen {
		return "", fmt.Errorf("standard input holds %d passes: verify one at a time", n)
	}
	return text, nil
}

// dscSigners reads the signers of --dsc files.
func dscSigners(files []string) (dcc.Signers, error) {
	var out dcc.Signers
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		cs, err := certs.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f, err)
		}
		for _, c := range cs {
			s, err := certs.Signer(c)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", f, err)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

// keyChain asks each provider in turn and returns every match.
type keyChain []dcc.KeyProvider

func (kc keyChain) Signers(kid []byte) []dcc.Signer {
	var out []dcc.Signer
	for _, k := range kc {
		out = append(out, k.Signers(kid)...)
	}
	return out
}

func runVerify(e *env, args []string) int {
	c := commands["verify"]
	fs := newFlagSet(e, c)
	var dscs, trustKeys stringList
	fs.Var(&dscs, "dsc", "trust this DSC certificate (PEM or DER); repeatable")
	trustlistPath := fs.String("trustlist", "", "trust the signers of this trust list (folder or bundle file)")
	fs.Var(&trustKeys, "trust-key", "pinned publisher key (PEM) for --trustlist; repeatable")
	at := fs.String("at", "", "validation clock for the pass (RFC 3339); default now")
	asJSON := fs.Bool("json", false, "print the Result as JSON")
	stateFlag := fs.String("state", "", "rollback memory of --trustlist: `FILE`, or none; default the user's state folder")
	var revSources stringList
	fs.Var(&revSources, "revocations", "check against these revocation sources: gateway batch JSON, a plain list, or a folder (repeatable)")
	ruleFlags := addVerifyRuleFlags(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		errorf(e, "verify reads the pass from standard input; unexpected argument %q", fs.Arg(0))
		return 2
	}
	opts := dcc.Options{}
	if *at != "" {
		t, err := parseClock(*at)
		if err != nil {
			errorf(e, "%v", err)
			return 2
		}
		opts.Now = t
	}
	signers, err := dscSigners(dscs)
	if err != nil {
		errorf(e, "%v", err)
		return 2
	}
	keys := keyChain{signers}
	var status *trustlist.Status
	var verifiedList *trustlist.List // the list that loaded, for its rules
	if *trustlistPath != "" {
		if len(trustKeys) == 0 {
			errorf(e, "--trustlist needs the publisher's key")
			hintf(e, "add --trust-key PUB.pem (the key printed by \"passcheck trustlist keygen\")")
			return exitUsage
		}
		now := time.Now()
		statePath, stateID, err := stateFor(*stateFlag, trustKeys)
		var seen uint64
		if err == nil {
			seen, err = lastSeenSequence(statePath, stateID)
		}
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		list, _, err := loadTrustList(*trustlistPath, trustKeys, now, seen)
		var de *dcc.Error
		switch {
		case errors.As(err, &de) && de.Code == trustlist.KeyInvalid:
			errorf(e, "--trust-key: %v", err)
			return exitUsage
		case err != nil && !errors.As(err, &de):
			errorf(e, "%v", err)
			return exitUsage
		case err == nil:
			// The list passed every check, the rollback check included:
			// remember its sequence, so that an older one is refused next.
			if err := rememberSequence(statePath, stateID, list.Sequence, now); err != nil {
				hintf(e, "the trust list's rollback memory could not be saved (%v); give --state FILE or --state none", err)
			}
		}
		// A list that failed to load means the pass cannot be checked
		// against it: the Result says so, as the pages do.
		if err == nil {
			verifiedList = list
		}
		st := trustlist.Judge(list, 0, now, err)
		if k := st.Keys(); k != nil {
			keys = append(keys, k)
		}
		status = &st
	} else if len(dscs) == 0 {
		hintf(e, "no trusted signers: give --dsc or --trustlist, or every signature is KID_UNKNOWN")
	}
	text, err := readPass(e)
	if err != nil {
		errorf(e, "reading the pass: %v", err)
		return exitUsage
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now() // the rules' clock too
	}
	r := dcc.Check(text, keys, opts)
	if status != nil {
		status.AddTo(r)
	}
	revStatus, err := verifyRevocations(e, revSources, *trustlistPath, trustKeys, *stateFlag)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	addRevocation(r, text, revStatus, time.Now())
	if code := ruleFlags.apply(e, r, verifiedList, opts.Now); code != 0 {
		return code
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			errorf(e, "%v", err)
			return 2
		}
	} else {
		printVerdict(e.stdout, r)
		ruleFlags.print(e.stdout, r)
	}
	return verdictExit(r.Verdict)
}

// printVerdict prints a Result for people.
func printVerdict(w io.Writer, r *dcc.Result) {
	fmt.Fprintln(w, verdictLine[r.Verdict])
	if r.Holder != nil {
		label := "Holder"
		if r.Signer == nil {
			label = "Holder (UNVERIFIED: the signature did not verify)"
		}
		fmt.Fprintf(w, "%s: %s\n", label, holderLine(r.Holder))
		fmt.Fprintf(w, "Born: %s\n", r.Holder.DateOfBirth)
	}
	if r.Kind != dcc.KindNone {
		fmt.Fprintf(w, "Kind: %s\n", describeKind(r))
	}
	if r.Issuer != "" {
		fmt.Fprintf(w, "Issuer: %s", r.Issuer)
		if r.Signer != nil {
			fmt.Fprintf(w, ", signed by %s", r.Signer.Subject)
		}
		fmt.Fprintln(w)
	}
	if r.IssuedAt != "" || r.ExpiresAt != "" {
		fmt.Fprintf(w, "Issued: %s  Expires: %s\n", r.IssuedAt, r.ExpiresAt)
	}
	for _, m := range r.Errors {
		fmt.Fprintf(w, "  ✗ %s: %s\n", m.Code, m.Message)
	}
	for _, m := range r.Warnings {
		fmt.Fprintf(w, "  ! %s: %s\n", m.Code, m.Message)
	}
}

// verdictLine is the first line printVerdict prints for each verdict.
var verdictLine = map[dcc.Verdict]string{
	dcc.VerdictValid:       "VALID",
	dcc.VerdictInvalid:     "NOT VALID",
	dcc.VerdictCannotCheck: "CANNOT CHECK",
	dcc.VerdictNotAPass:    "NOT A PASS",
}

func holderLine(h *dcc.Holder) string {
	name := strings.TrimSpace(h.FamilyName + ", " + h.GivenName)
	std := strings.TrimSpace(h.FamilyNameStd + ", " + h.GivenNameStd)
	return strings.Trim(name, ", ") + " (" + strings.Trim(std, ", ") + ")"
}

// describeKind says what the certificate attests, with display names.
func describeKind(r *dcc.Result) string {
	m, _ := r.Certificate.(map[string]any)
	group := map[dcc.Kind]string{dcc.KindVaccination: "v", dcc.KindTest: "t", dcc.KindRecovery: "r"}[r.Kind]
	arr, _ := m[group].([]any)
	if len(arr) == 0 {
		return string(r.Kind)
	}
	e, _ := arr[0].(map[string]any)
	name := func(field string) string {
		code, _ := e[field].(string)
		if n, ok := dcc.DisplayName(r.Kind, field, code); ok {
			return n
		}
		return strings.TrimSpace(code)
	}
	switch r.Kind {
	case dcc.KindVaccination:
		return fmt.Sprintf("vaccination, dose %v/%v of %s on %v", e["dn"], e["sd"], name("mp"), e["dt"])
	case dcc.KindTest:
		return fmt.Sprintf("test, %s, %s, sampled %v", name("tt"), name("tr"), e["sc"])
	default:
		return fmt.Sprintf("recovery, valid %v to %v", e["df"], e["du"])
	}
}

func runDecode(e *env, args []string) int {
	fs := newFlagSet(e, commands["decode"])
	if err := fs.Parse(args); err != nil {
		return 2
	}
	text, err := readPass(e)
	if err != nil {
		errorf(e, "reading the pass: %v", err)
		return 2
	}
	p, err := dcc.Decode(text)
	if err != nil {
		errorf(e, "%v", err)
		return exitNotAPass
	}
	out := map[string]any{
		"alg":         p.Alg,
		"kid":         p.KID,
		"issuer":      p.Issuer,
		"issuedAt":    p.IssuedAt,
		"expiresAt":   p.ExpiresAt,
		"certificate": p.Certificate,
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		errorf(e, "%v", err)
		return 2
	}
	return 0
}
