package loadgen

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Delivery is one webhook request, ready to send (and to send again: a provider's retry).
type Delivery struct {
	Path   string // /webhooks/payments/<provider> or /webhooks/carriers/<sender>
	Header http.Header
	Body   []byte
}

var beijing = time.FixedZone("CST", 8*60*60) // Antom writes its request time in +08:00

// SignPayment signs body for payment provider name at time at, as that provider signs; id
// is the delivery id for the schemes that sign one (Standard Webhooks, PayPal). Names other
// than stripe, paypal, antom and alipay sign as Standard Webhooks.
func (k *Keys) SignPayment(name, id string, body []byte, at time.Time) (Delivery, error) {
	path := "/webhooks/payments/" + name
	switch name {
	case "stripe": // Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>"> keyed by the whole whsec_ secret
		ts := strconv.FormatInt(at.Unix(), 10)
		mac := hmac.New(sha256.New, []byte(k.Stripe))
		mac.Write([]byte(ts + "."))
		mac.Write(body)
		return Delivery{path, http.Header{"Stripe-Signature": {"t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))},
			"Content-Type": {"application/json; charset=utf-8"}}, body}, nil
	case "paypal": // SHA256withRSA over "<transmission id>|<time>|<webhook id>|<crc32 of body>"
		tx, sent := "tx-"+id, at.UTC().Format(time.RFC3339)
		crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE(body)), 10)
		sig, err := rsaSign(k.PayPal, tx+"|"+sent+"|"+k.PayPalHookID+"|"+crc)
		return Delivery{path, http.Header{"Paypal-Transmission-Id": {tx}, "Paypal-Transmission-Time": {sent},
			"Paypal-Transmission-Sig": {sig}, "Paypal-Cert-Url": {PayPalCertURL}, "Paypal-Auth-Algo": {"SHA256withRSA"},
			"Content-Type": {"application/json"}}, body}, err
	case "antom": // SHA256withRSA over "POST <path>\n<client-id>.<request-time>.<body>", URL-encoded
		reqTime := at.In(beijing).Format("2006-01-02T15:04:05.000-07:00")
		sig, err := rsaSign(k.Antom, "POST "+path+"\n"+AntomClient+"."+reqTime+"."+string(body))
		return Delivery{path, http.Header{"Client-Id": {AntomClient}, "Request-Time": {reqTime}, "Content-Type": {"application/json; charset=UTF-8"},
			"Signature": {"algorithm=RSA256,keyVersion=1,signature=" + url.QueryEscape(sig)}}, body}, err
	case "alipay": // RSA2 over the sorted, decoded, non-empty parameters but sign and sign_type
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return Delivery{}, fmt.Errorf("loadgen: alipay body: %w", err)
		}
		var pairs []string
		for name, values := range form {
			if values[0] != "" && name != "sign" && name != "sign_type" {
				pairs = append(pairs, name+"="+values[0])
			}
		}
		slices.Sort(pairs)
		sig, err := rsaSign(k.Alipay, strings.Join(pairs, "&"))
		full := string(body) + "&sign_type=RSA2&sign=" + url.QueryEscape(sig)
		return Delivery{path, http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}, []byte(full)}, err
	default:
		return k.signStandard(path, id, body, at), nil
	}
}

// signStandard: webhook-signature is v1,<base64 HMAC-SHA256 of "<id>.<unix time>.<body>">.
func (k *Keys) signStandard(path, id string, body []byte, at time.Time) Delivery {
	ts := strconv.FormatInt(at.Unix(), 10)
	mac := hmac.New(sha256.New, k.Standard)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	return Delivery{path, http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Content-Type": {"application/json"},
		"Webhook-Signature": {"v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))}}, body}
}

// SignCarrier signs body for carrier sender name, as that sender signs; names other than
// aftership, 17track and easypost sign as Standard Webhooks.
func (k *Keys) SignCarrier(name, id string, body []byte, at time.Time) Delivery {
	path := "/webhooks/carriers/" + name
	header := func(h, v string) Delivery {
		return Delivery{path, http.Header{http.CanonicalHeaderKey(h): {v}, "Content-Type": {"application/json"}}, body}
	}
	switch name {
	case "aftership": // base64 HMAC-SHA256 of the body
		mac := hmac.New(sha256.New, []byte(k.AfterShip))
		mac.Write(body)
		return header("aftership-hmac-sha256", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	case "17track": // hex SHA-256 of "<body>/<key>"
		sum := sha256.Sum256([]byte(string(body) + "/" + k.SeventeenTrack))
		return header("sign", hex.EncodeToString(sum[:]))
	case "easypost": // hmac-sha256-hex= and the hex HMAC-SHA256 of the body (ASCII secret: NFKD is itself)
		mac := hmac.New(sha256.New, []byte(k.EasyPost))
		mac.Write(body)
		return header("X-Hmac-Signature", "hmac-sha256-hex="+hex.EncodeToString(mac.Sum(nil)))
	default:
		return k.signStandard(path, id, body, at)
	}
}

// rsaSign is SHA256withRSA (PKCS#1 v1.5), standard base64.
func rsaSign(key *rsa.PrivateKey, content string) (string, error) {
	if key == nil {
		return "", fmt.Errorf("loadgen: no RSA key for this provider")
	}
	sum := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("loadgen: RSA signature: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}
