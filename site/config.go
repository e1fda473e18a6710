package site

import (
	"sort"

	"github.com/passcheck/passcheck/dcc"
	"github.com/passcheck/passcheck/trustlist"
)

// PageConfig is the contract between the build and the pages' JavaScript:
// the virtual module "passcheck:build" that site/js and site/widget import
// (import { config, languages } from "passcheck:build"). Each field is one
// export, named by its JSON name; esbuild drops the exports a bundle does
// not use.
type PageConfig struct {
	// Config is the build's settings.
	Config Config `json:"config"`
	// Languages are the string tables: language → key → text, from
	// site/i18n/<lang>.json; English ("en") is always there.
	Languages map[string]map[string]string `json:"languages"`
	// ValueSets are the EU value sets' display names: set → code → name,
	// from [dcc.ValueSets].
	ValueSets map[string]map[string]string `json:"valueSets"`
	// Limits are the verifier's size limits, from the Go constants, so that
	// the pages never mirror them by hand.
	Limits Limits `json:"limits"`
	// Codes lists the codes a Result or a trust-list load can carry, with
	// their class, from dcc's registry ([dcc.Codes]): the pages check their
	// translations against it.
	Codes []PageCode `json:"codes"`
}

// Config is the "config" export of [PageConfig]. Fields are in the order of
// their JSON names, which is the order they reach the bundle.
type Config struct {
	// FrameWorkerURL is the frame worker's script (site/js/scanworker.js
	// bundled), relative to the page: camera frames are decoded there,
	// off the page's thread. "" (the single-file page, the widget): frames
	// are decoded on the page's thread.
	FrameWorkerURL string `json:"frameWorkerURL,omitempty"`
	// GraceSeconds is how long past its expiry the page still reads a trust
	// list (with a TRUSTLIST_EXPIRED warning: the page shows "cannot check"
	// in amber, with the signature's outcome as extra reasons).
	GraceSeconds float64 `json:"graceSeconds"`
	// Kiosk starts the page as a kiosk (kiosk.js reads ?kiosk too).
	Kiosk bool `json:"kiosk,omitempty"`
	// KioskHoldSeconds is how long a kiosk holds a verdict; 0: the default.
	KioskHoldSeconds float64 `json:"kioskHoldSeconds,omitempty"`
	// RulesCountry is the default rule country (site/js/rules.js): "" for
	// the EU baseline, "none" for technical check only, a country code, or
	// "CC/REGION". The operator's setting and ?rules= override it.
	RulesCountry string `json:"rulesCountry,omitempty"`
	// SingleFile is set in the single-file page, which reads the module and
	// the trust list from the elements WasmID and TrustListID.
	SingleFile bool `json:"singleFile,omitempty"`
	// TrustKeys are the pinned publisher keys, PEM blocks one after another.
	TrustKeys   string `json:"trustKeys"`
	TrustListID string `json:"trustListID,omitempty"`
	// TrustListURL is the trust list's pointer, relative to the page (the
	// widget's: to the widget file) or absolute; "" in the single-file page.
	TrustListURL string `json:"trustListURL"`
	// Version is the build's version, shown on the page.
	Version string `json:"version"`
	WasmID  string `json:"wasmID,omitempty"`
	// WasmURL is the module's URL, as TrustListURL.
	WasmURL string `json:"wasmURL"`
}

// Limits are the verifier's limits the pages check before calling it.
type Limits struct {
	MaxInputLen   int `json:"maxInputLen"`   // dcc.MaxInputLen: bytes of QR text
	MaxBundleSize int `json:"maxBundleSize"` // trustlist.MaxBundleSize: bytes of a trust-list bundle
}

// PageCode is one code the pages may meet and its class.
type PageCode struct {
	Code  string `json:"code"`
	Class string `json:"class"`
}

// pageCodes is the list for [PageConfig.Codes]: every code of dcc's
// registry with its class, sorted by code.
func pageCodes() []PageCode {
	codes := dcc.Codes()
	out := make([]PageCode, 0, len(codes))
	for c, class := range codes {
		out = append(out, PageCode{Code: string(c), Class: string(class)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// swConfig is the service worker's "passcheck:sw".
type swConfig struct {
	BuildID      string   `json:"buildId"`
	Precache     []string `json:"precache"`
	TrustListURL string   `json:"trustListURL"`
}

// pageConfig is the page config of c with the tables of in.
func (in *inputs) pageConfig(c Config) PageConfig {
	return PageConfig{
		Config:    c,
		Languages: in.langs,
		ValueSets: dcc.ValueSets(),
		Limits:    Limits{MaxInputLen: dcc.MaxInputLen, MaxBundleSize: trustlist.MaxBundleSize},
		Codes:     pageCodes(),
	}
}
