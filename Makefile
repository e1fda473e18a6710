# passcheck — see README.md. The two commands a newcomer needs: make run, make test.
GO        ?= go
WASM_ENV   = GOOS=js GOARCH=wasm CGO_ENABLED=0
WASM_FLAGS = -trimpath -ldflags='-s -w -buildid=' -buildvcs=false
GOROOT    := $(shell $(GO) env GOROOT)
FUZZTIME  ?= 30s

.PHONY: run test vet fmt-check unit wasm wasm-test wasm-size site bench bench-trustlist fuzz vectors clean

## run: build and serve the demo site (demo keys, passes and trust list)
run:
	$(GO) run ./tools/passcheck demo

## test: everything CI runs
test: fmt-check vet unit wasm-test

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -timeout 20m ./...

## wasm-test: the core's tests compiled to WebAssembly, run under Node
wasm-test:
	PATH="$$PATH:$(GOROOT)/lib/wasm" $(WASM_ENV) $(GO) test -timeout 10m ./internal/base45 ./dcc

## wasm: dist/passcheck.wasm beside Go's wasm_exec.js
wasm:
	mkdir -p dist
	$(WASM_ENV) $(GO) build $(WASM_FLAGS) -o dist/passcheck.wasm ./wasm
	cp $(GOROOT)/lib/wasm/wasm_exec.js dist/

## fuzz: every fuzz target for $(FUZZTIME)
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$name ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## bench: Go benchmarks (decode, verify, trust list) and the browser/Node harnesses
bench: bench-trustlist
	$(GO) test -run '^$$' -bench . -benchmem ./...

## bench-trustlist: trust-list build time and bundle size, and load-and-verify time, for 2,000 and 20,000 signers (docs/trustlist.md)
bench-trustlist:
	$(GO) test -tags benchtrustlist -run '^$$' -bench . -benchmem ./trustlist/build

## vectors: regenerate testdata/vectors and fail if they changed
vectors:
	$(GO) generate ./dcc/...
	git diff --exit-code -- testdata/vectors

clean:
	rm -rf dist
