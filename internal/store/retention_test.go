package store

import (
	"strings"
	"testing"
	"time"
)

func TestRetentionFromEnv(t *testing.T) {
	r, err := RetentionFromEnv(func(string) string { return "" })
	if err != nil || r != DefaultRetention() || r.Messages != 90*day || r.Evidence != 540*day || r.Unfiled != 30*day {
		t.Fatalf("defaults = %+v, %v", r, err)
	}
	env := map[string]string{EnvRetentionMessagesDays: "30", EnvRetentionEvidenceDays: " 720 "}
	r, err = RetentionFromEnv(func(k string) string { return env[k] })
	if err != nil || r.Messages != 30*day || r.Evidence != 720*day || r.Unfiled != 30*day {
		t.Fatalf("set = %+v, %v", r, err)
	}
	for _, bad := range []string{"0", "-1", "1.5", "90d", "10951"} {
		_, err := RetentionFromEnv(func(k string) string {
			if k == EnvRetentionUnfiledDays {
				return bad
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), EnvRetentionUnfiledDays) {
			t.Errorf("%q: err %v, want one naming the setting", bad, err)
		}
	}
	got := DefaultRetention().UnfiledExpiry(time.Unix(0, 0).UTC())
	if want := time.Unix(0, 0).UTC().Add(33 * day); !got.Equal(want) {
		t.Fatalf("UnfiledExpiry = %v, want received + 3 d retries + 30 d", got)
	}
}
