package payment

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/webhooksig"
)

// payPal verifies PayPal webhooks offline (source: paypal/PayPal-node-SDK
// lib/resources/Notification.js in its older versions; the same fields feed PayPal's online
// POST /v1/notifications/verify-webhook-signature).
type payPal struct {
	webhookID string
	pinned    *x509.Certificate // optional; when set, CERT-URL is never fetched
	pinnedKey *rsa.PublicKey
	certs     *certSource
}

// newPayPal builds the provider, recording a bad pinned certificate in fe under certSetting,
// the setting it came from.
func newPayPal(webhookID string, certPEM []byte, certSetting string, client *http.Client, fe *order.FieldErrors) *payPal {
	p := &payPal{webhookID: webhookID, certs: newCertSource(client)}
	if len(strings.TrimSpace(string(certPEM))) > 0 {
		key, cert, err := parseRSAKeyOrCert(certPEM)
		if err != nil {
			fe.Add(certSetting, err.Error())
			return nil
		}
		p.pinned, p.pinnedKey = cert, key
	}
	return p
}

func (p *payPal) Name() string { return NamePayPal }

func (p *payPal) Acknowledge() (int, string, []byte) {
	return http.StatusOK, "application/json", []byte(jsonAck)
}

// Verify checks PAYPAL-TRANSMISSION-SIG (base64 RSA PKCS#1 v1.5 SHA-256) over
// "<transmission id>|<transmission time>|<webhook id>|<crc32 IEEE of the raw body, unsigned
// decimal>". PAYPAL-AUTH-ALGO must be SHA256withRSA; PAYPAL-TRANSMISSION-TIME (RFC 3339) must
// be within 5 minutes of now. The key is the pinned certificate's, or that of the certificate
// at PAYPAL-CERT-URL (fetched only from PayPal's API hosts, cached); a certificate must be
// valid at now. Cheap checks come first so that a bogus request costs no fetch.
func (p *payPal) Verify(ctx context.Context, r Request, now time.Time) error {
	const op = "payment.paypal.Verify"
	id := webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-ID")
	sentAt := webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-TIME")
	sig := webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-SIG")
	algo := webhooksig.Header(r.Header, "PAYPAL-AUTH-ALGO")
	certURL := webhooksig.Header(r.Header, "PAYPAL-CERT-URL")
	for _, h := range []struct{ name, value string }{
		{"PAYPAL-TRANSMISSION-ID", id}, {"PAYPAL-TRANSMISSION-TIME", sentAt},
		{"PAYPAL-TRANSMISSION-SIG", sig}, {"PAYPAL-AUTH-ALGO", algo},
	} {
		if h.value == "" {
			return webhooksig.MissingHeader(op, h.name)
		}
	}
	if algo != "SHA256withRSA" {
		return unauthorized(op, "PAYPAL-AUTH-ALGO must be SHA256withRSA")
	}
	t, err := time.Parse(time.RFC3339Nano, sentAt)
	if err != nil {
		return unauthorized(op, "PAYPAL-TRANSMISSION-TIME is not RFC 3339")
	}
	if err := webhooksig.CheckTimestamp(op, "PAYPAL-TRANSMISSION-TIME", t, now); err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return unauthorized(op, "PAYPAL-TRANSMISSION-SIG is not base64")
	}
	cert, key := p.pinned, p.pinnedKey
	if key == nil {
		if certURL == "" {
			return webhooksig.MissingHeader(op, "PAYPAL-CERT-URL")
		}
		if cert, err = p.certs.get(ctx, certURL); err != nil {
			if errors.Is(err, errCertURL) {
				return unauthorized(op, "%v", errCertURL)
			}
			e := order.Errorf(order.CodeUnauthorized, op, "could not fetch the PAYPAL-CERT-URL certificate")
			e.Err = err
			return e
		}
		key = cert.PublicKey.(*rsa.PublicKey)
	}
	if cert != nil && (now.Before(cert.NotBefore) || now.After(cert.NotAfter)) {
		return unauthorized(op, "the signing certificate is not valid now")
	}
	crc := strconv.FormatUint(uint64(crc32.ChecksumIEEE(r.Body)), 10)
	msg := id + "|" + sentAt + "|" + p.webhookID + "|" + crc
	if !verifyRSA(key, raw, []byte(msg)) {
		return unauthorized(op, "PAYPAL-TRANSMISSION-SIG does not match (check the webhook id)")
	}
	return nil
}

type payPalMoney struct {
	Value        string `json:"value"`
	CurrencyCode string `json:"currency_code"`
}

type payPalEvent struct {
	ID         string `json:"id"`
	EventType  string `json:"event_type"`
	CreateTime string `json:"create_time"`
	Resource   struct {
		ID            string       `json:"id"`
		CustomID      string       `json:"custom_id"`
		InvoiceID     string       `json:"invoice_id"`
		Amount        *payPalMoney `json:"amount"`
		PurchaseUnits []struct {
			CustomID    string `json:"custom_id"`
			InvoiceID   string `json:"invoice_id"`
			ReferenceID string `json:"reference_id"`
		} `json:"purchase_units"`
		Links []struct {
			Href string `json:"href"`
			Rel  string `json:"rel"`
		} `json:"links"`
		// Disputes (resource_type "dispute").
		DisputeID      string       `json:"dispute_id"`
		DisputeAmount  *payPalMoney `json:"dispute_amount"`
		DisputeOutcome struct {
			OutcomeCode string `json:"outcome_code"`
		} `json:"dispute_outcome"`
		DisputedTransactions []struct {
			SellerTransactionID string `json:"seller_transaction_id"`
			InvoiceNumber       string `json:"invoice_number"`
			Custom              string `json:"custom"`
		} `json:"disputed_transactions"`
	} `json:"resource"`
}

