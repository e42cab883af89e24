// Package deploytest keeps template.yaml honest without cfn-lint: its tests parse the SAM
// template (CloudFormation short tags such as !Ref and !GetAtt included) and check it
// against the code it deploys.
//
//   - every function runs provided.al2023 on arm64 from a prebuilt bin/<name>/bootstrap,
//     and every functions/<name>/ folder is deployed by exactly one function;
//   - IAM is least privilege: each function has its own role and log group; every action
//     granted is on an explicit allow-list; no action is a wildcard, and a resource is "*"
//     only for an action that has no resource type (noResourceType), narrowed where it can
//     be by one of the guards (the only Deny statements allowed); DynamoDB actions reach the
//     table itself, a Query reaches an index's ARN only where the code queries that index,
//     and the stream actions reach the table's stream only; Secrets Manager reaches the
//     secrets the function reads only, which no other function reads unless both are one
//     group of secretReaders (the two webhook functions share their settings; the notifier
//     and the seller API share the unsubscribe-link keys); a function that reads no secret
//     gets none; SQS reaches the function's own on-failure queue, SES the sending identity
//     a parameter names and the template's configuration set;
//   - each function is granted exactly the actions its code calls, each on the resource the
//     call reads, derived from the code: which store interfaces functions/<name> (through the wiring packages it calls) wires into
//     httpapi or a notifier, driven on a real dynamo.Store over a recording fake through
//     every branch that writes a different kind of item (needs_test.go,
//     trackingstates_test.go) and, for the outbox, in the states where each transition
//     writes (outboxstates_test.go); for a function that hands the store to a
//     reminder.Sweeper, Sweeper.Run itself driven through a reminder, a final notice, a
//     termination and a lost race (sweepstates_test.go); for the AWS wrappers it imports
//     (SES, SNS), an explicit table checked against each wrapper's API interface
//     (wrappers_test.go); plus what Lambda's event source mapping does with the function's
//     role for its stream event (read the stream, report to the on-failure queue);
//   - each schedule invokes one periodic function (the reminder sweep, the notifier's due
//     run) with an execution role of its own that trusts EventBridge Scheduler for this
//     account and may invoke that function only; it fires on time, every 5 minutes,
//     retrying a failed delivery briefly and never past the next run (schedule_test.go);
//   - the table's stream feeds only a function whose code delivers outbox rows from a
//     DynamoDB stream batch, filtered to outbox INSERTs, reporting failed records one by one,
//     with bounded retries and an encrypted on-failure queue of its own (stream_test.go);
//   - the SES events (emailevents_test.go): the notifier sends in the template's
//     configuration set, whose one event destination publishes bounces, complaints and
//     deliveries to a topic only SES of this account may publish to, which invokes only
//     the function whose code builds a sesevents.Handler (functions/delivery-events, its
//     store calls derived like the others', MarkDelivered in the outbox states);
//   - the table's keys, indexes, stream and TTL are those dynamo.CreateTable creates;
//   - each function's environment (the settings its code reads, as wiring.Settings says the
//     template treats each; optional ones set only with their parameter, defaulted ones
//     from a parameter whose default is the setting's), secrets and HTTP routes (or schedule, or stream) match what it
//     reads and serves.
//
// The package has no code of its own; it exists for its tests.
package deploytest
