package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/orderwire/orderwire/internal/console"
	"github.com/orderwire/orderwire/internal/dynamo"
	"github.com/orderwire/orderwire/internal/evidencepack"
	"github.com/orderwire/orderwire/internal/httpapi"
	"github.com/orderwire/orderwire/internal/lambdaenv"
	"github.com/orderwire/orderwire/internal/seller"
	"github.com/orderwire/orderwire/internal/summarypdf"
)

// coldStart loads the function's settings, its bearer tokens and the unsubscribe-link keys
// (each from its own secret), and wires the API over the table.
func coldStart(ctx context.Context, getenv func(string) string, logger *slog.Logger) (http.Handler, error) {
	env, tokens, err := lambdaenv.LoadWithAPITokens(ctx, getenv)
	if err != nil {
		return nil, err
	}
	signer, err := lambdaenv.LoadUnsubscribeSigner(ctx, env.AWS, getenv)
	if err != nil {
		return nil, err
	}
	window, err := httpapi.DisputeWindowFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	unshipped, err := httpapi.UnshippedAfterFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	st := dynamo.New(dynamo.NewClient(env.AWS, ""), env.Config.Table)
	st.SetRetention(env.Config.Retention) // expiries of what it writes (README: Retention)
	// No PDF writer yet: packs have no summary.pdf until internal/summarypdf is wired here.
	packs := &evidencepack.Packer{Source: st, PDF: summarypdf.Write}
	sellerZone, err := console.TimeZoneFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	orders := &seller.Service{Orders: st}
	consoleCfg := console.Config{Orders: orders, List: st, Messages: packs, Unfiled: st, Buyers: st, Evidence: packs,
		Tokens: tokens, TimeZone: sellerZone, UnshippedAfter: unshipped, Logger: logger}
	return httpapi.New(httpapi.Config{Orders: orders, Preferences: st, Unsubscribe: signer, Unfiled: st,
		Evidence: packs, Messages: packs, OrderList: st, UnshippedAfter: unshipped, BuyerData: httpapi.BuyerDataConfig{Store: st, DisputeWindow: window},
		Tokens: tokens, Console: console.New(consoleCfg), Logger: logger}), nil
}
