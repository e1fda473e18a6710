package rules

import (
	"testing"

	"github.com/passcheck/passcheck/certlogic"
)

// A rule's JSON may nest as deep as CertLogic's limit allows, plus the
// rule's own levels, whether it is read from JSON or from a bundle.
func TestMaxRuleDepth(t *testing.T) {
	if want := certlogic.DefaultLimits.MaxDepth + 8; MaxRuleDepth != want || ruleJSONLimits.MaxDepth != want || bundleLimits.MaxDepth != want {
		t.Errorf("MaxRuleDepth %d, JSON %d, bundle %d; want %d", MaxRuleDepth, ruleJSONLimits.MaxDepth, bundleLimits.MaxDepth, want)
	}
}
