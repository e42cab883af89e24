package senders

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/orderwire/orderwire/internal/order"
	"github.com/orderwire/orderwire/internal/ses"
	"github.com/orderwire/orderwire/internal/smtpmail"
	"github.com/orderwire/orderwire/internal/wiring"
)

// validEnv is a complete environment, as template.yaml sets it.
func validEnv() map[string]string {
	return map[string]string{
		wiring.EnvTable:                "orderwire-Table-1F2G3H4J5K6L",
		wiring.EnvUnsubscribeSecretARN: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:UnsubscribeSecret-AbCdEf",
		wiring.EnvEmailFrom:            "Loja da Ana <pedidos@loja.example>",
		wiring.EnvSellerName:           "Loja da Ana",
		wiring.EnvSellerAddress:        "Rua Augusta 100, 1100-053 Lisboa, Portugal",
		wiring.EnvPublicURL:            "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
	}
}

// configFrom is the notifier's configuration as the function reads it once its
// unsubscribe secret is fetched (the keys are in the secret, not in env).
func configFrom(getenv func(string) string) wiring.NotifierConfig {
	cfg := wiring.NotifierConfigFrom(wiring.EnvSource(getenv))
	cfg.UnsubscribeKeys = []string{strings.Repeat("k", 48)}
	return cfg
}

func getenv(env map[string]string) func(string) string {
	return func(name string) string { return env[name] }
}

// fieldsOf returns the settings a Validate error names.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var e *order.Error
	if !errors.As(err, &e) || e.Code != order.CodeInvalid {
		t.Fatalf("error %v, want a CodeInvalid *order.Error", err)
	}
	return slices.Sorted(maps.Keys(e.Fields))
}

// TestConfigReportsEveryMissingSettingAtOnce: an empty environment names every required
// setting, in the fields and in the text; the optional ones are not required.
func TestConfigReportsEveryMissingSettingAtOnce(t *testing.T) {
	_, err := Lambda(context.Background(), getenv(nil), nil)
	want := []string{wiring.EnvEmailFrom, wiring.EnvPublicURL, wiring.EnvSellerAddress, wiring.EnvSellerName, wiring.EnvTable, wiring.EnvUnsubscribeSecretARN}
	slices.Sort(want)
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("missing %v, want %v", got, want)
	}
	for _, name := range want {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("the error text %q does not name %s", err, name)
		}
	}
}

// TestConfigValid: the complete environment, with or without the optional settings,
// passes; spaces around values are trimmed.
func TestConfigValid(t *testing.T) {
	env := validEnv()
	if err := configFrom(getenv(env)).Validate(); err != nil {
		t.Fatal(err)
	}
	env[wiring.EnvEmailFrom] = "  pedidos@loja.example "
	env[wiring.EnvSMSSenderID], env[wiring.EnvSMSOriginationNumber] = "LojaAna", "+351912345678"
	env[wiring.EnvSMTPURL] = "smtps://user:secret@smtp.loja.example"
	env[wiring.EnvSESConfigurationSet] = "orderwire-EmailEvents-1A2B3C4D"
	cfg := configFrom(getenv(env))
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	if cfg.EmailFrom != "pedidos@loja.example" {
		t.Errorf("EmailFrom %q not trimmed", cfg.EmailFrom)
	}
}

