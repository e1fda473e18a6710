package publish

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSources feeds arbitrary bytes to the gateway and German-list readers
// (through a file, as the command line gives them): no panic, and either an
// error or a batch whose every candidate is a parsed certificate.
func FuzzSources(f *testing.F) {
	p := loadPKI(f)
	gw := jsonOf(f, []gatewayItem{item(p.de1.DER, "DE", "DSC"), item(p.de.DER, "DE", "CSCA"), item(p.rsa.DER, "FR", "DSC")})
	f.Add(gw)
	f.Add(append([]byte("MEUCIQ==\n"), jsonOf(f, map[string]any{"certificates": []gatewayItem{item(p.de1.DER, "DE", "DSC")}})...))
	f.Add([]byte("[]"))
	f.Add([]byte(`[{"certificateType":"DSC","rawData":"AAAA","thumbprint":"00"}]`))
	f.Add([]byte("\n{\"certificates\":null}"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "source")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, src := range []Source{Gateway(path, nil), GermanList(path, nil, nil)} {
			b, err := src.Load(context.Background())
			if err != nil {
				continue
			}
			for _, c := range b.Candidates {
				if c.Cert == nil || len(c.Cert.Raw) == 0 {
					t.Fatalf("%s: a candidate without a certificate", src)
				}
			}
		}
	})
}
