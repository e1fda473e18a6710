package dcc

// ValueSets returns the EU value sets behind [DisplayName], as the pages
// carry them: set name (the name of the EU's file, such as
// "vaccine-medicinal-product" or "country-2-codes") → code → display name.
// Each call returns new maps.
func ValueSets() map[string]map[string]string {
	out := make(map[string]map[string]string, 8)
	for name, vs := range map[string]valueSet{
		"disease-agent-targeted":    diseaseAgentTargeted,
		"vaccine-prophylaxis":       vaccineProphylaxis,
		"vaccine-medicinal-product": vaccineMedicinalProduct,
		"vaccine-mah-manf":          vaccineMahManf,
		"test-type":                 testType,
		"test-manf":                 testManf,
		"test-result":               testResult,
		"country-2-codes":           countryCodes,
	} {
		m := make(map[string]string, len(vs))
		for _, e := range vs {
			if e.display != "" {
				m[e.code] = e.display
			}
		}
		out[name] = m
	}
	return out
}
