// Package issuer makes test material for passcheck: a country signing CA
// (CSCA), document signers (DSC) with chosen key usage, validity and key type,
// and passes of each kind signed by them, including the deviations real
// issuers produce (kid only in the unprotected header, tag 61, floating-point
// timestamps, ...). Tests, the demo and `passcheck issue` use it; nothing here
// is for production issuing.
//
// Start with [NewCSCA], then [Authority.NewDSC] and [DSC.Issue].
package issuer

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	_ "crypto/sha512" // SHA-384 and SHA-512, to sign certificates again
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/fxamacker/cbor/v2"
	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/internal/base45"
	"github.com/passcheck/passcheck/trustlist/certs"
	"github.com/veraison/go-cose"
)

// KeyType names a signing key: "ec" (ECDSA P-256, ES256), "ec384" and
// "ec521" (ECDSA P-384 and P-521, also ES256: SHA-256 on the larger curve,
// as some member states sign), or "rsa2048", "rsa3072", "rsa4096"
// (RSASSA-PSS, PS256).
type KeyType string

// The key types.
const (
	EC      KeyType = "ec"
	EC384   KeyType = "ec384"
	EC521   KeyType = "ec521"
	RSA2048 KeyType = "rsa2048"
	RSA3072 KeyType = "rsa3072"
	RSA4096 KeyType = "rsa4096"
)

// NewKey generates a private key of type kt.
func NewKey(kt KeyType) (crypto.Signer, error) {
	switch kt {
	case EC, "":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case EC384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case EC521:
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	}
	return nil, fmt.Errorf("issuer: unknown key type %q (want ec, ec384, ec521, rsa2048, rsa3072 or rsa4096)", kt)
}

// Extended key usage OIDs of hcert §5.1.1, and their alternates.
var (
	OIDTest           = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 1}
	OIDVaccination    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 2}
	OIDRecovery       = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 1847, 2021, 1, 3}
	OIDTestAlt        = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 1}
	OIDVaccinationAlt = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 2}
	OIDRecoveryAlt    = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 0, 1847, 2021, 1, 3}
)

// UsageOIDs returns the extended key usage OIDs for u (the alternates when
// alt is true).
func UsageOIDs(u dcc.KeyUsage, alt bool) []asn1.ObjectIdentifier {
	var out []asn1.ObjectIdentifier
	for _, x := range []struct {
		bit      dcc.KeyUsage
		oid, alt asn1.ObjectIdentifier
	}{{dcc.UsageTest, OIDTest, OIDTestAlt}, {dcc.UsageVaccination, OIDVaccination, OIDVaccinationAlt}, {dcc.UsageRecovery, OIDRecovery, OIDRecoveryAlt}} {
		if u&x.bit != 0 {
			if alt {
				out = append(out, x.alt)
			} else {
				out = append(out, x.oid)
			}
		}
	}
	return out
}

// Authority is a country signing CA.
type Authority struct {
	Country string
	Cert    *x509.Certificate
	DER     []byte
	Key     crypto.Signer
}

// NewCSCA makes a self-signed country signing CA for country.
func NewCSCA(country string, kt KeyType, notBefore, notAfter time.Time) (*Authority, error) {
	key, err := NewKey(kt)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Country: []string{country}, Organization: []string{"passcheck test"}, CommonName: "CSCA " + country},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Authority{Country: country, Cert: cert, DER: der, Key: key}, nil
}

// DSCOptions describe a document signer.
type DSCOptions struct {
	KeyType   KeyType
	Key       crypto.Signer // use this key instead of generating one
	Usage     dcc.KeyUsage  // 0: no key-usage OIDs, so it may sign every kind
	AltOIDs   bool          // use the alternate OIDs 1.3.6.1.4.1.0.1847.2021.1.x
	NotBefore time.Time
	NotAfter  time.Time
	Country   string // default: the authority's
	Name      string // common name; default "DSC <country>"

	// CA flags the certificate basicConstraints CA:TRUE, as two states'
	// test DSCs and some production DSCs are ([NewSelfSignedDSC] always
	// does).
	CA bool
	// KeyUsage is the X.509 key usage; 0 means digitalSignature, or no
	// key-usage extension at all for [NewSelfSignedDSC] (as openssl req
	// -x509 makes).
	KeyUsage x509.KeyUsage
	// NegativeSerial gives the certificate a negative serial number, as
	// some production DSCs have. x509.CreateCertificate refuses one: the
	// certificate is made with a positive serial, which is then replaced
	// in the DER, and the certificate signed again by hand.
	NegativeSerial bool
}

