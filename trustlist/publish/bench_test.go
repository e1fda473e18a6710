//go:build benchtrustlist

package publish

import (
	"context"
	"crypto"
	"fmt"
	"sync"
	"testing"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/testkit/issuer"
	"github.com/passcheck/passcheck/trustlist"
)

// The signer mixes of the benchmarks: like the EU list, mostly ECDSA P-256,
// with RSA keys of three sizes: one signer in rsaEvery is RSA (5%, 10% and
// 20%); of the RSA ones, half are 2048-bit, a third 3072-bit, the rest
// 4096-bit. Generating thousands of RSA keys would take minutes, so the RSA
// signers share three keys, each with its own certificate (and so its own
// kid): the bundle bytes and the load work are the same as with distinct
// keys. The first mix is the real list's (878 certificates from 81
// countries in a production snapshot, about 5% RSA): p384 of its P-256
// signers are P-384 instead (extra signers), and as many are CA-flagged and
// have a negative serial number.
type benchMix struct{ n, rsaEvery, p384 int }

var benchMixes = []benchMix{{900, 20, 6}, {2000, 10, 0}, {2000, 5, 0}, {20000, 10, 0}, {20000, 5, 0}}

func (m benchMix) String() string {
	s := fmt.Sprintf("signers=%d/rsa=%d%%", m.n, 100/m.rsaEvery)
	if m.p384 > 0 {
		s += fmt.Sprintf("/p384=%d", m.p384)
	}
	return s
}

var benchCountries = []string{"AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK"}

type benchSet struct {
	src       candidates
	rsa, p384 int
}

var benchSets sync.Map // benchMix → func() (*benchSet, error)

// benchSigners returns generated signers, made once per process.
func benchSigners(b *testing.B, m benchMix) *benchSet {
	b.Helper()
	f, _ := benchSets.LoadOrStore(m, sync.OnceValues(func() (*benchSet, error) { return genSigners(m) }))
	s, err := f.(func() (*benchSet, error))()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func genSigners(m benchMix) (*benchSet, error) {
	cas := map[string]*issuer.Authority{}
	for _, c := range benchCountries {
		ca, err := issuer.NewCSCA(c, issuer.EC, testNow.AddDate(-3, 0, 0), testNow.AddDate(10, 0, 0))
		if err != nil {
			return nil, err
		}
		cas[c] = ca
	}
	var rsaKeys []crypto.Signer
	for _, kt := range []issuer.KeyType{issuer.RSA2048, issuer.RSA3072, issuer.RSA4096} {
		k, err := issuer.NewKey(kt)
		if err != nil {
			return nil, err
		}
		rsaKeys = append(rsaKeys, k)
	}
	s := &benchSet{}
	usages := []dcc.KeyUsage{0, dcc.UsageVaccination, dcc.UsageTest, dcc.UsageRecovery, dcc.UsageVaccination | dcc.UsageRecovery}
	for i := range m.n {
		country := benchCountries[i%len(benchCountries)]
		o := issuer.DSCOptions{
			KeyType:   issuer.EC,
			Usage:     usages[i%len(usages)],
			NotBefore: testNow.AddDate(-1, 0, i%365),
			NotAfter:  testNow.AddDate(1, 0, i%365),
			// The bundle keeps the common name: 35 bytes here, longer
			// than most real ones ("DSC_FR_019", "AT DGC DSC 2").
			Name: fmt.Sprintf("%s DGC DSC %05d Ministry of Health", country, i),
		}
		if i%m.rsaEvery == m.rsaEvery-1 {
			r := (i / m.rsaEvery) % 6 // 0-2: 2048, 3-4: 3072, 5: 4096
			o.Key = rsaKeys[min(r/3+r/5, 2)]
			s.rsa++
		} else if s.p384 < m.p384 && i%7 == 3 {
			o.KeyType, o.CA, o.NegativeSerial = issuer.EC384, true, true
			s.p384++
		} else if s.p384 < m.p384 && i%7 == 5 {
			o.CA, o.NegativeSerial = true, true
		}
		d, err := cas[country].NewDSC(o)
		if err != nil {
			return nil, err
		}
		s.src = append(s.src, Candidate{Cert: d.Cert, Origin: "bench"})
	}
	return s, nil
}

func BenchmarkBuild(b *testing.B) {
	p := loadPKI(b)
	for _, m := range benchMixes {
		b.Run(m.String(), func(b *testing.B) {
			set := benchSigners(b, m)
			var size int
			var r *Report
			for b.Loop() {
				bundle, report, err := Build(context.Background(), Options{Sources: []Source{set.src}, Key: p.key, Now: testNow})
				if err != nil {
					b.Fatal(err)
				}
				size, r = len(bundle), report
			}
			if r.Signers != m.n || r.Extra != set.p384 || len(r.LeftOut) != 0 {
				b.Fatalf("%d signers (%d extra, %d left out), want %d (%d extra)", r.Signers, r.Extra, len(r.LeftOut), m.n, set.p384)
			}
			b.ReportMetric(float64(size), "bundle-bytes")
			b.ReportMetric(float64(size)/float64(m.n), "bytes/signer")
		})
	}
}

// BenchmarkLoad measures what a verifier does with a bundle: check the
// signature, then read, check and index every signer (each key's encoding
// is checked; the keys are parsed on first use). The every-key variant then
// parses every key too (List.All), as a verifier that used them all would:
// the work Load did before keys were parsed on first use.
func BenchmarkLoad(b *testing.B) {
	p := loadPKI(b)
	pinned := []crypto.PublicKey{p.key.Public()}
	for _, m := range benchMixes {
		bundle, _, err := Build(context.Background(), Options{Sources: []Source{benchSigners(b, m).src}, Key: p.key, Now: testNow})
		if err != nil {
			b.Fatal(err)
		}
		for _, every := range []bool{false, true} {
			name := m.String()
			if every {
				name += "/every-key"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(int64(len(bundle)))
				for b.Loop() {
					l, err := trustlist.Load(bundle, pinned, testNow, 0)
					if err != nil || l.Len() != m.n {
						b.Fatal(err)
					}
					if every && len(l.All()) != m.n {
						b.Fatal("All")
					}
				}
			})
		}
	}
}
