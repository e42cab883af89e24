// Package deploytest keeps template.yaml honest without cfn-lint: its tests parse the SAM
// template (CloudFormation short tags such as !Ref and !GetAtt included) and check it
// against the code it deploys.
//
//   - every function runs provided.al2023 on arm64 from a prebuilt bin/<name>/bootstrap,
//     and every functions/<name>/ folder is deployed by exactly one function;
//   - IAM is least privilege: each function has its own role and log group; every action
//     granted is on an explicit allow-list; no action or resource is a wildcard; DynamoDB
//     actions reach the table itself only, never its indexes; Secrets Manager reaches the
//     secret the function reads only, which no other function reads unless both are one
//     group of secretReaders (the two webhook functions share their settings);
//   - each function is granted exactly the actions its code calls, derived from the code:
//     which store interfaces functions/<name> wires into httpapi, driven on a real
//     dynamo.Store over a recording fake through every branch that writes a different kind
//     of item (needs_test.go, trackingstates_test.go);
//   - the table's keys, indexes, stream and TTL are those dynamo.CreateTable creates;
//   - each function's environment, secret and HTTP routes match what it reads and serves.
//
// The package has no code of its own; it exists for its tests.
package deploytest