// DSC is a document signer: its certificate and key.
type DSC struct {
	Cert    *x509.Certificate
	DER     []byte
	Key     crypto.Signer
	KID     []byte // first 8 bytes of SHA-256 of DER (hcert §3.3.1)
	Country string
	Usage   dcc.KeyUsage
}

// NewDSC issues a document signer certificate.
func (ca *Authority) NewDSC(o DSCOptions) (*DSC, error) {
	if o.KeyUsage == 0 {
		o.KeyUsage = x509.KeyUsageDigitalSignature
	}
	return newDSC(ca.Cert, ca.Key, ca.Country, o)
}

// NewSelfSignedDSC makes a self-signed document signer flagged
// basicConstraints CA:TRUE, as openssl req -x509 makes by default and as
// two member states publish their test DSCs.
func NewSelfSignedDSC(country string, o DSCOptions) (*DSC, error) {
	o.CA = true
	return newDSC(nil, nil, country, o)
}

// newDSC issues a DSC under parent (self-signed when parent is nil).
func newDSC(parent *x509.Certificate, parentKey crypto.Signer, country string, o DSCOptions) (*DSC, error) {
	key := o.Key
	if key == nil {
		var err error
		if key, err = NewKey(o.KeyType); err != nil {
			return nil, err
		}
	}
	if o.Country != "" {
		country = o.Country
	}
	name := o.Name
	if name == "" {
		name = "DSC " + country
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{Country: []string{country}, Organization: []string{"passcheck test"}, CommonName: name},
		NotBefore:             o.NotBefore,
		NotAfter:              o.NotAfter,
		KeyUsage:              o.KeyUsage,
		UnknownExtKeyUsage:    UsageOIDs(o.Usage, o.AltOIDs),
		BasicConstraintsValid: o.CA,
		IsCA:                  o.CA,
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, err
	}
	if o.NegativeSerial {
		if der, err = negateSerial(der, parentKey); err != nil {
			return nil, err
		}
	}
	cert, err := certs.ParseDER(der)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return &DSC{Cert: cert, DER: der, Key: key, KID: sum[:8], Country: country, Usage: o.Usage}, nil
}

// negateSerial returns the certificate der with its serial number negated,
// signed again by key with the same signature algorithm.
func negateSerial(der []byte, key crypto.Signer) ([]byte, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	var c struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}
	if rest, err := asn1.Unmarshal(der, &c); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("issuer: certificate: %v", err)
	}
	var version, serialNumber asn1.RawValue
	rest, err := asn1.Unmarshal(c.TBS.Bytes, &version)
	if err != nil {
		return nil, err
	}
	if rest, err = asn1.Unmarshal(rest, &serialNumber); err != nil {
		return nil, err
	}
	negative, err := asn1.Marshal(new(big.Int).Neg(cert.SerialNumber))
	if err != nil {
		return nil, err
	}
	content := append(append(append([]byte(nil), version.FullBytes...), negative...), rest...)
	tbs, err := asn1.Marshal(asn1.RawValue{Tag: asn1.TagSequence, IsCompound: true, Bytes: content})
	if err != nil {
		return nil, err
	}
	var h crypto.Hash
	switch cert.SignatureAlgorithm {
	case x509.ECDSAWithSHA256, x509.SHA256WithRSA:
		h = crypto.SHA256
	case x509.ECDSAWithSHA384, x509.SHA384WithRSA:
		h = crypto.SHA384
	case x509.ECDSAWithSHA512, x509.SHA512WithRSA:
		h = crypto.SHA512
	default:
		return nil, fmt.Errorf("issuer: cannot sign again with %v", cert.SignatureAlgorithm)
	}
	d := h.New()
	d.Write(tbs)
	sig, err := key.Sign(rand.Reader, d.Sum(nil), h)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		TBS    asn1.RawValue
		SigAlg asn1.RawValue
		Sig    asn1.BitString
	}{asn1.RawValue{FullBytes: tbs}, c.SigAlg, asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}})
}

// Signer returns the trust-store entry for d.
func (d *DSC) Signer() dcc.Signer {
	return dcc.Signer{
		KID: d.KID, Country: d.Country, Subject: d.Cert.Subject.String(),
		NotBefore: d.Cert.NotBefore, NotAfter: d.Cert.NotAfter,
		Usage: d.Usage, PublicKey: d.Cert.PublicKey,
	}
}

// CertPEM returns the certificate in PEM.
func (d *DSC) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: d.DER})
}

