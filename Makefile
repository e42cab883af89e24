# orderwire — the two commands a new user needs are `make run` and `make test`.
SHELL     := bash
GO        ?= go
BIN       := bin
FUNCTIONS := $(notdir $(wildcard functions/*))
BENCHSTAT := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
# golangci-lint v2, pinned by its own tool module (its dependencies stay out of go.mod).
LINT      := $(GO) tool -modfile=tools/lint/go.mod golangci-lint
# VERSION is named in evidence packs (manifest.json, summary); internal/version.Version.
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDVERSION := -X github.com/orderwire/orderwire/internal/version.Version=$(VERSION)

.PHONY: run test unit build bench fmt vet lint clean

## run: build and start `orderwire serve --dev` (local mode: the /local/* demo routes, buyer
## messages in the local outbox) on the embedded store (127.0.0.1:8080)
run:
	$(GO) build -ldflags="$(LDVERSION)" -o $(BIN)/orderwire ./cmd/orderwire
	./$(BIN)/orderwire serve --dev

## test: go vet, gofmt and golangci-lint, a short fuzz run of every fuzz target, then install
## the emulators (npm ci, pinned), start them on loopback, run every test once, stop them
test: vet lint
	bash scripts/fuzz-short.sh
	bash scripts/with-services.sh bash scripts/go-test.sh

## unit: the tests that need no service (service tests skip, saying why)
unit:
	$(GO) test ./...

## build: one Lambda `bootstrap` per function (linux/arm64, no cgo, no RPC shim)
build:
	@for f in $(FUNCTIONS); do \
		echo "build $$f"; \
		CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath \
			-ldflags="-s -w $(LDVERSION)" -o $(BIN)/$$f/bootstrap ./functions/$$f || exit 1; \
	done

## bench: every benchmark, 6 runs each (the emulators are started, so the DynamoDB Local ones
## run too), summarised by benchstat (figures go in BENCHMARKS.md)
bench:
	mkdir -p $(BIN)
	set -o pipefail; bash scripts/with-services.sh $(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee $(BIN)/bench.txt
	$(GO) run $(BENCHSTAT) $(BIN)/bench.txt

vet:
	$(GO) mod download
	@test -z "$$(gofmt -l cmd functions internal)" || { echo "gofmt needed:"; gofmt -l cmd functions internal; exit 1; }
	$(GO) vet ./...

## lint: golangci-lint with the rules in .golangci.yml (the first run builds the pinned tool)
lint:
	$(LINT) run ./...

clean:
	rm -rf $(BIN) .test-services