// TestConfigReportsEveryBadValueAtOnce: malformed values are reported together, and no
// value is quoted.
func TestConfigReportsEveryBadValueAtOnce(t *testing.T) {
	env := validEnv()
	env[wiring.EnvEmailFrom] = "Loja da Ana"
	env[wiring.EnvPublicURL] = "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/?x=1"
	env[wiring.EnvSMSSenderID] = "12345"
	env[wiring.EnvSMSOriginationNumber] = "912345678"
	env[wiring.EnvSESConfigurationSet] = "orderwire events"
	err := configFrom(getenv(env)).Validate()
	want := []string{wiring.EnvEmailFrom, wiring.EnvPublicURL, wiring.EnvSESConfigurationSet, wiring.EnvSMSOriginationNumber, wiring.EnvSMSSenderID}
	slices.Sort(want)
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("bad %v, want %v", got, want)
	}
	for _, v := range []string{"Loja da Ana", "execute-api", "912345678"} {
		if strings.Contains(err.Error(), v) {
			t.Errorf("the error %q quotes the value %q", err, v)
		}
	}
	for _, url := range []string{"ftp://api.loja.example", "https://", "https://api.loja.example#top"} {
		env := validEnv()
		env[wiring.EnvPublicURL] = url
		if err := configFrom(getenv(env)).Validate(); err == nil {
			t.Errorf("public URL %q accepted", url)
		}
	}
}

// TestColdStartChecksSettingsFirst: a cold start with settings missing fails on them,
// before any AWS call (there are no credentials here to make one).
func TestColdStartChecksSettingsFirst(t *testing.T) {
	env := validEnv()
	delete(env, wiring.EnvSellerAddress)
	_, err := Lambda(context.Background(), getenv(env), nil)
	if got := fieldsOf(t, err); !slices.Equal(got, []string{wiring.EnvSellerAddress}) {
		t.Errorf("cold start failed on %v, want %s", got, wiring.EnvSellerAddress)
	}
}

// TestSendersHaveNoSDKRetries: the SES and SNS clients get a configuration whose retryer
// makes one attempt, and the configuration passed in is left as it was.
func TestSendersHaveNoSDKRetries(t *testing.T) {
	cfg := aws.Config{Region: "eu-west-1"}
	got := wiring.NoRetries(cfg)
	if got.Retryer == nil || got.Retryer().MaxAttempts() != 1 {
		t.Fatal("NoRetries leaves SDK retries on")
	}
	if cfg.Retryer != nil {
		t.Error("NoRetries changed the configuration it was given")
	}
}

// TestEmailSenders: SES sends and checks its suppression list, unless ORDERWIRE_SMTP_URL
// names an SMTP server, which has no suppression list (a nil checker, not a nil pointer
// in an interface); a bad SMTP URL fails without quoting its password.
func TestEmailSenders(t *testing.T) {
	email, supp, _, err := Email(wiring.NotifierConfig{}, true, aws.Config{Region: "eu-west-1"})
	if _, ok := email.(*ses.Sender); err != nil || !ok || supp == nil {
		t.Errorf("without an SMTP URL: %T, %T, %v; want the SES sender and its suppression list", email, supp, err)
	}
	email, supp, _, err = Email(wiring.NotifierConfig{SMTPURL: "smtp://user:pa55@127.0.0.1:2525?starttls=none"}, true, aws.Config{})
	if _, ok := email.(*smtpmail.Sender); err != nil || !ok || supp != nil {
		t.Errorf("with an SMTP URL: %T, %v, %v; want the SMTP sender and no suppression list", email, supp, err)
	}
	_, _, _, err = Email(wiring.NotifierConfig{SMTPURL: "smtp://user:pa55@127.0.0.1:2525?starttls=maybe"}, true, aws.Config{})
	if err == nil || strings.Contains(err.Error(), "pa55") {
		t.Errorf("a bad SMTP URL gives %v", err)
	}
}

// TestOwner: claims are owned by the execution environment's log stream, or a random name.
func TestOwner(t *testing.T) {
	stream := "2026/11/23/[$LATEST]0f4e3b2a9c8d4e7f"
	if got := owner(getenv(map[string]string{"AWS_LAMBDA_LOG_STREAM_NAME": stream})); got != "notifier-"+stream {
		t.Errorf("owner %q", got)
	}
	a, b := owner(getenv(nil)), owner(getenv(nil))
	if a == b || !strings.HasPrefix(a, "notifier-") {
		t.Errorf("owners outside Lambda %q and %q, want distinct notifier-<random>", a, b)
	}
}
