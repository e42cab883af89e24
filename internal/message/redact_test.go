package message

import "testing"

func TestRedactAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"identities failed the check: buyer@example.com":    "identities failed the check: [address]",
		"GET /addresses/Buyer%40Example.COM: refused":       "GET /addresses/[address]: refused",
		"<buyer+tag@sub.example.co.uk>: Recipient rejected": "<[address]>: Recipient rejected",
		"no address here, request id 8f1c-22, HTTP 400":     "no address here, request id 8f1c-22, HTTP 400",
		"two: a@b.example, c@d.example":                     "two: [address], [address]",
	} {
		if got := RedactAddresses(in); got != want {
			t.Errorf("RedactAddresses(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactPhones(t *testing.T) {
	for in, want := range map[string]string{
		"Reason: +15555550100 is not valid":      "Reason: [phone] is not valid",
		"number +44 20 7946 0958 rejected":       "number [phone] rejected",
		"phoneNumber=%2B15555550100":             "phoneNumber=[phone]",
		"bare 15555550100 digits":                "bare [phone] digits",
		"Rate exceeded (HTTP 400, request id 7)": "Rate exceeded (HTTP 400, request id 7)",
	} {
		if got := RedactPhones(in); got != want {
			t.Errorf("RedactPhones(%q) = %q, want %q", in, got, want)
		}
	}
}
