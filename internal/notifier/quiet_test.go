package notifier_test

import (
	"testing"
	"time"

	"github.com/orderwire/orderwire/internal/message"
	"github.com/orderwire/orderwire/internal/notifier"
	"github.com/orderwire/orderwire/internal/order"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestQuiet(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	reminder, final, received := order.NotifyPaymentReminder, order.NotifyPaymentFinalNotice, order.NotifyPaymentReceived
	shipped, terminated := order.NotifyShipmentShipped, order.NotifyOrderTerminated
	tests := []struct {
		name  string
		kind  order.NotificationKind
		ch    message.Channel
		zone  string
		now   string // UTC
		quiet bool
		until string // UTC, when quiet
	}{
		{"reminder email mid-morning", reminder, email, "America/Sao_Paulo", "2026-11-23T13:00:00Z", false, ""},
		{"reminder email 07:59 local", reminder, email, "America/Sao_Paulo", "2026-11-23T10:59:00Z", true, "2026-11-23T11:00:00Z"},
		{"reminder email 08:00 local", reminder, email, "America/Sao_Paulo", "2026-11-23T11:00:00Z", false, ""},
		{"reminder email 20:59 local", reminder, email, "America/Sao_Paulo", "2026-11-23T23:59:00Z", false, ""},
		{"reminder email 21:00 local waits for tomorrow", reminder, email, "America/Sao_Paulo", "2026-11-24T00:00:00Z", true, "2026-11-24T11:00:00Z"},
		{"final notice at night", final, email, "Asia/Tokyo", "2026-11-23T14:00:00Z", true, "2026-11-23T23:00:00Z"},
		{"payment confirmation email at 03:00", received, email, "Asia/Tokyo", "2026-11-23T18:00:00Z", false, ""},
		{"shipment email at 23:00", shipped, email, "Europe/Lisbon", "2026-11-23T23:00:00Z", false, ""},
		{"termination email at 02:00", terminated, email, "Europe/Lisbon", "2026-11-24T02:00:00Z", false, ""},
		{"payment confirmation SMS at 03:00", received, sms, "Asia/Tokyo", "2026-11-23T18:00:00Z", true, "2026-11-23T23:00:00Z"},
		{"shipment SMS at 23:00", shipped, sms, "Europe/Lisbon", "2026-11-23T23:00:00Z", true, "2026-11-24T08:00:00Z"},
		{"shipment SMS at noon", shipped, sms, "Europe/Lisbon", "2026-11-23T12:00:00Z", false, ""},
		{"half-hour zone", reminder, sms, "Asia/Kolkata", "2026-11-23T02:00:00Z", true, "2026-11-23T02:30:00Z"},
		{"half-hour zone after 08:00", reminder, sms, "Asia/Kolkata", "2026-11-23T02:30:00Z", false, ""},
		// Lisbon springs forward on 29 March 2026 at 01:00 UTC: 08:00 that day is 07:00 UTC.
		{"night before spring forward", reminder, email, "Europe/Lisbon", "2026-03-28T22:00:00Z", true, "2026-03-29T07:00:00Z"},
		{"inside the skipped hour", reminder, email, "Europe/Lisbon", "2026-03-29T01:30:00Z", true, "2026-03-29T07:00:00Z"},
		// New York falls back on 1 November 2026 at 06:00 UTC: 08:00 that day is 13:00 UTC.
		{"night before fall back", shipped, sms, "America/New_York", "2026-11-01T03:00:00Z", true, "2026-11-01T13:00:00Z"},
		{"inside the repeated hour", shipped, sms, "America/New_York", "2026-11-01T06:30:00Z", true, "2026-11-01T13:00:00Z"},
		{"21:00 on the fall-back day", shipped, sms, "America/New_York", "2026-11-02T02:00:00Z", true, "2026-11-02T13:00:00Z"},
		// Lord Howe moves by half an hour (UTC+10:30 ↔ +11), Chatham sits at +13:45 in summer.
		{"Lord Howe in summer", reminder, email, "Australia/Lord_Howe", "2026-11-23T20:00:00Z", true, "2026-11-23T21:00:00Z"},
		{"Chatham in summer", reminder, email, "Pacific/Chatham", "2026-11-23T17:00:00Z", true, "2026-11-23T18:15:00Z"},
		{"UTC", reminder, email, "UTC", "2026-11-23T21:00:00Z", true, "2026-11-24T08:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now := utc(tc.now)
			quiet, until := notifier.Quiet(tc.kind, tc.ch, now, zone(t, tc.zone))
			if quiet != tc.quiet {
				t.Fatalf("Quiet(%s, %s, %s in %s) = %v, want %v", tc.kind, tc.ch, tc.now, tc.zone, quiet, tc.quiet)
			}
			if quiet && !until.Equal(utc(tc.until)) {
				t.Fatalf("quiet until %s, want %s", until.UTC().Format(time.RFC3339), tc.until)
			}
			if quiet && until.In(zone(t, tc.zone)).Format("15:04") != "08:00" {
				t.Fatalf("quiet until %s local, want 08:00", until.In(zone(t, tc.zone)).Format("15:04"))
			}
		})
	}
}

func TestQuietWithoutZoneIsUTC(t *testing.T) {
	now := time.Date(2026, 11, 23, 22, 0, 0, 0, time.UTC)
	quiet, until := notifier.Quiet(order.NotifyPaymentReminder, email, now, nil)
	if !quiet || !until.Equal(time.Date(2026, 11, 24, 8, 0, 0, 0, time.UTC)) {
		t.Fatalf("Quiet without a zone = %v, %s", quiet, until)
	}
}
