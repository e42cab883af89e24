// Package version holds orderwire's version, named in evidence packs and set at build time:
//
//	go build -ldflags "-X github.com/orderwire/orderwire/internal/version.Version=v1.2.3"
//
// The Makefile's run and build targets set it from `git describe --always --dirty`.
package version

// Version is orderwire's version; "dev" when the build did not set it.
var Version = "dev"
