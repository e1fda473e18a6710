package publish

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/passcheck/passcheck/trustlist/certs"
)

// Candidate is a certificate that a source offers as a document signer,
// with what the source claims about it. [Build] checks the claims.
type Candidate struct {
	Cert    *x509.Certificate
	KID     []byte // the source's key identifier; nil when it gives none
	Country string // the source's country; "" when it gives none
	Origin  string // where it came from, for the report: "gw.json item 12"
}

// LeftOut is a certificate or item that did not make it into the list.
type LeftOut struct {
	Origin  string
	KID     string // standard base64, or "" when unknown
	Country string
	Reason  string
}

// Batch is what a [Source] read.
type Batch struct {
	Candidates []Candidate
	LeftOut    []LeftOut
	Notes      []string // things the operator should know, such as an unchecked signature
}

// Source gives candidate signers. A source that cannot be read at all (a
// missing file, a failed download, malformed JSON, a bad list signature)
// returns an error, and the build fails: a list silently missing a country's
// keys would be worse than no new list.
type Source interface {
	// Load reads the source.
	Load(ctx context.Context) (*Batch, error)
	// String names the source in the report.
	String() string
}

// Files is a source of PEM or DER certificates: a file (PEM with any number
// of CERTIFICATE blocks, or one DER certificate), or a folder whose files
// named *.pem, *.crt, *.cer or *.der are read, in subfolders too. In a
// folder, a file that is not a certificate is left out and reported; a file
// named directly must parse.
func Files(path string) Source { return files{path, nil} }

type files struct {
	path  string
	fetch *Fetcher
}

func (s files) String() string { return s.path }

func (s files) Load(ctx context.Context) (*Batch, error) {
	info, err := os.Stat(s.path)
	if err != nil {
		return nil, err
	}
	var b Batch
	if !info.IsDir() {
		certs, err := s.readFile(ctx, s.path)
		if err != nil {
			return nil, err
		}
		b.Candidates = certs
		return &b, nil
	}
	err = filepath.WalkDir(s.path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isCertName(p) {
			return nil
		}
		c, err := s.readFile(ctx, p)
		if err != nil {
			b.LeftOut = append(b.LeftOut, LeftOut{Origin: p, Reason: err.Error()})
			return nil
		}
		b.Candidates = append(b.Candidates, c...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func isCertName(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".pem", ".crt", ".cer", ".der":
		return true
	}
	return false
}

func (s files) readFile(ctx context.Context, p string) ([]Candidate, error) {
	data, err := s.fetch.Fetch(ctx, p)
	if err != nil {
		return nil, err
	}
	cs, err := certs.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	out := make([]Candidate, len(cs))
	for i, c := range cs {
		out[i] = Candidate{Cert: c, Origin: p}
		if len(cs) > 1 {
			out[i].Origin = fmt.Sprintf("%s #%d", p, i+1)
		}
	}
	return out, nil
}

// gatewayItem is one entry of the EU DCC gateway's trust list (GET
// /trustList, and the "certificates" of the German list).
type gatewayItem struct {
	KID             string `json:"kid"`             // base64
	Timestamp       string `json:"timestamp"`       // RFC 3339
	Country         string `json:"country"`         // ISO 3166 alpha-2
	CertificateType string `json:"certificateType"` // "DSC", "CSCA", "UPLOAD", "AUTHENTICATION"
	Thumbprint      string `json:"thumbprint"`      // hex SHA-256 of rawData's DER
	Signature       string `json:"signature"`       // base64 CMS by the trust anchor; not checked here
	RawData         string `json:"rawData"`         // base64 DER certificate
}

// Gateway is a source in the EU DCC gateway's trust-list JSON (an array of
// items with kid, country, certificateType, thumbprint, timestamp, rawData and
// signature), read from a file or an https:// URL. Items of another type than
// DSC, and items whose data does not match their thumbprint, are left out.
// The items' CMS signatures by the gateway's trust anchor are not checked: a
// gateway list fetched from a mirror is only as trustworthy as the mirror.
func Gateway(location string, f *Fetcher) Source { return gateway{location, f} }

type gateway struct {
	location string
	fetch    *Fetcher
}

func (s gateway) String() string { return "gateway " + s.location }

func (s gateway) Load(ctx context.Context) (*Batch, error) {
	data, err := s.fetch.Fetch(ctx, s.location)
	if err != nil {
		return nil, err
	}
	var items []gatewayItem
	if err := strictJSON(data, &items); err != nil {
		return nil, fmt.Errorf("%s: not a gateway trust list (a JSON array of items): %w", s.location, err)
	}
	b := readItems(s.location, items)
	b.Notes = append(b.Notes, fmt.Sprintf("%s: the items' CMS signatures are not checked", s.location))
	return b, nil
}

// strictJSON decodes data into v and fails on trailing data.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if len(bytes.TrimSpace(data[dec.InputOffset():])) != 0 {
		return errors.New("data after the JSON value")
	}
	return nil
}

