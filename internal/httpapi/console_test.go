package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestConsoleMount: Config.Console gets GET and POST under /console/ (its own session
// check, no bearer token), GET /console goes to the Today page, and without a console
// those paths are 404.
func TestConsoleMount(t *testing.T) {
	console := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Console", r.Method+" "+r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
	})
	do := func(h http.Handler, method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}
	h := New(Config{Console: console})
	for _, c := range []struct{ method, path string }{{"GET", "/console/"}, {"GET", "/console/orders/AE-1"},
		{"POST", "/console/signin"}, {"HEAD", "/console/today"}} {
		if rec := do(h, c.method, c.path); rec.Code != http.StatusTeapot || rec.Header().Get("X-Console") != c.method+" "+c.path {
			t.Errorf("%s %s: %d %q, want the console", c.method, c.path, rec.Code, rec.Header().Get("X-Console"))
		}
	}
	if rec := do(h, "GET", "/console"); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/console/today" {
		t.Errorf("GET /console: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := do(h, "PUT", "/console/today"); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("PUT /console/today: %d, want 405", rec.Code)
	}
	without := New(Config{})
	for _, path := range []string{"/console", "/console/today"} {
		if rec := do(without, "GET", path); rec.Code != http.StatusNotFound {
			t.Errorf("without a console, GET %s: %d", path, rec.Code)
		}
	}
}
