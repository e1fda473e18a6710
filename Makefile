# passcheck — see README.md. The two commands a newcomer needs: make run, make test.
GO        ?= go
WASM_ENV   = GOOS=js GOARCH=wasm CGO_ENABLED=0
GOROOT    := $(shell $(GO) env GOROOT)
FUZZTIME  ?= 30s
# staticcheck, pinned; installed into .bin/ by make staticcheck
STATICCHECK_VERSION = v0.8.2
STATICCHECK = $(CURDIR)/.bin/staticcheck

.PHONY: run test vet staticcheck fmt-check unit wasm wasm-test wasm-size wasm-growth site bench-site bench bench-wasm bench-startup bench-scan bench-frames bench-trustlist bench-revocation fuzz vectors clean

## run: build and serve the demo site (demo keys, passes and trust list)
run:
	$(GO) run ./tools/passcheck demo

## test: everything CI runs
test: fmt-check vet staticcheck unit wasm-test

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# The packages the WebAssembly module and its tests build for js/wasm.
WASM_PKGS = ./wasm ./dcc ./trustlist ./revocation ./certlogic ./rules ./internal/base45 ./internal/cbor ./internal/inflate ./internal/jsontext ./internal/rfc3339 ./internal/jsonread ./internal/cose

vet:
	$(GO) vet ./...
	$(WASM_ENV) $(GO) vet $(WASM_PKGS)
	$(WASM_ENV) $(GO) vet -tags noqr ./wasm
	$(WASM_ENV) $(GO) vet -tags norevocation ./wasm
	$(WASM_ENV) $(GO) vet -tags norules ./wasm

## staticcheck: staticcheck over every package, and over the js/wasm build of the module's packages
# ./wasm is a js/wasm program: its native build leaves the js-only callers
# out, so it is checked in the js/wasm pass only (see wasm/staticcheck.conf).
staticcheck:
	@test -x $(STATICCHECK) && $(STATICCHECK) -version | grep -q '($(STATICCHECK_VERSION:v%=%))' || \
		GOBIN=$(CURDIR)/.bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	$(STATICCHECK) $$($(GO) list ./... | grep -v '/wasm$$')
	$(WASM_ENV) $(STATICCHECK) $(WASM_PKGS)

unit:
	$(GO) test -race -timeout 20m ./...

## wasm-test: the core's tests (and the rules engine's and revocation's) compiled to WebAssembly, run under Node
wasm-test:
	PATH="$$PATH:$(GOROOT)/lib/wasm" $(WASM_ENV) $(GO) test -timeout 10m ./internal/base45 ./internal/cbor ./internal/cose ./internal/rfc3339 ./internal/inflate ./internal/jsonread ./certlogic ./rules ./dcc ./trustlist ./trustlist/internal/spki ./trustlist/internal/wire ./revocation

## wasm: dist/passcheck.wasm beside Go's wasm_exec.js (docs/wasm.md), built by the recipe the site build uses (internal/wasmbuild), stamped with git describe
wasm:
	mkdir -p dist
	$(GO) run ./internal/cmd/buildwasm -o dist/passcheck.wasm
	cp $(GOROOT)/lib/wasm/wasm_exec.js dist/

## wasm-growth: what the QR decoder, revocation and the rules engine each add to the module, in brotli, as a mean over eight version stamps (the stamp alone moves the brotli size by up to 3 KB); about ten minutes
wasm-growth:
	$(GO) run ./wasm/internal/wasmsize -growth noqr,norevocation,norules

## wasm-size: raw, gzip and brotli sizes of dist/passcheck.wasm against the 1.2 MB brotli budget, and of the builds without the QR decoder (-tags noqr) without revocation (-tags norevocation) and without the rules engine (-tags norules): what each adds
wasm-size: wasm
	$(GO) run ./internal/cmd/buildwasm -tags noqr -o dist/passcheck-noqr.wasm
	$(GO) run ./internal/cmd/buildwasm -tags norevocation -o dist/passcheck-norevocation.wasm
	$(GO) run ./internal/cmd/buildwasm -tags norules -o dist/passcheck-norules.wasm
	$(GO) run ./wasm/internal/wasmsize dist/passcheck.wasm dist/passcheck-noqr.wasm dist/passcheck-norevocation.wasm dist/passcheck-norules.wasm

