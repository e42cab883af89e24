package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

// TestVerifyPack: `orderwire verify-pack` accepts a pack as written (exit 0, the manifest's
// SHA-256 printed), refuses one whose bytes were changed (exit 1), and a missing argument
// is a usage error (exit 2).
func TestVerifyPack(t *testing.T) {
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}()
	b := storetest.Buyer("buyer-v")
	if err := st.SaveOrder(context.Background(), storetest.Order(t, "ORD-V", b), b); err != nil {
		t.Fatal(err)
	}
	write, err := (&evidencepack.Packer{Source: st}).PackEvidence(context.Background(), "ORD-V", "")
	if err != nil {
		t.Fatal(err)
	}
	var pack bytes.Buffer
	if err := write(context.Background(), &pack); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pack.zip")
	if err := os.WriteFile(path, pack.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"verify-pack", path}, os.Getenv, &out, &errs); code != 0 ||
		!regexp.MustCompile(`manifest.json sha256 [0-9a-f]{64}`).MatchString(out.String()) {
		t.Fatalf("exit %d: %s %s", code, out.String(), errs.String())
	}
	// Flip one byte of order.json's compressed data, in place.
	raw := pack.Bytes()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "order.json" {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			raw[off+int64(f.CompressedSize64)/2] ^= 0xFF
		}
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	errs.Reset()
	if code := run(context.Background(), []string{"verify-pack", path}, os.Getenv, &out, &errs); code != 1 || !strings.Contains(errs.String(), "order.json") {
		t.Fatalf("tampered pack: exit %d: %s", code, errs.String())
	}
	if code := run(context.Background(), []string{"verify-pack"}, os.Getenv, &out, &errs); code != 2 {
		t.Fatalf("no argument: exit %d", code)
	}
}
