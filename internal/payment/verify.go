package payment

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
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
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, h.Sum(nil), sig) == nil
}

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
			return key, cert, nil
		case "PUBLIC KEY", "RSA PUBLIC KEY":
			key, err := parseRSADER(block.Bytes)
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
	return key, nil, err
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

// isoCurrency upper-cases code and reports whether it is a known ISO 4217 currency.
func isoCurrency(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) != 3 {
		return "", false
	}
	u, err := currency.ParseISO(code)
	return code, err == nil && u.String() == code
}