## fuzz: every fuzz target for $(FUZZTIME)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$name ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## site: build the scanner site into dist/ (needs a publisher key: TRUST_KEY=publisher.pem)
site:
	@test -n "$(TRUST_KEY)" || { echo "make site needs TRUST_KEY=PUB.pem (make one with: go run ./tools/passcheck trustlist keygen --key publisher.key --pub publisher.pem)"; exit 2; }
	$(GO) run ./tools/passcheck site build --trust-key $(TRUST_KEY) --out dist

## bench: Go benchmarks (decode, verify, trust list, rules, revocation) and the browser/Node harnesses
bench: bench-scan bench-frames bench-trustlist bench-site bench-wasm bench-startup bench-revocation
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-wasm: verify native vs WebAssembly in Node and headless Chromium (pure Go and WebCrypto), start-up, and the sizes (docs/wasm.md)
bench-wasm: wasm-size
	$(GO) test -tags benchwasm -run '^TestWasm(Rule)?Bench$$' -count=1 -v ./wasm

## bench-startup: cold Node processes to their first verdict, phase by phase, verifying at once and after the warm-up, against @pathcheck/dcc-sdk (npm into a temporary folder, bundled with esbuild) in the same run; the ES module alone in headless Chromium, a new browser per run; STARTUP_BEFORE=dir adds another build (docs/wasm.md)
bench-startup:
	$(GO) test -tags benchwasm -run '^TestStartup(Bench|Browser)$$' -count=1 -v ./wasm

## bench-revocation: revocation in WebAssembly under Node: 1,000,000 entries checked and decoded (NewStatus1M, Load1M, 5 loads each), the Go heap after it, the lookup of one pass (Revoked, timed over a second of calls); then the module's own loadRevocations through its JavaScript API (docs/trustlist.md)
bench-revocation:
	PATH="$$PATH:$(GOROOT)/lib/wasm" $(WASM_ENV) $(GO) test -run '^$$' -bench 'NewStatus1M|Load1M' -benchtime 5x ./revocation
	PATH="$$PATH:$(GOROOT)/lib/wasm" $(WASM_ENV) $(GO) test -run '^$$' -bench 'Revoked' ./revocation
	$(GO) test -tags benchwasm -run '^TestRevocationBench$$' -count=1 -v ./wasm

## bench-site: the scanner page in headless Chromium: navigation to ready (cold, and from the service worker) phase by phase, the first verdict after ready, fake camera to verdict, long tasks on the page's thread while scanning, bytes of the first visit (docs/site.md)
bench-site:
	$(GO) test -tags benchsite -run '^$$' -bench '^BenchmarkSite$$' -benchtime 3x ./tools/passcheck

## bench-trustlist: trust-list build time and bundle size, and load-and-verify time, for 2,000 and 20,000 signers (docs/trustlist.md)
bench-trustlist:
	$(GO) test -tags benchtrustlist -run '^$$' -bench . -benchmem ./trustlist/publish

## bench-scan: qrimage's ladder against zbarimg (zbar-tools) on qrimage/testdata/hard (docs/scan.md)
bench-scan:
	@test -x /usr/bin/zbarimg || { echo "bench-scan needs zbarimg: apt-get install -y zbar-tools"; exit 1; }
	$(GO) test -tags benchscan -run '^TestCompareZbar$$' -count=1 -v ./qrimage

## bench-frames: camera frames (no code; the hard cases on a 640×480 and a 1280×720 canvas) through the module's scanImage in frame mode against @zxing/library and jsQR under Node (installed from npm into a temporary folder), and a native Scanner (docs/scan.md)
bench-frames:
	$(GO) test -tags benchframes -run '^TestFrameBench$$' -count=1 -timeout 30m -v ./qrimage

## vectors: regenerate testdata/vectors and fail if they changed
vectors:
	$(GO) generate ./dcc/...
	git diff --exit-code -- testdata/vectors

clean:
	rm -rf dist
