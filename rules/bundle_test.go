package rules

import (
	"testing"

	"github.com/passcheck/passcheck/certlogic"
)

// A rule's JSON may nest as deep as CertLogic's limit allows, plus the
// rule's own levels, whether it is read from JSON or from a bundle.
func TestMaxRuleDepth(t *testing.T) {
	if want := certlogic.DefaultLimits.MaxDepth + 8; maxRuleDepth != want || ruleJSONLimits.MaxDepth != want || bundleLimits.MaxDepth != want {
		t.Errorf("maxRuleDepth %d, JSON %d, bundle %d; want %d", maxRuleDepth, ruleJSONLimits.MaxDepth, bundleLimits.MaxDepth, want)
	}
}
