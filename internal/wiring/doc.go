// Package wiring builds orderwire's components for every entry point: the Lambda functions
// (functions/*/main.go only pick a builder: PaymentWebhook, TrackingWebhook, Reminders,
// DeliveryEvents here; senders.Lambda and sellerapi.Lambda in the subpackages) and
// `orderwire serve` (which picks the same Configs and adds its local parts).
//
// Every setting is an environment variable named once, in Settings (the table README's
// configuration table is checked against); each component reads one validated Config from
// a Source: StoreConfig, APIConfig (the seller API, with the sweep's reminder policy),
// NotifierConfig, the webhooks' providers (Payments, Carriers) and the policy (PolicyFrom).
// A Source reads the environment and, for the settings held in a secret on AWS, the
// secrets FetchSecrets read from Secrets Manager, once per cold start and in parallel when
// a function reads two; locally (EnvSource) those come from the environment, so the same
// Config reads the same names on both. A cold start checks every setting it can before any
// AWS call and names every bad one at once (CodeInvalid); errors never quote a secret.
// SDK retries are turned off one way, NoRetries, for the senders only.
//
// The notifier's and the seller API's builders are subpackages (senders, sellerapi) so
// that a function links, and initialises at cold start, only what it uses: the SES, SNS,
// SMTP and template packages, the phone-number library and the PDF writer stay out of the
// other functions. internal/deploytest follows each function's calls into these packages
// to derive the IAM actions and the environment the template gives it.
package wiring
