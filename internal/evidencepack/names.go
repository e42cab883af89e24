package evidencepack

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// maxNameBytes bounds one path segment made from a provider's id (file systems allow 255
// bytes; the suffix .headers.json and a collision counter must still fit).
const maxNameBytes = 160

// SafeName turns a provider's id (an event id, a provider name) into one path segment that
// every unzip tool and file system accepts and that cannot climb out of its folder: bytes
// other than A-Z a-z 0-9 '-' '_' and '.' are percent-escaped ('/' → %2F, '%' → %25, '\' →
// %5C, NUL → %00), a leading '.' is escaped too (so "." and ".." and hidden names cannot
// occur), and the empty id becomes "%00empty". Distinct ids give distinct names, except that
// an id whose escaped form is longer than maxNameBytes is cut and given the first 16 hex
// digits of its SHA-256; the manifest maps every name back to the id it came from.
func SafeName(id string) string {
	if id == "" {
		return "%00empty"
	}
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			b.WriteByte(c)
		case c == '.' && i > 0:
			b.WriteByte(c)
		default:
			const hexDigits = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	name := b.String()
	if len(name) > maxNameBytes {
		sum := sha256.Sum256([]byte(id))
		name = name[:maxNameBytes-17] + "~" + hex.EncodeToString(sum[:8])
	}
	return name
}
