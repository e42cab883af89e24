package evidencepack

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
)

// Verify checks a pack against its manifest: every file the manifest lists is in the zip
// with that size and SHA-256, and the zip holds no file the manifest does not list. It
// returns the manifest, and a CodeInvalid error naming every file that fails (a changed
// byte, a missing, added or duplicated file) or saying that the zip or its manifest cannot
// be read.
//
// The manifest proves the files are the ones listed; it cannot prove the manifest itself
// is the one orderwire wrote: keep its SHA-256 (printed by `orderwire verify-pack`) when the
// pack is downloaded, or compare it with a fresh pack of the same order.
func Verify(r io.ReaderAt, size int64) (Manifest, error) {
	const op = "evidencepack.Verify"
	var m Manifest
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return m, order.Errorf(order.CodeInvalid, op, "not a readable zip: %v", err)
	}
	entries := map[string]*zip.File{}
	var problems []string
	for _, f := range zr.File {
		if entries[f.Name] != nil {
			problems = append(problems, f.Name+": twice in the zip")
		}
		entries[f.Name] = f
	}
	mf := entries["manifest.json"]
	if mf == nil {
		return m, order.Errorf(order.CodeInvalid, op, "no manifest.json")
	}
	if err := readJSON(mf, &m); err != nil {
		return m, order.Errorf(order.CodeInvalid, op, "manifest.json: %v", err)
	}
	if m.Format != Format {
		problems = append(problems, fmt.Sprintf("manifest.json: format %q, want %q", m.Format, Format))
	}
	listed := map[string]bool{"manifest.json": true}
	for _, want := range m.Files {
		if listed[want.Path] {
			problems = append(problems, want.Path+": listed twice")
			continue
		}
		listed[want.Path] = true
		f := entries[want.Path]
		if f == nil {
			problems = append(problems, want.Path+": missing")
			continue
		}
		sum, n, err := digest(f)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: unreadable: %v", want.Path, err))
		case n != want.Size || sum != want.SHA256:
			problems = append(problems, fmt.Sprintf("%s: size %d sha256 %s, manifest says size %d sha256 %s", want.Path, n, sum, want.Size, want.SHA256))
		}
	}
	for _, f := range zr.File {
		if !listed[f.Name] {
			problems = append(problems, f.Name+": not in the manifest")
		}
	}
	if len(problems) > 0 {
		return m, order.Errorf(order.CodeInvalid, op, "the pack does not match its manifest: %s", strings.Join(problems, "; "))
	}
	return m, nil
}

func readJSON(f *zip.File, v any) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return json.NewDecoder(rc).Decode(v)
}

func digest(f *zip.File) (string, int64, error) {
	rc, err := f.Open()
	if err != nil {
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	return hex.EncodeToString(h.Sum(nil)), n, err
}
