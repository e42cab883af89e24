package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"

	"github.com/orderwire/orderwire/internal/evidencepack"
)

// runVerifyPack checks an evidence pack against its manifest (evidencepack.Verify) and
// prints the manifest's own SHA-256, which the seller keeps to prove later that the
// manifest is the one they downloaded.
func runVerifyPack(args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: orderwire verify-pack <pack.zip>")
		return errUsage
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // opened read-only: closing cannot lose anything
	info, err := f.Stat()
	if err != nil {
		return err
	}
	m, err := evidencepack.Verify(f, info.Size())
	if err != nil {
		return err
	}
	sum, err := manifestDigest(f, info.Size())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ok: %d files match manifest.json (order %s, generated %s, orderwire %s)\nmanifest.json sha256 %s\n",
		len(m.Files), m.OrderID, m.GeneratedAt.Format("2006-01-02T15:04:05Z07:00"), m.Version, sum)
	return nil
}

func manifestDigest(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", err
	}
	for _, f := range zr.File {
		if f.Name != "manifest.json" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", err
		}
		defer rc.Close()
		h := sha256.New()
		if _, err := io.Copy(h, rc); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	return "", fmt.Errorf("no manifest.json")
}
