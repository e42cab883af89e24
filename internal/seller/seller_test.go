package seller_test

import (
	"context"
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/embedded"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store/storetest"
)

var now = time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*seller.Service, *embedded.Store) {
	t.Helper()
	st, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return &seller.Service{Orders: st, Now: func() time.Time { return now }}, st
}

func terms() order.Terms {
	return order.Terms{Buyer: storetest.Buyer("buyer-1"), AmountMinor: 12990, Currency: "BRL",
		PaymentDueAt: now.Add(72 * time.Hour)}
}

func TestPutOrderAppliesEventsThatArrivedFirst(t *testing.T) {
	svc, st := newService(t)
	ctx := context.Background()
	ev := storetest.Event("stripe", "evt_early", "AE-7", order.KindPaymentSucceeded, 12990, time.Minute)
	if res, err := st.RecordEvent(ctx, ev, order.Evidence{Body: []byte("{}")}); err != nil || !res.Parked {
		t.Fatalf("RecordEvent = %+v, %v; want parked", res, err)
	}
	o, created, err := svc.PutOrder(ctx, "AE-7", terms())
	if err != nil || !created {
		t.Fatalf("PutOrder = %v, %v", created, err)
	}
	if o.Status != order.StatusAwaitingShipment || o.PaymentStatus != order.PaymentPaid {
		t.Fatalf("order after registration = %s/%s, want the early payment applied", o.Status, o.PaymentStatus)
	}
	_, timeline, err := svc.GetOrder(ctx, "AE-7")
	if err != nil || len(timeline) != 1 || !timeline[0].Applied || timeline[0].EventID != "evt_early" {
		t.Fatalf("timeline = %+v, %v", timeline, err)
	}
}

func TestPutOrderNormalisesBuyer(t *testing.T) {
	svc, st := newService(t)
	tm := terms()
	tm.Buyer.Locale, tm.Buyer.Country, tm.Buyer.Name = "pt-br", "br", "  Ana  "
	if _, _, err := svc.PutOrder(context.Background(), "AE-8", tm); err != nil {
		t.Fatal(err)
	}
	b, err := st.GetBuyer(context.Background(), "buyer-1")
	if err != nil || b.Locale != "pt-BR" || b.Country != "BR" || b.Name != "Ana" {
		t.Fatalf("stored buyer = %+v, %v", b, err)
	}
}

func TestPutOrderReportsBadIDWithOtherFields(t *testing.T) {
	svc, _ := newService(t)
	tm := terms()
	tm.Currency = "???"
	_, _, err := svc.PutOrder(context.Background(), "bad id", tm)
	e, ok := err.(*order.Error)
	if !ok || e.Code != order.CodeInvalid || e.Fields["order_id"] == "" || e.Fields["currency"] == "" {
		t.Fatalf("err = %v, want invalid order_id and currency", err)
	}
}

// racingOrders makes the first SaveOrder lose to a concurrent writer, once.
type racingOrders struct {
	*embedded.Store
	raced bool
}

func (r *racingOrders) SaveOrder(ctx context.Context, o order.Order, b order.Buyer) error {
	if !r.raced && o.Version > 1 {
		r.raced = true
		cur, _ := r.GetOrder(ctx, o.ID)
		cur.Version++ // another writer's change lands first
		if err := r.Store.SaveOrder(ctx, cur, b); err != nil {
			return err
		}
	}
	return r.Store.SaveOrder(ctx, o, b)
}

func TestPutOrderRetriesAfterLosingARace(t *testing.T) {
	svc, st := newService(t)
	ctx := context.Background()
	if _, _, err := svc.PutOrder(ctx, "AE-9", terms()); err != nil {
		t.Fatal(err)
	}
	svc.Orders = &racingOrders{Store: st}
	tm := terms()
	tm.AmountMinor = 15000
	o, created, err := svc.PutOrder(ctx, "AE-9", tm)
	if err != nil || created || o.AmountMinor != 15000 || o.Version != 3 {
		t.Fatalf("PutOrder after a lost race = %+v, %v, %v", o, created, err)
	}
}

func TestAddShipmentAppliesCarrierEventsThatArrivedFirst(t *testing.T) {
	svc, st := newService(t)
	ctx := context.Background()
	if _, _, err := svc.PutOrder(ctx, "AE-10", terms()); err != nil {
		t.Fatal(err)
	}
	pay := storetest.Event("stripe", "evt_10", "AE-10", order.KindPaymentSucceeded, 12990, time.Minute)
	if _, err := st.RecordEvent(ctx, pay, order.Evidence{}); err != nil {
		t.Fatal(err)
	}
	scan := storetest.Track("aftership", "as-1", "RR123456785CN", "china-post", order.ShipmentInTransit, 2*time.Hour)
	if res, err := st.RecordTrackingEvent(ctx, scan, order.Evidence{Body: []byte("{}")}); err != nil || !res.Parked {
		t.Fatalf("early scan: %+v, %v", res, err)
	}
	o, created, err := svc.AddShipment(ctx, "AE-10", seller.ShipmentInput{Carrier: "cainiao",
		TrackingNumber: "RR123456785CN", Service: order.ServicePostal, ShippedAt: now})
	if err != nil || !created {
		t.Fatalf("AddShipment = %v, %v", created, err)
	}
	if o.Status != order.StatusShipped || o.Shipments[0].Status != order.ShipmentInTransit {
		t.Fatalf("order after registration = %s, parcel %s: want the early scan applied", o.Status, o.Shipments[0].Status)
	}
}

func TestBuyerProfileMasksContactAndExplainsRating(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	if _, _, err := svc.PutOrder(ctx, "AE-11", terms()); err != nil {
		t.Fatal(err)
	}
	p, err := svc.BuyerProfile(ctx, "buyer-1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Buyer.Email != "b***@example.com" || p.Buyer.Phone != "+55*******5678" || p.Buyer.Name != "A*** S***" {
		t.Fatalf("masked contact = %q %q %q", p.Buyer.Email, p.Buyer.Phone, p.Buyer.Name)
	}
	if p.Rating.Tier != "standard" || p.Rating.Reason != "new buyer" || p.Cadence.MaxReminders != 3 {
		t.Fatalf("rating = %+v, cadence %+v", p.Rating, p.Cadence)
	}
	if _, err := svc.BuyerProfile(ctx, "nobody"); order.ErrorCode(err) != order.CodeNotFound {
		t.Fatalf("unknown buyer: %v", err)
	}
}
