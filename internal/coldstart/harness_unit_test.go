package coldstart

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// The measurement is only as good as its parts; these tests are cheap (one 20 ms answer),
// so `make test` runs them, while the starts themselves run under `make bench` only.

func TestParseInitTraceReadsTheRuntimeLines(t *testing.T) {
	stderr := "init runtime @0.008 ms, 0.031 ms clock, 0 bytes, 0 allocs\n" +
		`{"level":"INFO","msg":"payment webhooks"}` + "\n" +
		"init github.com/nyaruka/phonenumbers @1.2 ms, 6.5 ms clock, 4200000 bytes, 52000 allocs\n"
	got := parseInitTrace(stderr)
	if len(got) != 2 || got[1].pkg != "github.com/nyaruka/phonenumbers" || got[1].clock != 6500*time.Microsecond ||
		got[0].clock != 31*time.Microsecond {
		t.Fatalf("parseInitTrace = %+v", got)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var s []time.Duration
	for i := 20; i >= 1; i-- {
		s = append(s, time.Duration(i)*time.Millisecond)
	}
	if p50, p90 := percentile(s, 50), percentile(s, 90); p50 != 10*time.Millisecond || p90 != 18*time.Millisecond {
		t.Fatalf("p50, p90 = %v, %v; want 10ms, 18ms", p50, p90)
	}
}

// The fake Secrets Manager must speak the protocol the SDK speaks, and take its latency.
func TestFakeSecretsManagerAnswersTheSDKAfterItsLatency(t *testing.T) {
	f := newFakes()
	defer f.close()
	client := secretsmanager.New(secretsmanager.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(f.secrets.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "secret", ""),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	began := time.Now()
	out, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(arnUnsubscribe)})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < secretsLatency {
		t.Errorf("answered in %v, before the %v latency", took, secretsLatency)
	}
	if want := `{"ORDERWIRE_UNSUBSCRIBE_KEYS":"` + fakeSecrets[arnUnsubscribe]["ORDERWIRE_UNSUBSCRIBE_KEYS"] + `"}`; aws.ToString(out.SecretString) != want {
		t.Errorf("SecretString = %q, want %q", aws.ToString(out.SecretString), want)
	}
	if _, err := client.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("arn:unknown")}); err == nil {
		t.Error("an unknown secret was found")
	}
}

func TestCostliestRanksByMedian(t *testing.T) {
	byPkg := map[string][]time.Duration{
		"a": {1 * time.Millisecond, 9 * time.Millisecond, 1 * time.Millisecond}, // median 1 ms
		"b": {2 * time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}, // median 2 ms
		"c": {500 * time.Microsecond},
	}
	if got, want := costliest(byPkg, 2), "b 2.00 ms, a 1.00 ms"; got != want {
		t.Fatalf("costliest = %q, want %q", got, want)
	}
}
