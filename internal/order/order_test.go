package order

import (
	"reflect"
	"sort"
	"testing"
	"time"
)

func validTerms() Terms {
	return Terms{
		Buyer: Buyer{ID: "buyer-1", Name: "Ana Souza", Email: "ana@example.com",
			Phone: "+5511912345678", Locale: "pt-BR", TimeZone: "America/Sao_Paulo", Country: "BR"},
		AmountMinor:  12990,
		Currency:     "BRL",
		PaymentDueAt: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC),
	}
}

func TestNewOrder(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.FixedZone("x", 3600))
	o, err := New("AE-1001:x_y.z", validTerms(), now)
	if err != nil {
		t.Fatal(err)
	}
	want := Order{ID: "AE-1001:x_y.z", BuyerID: "buyer-1", AmountMinor: 12990, Currency: "BRL",
		CreatedAt: now.UTC(), PaymentDueAt: validTerms().PaymentDueAt, Status: StatusPendingPayment, PaymentStatus: PaymentUnpaid,
		Version: 1, UpdatedAt: now.UTC()}
	if !reflect.DeepEqual(o, want) {
		t.Fatalf("New = %+v\nwant %+v", o, want)
	}
}

func TestValidationListsEveryBadField(t *testing.T) {
	bad := Terms{
		Buyer: Buyer{ID: "bad id!", Name: "", Email: "Ana <ana@example.com>", Phone: "5511912345678",
			Locale: "not a locale!", TimeZone: "Mars/Olympus", Country: "XX"},
		AmountMinor: 0, Currency: "usd",
	}
	_, err := New("", bad, time.Now())
	e, ok := err.(*Error)
	if !ok || e.Code != CodeInvalid {
		t.Fatalf("err = %v, want invalid *Error", err)
	}
	var got []string
	for f := range e.Fields {
		got = append(got, f)
	}
	sort.Strings(got)
	want := []string{"amount_minor", "buyer.country", "buyer.email", "buyer.id", "buyer.locale",
		"buyer.name", "buyer.phone", "buyer.timezone", "currency", "order_id", "payment_due_at"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fields = %v\nwant     %v", got, want)
	}
}

func TestFieldChecks(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*Terms)
		field string // "" means valid
	}{
		{"valid", func(*Terms) {}, ""},
		{"email only", func(t *Terms) { t.Buyer.Phone = "" }, ""},
		{"phone only", func(t *Terms) { t.Buyer.Email = "" }, ""},
		{"no contact", func(t *Terms) { t.Buyer.Email, t.Buyer.Phone = "", "" }, "buyer.email"},
		{"phone not a real number", func(t *Terms) { t.Buyer.Phone = "+1555000" }, "buyer.phone"},
		{"phone with spaces", func(t *Terms) { t.Buyer.Phone = "+55 11 91234 5678" }, "buyer.phone"},
		{"id too long", func(t *Terms) { t.Buyer.ID = string(make([]byte, 65)) }, "buyer.id"},
		{"control char in name", func(t *Terms) { t.Buyer.Name = "Ana\x00" }, "buyer.name"},
		{"Local timezone", func(t *Terms) { t.Buyer.TimeZone = "Local" }, "buyer.timezone"},
		{"lower-case country", func(t *Terms) { t.Buyer.Country = "br" }, "buyer.country"},
		{"not a country", func(t *Terms) { t.Buyer.Country = "EU" }, "buyer.country"},
		{"unknown currency", func(t *Terms) { t.Currency = "ABC" }, "currency"},
		{"negative amount", func(t *Terms) { t.AmountMinor = -5 }, "amount_minor"},
		{"huge amount", func(t *Terms) { t.AmountMinor = MaxAmountMinor + 1 }, "amount_minor"},
		{"due before created", func(t *Terms) { t.CreatedAt = t.PaymentDueAt.Add(time.Hour) }, "payment_due_at"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			terms := validTerms()
			c.edit(&terms)
			err := terms.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e, ok := err.(*Error)
			if !ok || e.Fields[c.field] == "" {
				t.Fatalf("err = %v, want a reason for %s", err, c.field)
			}
		})
	}
}

func TestNormalizeCanonicalisesLocaleAndCountry(t *testing.T) {
	b := Buyer{Name: " Ana ", Locale: "PT-br", Country: "br "}.Normalize()
	if b.Locale != "pt-BR" || b.Country != "BR" || b.Name != "Ana" {
		t.Fatalf("Normalize = %+v", b)
	}
}

func TestAmend(t *testing.T) {
	now := time.Unix(1_800_000_000, 0).UTC()
	o, err := New("o-1", validTerms(), now)
	if err != nil {
		t.Fatal(err)
	}
	terms := validTerms()
	terms.AmountMinor = 15000
	amended, err := o.Amend(terms, now.Add(time.Minute))
	if err != nil || amended.AmountMinor != 15000 || amended.Version != 2 || !amended.CreatedAt.Equal(now) {
		t.Fatalf("Amend pending = %+v, %v", amended, err)
	}

	paid, _ := amended.MoveTo(StatusAwaitingShipment, now)
	terms.AmountMinor = 16000
	if _, err := paid.Amend(terms, now); ErrorCode(err) != CodeConflict {
		t.Fatalf("amount change after payment: err = %v, want conflict", err)
	}
	terms.AmountMinor, terms.Currency = 15000, "USD"
	if _, err := paid.Amend(terms, now); ErrorCode(err) != CodeConflict {
		t.Fatalf("currency change after payment: err = %v, want conflict", err)
	}
	terms.Currency = "BRL"
	terms.PaymentDueAt = terms.PaymentDueAt.Add(24 * time.Hour)
	if got, err := paid.Amend(terms, now); err != nil || got.Status != StatusAwaitingShipment {
		t.Fatalf("same amount after payment: %+v, %v", got, err)
	}
}

func TestErrorCodeAndMessage(t *testing.T) {
	if ErrorCode(nil) != "" {
		t.Error("nil error has a code")
	}
	cause := Internal("store.Get", errBoom{})
	if ErrorCode(cause) != CodeInternal || cause.Message != "internal error" {
		t.Errorf("Internal = %+v", cause)
	}
	if got := cause.Error(); got != "store.Get: internal: internal error: boom" {
		t.Errorf("Error() = %q", got)
	}
	if ErrorCode(errBoom{}) != CodeInternal {
		t.Error("foreign error not internal")
	}
}

type errBoom struct{}

func (errBoom) Error() string { return "boom" }
