package httpapi

// RoutePatterns is the route table of the handler cfg wires: each route's method-and-path
// pattern, in registration order.
func RoutePatterns(cfg Config) []string {
	var out []string
	for _, r := range newAPI(cfg).routes() {
		out = append(out, r.pattern)
	}
	return out
}
