package dcc

// RulesOutcome is the business-rule part of a [Result] (its "rules" field):
// the rule country and region the verifier was set to, and how each rule
// that applied to the pass ended. Package rules fills it
// (rules.Set.Apply); a Result's Rules is nil only when the verifier does
// technical checks alone (rule country "none"). When rules were due but
// not evaluated (the pass failed a technical check: rules are evaluated on
// verified data only), Results is empty.
type RulesOutcome struct {
	Country string       `json:"country"` // "EU", or a member state's code
	Region  string       `json:"region"`  // "" for the whole country
	Results []RuleResult `json:"results"` // never nil
}

// RuleResult is how one business rule ended on a pass.
type RuleResult struct {
	ID              string            `json:"id"`              // "VR-EU-0001"
	Version         string            `json:"version"`         // "1.0.0"
	Type            string            `json:"type"`            // "Acceptance" or "Invalidation"
	Country         string            `json:"country"`         // the rule's owner
	CertificateType string            `json:"certificateType"` // General, Vaccination, Test or Recovery
	Result          string            `json:"result"`          // "passed", "failed" or "open"
	Description     string            `json:"description"`     // in English
	Descriptions    []RuleDescription `json:"descriptions"`    // every language the rule has
	AffectedFields  []string          `json:"affectedFields"`  // the payload fields the rule reads
}

// RuleDescription is a rule's description in one language.
type RuleDescription struct {
	Lang string `json:"lang"` // "en", "de", "pt-br"
	Desc string `json:"desc"`
}

// The business-rule codes. Package rules adds them to a Result; a failed
// rule's message there is the rule's English description.
const (
	RuleFailed   Code = "RULE_FAILED"   // a rule's result was false (invalid)
	RuleOpen     Code = "RULE_OPEN"     // a rule could not be evaluated (cannot check)
	RulesMissing Code = "RULES_MISSING" // the chosen rule country has no rule in force (cannot check)
)
