package payment

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/orderwire/orderwire/internal/order"
	"golang.org/x/text/currency"
)

// unauthorized builds the caller-safe verification failure of op.
func unauthorized(op, format string, args ...any) error {
	return order.Errorf(order.CodeUnauthorized, op, format, args...)
}

// invalid builds the malformed-body failure of op.
func invalid(op, format string, args ...any) error {
	return order.Errorf(order.CodeInvalid, op, format, args...)
}

// verifyRSA checks an RSA PKCS#1 v1.5 SHA-256 signature over the concatenation of parts.
func verifyRSA(key *rsa.PublicKey, sig []byte, parts ...[]byte) bool {
	return verifyRSAHash(key, crypto.SHA256, sig, parts...)
}

// verifyRSAHash checks an RSA PKCS#1 v1.5 signature made with hash (crypto.SHA256 or
// crypto.SHA1) over the concatenation of parts.
func verifyRSAHash(key *rsa.PublicKey, hash crypto.Hash, sig []byte, parts ...[]byte) bool {
	var h hashWriter = sha256.New()
	if hash == crypto.SHA1 {
		h = sha1.New()
	}
	for _, p := range parts {
		_, _ = h.Write(p) // a hash's Write never returns an error (hash.Hash)
	}
	return rsa.VerifyPKCS1v15(key, hash, h.Sum(nil), sig) == nil
}

// hashWriter is the part of hash.Hash verifyRSAHash uses.
type hashWriter interface {
	Write([]byte) (int, error)
	Sum([]byte) []byte
}

// MinRSABits is the smallest RSA modulus a configured or fetched public key may have: keys
// under 2048 bits are refused at start (Antom and Alipay issue 2048-bit keys; so does PayPal).
const MinRSABits = 2048

// errNotRSA is the reason given for a key that parses but is not RSA.
var errNotRSA = errors.New("is not an RSA public key")

// parseRSAPublicKey reads an RSA public key from a PEM block (PUBLIC KEY, RSA PUBLIC KEY or
// CERTIFICATE) or from the bare base64 DER key that the Antom and Alipay consoles show. The
// error never contains the input.
func parseRSAPublicKey(data []byte) (*rsa.PublicKey, error) {
	key, _, err := parseRSAKeyOrCert(data)
	return key, err
}

// parseRSAKeyOrCert is parseRSAPublicKey that also returns the certificate when the input
// was one (nil otherwise), so that its validity period can be checked.
func parseRSAKeyOrCert(data []byte) (*rsa.PublicKey, *x509.Certificate, error) {
	if block, _ := pem.Decode(data); block != nil {
		switch block.Type {
		case "CERTIFICATE":
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, nil, errors.New("holds a CERTIFICATE block that does not parse")
			}
			key, ok := cert.PublicKey.(*rsa.PublicKey)
			if !ok {
				return nil, nil, errNotRSA
			}
			return key, cert, checkRSABits(key)
		case "PUBLIC KEY", "RSA PUBLIC KEY":
			key, err := parseRSADER(block.Bytes)
			if err == nil {
				err = checkRSABits(key)
			}
			return key, nil, err
		default:
			return nil, nil, fmt.Errorf("holds a %q PEM block; want PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE", block.Type)
		}
	}
	compact := strings.Join(strings.Fields(string(data)), "")
	der, err := base64.StdEncoding.DecodeString(compact)
	if err != nil || len(der) == 0 {
		return nil, nil, errors.New("is neither a PEM block nor a base64 DER public key")
	}
	key, err := parseRSADER(der)
	if err == nil {
		err = checkRSABits(key)
	}
	return key, nil, err
}

// checkRSABits refuses a key whose modulus is shorter than MinRSABits.
func checkRSABits(key *rsa.PublicKey) error {
	if n := key.N.BitLen(); n < MinRSABits {
		return fmt.Errorf("is a %d-bit RSA key; at least %d bits are required", n, MinRSABits)
	}
	return nil
}

// parseRSADER parses a PKIX (SubjectPublicKeyInfo) or PKCS#1 RSA public key.
func parseRSADER(der []byte) (*rsa.PublicKey, error) {
	if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
		key, ok := pub.(*rsa.PublicKey)
		if !ok {
			return nil, errNotRSA
		}
		return key, nil
	}
	if key, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return key, nil
	}
	return nil, errors.New("is not a DER-encoded public key")
}

// checkAmount refuses an amount in minor units outside 0..order.MaxAmountMinor.
func checkAmount(op, field string, n int64) error {
	if n < 0 || n > order.MaxAmountMinor {
		return invalid(op, "%s %d is out of range", field, n)
	}
	return nil
}

// refList returns the non-empty ids among ids, each once, in their first order and their
// provider's spelling: an order.Event's Refs.
func refList(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// isoCurrency upper-cases code and reports whether it is a known ISO 4217 currency.
func isoCurrency(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 3 {
		return "", false
	}
	u, err := currency.ParseISO(code)
	return code, err == nil && u.String() == code
}
