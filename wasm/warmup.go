package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"encoding/hex"
	"time"

	"github.com/passcheck/passcheck/dcc"
)

// warmUpPass is a vaccination pass signed by a throwaway test key
// (warmUpKID, warmUpX, warmUpY) that is in no trust list. [warmUp] verifies
// it once at start-up, so that the first real scan does not pay for the
// first run of the decode, schema and ECDSA code (30–110 ms in a
// prototype).
const warmUpPass = "HC1:NCFT20W80T9WTWGSLKC 4W995GB6$3UYA/F2FBBHB4*70Q7BFN0HUU/L4WY07ACNAFD97TK0F90$PC5$CUZC$$5Y$5TPCBEC7ZKW.CH8DP3DGIFZVN:.DW.C8WEE+9OZACY8 JCA/D8UA7OSLQHHZ94/DM344/DMPCG/DCVDA692S71C9.59NB8 69GVC*JC1A6FA73W5$Q6-96KECTHG.JCP9EJY8L/5M/5546.96VF6.JCBECB1A-:8$966469L6OF6VX6FVCPD0KQEPD0LVC6JD846Y96B465W5B56UPC/IC2UA+EDC8FHZ95/D QEALEN44:+C%69AECAWE1Q5HC8 QE*KE0EC9WEQDD+Q6TW6FA7C466KCN9E%961A6DL6FA7D46WJC0FDTA6AIA%G7X+AQB9746IG77TA$96T476:6/Q6M*8CR63Y8R46WX8F46VL6/G8SF6DR64S8+96QK427BHR6C3S%U6+Q8RP40QTY8WI248EEK4PE%U2NJILEMIRM9MCBOO16 40Q+8M2BH9SEYQEGM1D2FYD1LSG.BM8OAGOD$L4KTZ0UV50U50*EWSSSN1"

const (
	warmUpKID = "e659d81e42553212"
	warmUpX   = "be3c2a62865fe55c17b324f67395a3191b0d5424616b30af3d7c07265bc0a26e"
	warmUpY   = "3119753b6db66c26883b20518d98d9d475590aaa0183ed2f40421e45d7e85be8"
)

// warmUpKeys is the KeyProvider holding the warm-up key only.
type warmUpKeys struct{ s dcc.Signer }

func (w warmUpKeys) Signers(kid []byte) []dcc.Signer {
	if string(kid) == string(w.s.KID) {
		return []dcc.Signer{w.s}
	}
	return nil
}

// warmUp verifies warmUpPass once, against its own key, along the path a
// scan of this session takes, and returns its Result (nil when the pass
// does not decode, which it always does): decoded as far as its signature
// ([dcc.DecodeEnvelope]), then checked with the session's trust-list
// state, revocation data and rules, and the Result written as the exports
// write it. With outside true it takes the path of a WebCrypto-checked pass
// ([session.prepare], then [session.speculate]): the bytes to be signed are
// made for the outside check, and the signature is taken as verified (it is
// this module's own pass and key), so that the pure-Go ECDSA code, which
// that path never runs, is not paid for. It leaves the session as it was:
// no prepared pass, no key handle. The Result carries the state of the
// session's list as a scan's would (TRUSTLIST_MISSING before a load).
//
// In WebAssembly the cost it takes off the first scan is mostly the
// compilation of each function on its first call (V8 compiles lazily): it
// must run the functions a scan runs, and it gets cheaper only as those get
// smaller.
func (s *session) warmUp(outside bool) *dcc.Result {
	kid, _ := hex.DecodeString(warmUpKID)
	point, _ := hex.DecodeString("04" + warmUpX + warmUpY)
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil
	}
	keys := warmUpKeys{dcc.Signer{KID: kid, Country: "XX", PublicKey: key}}
	p, err := dcc.DecodeEnvelope(warmUpPass)
	if err != nil {
		return nil
	}
	opts := dcc.Options{Now: time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)}
	if outside {
		if len(p.ToBeSigned()) == 0 || len(p.Signature()) == 0 {
			return nil
		}
		opts.VerifiedBy = func(sg dcc.Signer) bool { return sameKey(sg.PublicKey, key) }
	}
	now := time.Now()
	r := s.verifyWith(p, s.status(now), keys, opts, now)
	appendResult(nil, r)
	return r
}