// Alg returns the COSE algorithm of d's key: ES256 (on any curve) or PS256.
func (d *DSC) Alg() int64 {
	if _, ok := d.Key.(*rsa.PrivateKey); ok {
		return dcc.AlgPS256
	}
	return dcc.AlgES256
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// KIDPlace says where a pass carries its kid.
type KIDPlace int

// Where the kid goes.
const (
	KIDProtected   KIDPlace = iota // protected header only (the norm)
	KIDUnprotected                 // unprotected header only
	KIDBoth                        // both
	KIDNone                        // neither
)

// Tagging says which CBOR tags wrap the COSE_Sign1.
type Tagging int

// The taggings seen in real passes.
const (
	Tag18      Tagging = iota // tag 18 (the norm)
	Untagged                  // no tag
	Tag61And18                // CWT tag 61 around tag 18
)

// PassOptions describe a pass to issue. Zero values give a normal pass.
type PassOptions struct {
	Kind         dcc.Kind       // default vaccination; ignored when Payload is set
	Payload      map[string]any // the DCC payload; default SamplePayload(Kind)
	Issuer       string         // iss; default the DSC's country
	IssuedAt     time.Time      // iat; default now
	ExpiresAt    time.Time      // exp; default IssuedAt + 1 year
	FloatTime    bool           // encode iat and exp as floats, as some issuers do
	OmitExpiry   bool           // leave out exp, which hcert requires
	OmitIssuedAt bool           // leave out iat, which hcert requires

	KID              []byte // override the kid (default the DSC's)
	KIDPlace         KIDPlace
	UnprotectedKID   []byte // a second kid in the unprotected header, with KIDBoth (default the same)
	AlgUnprotected   bool   // put alg only in the unprotected header
	Alg              int64  // override the algorithm label
	Tagging          Tagging
	OmitCompression  bool // base45 of the raw COSE, not zlib
	CorruptSignature bool // flip a bit of the signature
}

// Issue signs a pass and returns its QR text ("HC1:...").
func (d *DSC) Issue(o PassOptions) (string, error) {
	coseBytes, err := d.IssueCOSE(o)
	if err != nil {
		return "", err
	}
	body := coseBytes
	if !o.OmitCompression {
		var buf bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
		zw.Write(coseBytes)
		zw.Close()
		body = buf.Bytes()
	}
	return dcc.Prefix + base45.Encode(body), nil
}

// IssueCOSE signs a pass and returns the COSE_Sign1 bytes.
func (d *DSC) IssueCOSE(o PassOptions) ([]byte, error) {
	iat := o.IssuedAt
	if iat.IsZero() {
		iat = time.Now()
	}
	exp := o.ExpiresAt
	if exp.IsZero() {
		exp = iat.AddDate(1, 0, 0)
	}
	payload := o.Payload
	if payload == nil {
		payload = SamplePayload(o.Kind)
	}
	iss := o.Issuer
	if iss == "" {
		iss = d.Country
	}
	claims := map[int]any{1: iss, 4: exp.Unix(), 6: iat.Unix(), -260: map[int]any{1: payload}}
	if o.FloatTime {
		claims[4], claims[6] = float64(exp.Unix()), float64(iat.Unix())+0.5
	}
	if o.OmitExpiry {
		delete(claims, 4)
	}
	if o.OmitIssuedAt {
		delete(claims, 6)
	}
	cwt, err := cbor.Marshal(claims)
	if err != nil {
		return nil, err
	}
	alg := o.Alg
	if alg == 0 {
		alg = d.Alg()
	}
	kid := o.KID
	if kid == nil {
		kid = d.KID
	}
	prot, unprot := map[int]any{}, map[int]any{}
	if o.AlgUnprotected {
		unprot[1] = alg
	} else {
		prot[1] = alg
	}
	switch o.KIDPlace {
	case KIDProtected:
		prot[4] = kid
	case KIDUnprotected:
		unprot[4] = kid
	case KIDBoth:
		prot[4] = kid
		unprot[4] = kid
		if o.UnprotectedKID != nil {
			unprot[4] = o.UnprotectedKID
		}
	}
	protBytes := []byte{}
	if len(prot) > 0 {
		if protBytes, err = cbor.Marshal(prot); err != nil {
			return nil, err
		}
	}
	msg, err := d.sign1(protBytes, unprot, cwt, o.CorruptSignature)
	if err != nil {
		return nil, err
	}
	switch o.Tagging {
	case Tag18:
		msg = append([]byte{0xd2}, msg...)
	case Tag61And18:
		msg = append([]byte{0xd8, 0x3d, 0xd2}, msg...)
	}
	return msg, nil
}

// sign signs the Sig_structure with go-cose's signer: an implementation
// independent of the verifier in dcc, so each checks the other.
func (d *DSC) sign(tbs []byte) ([]byte, error) {
	alg := cose.AlgorithmES256
	if d.Alg() == dcc.AlgPS256 {
		alg = cose.AlgorithmPS256
	}
	s, err := cose.NewSigner(alg, d.Key)
	if err != nil {
		return nil, err
	}
	return s.Sign(rand.Reader, tbs)
}

// SamplePayload returns a DCC payload of kind k for a made-up holder.
func SamplePayload(k dcc.Kind) map[string]any {
	p := map[string]any{
		"ver": "1.3.0",
		"nam": map[string]any{"fn": "Nguyễn", "fnt": "NGUYEN", "gn": "Thị Minh Anh", "gnt": "THI<MINH<ANH"},
		"dob": "1990-04-14",
	}
	switch k {
	case dcc.KindTest:
		p["t"] = []any{map[string]any{
			"tg": "840539006", "tt": "LP6464-4", "nm": "Roche LightCycler qPCR",
			"sc": "2021-06-01T10:00:00Z", "tr": "260415000", "tc": "Test Centre Hanoi",
			"co": "AT", "is": "Ministry of Health, Austria", "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
		}}
	case dcc.KindRecovery:
		p["r"] = []any{map[string]any{
			"tg": "840539006", "fr": "2021-05-01", "co": "AT", "is": "Ministry of Health, Austria",
			"df": "2021-05-11", "du": "2021-10-28", "ci": "URN:UVCI:01:AT:858CC18CFCF5965EF82F60E493349AA5#K",
		}}
	default:
		p["v"] = []any{map[string]any{
			"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
			"dn": int64(2), "sd": int64(2), "dt": "2021-05-20", "co": "AT",
			"is": "Ministry of Health, Austria", "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B",
		}}
	}
	return p
}

// SignRaw signs an arbitrary CWT payload (which need not be valid CBOR),
// with the kid and alg in the protected header, and returns the tagged
// COSE_Sign1 bytes. Tests use it to make broken passes that are still
// correctly signed.
func (d *DSC) SignRaw(payload []byte) ([]byte, error) {
	prot, err := cbor.Marshal(map[int]any{1: d.Alg(), 4: d.KID})
	if err != nil {
		return nil, err
	}
	msg, err := d.sign1(prot, map[int]any{}, payload, false)
	if err != nil {
		return nil, err
	}
	return append([]byte{0xd2}, msg...), nil
}

// sign1 signs payload under the protected header bytes prot and returns the
// untagged COSE_Sign1 array (RFC 9052 §4.2); corrupt flips a bit of the
// signature.
func (d *DSC) sign1(prot []byte, unprot map[int]any, payload []byte, corrupt bool) ([]byte, error) {
	tbs, err := cbor.Marshal([]any{"Signature1", prot, []byte{}, payload})
	if err != nil {
		return nil, err
	}
	sig, err := d.sign(tbs)
	if err != nil {
		return nil, err
	}
	if corrupt {
		sig[len(sig)/2] ^= 0x01
	}
	return cbor.Marshal([]any{prot, unprot, payload, sig})
}

// NamedDSC is a document signer with a name for test output.
type NamedDSC struct {
	Name string
	DSC  *DSC
}

// RealStateSigners makes one document signer of each kind that real member
// states use and a strict reader once refused: a self-signed CA:TRUE DSC of
// BE, and, under ca, a DSC with a P-384 key, one with a P-521 key and one
// with a negative serial number; valid from notBefore to notAfter.
func RealStateSigners(ca *Authority, notBefore, notAfter time.Time) ([]NamedDSC, error) {
	var out []NamedDSC
	var err error
	for _, s := range []struct {
		name string
		self bool
		o    DSCOptions
	}{
		{"self-signed-ca", true, DSCOptions{}},
		{"p384", false, DSCOptions{KeyType: EC384}},
		{"p521", false, DSCOptions{KeyType: EC521}},
		{"negative-serial", false, DSCOptions{NegativeSerial: true}},
	} {
		o := s.o
		o.NotBefore, o.NotAfter = notBefore, notAfter
		var d *DSC
		if s.self {
			d, err = NewSelfSignedDSC("BE", o)
		} else {
			d, err = ca.NewDSC(o)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		out = append(out, NamedDSC{s.name, d})
	}
	return out, nil
}
