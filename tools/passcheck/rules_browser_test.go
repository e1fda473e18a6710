package main

import (
	"strings"
	"testing"
	"time"
)

// ruleInfo is what the page shows about rules, read from the DOM.
type ruleInfo struct {
	Line      string     `json:"line"`
	Technical bool       `json:"technical"`
	Notes     []ruleNote `json:"notes"`
}

type ruleNote struct {
	Rule   string `json:"rule"`
	Result string `json:"result"`
	Text   string `json:"text"`
}

const readRulesJS = `(() => {
  const v = document.getElementById("verdict");
  return {
    line: document.getElementById("rules-line").textContent,
    technical: !!v.querySelector(".rules-technical"),
    notes: [...v.querySelectorAll(".rule-reasons li")].map((l) => ({ rule: l.dataset.rule, result: l.dataset.result, text: l.textContent })),
  };
})()`

// TestSiteBrowserRules: the business rules on the scanner page, with the
// demo's trust list (the EU baseline and Demoland, XX): a test too old and
// an incomplete vaccination are red with the rule and why, in the page's
// language; a valid pass is green; an open rule is amber; "none" is a
// technical check only, and says so.
func TestSiteBrowserRules(t *testing.T) {
	env := newSiteEnv(t, false)
	b := env.phone(t, 5*time.Minute)
	srv := serveSite(t, env.dir)

	check := func(t *testing.T, p *sitePage, name, state string) ruleInfo {
		t.Helper()
		got := p.paste(env.pass(t, name).Text)
		if got.State != state {
			t.Errorf("%s: verdict %q, want %q (reasons %q)", name, got.State, state, got.Reasons)
		}
		ri := eval[ruleInfo](p, readRulesJS)
		p.next()
		return ri
	}
	note := func(t *testing.T, ri ruleInfo, rule string, want ...string) {
		t.Helper()
		for _, n := range ri.Notes {
			if n.Rule == rule {
				for _, w := range want {
					if !strings.Contains(n.Text, w) {
						t.Errorf("rule %s: %q lacks %q", rule, n.Text, w)
					}
				}
				return
			}
		}
		t.Errorf("no note for rule %s: %+v", rule, ri.Notes)
	}

	t.Run("EU baseline by default", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		ri := check(t, p, "stale-test", "invalid")
		if !strings.HasPrefix(ri.Line, "Rules: EU baseline · updated") {
			t.Errorf("rules line %q", ri.Line)
		}
		note(t, ri, "TR-EU-0006", "The test is too old.", "less than 72 hours")
		ri = check(t, p, "incomplete-vaccination", "invalid")
		note(t, ri, "VR-EU-0002", "The vaccination series is incomplete.", "Vaccination doses must be equal or greater")
		if ri = check(t, p, "valid-vaccination", "valid"); len(ri.Notes) != 0 || ri.Technical {
			t.Errorf("valid: %+v", ri)
		}
		// In Vietnamese: our lead in Vietnamese; the EU rule has no
		// Vietnamese description, so English.
		p.setLanguage("vi")
		ri = check(t, p, "stale-test", "invalid")
		note(t, ri, "TR-EU-0006", "Xét nghiệm đã quá cũ.", "less than 72 hours")
		if !strings.HasPrefix(ri.Line, "Quy tắc: cơ bản của EU") {
			t.Errorf("rules line in vi %q", ri.Line)
		}
		p.setLanguage("en")
		p.CheckNoConsoleErrors()
	})

	t.Run("a region with an open rule", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/?rules=XX/R2")
		ri := check(t, p, "valid-vaccination", "cannot-check")
		if !strings.HasPrefix(ri.Line, "Rules: XX, region R2") {
			t.Errorf("rules line %q", ri.Line)
		}
		note(t, ri, "VR-XX-0003", "This rule could not be checked.")
		p.CheckNoConsoleErrors()
	})

	t.Run("technical check only", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/?rules=none")
		ri := check(t, p, "incomplete-vaccination", "valid")
		if !ri.Technical || !strings.Contains(ri.Line, "technical check only") {
			t.Errorf("technical check only: %+v", ri)
		}
		mini := eval[string](p, `document.getElementById("verdict-rules").textContent`)
		if !strings.Contains(mini, "technical check only") {
			t.Errorf("the verdict bar's rule line %q", mini)
		}
		p.CheckNoConsoleErrors()
	})

	t.Run("the operator's setting, kept on the device", func(t *testing.T) {
		p := openSite(t, b, srv.URL+"/")
		eval[bool](p, `(() => { const s = document.getElementById("rules-country"); s.value = "XX"; s.dispatchEvent(new Event("change")); return true; })()`)
		p.waitFor(`document.getElementById("rules-line").textContent.startsWith("Rules: XX")`, 5*time.Second)
		p.reload()
		p.waitFor(`document.getElementById("rules-line").textContent.startsWith("Rules: XX")`, 5*time.Second)
		p.setLanguage("vi")
		ri := check(t, p, "incomplete-vaccination", "invalid")
		note(t, ri, "VR-XX-0001", "Liệu trình tiêm chủng chưa đầy đủ.", "Liệu trình tiêm chủng phải đầy đủ")
		p.setLanguage("en")
		eval[bool](p, `(() => { const s = document.getElementById("rules-country"); s.value = ""; s.dispatchEvent(new Event("change")); return true; })()`)
		p.waitFor(`document.getElementById("rules-line").textContent.startsWith("Rules: EU baseline")`, 5*time.Second)
		p.CheckNoConsoleErrors()
	})
}
