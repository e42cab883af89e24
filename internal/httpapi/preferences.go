package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"

	"github.com/orderwire/orderwire/internal/order"
)

// MaxPreferencesBodyBytes is the largest PUT /v1/buyers/{buyer_id}/preferences body
// accepted (64 KiB); larger is 413 too_large.
const MaxPreferencesBodyBytes = 64 << 10

// PreferenceStore is what the preference and unsubscribe routes need of the store
// (store.Store satisfies it).
type PreferenceStore interface {
	// GetBuyer returns the buyer, with its current preferences, or CodeNotFound.
	GetBuyer(ctx context.Context, id string) (order.Buyer, error)
	// SetPreferences replaces the buyer's preferences; an unknown buyer is CodeNotFound.
	SetPreferences(ctx context.Context, buyerID string, p order.Preferences) error
}

// The values of Preferences.UpdatedBy.
const (
	updatedBySeller = "seller"
	updatedByBuyer  = "buyer"
)

// preferencesJSON is a buyer's message preferences as the API reads and writes them, in
// PUT /v1/buyers/{buyer_id}/preferences (request and answer) and GET /v1/buyers/{buyer_id}.
// ByKind is always an object, never null.
type preferencesJSON struct {
	Default     string            `json:"default"`
	ByKind      map[string]string `json:"by_kind"`
	EmailOptOut bool              `json:"email_opt_out"`
	SMSOptOut   bool              `json:"sms_opt_out"`
}

func newPreferencesJSON(p order.Preferences) preferencesJSON {
	out := preferencesJSON{Default: string(p.Default), ByKind: make(map[string]string, len(p.ByKind)),
		EmailOptOut: p.EmailOptOut, SMSOptOut: p.SMSOptOut}
	for k, c := range p.ByKind {
		out.ByKind[string(k)] = string(c)
	}
	return out
}

// putPreferences serves PUT /v1/buyers/{buyer_id}/preferences: the body replaces the buyer's
// preferences (UpdatedBy "seller"). "default" and "by_kind" may be left out (the default
// choice, no per-kind choice); "email_opt_out" and "sms_opt_out" are required, so that a
// seller never turns a buyer's unsubscribe back on by leaving a field out. A per-kind choice
// of "" means the default and is not stored. Answers: 200 with the stored preferences; 400
// listing every bad field at once (the buyer id included); 404 for an unknown buyer; 413
// over MaxPreferencesBodyBytes.
func (a *api) putPreferences(w http.ResponseWriter, r *http.Request) {
	const op = "httpapi.putPreferences"
	id := r.PathValue("buyer_id")
	var errs order.FieldErrors
	if order.ValidID(id) {
		annotate(w, "buyer_id", id)
	} else {
		errs.Add("buyer_id", "must be 1-64 characters of A-Z a-z 0-9 . _ : -")
	}
	body, err := readBodyLimit(w, r, MaxPreferencesBodyBytes)
	if err != nil {
		writeError(w, err)
		return
	}
	p, ok := decodePreferences(body, &errs)
	if !ok {
		writeError(w, order.Errorf(order.CodeInvalid, op, "request body must be one JSON object"))
		return
	}
	if err := errs.Err(op); err != nil {
		writeError(w, err)
		return
	}
	p.UpdatedAt, p.UpdatedBy = a.now().UTC(), updatedBySeller
	if err := a.prefs.SetPreferences(r.Context(), id, p); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, newPreferencesJSON(p))
}

// decodePreferences reads a preferences body into errs: JSON types, unknown and missing
// fields, then order.Preferences.Validate on what did decode. It reports false when the
// body is not one JSON object.
func decodePreferences(body []byte, errs *order.FieldErrors) (order.Preferences, bool) {
	const choice = "one of email, sms, both, none"
	obj, ok := parseObject(body, "", errs)
	if !ok {
		return order.Preferences{}, false
	}
	var p order.Preferences
	var def string
	if obj.field("default", &def, false, choice) {
		p.Default = order.ChannelChoice(def)
	}
	var byKind map[string]json.RawMessage
	obj.field("by_kind", &byKind, false, "an object of notification kinds and choices")
	obj.field("email_opt_out", &p.EmailOptOut, true, "true or false")
	obj.field("sms_opt_out", &p.SMSOptOut, true, "true or false")
	obj.rejectUnknown()

	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		var c string
		if err := json.Unmarshal(byKind[k], &c); err != nil {
			errs.Add("by_kind."+k, "must be "+choice)
			continue
		}
		if p.ByKind == nil {
			p.ByKind = map[order.NotificationKind]order.ChannelChoice{}
		}
		p.ByKind[order.NotificationKind(k)] = order.ChannelChoice(c)
	}
	var domain *order.Error
	if asError(p.Validate(), &domain) {
		for field, reason := range domain.Fields {
			errs.Add(field, reason) // keeps the decoding reason where both have one
		}
	}
	for k, c := range p.ByKind {
		if c == order.ChannelsDefault {
			delete(p.ByKind, k)
		}
	}
	if len(p.ByKind) == 0 {
		p.ByKind = nil
	}
	return p, true
}
