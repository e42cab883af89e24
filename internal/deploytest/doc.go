// Package deploytest keeps template.yaml honest without cfn-lint: its tests parse the SAM
// template (CloudFormation short tags such as !Ref and !GetAtt included) and check it
// against the code it deploys.
//
//   - every function runs provided.al2023 on arm64 from a prebuilt bin/<name>/bootstrap,
//     and every functions/<name>/ folder is deployed by exactly one function;
//   - IAM is least privilege: each function has its own role and log group; every action
//     granted is on an explicit allow-list; no action or resource is a wildcard; DynamoDB
//     actions reach the table itself, and a Query reaches an index's ARN only where the
//     code queries that index; Secrets Manager reaches the secret the function reads only,
//     which no other function reads unless both are one group of secretReaders (the two
//     webhook functions share their settings); a function that reads no secret gets none;
//   - each function is granted exactly the actions its code calls, each on the resource the
//     call reads, derived from the code: which store interfaces functions/<name> wires into
//     httpapi, driven on a real dynamo.Store over a recording fake through every branch that
//     writes a different kind of item (needs_test.go, trackingstates_test.go), and, for a
//     function that hands the store to a reminder.Sweeper, Sweeper.Run itself driven
//     through a reminder, a final notice, a termination and a lost race
//     (sweepstates_test.go);
//   - each schedule invokes one sweep function with an execution role of its own that
//     trusts EventBridge Scheduler for this account and may invoke that function only; it
//     fires on time, every 5 minutes, retrying a failed delivery briefly and never past the
//     next run (schedule_test.go);
//   - the table's keys, indexes, stream and TTL are those dynamo.CreateTable creates;
//   - each function's environment, secret and HTTP routes (or schedule) match what it reads
//     and serves.
//
// The package has no code of its own; it exists for its tests.
package deploytest
