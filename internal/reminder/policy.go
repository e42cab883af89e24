// Package reminder is orderwire's dunning: the reminder policy, the buyer payment rating
// that tunes it, the schedule of one unpaid order, and the sweep that acts on due orders.
// It speaks the domain and reaches storage through the narrow interface of sweep.go.
package reminder

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/orderwire/orderwire/internal/order"
)

// Cadence is how one rating tier is reminded.
type Cadence struct {
	// AfterCreated are the reminder times, as offsets from the order's creation.
	AfterCreated []Duration `yaml:"after_created" json:"after_created"`
	// FinalNoticeBeforeDue is when the final notice goes out, before the payment due date.
	FinalNoticeBeforeDue Duration `yaml:"final_notice_before_due" json:"final_notice_before_due"`
	// MaxReminders caps the reminders (the final notice not counted).
	MaxReminders int `yaml:"max_reminders" json:"max_reminders"`
}

// Policy is the whole dunning policy. At the payment due date an unpaid order becomes
// terminated and the buyer is told (order_terminated).
type Policy struct {
	Tiers map[Tier]Cadence `yaml:"tiers" json:"tiers"`
	// QuietStart and QuietEnd are the local hours (0-23) between which no reminder or final
	// notice goes out (US Reg F §1006.6: before 08:00 and after 21:00 are inconvenient).
	// A step that falls in them is deferred to QuietEnd, never dropped.
	QuietStart int `yaml:"quiet_start_hour" json:"quiet_start_hour"`
	QuietEnd   int `yaml:"quiet_end_hour" json:"quiet_end_hour"`
}

// DefaultPolicy is the policy without ORDERWIRE_POLICY_FILE: trusted buyers get one gentle
// reminder, new and ordinary buyers three, poor payers five that start sooner and an earlier
// final notice.
func DefaultPolicy() Policy {
	h := func(n float64) Duration { return Duration(time.Duration(n * float64(time.Hour))) }
	return Policy{
		Tiers: map[Tier]Cadence{
			TierTrusted:  {AfterCreated: []Duration{h(24)}, FinalNoticeBeforeDue: h(24), MaxReminders: 1},
			TierStandard: {AfterCreated: []Duration{h(1), h(24), h(72)}, FinalNoticeBeforeDue: h(24), MaxReminders: 3},
			TierWatch:    {AfterCreated: []Duration{h(0.5), h(6), h(24), h(48), h(96)}, FinalNoticeBeforeDue: h(48), MaxReminders: 5},
		},
		QuietStart: 21, QuietEnd: 8,
	}
}

// Validate reports every problem at once.
func (p Policy) Validate() error {
	var fe order.FieldErrors
	for _, tier := range Tiers {
		c, ok := p.Tiers[tier]
		if !ok {
			fe.Add("tiers."+string(tier), "is missing")
			continue
		}
		if c.MaxReminders < 0 || c.MaxReminders > 20 {
			fe.Add("tiers."+string(tier)+".max_reminders", "must be 0-20")
		}
		if !sort.SliceIsSorted(c.AfterCreated, func(i, j int) bool { return c.AfterCreated[i] < c.AfterCreated[j] }) {
			fe.Add("tiers."+string(tier)+".after_created", "must be in increasing order")
		}
		for _, d := range c.AfterCreated {
			if d < 0 {
				fe.Add("tiers."+string(tier)+".after_created", "must not be negative")
			}
		}
		if c.FinalNoticeBeforeDue < 0 {
			fe.Add("tiers."+string(tier)+".final_notice_before_due", "must not be negative")
		}
	}
	for tier := range p.Tiers {
		if !tier.valid() {
			fe.Add("tiers."+string(tier), "is not a tier (trusted, standard, watch)")
		}
	}
	if p.QuietStart < 0 || p.QuietStart > 23 || p.QuietEnd < 0 || p.QuietEnd > 23 {
		fe.Add("quiet_start_hour", "quiet hours must be 0-23")
	}
	return fe.Err("reminder.Policy.Validate")
}

// LoadPolicy reads a policy file (YAML, or JSON, which is YAML too), starting from the
// defaults so that a file may set only what it changes; unknown keys are refused.
func LoadPolicy(path string) (Policy, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, fmt.Errorf("policy file: %w", err)
	}
	p := DefaultPolicy()
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return Policy{}, order.Errorf(order.CodeInvalid, "reminder.LoadPolicy", "%s: %v", path, err)
	}
	return p, p.Validate()
}

// Duration is a time.Duration written as "90m", "24h" or "1h30m" in policy files.
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 24h or 90m", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }
