package evidencepack_test

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/order"
)

// rewrite copies pack through edit, which may change, drop (return nil) or keep each
// file's content; add is appended as extra files.
func rewrite(t *testing.T, pack []byte, edit func(name string, body []byte) []byte, add map[string][]byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	put := func(name string, body []byte) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if body = edit(f.Name, body); body != nil {
			put(f.Name, body)
		}
	}
	for name, body := range add {
		put(name, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func wantTampered(t *testing.T, pack []byte, mention string) {
	t.Helper()
	_, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if order.ErrorCode(err) != order.CodeInvalid || !strings.Contains(err.Error(), mention) {
		t.Fatalf("Verify = %v; want invalid, naming %q", err, mention)
	}
}

// TestVerifyDetectsTampering: a pack verifies as written; one flipped byte in a webhook
// body (re-zipped cleanly, manifest untouched), a flipped byte of the compressed data in
// place, a file removed and a file added are each caught and named.
func TestVerifyDetectsTampering(t *testing.T) {
	w := newWorld(t, 2)
	pack := w.pack(t, "en", nil)
	m, err := evidencepack.Verify(bytes.NewReader(pack), int64(len(pack)))
	if err != nil {
		t.Fatalf("untouched pack: %v", err)
	}
	target := m.Events[0].Body

	flipped := rewrite(t, pack, func(name string, body []byte) []byte {
		if name == target {
			body = append([]byte(nil), body...)
			body[len(body)/2] ^= 0x01
		}
		return body
	}, nil)
	wantTampered(t, flipped, target+": size")

	// The same flip made in the zip file itself, in the entry's compressed bytes.
	zr, _ := zip.NewReader(bytes.NewReader(pack), int64(len(pack)))
	var raw []byte
	for _, f := range zr.File {
		if f.Name == target {
			off, err := f.DataOffset()
			if err != nil {
				t.Fatal(err)
			}
			raw = append([]byte(nil), pack...)
			raw[off+int64(f.CompressedSize64)/2] ^= 0x01
		}
	}
	wantTampered(t, raw, target)

	wantTampered(t, rewrite(t, pack, func(name string, body []byte) []byte {
		if name == "submit/stripe.json" {
			return nil
		}
		return body
	}, nil), "submit/stripe.json: missing")
	wantTampered(t, rewrite(t, pack, func(_ string, body []byte) []byte { return body },
		map[string][]byte{"events/stripe/evt_forged.body": []byte(`{}`)}), "events/stripe/evt_forged.body: not in the manifest")
	wantTampered(t, pack[:len(pack)-10], "not a readable zip")
}
