package store

import (
	"time"

	"github.com/orderwire/orderwire/internal/order"
)

// NotificationRecord is an outbox row with its delivery state.
type NotificationRecord struct {
	OrderID      string           `json:"order_id"`
	BuyerID      string           `json:"buyer_id"`
	Kind         string           `json:"kind"`
	Seq          int64            `json:"seq"`
	Status       string           `json:"status"`
	CreatedAt    time.Time        `json:"created_at"`
	CauseSource  string           `json:"cause_source"`
	CauseEventID string           `json:"cause_event_id"`
	Parcel       string           `json:"parcel,omitempty"`
	Detail       string           `json:"detail,omitempty"`
	NotBefore    time.Time        `json:"not_before,omitzero"`
	Attempts     int              `json:"attempts,omitempty"`
	Owner        string           `json:"owner,omitempty"`
	LeaseUntil   time.Time        `json:"lease_until,omitzero"`
	Reason       string           `json:"reason,omitempty"`
	Deliveries   []DeliveryRecord `json:"deliveries,omitempty"`
	UpdatedAt    time.Time        `json:"updated_at,omitzero"`
}

// DeliveryRecord is what one channel did.
type DeliveryRecord struct {
	Channel   string    `json:"channel"`
	Status    string    `json:"status"`
	MessageID string    `json:"message_id,omitempty"`
	Reason    string    `json:"reason,omitempty"`
	At        time.Time `json:"at"`
	// DeliveredAt is order.Delivery.DeliveredAt (MarkDelivered).
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
}

// NewNotificationRecord is n as stored.
func NewNotificationRecord(n order.Notification) NotificationRecord {
	r := NotificationRecord{OrderID: n.OrderID, BuyerID: n.BuyerID, Kind: string(n.Kind), Seq: n.Seq,
		Status: n.Status, CreatedAt: n.CreatedAt.UTC(), CauseSource: n.CauseSource, CauseEventID: n.CauseEventID,
		Parcel: n.Parcel, Detail: n.Detail, NotBefore: utcOrZero(n.NotBefore), Attempts: n.Attempts, Owner: n.Owner,
		LeaseUntil: utcOrZero(n.LeaseUntil), Reason: n.Reason, UpdatedAt: utcOrZero(n.UpdatedAt)}
	for _, d := range n.Deliveries {
		r.Deliveries = append(r.Deliveries, DeliveryRecord{Channel: d.Channel, Status: d.Status,
			MessageID: d.MessageID, Reason: d.Reason, At: d.At.UTC(), DeliveredAt: utcOrZero(d.DeliveredAt)})
	}
	return r
}

// Notification is the stored outbox row.
func (r NotificationRecord) Notification() order.Notification {
	n := order.Notification{OrderID: r.OrderID, BuyerID: r.BuyerID, Kind: order.NotificationKind(r.Kind),
		Seq: r.Seq, Status: r.Status, CreatedAt: r.CreatedAt.UTC(), CauseSource: r.CauseSource,
		CauseEventID: r.CauseEventID, Parcel: r.Parcel, Detail: r.Detail, NotBefore: utcOrZero(r.NotBefore),
		Attempts: r.Attempts, Owner: r.Owner, LeaseUntil: utcOrZero(r.LeaseUntil), Reason: r.Reason,
		UpdatedAt: utcOrZero(r.UpdatedAt)}
	for _, d := range r.Deliveries {
		n.Deliveries = append(n.Deliveries, order.Delivery{Channel: d.Channel, Status: d.Status,
			MessageID: d.MessageID, Reason: d.Reason, At: d.At.UTC(), DeliveredAt: utcOrZero(d.DeliveredAt)})
	}
	return n
}

// utcOrZero keeps the zero time zero (UTC() of the zero time is not IsZero-stable through
// every encoder).
func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// PreferencesRecord is a buyer's message choices, kept in the PROFILE item.
type PreferencesRecord struct {
	Default     string            `json:"default,omitempty"`
	ByKind      map[string]string `json:"by_kind,omitempty"`
	EmailOptOut bool              `json:"email_opt_out,omitempty"`
	SMSOptOut   bool              `json:"sms_opt_out,omitempty"`
	UpdatedAt   time.Time         `json:"updated_at"`
	UpdatedBy   string            `json:"updated_by,omitempty"`
}

// NewPreferencesRecord is p as stored.
func NewPreferencesRecord(p order.Preferences) *PreferencesRecord {
	r := &PreferencesRecord{Default: string(p.Default), EmailOptOut: p.EmailOptOut, SMSOptOut: p.SMSOptOut,
		UpdatedAt: p.UpdatedAt.UTC(), UpdatedBy: p.UpdatedBy}
	if len(p.ByKind) > 0 {
		r.ByKind = map[string]string{}
		for k, c := range p.ByKind {
			r.ByKind[string(k)] = string(c)
		}
	}
	return r
}

// Preferences is the stored choices (the zero Preferences when none were set).
func (r *PreferencesRecord) Preferences() order.Preferences {
	if r == nil {
		return order.Preferences{}
	}
	p := order.Preferences{Default: order.ChannelChoice(r.Default), EmailOptOut: r.EmailOptOut,
		SMSOptOut: r.SMSOptOut, UpdatedAt: r.UpdatedAt.UTC(), UpdatedBy: r.UpdatedBy}
	if len(r.ByKind) > 0 {
		p.ByKind = map[order.NotificationKind]order.ChannelChoice{}
		for k, c := range r.ByKind {
			p.ByKind[order.NotificationKind(k)] = order.ChannelChoice(c)
		}
	}
	return p
}
