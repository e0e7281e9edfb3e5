# Builds and release artefacts. The tests are `.ci/run` (or the README's
# `go test` command); this file only builds.
#
#   make build             bin/pgshift (BIN=...) for this machine, version and commit stamped
#   make release           dist/pgshift_<version>_<os>_<arch>.tar.gz for linux/amd64 and
#                          linux/arm64, plus SHA256SUMS
#   make release-darwin    on a macOS machine: darwin/amd64 and darwin/arm64
#   make docker            the image of ./Dockerfile (pgshift + PostgreSQL server binaries)
#
# pg_query_go is cgo, so every target needs a C compiler for its platform:
# linux/arm64 from linux/amd64 uses Debian's gcc-aarch64-linux-gnu
# (CC_linux_arm64); darwin needs Apple's toolchain, i.e. a macOS host.
# Linux binaries link glibc dynamically (pg_query itself is linked in
# statically); they run on glibc 2.36 (Debian 12) or newer.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
GOFLAGS_BUILD := -trimpath -buildvcs=false -ldflags '$(LDFLAGS)'
CC_linux_amd64 ?= gcc
CC_linux_arm64 ?= aarch64-linux-gnu-gcc
DIST := dist
BIN ?= bin/pgshift

.PHONY: build release release-darwin docker clean

build:
	CGO_ENABLED=1 go build $(GOFLAGS_BUILD) -o $(BIN) ./cmd/pgshift

# dist/pgshift_<v>_<os>_<arch>.tar.gz holding pgshift, README.md.
define platform
$(DIST)/pgshift_$(VERSION)_$(1)_$(2).tar.gz:
	@mkdir -p $(DIST)/pgshift_$(VERSION)_$(1)_$(2)
	CGO_ENABLED=1 GOOS=$(1) GOARCH=$(2) CC=$$(CC_$(1)_$(2)) go build $(GOFLAGS_BUILD) \
	  -o $(DIST)/pgshift_$(VERSION)_$(1)_$(2)/pgshift ./cmd/pgshift
	cp README.md $(DIST)/pgshift_$(VERSION)_$(1)_$(2)/
	tar -C $(DIST) -czf $$@ pgshift_$(VERSION)_$(1)_$(2)
	rm -rf $(DIST)/pgshift_$(VERSION)_$(1)_$(2)
endef
CC_darwin_amd64 ?= clang -arch x86_64
CC_darwin_arm64 ?= clang -arch arm64
$(foreach p,linux/amd64 linux/arm64 darwin/amd64 darwin/arm64,$(eval $(call platform,$(word 1,$(subst /, ,$(p))),$(word 2,$(subst /, ,$(p))))))

release: $(DIST)/pgshift_$(VERSION)_linux_amd64.tar.gz $(DIST)/pgshift_$(VERSION)_linux_arm64.tar.gz
	cd $(DIST) && sha256sum pgshift_$(VERSION)_linux_*.tar.gz >SHA256SUMS

release-darwin: $(DIST)/pgshift_$(VERSION)_darwin_amd64.tar.gz $(DIST)/pgshift_$(VERSION)_darwin_arm64.tar.gz
	cd $(DIST) && shasum -a 256 pgshift_$(VERSION)_darwin_*.tar.gz >SHA256SUMS.darwin

docker:
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t pgshift:$(VERSION) .

clean:
	rm -rf bin $(DIST)