// Parse maps a PayPal event:
//
//	PAYMENT.CAPTURE.COMPLETED         payment_succeeded (resource.amount)
//	PAYMENT.CAPTURE.PENDING           payment_pending
//	PAYMENT.CAPTURE.DENIED, DECLINED  payment_failed
//	PAYMENT.CAPTURE.REFUNDED          refunded (this refund's amount, not a total)
//	PAYMENT.CAPTURE.REVERSED          refunded (the reversed amount)
//	CUSTOMER.DISPUTE.CREATED          dispute_opened (dispute_amount)
//	CUSTOMER.DISPUTE.RESOLVED         dispute_closed: RESOLVED_SELLER_FAVOUR won,
//	                                  RESOLVED_BUYER_FAVOUR lost, any other outcome unknown
//	CHECKOUT.ORDER.APPROVED/COMPLETED ignored: approval moves no money and the capture events
//	                                  above are authoritative for it (a COMPLETED order is
//	                                  followed by PAYMENT.CAPTURE.*; acting on both would
//	                                  count the payment twice)
//	anything else                     ignored
//
// OrderID is resource.custom_id, else resource.invoice_id, else purchase_units[0] custom_id,
// invoice_id or reference_id (orders), else disputed_transactions[0] custom or
// invoice_number (disputes). PaymentRef is the capture id: resource.id for captures, the
// "up" link's last segment for refunds, disputed_transactions[0].seller_transaction_id for
// disputes.
func (p *payPal) Parse(r Request) (order.Event, error) {
	const op = "payment.paypal.Parse"
	var e payPalEvent
	if err := json.Unmarshal(r.Body, &e); err != nil {
		return order.Event{}, invalid(op, "body is not a PayPal event: malformed JSON")
	}
	if e.ID == "" {
		return order.Event{}, invalid(op, "event has no id")
	}
	res := &e.Resource
	ev := order.Event{Source: NamePayPal, EventID: e.ID, Type: e.EventType, Kind: order.KindIgnored,
		OrderID: firstOf(res.CustomID, res.InvoiceID), PaymentRef: res.ID}
	if len(res.PurchaseUnits) > 0 && ev.OrderID == "" {
		pu := res.PurchaseUnits[0]
		ev.OrderID = firstOf(pu.CustomID, pu.InvoiceID, pu.ReferenceID)
	}
	if len(res.DisputedTransactions) > 0 {
		dt := res.DisputedTransactions[0]
		ev.OrderID = firstOf(ev.OrderID, dt.Custom, dt.InvoiceNumber)
		ev.PaymentRef = dt.SellerTransactionID
	}
	var amount *payPalMoney
	switch e.EventType {
	case "PAYMENT.CAPTURE.COMPLETED":
		ev.Kind, amount = order.KindPaymentSucceeded, res.Amount
	case "PAYMENT.CAPTURE.PENDING":
		ev.Kind = order.KindPaymentPending
	case "PAYMENT.CAPTURE.DENIED", "PAYMENT.CAPTURE.DECLINED":
		ev.Kind = order.KindPaymentFailed
	case "PAYMENT.CAPTURE.REFUNDED", "PAYMENT.CAPTURE.REVERSED":
		ev.Kind, amount = order.KindRefunded, res.Amount
		for _, l := range res.Links {
			if l.Rel == "up" && strings.Contains(l.Href, "/captures/") {
				ev.PaymentRef = l.Href[strings.LastIndexByte(l.Href, '/')+1:]
			}
		}
	case "CUSTOMER.DISPUTE.CREATED":
		ev.Kind, amount = order.KindDisputeOpened, res.DisputeAmount
	case "CUSTOMER.DISPUTE.RESOLVED":
		ev.Kind, amount = order.KindDisputeClosed, res.DisputeAmount
		switch res.DisputeOutcome.OutcomeCode {
		case "RESOLVED_SELLER_FAVOUR":
			ev.DisputeOutcome = order.DisputeWon
		case "RESOLVED_BUYER_FAVOUR":
			ev.DisputeOutcome = order.DisputeLost
		}
	}
	if amount != nil && amount.Value != "" {
		n, err := order.MinorUnits(amount.Value, amount.CurrencyCode)
		if err != nil {
			return order.Event{}, invalid(op, "resource amount is not a decimal in an ISO 4217 currency")
		}
		ev.AmountMinor, ev.Currency = n, amount.CurrencyCode
	}
	for _, s := range []string{e.CreateTime, webhooksig.Header(r.Header, "PAYPAL-TRANSMISSION-TIME")} {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			ev.OccurredAt = t.UTC()
			break
		}
	}
	return ev, nil
}
