// Package commalist is orderwire's one parser of comma-separated settings (API tokens,
// webhook secrets, unsubscribe-link keys): every setting that holds several values, in the
// environment or in a Secrets Manager secret, is split by Split, so that " a, ,b " means
// the same thing wherever it is written. It imports nothing of orderwire's, so that the
// provider packages and the wiring can all use it.
package commalist

import "strings"

// Split splits s at commas, trims spaces around each item and drops empty items, keeping
// their order. An empty or all-blank s gives nil.
func Split(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