func readItems(location string, items []gatewayItem) *Batch {
	b := &Batch{}
	for i, it := range items {
		origin := fmt.Sprintf("%s item %d", location, i+1)
		left := func(reason string) {
			b.LeftOut = append(b.LeftOut, LeftOut{Origin: origin, KID: it.KID, Country: it.Country, Reason: reason})
		}
		if it.CertificateType != "DSC" {
			left(fmt.Sprintf("certificateType %q, not DSC", it.CertificateType))
			continue
		}
		der, err := base64.StdEncoding.DecodeString(it.RawData)
		if err != nil || len(der) == 0 {
			left("rawData is not base64 of a certificate")
			continue
		}
		if it.Thumbprint != "" {
			sum := sha256.Sum256(der)
			if !strings.EqualFold(it.Thumbprint, hex.EncodeToString(sum[:])) {
				left("thumbprint does not match rawData")
				continue
			}
		}
		var kid []byte
		if it.KID != "" {
			if kid, err = base64.StdEncoding.DecodeString(it.KID); err != nil {
				left("kid is not base64")
				continue
			}
		}
		cert, err := certs.ParseDER(der)
		if err != nil {
			left("rawData: " + err.Error())
			continue
		}
		b.Candidates = append(b.Candidates, Candidate{Cert: cert, KID: kid, Country: it.Country, Origin: origin})
	}
	return b
}

// GermanList is a source in the format of Germany's public DSC list: a first
// line with the base64 ECDSA signature (ASN.1 DER, or r‖s) over SHA-256 of
// everything after that line, then JSON {"certificates": [gateway items]}.
// With a key (an *ecdsa.PublicKey), a signature that does not verify fails
// the source; with none, the list is read unchecked and a note says so.
func GermanList(location string, key crypto.PublicKey, f *Fetcher) Source {
	return germanList{location, key, f}
}

type germanList struct {
	location string
	key      crypto.PublicKey
	fetch    *Fetcher
}

func (s germanList) String() string { return "German list " + s.location }

func (s germanList) Load(ctx context.Context) (*Batch, error) {
	data, err := s.fetch.Fetch(ctx, s.location)
	if err != nil {
		return nil, err
	}
	sigLine, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("%s: no signature line: not a German DSC list", s.location)
	}
	sig, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(sigLine)))
	if err != nil {
		return nil, fmt.Errorf("%s: the first line is not a base64 signature: %w", s.location, err)
	}
	var notes []string
	if s.key == nil {
		notes = append(notes, fmt.Sprintf("%s: signature NOT checked (no publisher key given)", s.location))
	} else if err := verifyECDSA(s.key, body, sig); err != nil {
		return nil, fmt.Errorf("%s: %w", s.location, err)
	}
	var list struct {
		Certificates []gatewayItem `json:"certificates"`
	}
	if err := strictJSON(body, &list); err != nil {
		return nil, fmt.Errorf("%s: not a German DSC list: %w", s.location, err)
	}
	if list.Certificates == nil {
		return nil, fmt.Errorf("%s: not a German DSC list: no \"certificates\" array", s.location)
	}
	b := readItems(s.location, list.Certificates)
	b.Notes = append(notes, b.Notes...)
	return b, nil
}

func verifyECDSA(key crypto.PublicKey, msg, sig []byte) error {
	pub, ok := key.(*ecdsa.PublicKey)
	if !ok {
		return fmt.Errorf("the list's publisher key is a %T; an ECDSA key is needed", key)
	}
	digest := sha256.Sum256(msg)
	if ecdsa.VerifyASN1(pub, digest[:], sig) {
		return nil
	}
	if n := len(sig); n > 0 && n%2 == 0 && n/2 == (pub.Curve.Params().BitSize+7)/8 {
		r := new(big.Int).SetBytes(sig[:n/2])
		s := new(big.Int).SetBytes(sig[n/2:])
		if ecdsa.Verify(pub, digest[:], r, s) {
			return nil
		}
	}
	return errors.New("the list's signature does not verify with the given publisher key")
}
