// Package deploytest keeps template.yaml honest without cfn-lint: its tests parse the SAM
// template (CloudFormation short tags such as !Ref and !GetAtt included) and check it
// against the code it deploys.
//
//   - every function runs provided.al2023 on arm64 from a prebuilt bin/<name>/bootstrap,
//     and every functions/<name>/ folder is deployed by exactly one function;
//   - IAM is least privilege: each function has its own role; every action granted is on
//     an explicit allow-list and is one the code calls; no action or resource is a
//     wildcard; DynamoDB actions reach the table itself only, never its indexes;
//   - the table's keys, indexes, stream and TTL are those dynamo.CreateTable creates;
//   - the environment, the secret's key and the HTTP routes match what the seller-api
//     function reads and serves.
//
// The package has no code of its own; it exists for its tests.
package deploytest
