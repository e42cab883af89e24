package deploytest

import (
	"reflect"
	"slices"
	"testing"
)

// TestEmailEvents: the SES events reach the code that handles them, and only SES can send
// them. The notifier sends in the template's SES configuration set
// (ORDERWIRE_SES_CONFIGURATION_SET); that set's one event destination publishes exactly the
// bounce, complaint and delivery events to an SNS topic; the topic's policy lets SES alone
// publish, for this account and that configuration set; the topic invokes exactly one
// function, and it is the one whose code builds a sesevents.Handler over the store (which
// handles events.SNSEvent); no other function has an SNS event. The stack outputs the
// function, the configuration set and the topic.
func TestEmailEvents(t *testing.T) {
	tm := loadTemplate(t)
	sets := tm.resources("AWS::SES::ConfigurationSet")
	topics := tm.resources("AWS::SNS::Topic")
	_, notifierFn := tm.function(t, "notifier")
	set := refTo(get(notifierFn, "Properties", "Environment", "Variables", "ORDERWIRE_SES_CONFIGURATION_SET"))
	if sets[set] == nil {
		t.Fatalf("the notifier's ORDERWIRE_SES_CONFIGURATION_SET is not !Ref of a configuration set")
	}
	var topic string
	for id, d := range tm.resources("AWS::SES::ConfigurationSetEventDestination") {
		if refTo(get(d, "Properties", "ConfigurationSetName")) != set {
			continue
		}
		if topic != "" {
			t.Errorf("%s: a second event destination of %s", id, set)
		}
		dest := get(d, "Properties", "EventDestination")
		topic = refTo(get(dest, "SnsDestination", "TopicARN"))
		if got := list(get(dest, "MatchingEventTypes")); !reflect.DeepEqual(got, []any{"bounce", "complaint", "delivery"}) {
			t.Errorf("%s publishes %v, want [bounce complaint delivery]: what sesevents applies", id, got)
		}
		if get(dest, "Enabled") != "true" && get(dest, "Enabled") != true {
			t.Errorf("%s is not enabled", id)
		}
	}
	if topics[topic] == nil {
		t.Fatalf("configuration set %s has no event destination publishing to a topic of the template", set)
	}

	var policies int
	for id, p := range tm.resources("AWS::SNS::TopicPolicy") {
		if !slices.ContainsFunc(list(get(p, "Properties", "Topics")), func(v any) bool { return refTo(v) == topic }) {
			continue
		}
		policies++
		want := []any{map[string]any{"Sid": "SesPublishesThisAccountsEmailEvents", "Effect": "Allow",
			"Principal": map[string]any{"Service": "ses.amazonaws.com"}, "Action": "sns:Publish",
			"Resource": map[string]any{"Ref": topic},
			"Condition": map[string]any{"StringEquals": map[string]any{
				"AWS:SourceAccount": map[string]any{"Ref": "AWS::AccountId"},
				"AWS:SourceArn":     map[string]any{"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${" + set + "}"}}}}}
		if got := list(get(p, "Properties", "PolicyDocument", "Statement")); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: statements %v\nwant SES of this account, for %s, publishing only: %v", id, got, set, want)
		}
	}
	if policies != 1 {
		t.Errorf("topic %s has %d topic policies, want 1", topic, policies)
	}

	var subscribers []string
	for id, fn := range tm.functions() {
		events, _ := get(fn, "Properties", "Events").(map[string]any)
		for name, ev := range events {
			if get(ev, "Type") != "SNS" {
				continue
			}
			if !functionUses(t, folderOf(fn)).sesEvents {
				t.Errorf("%s.%s: an SNS event on a function whose code builds no sesevents.Handler", id, name)
			}
			if refTo(get(ev, "Properties", "Topic")) != topic {
				t.Errorf("%s.%s: topic %v, want !Ref %s", id, name, get(ev, "Properties", "Topic"), topic)
			}
			subscribers = append(subscribers, folderOf(fn))
		}
	}
	if !slices.Equal(subscribers, []string{"delivery-events"}) {
		t.Errorf("the email events topic invokes %v, want functions/delivery-events once", subscribers)
	}
	id, _ := tm.function(t, "delivery-events")
	for output, want := range map[string]string{"DeliveryEventsFunctionName": id, "EmailEventsConfigurationSetName": set, "EmailEventsTopicArn": topic} {
		if got := refTo(get(tm, "Outputs", output, "Value")); got != want {
			t.Errorf("output %s is !Ref %q, want !Ref %s", output, got, want)
		}
	}
}
