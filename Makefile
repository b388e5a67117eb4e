# oamc: the targets a developer and CI use. `make test` is what CI runs.
GO      ?= go
BIN     ?= bin/oamc
EXAMPLE ?= golden/examples/shop.yaml
COUNT   ?= 6

.PHONY: build test demo golden bench fuzz lint fmt clean

build:
	$(GO) build -o $(BIN) ./cmd/oamc

# lint, then every test with the race detector; golden files must match.
test: lint
	$(GO) test -race -count=1 ./...

# Render the embedded example app through the standard library.
demo:
	$(GO) run ./cmd/oamc render $(EXAMPLE)

# Rewrite golden expectations; review the diff before committing.
golden:
	OAMC_UPDATE=1 $(GO) test -count=1 ./golden/...

# Benchmarks, several runs so benchstat can give medians:
#   make bench > new.txt && benchstat new.txt
# They run with the GC settings the oamc command sets for itself
# (cmd/oamc/cli: gcPercent, memoryLimit); BENCHGC= gives Go's defaults.
BENCHGC ?= GOGC=800 GOMEMLIMIT=128MiB
bench:
	$(BENCHGC) $(GO) test -run='^$$' -bench=. -benchmem -count=$(COUNT) ./compiler/... ./definitions/...

# Fuzz the whole compiler and the JSON patch code for a bounded time each.
FUZZTIME ?= 60s
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzCompile -fuzztime=$(FUZZTIME) ./compiler/
	$(GO) test -run='^$$' -fuzz=FuzzProperties -fuzztime=$(FUZZTIME) ./compiler/
	$(GO) test -run='^$$' -fuzz=FuzzApplyJSONPatch -fuzztime=$(FUZZTIME) ./compiler/patch/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
