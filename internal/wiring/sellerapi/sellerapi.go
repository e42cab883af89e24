// Package sellerapi is the wiring of the seller API component: the seller's /v1 routes, the
// buyers' unsubscribe links and the evidence packs (with summary.pdf) over the store, from
// wiring.APIConfig, for the seller-api function and for `orderwire serve`. It installs
// libphonenumber's check of buyers' phone numbers (order.UsePhoneCheck). It is apart from
// package wiring so that only these entry points link, and initialise, the phone-number
// library, the PDF writer and its fonts.
package sellerapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/emf"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/phone"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/store"
	"github.com/orderwire/orderwire/internal/summarypdf"
	"github.com/orderwire/orderwire/internal/unsubscribe"
	"github.com/orderwire/orderwire/internal/wiring"
)

// Shop is what evidence packs say about the seller (the notifier's settings: the same
// name and address buyers' messages carry). Empty on AWS, where the seller API does not
// read the notifier's settings.
type Shop struct{ Name, Address string }

// Config is the seller API's part of an httpapi.Config over st: orders (with cfg.Policy,
// so the first reminder and the cadence shown follow the sweep's policy), buyer
// preferences and unsubscribe links verified by signer, unfiled events, evidence packs
// with their PDF summary, buyer data (erasure, export) and the tokens. The caller may add
// routes (serve adds the webhooks and the /local ones). It installs the phone check.
func Config(cfg wiring.APIConfig, st store.Store, signer *unsubscribe.Signer, shop Shop, logger *slog.Logger) httpapi.Config {
	order.UsePhoneCheck(phone.Valid)
	policy := cfg.Policy
	packs := &evidencepack.Packer{Source: st, SellerName: shop.Name, SellerAddress: shop.Address, PDF: summarypdf.Write}
	orders := &seller.Service{Orders: st, Policy: &policy}
	unshipped := time.Duration(cfg.UnshippedDays) * 24 * time.Hour
	return httpapi.Config{
		Orders: orders, Preferences: st, Unsubscribe: signer, Unfiled: st,
		Evidence: packs, Messages: packs, OrderList: st, UnshippedAfter: unshipped,
		Console: console.New(console.Config{Orders: orders, List: st, Messages: packs, Unfiled: st, Buyers: st, Evidence: packs,
			Sessions: st, Tokens: cfg.Tokens, TimeZone: cfg.SellerTimeZone, UnshippedAfter: unshipped, Logger: logger}),
		BuyerData: httpapi.BuyerDataConfig{Store: st, DisputeWindow: cfg.DisputeWindow},
		Tokens:    cfg.Tokens, Logger: logger,
	}
}

// Lambda is the seller-api function's cold start: its settings (the table, the two
// secrets' ARNs, the policy file next to bootstrap, the dispute window; all checked before
// any AWS call, every bad one named at once), the AWS configuration, its two secrets (API
// tokens, unsubscribe keys) fetched in parallel while it builds the store, and the handler
// over the table.
func Lambda(ctx context.Context, getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	sc, serr := wiring.StoreConfigFrom(wiring.EnvSource(getenv))
	_, aerr := wiring.APIConfigFrom(wiring.EnvSource(getenv)) // all but the secrets' content
	var missing []error
	for _, name := range []string{wiring.EnvTable, wiring.EnvSecretsARN, wiring.EnvUnsubscribeSecretARN} {
		if getenv(name) == "" {
			missing = append(missing, wiring.Missing(name))
		}
	}
	if err := wiring.JoinInvalid("sellerapi.Lambda", append(missing, serr, aerr)...); err != nil {
		return nil, err
	}
	env, err := wiring.StartLambda(ctx, getenv, wiring.EnvSecretsARN, wiring.EnvUnsubscribeSecretARN)
	if err != nil {
		return nil, err
	}
	st := wiring.DynamoStore(env.AWS, sc) // while the secrets are on their way
	src, err := env.Secrets()
	if err != nil {
		return nil, err
	}
	cfg, err := wiring.APIConfigFrom(src)
	if err == nil {
		err = cfg.RequireSecrets()
	}
	if err != nil {
		return nil, err
	}
	signer, err := unsubscribe.New(cfg.UnsubscribeKeys, 0)
	if err != nil {
		return nil, err
	}
	h := httpapi.New(Config(cfg, st, signer, Shop{}, logger))
	emf.ColdStartDone("seller-api")
	return h, nil
}
