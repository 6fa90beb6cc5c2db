/** One example: what it does (shown as a `#` comment) and the command line. */
export type HelpExample = readonly [does: string, run: string];

const KEY = 'QX7K2M9P4TJ8WZ3N';

/**
 * The examples every command's `--help` ends with (main.ts adds them, docs/cli.md shows them), keyed
 * by command path ("" is `keyward` itself). help-examples.test.ts checks that every command has one
 * or two and that each runs the command it is listed under with flags that command has.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly HelpExample[]>> = {
  '': [
    ['Log in to a server (the secret comes from a prompt or KEYWARD_API_SECRET)', 'keyward login --url http://127.0.0.1:8090 --api-key QX7K2M9P4TJ8WZ3N'],
    ['List your own API keys', 'keyward api-key list --current-user'],
  ],
  version: [['Print the version', 'keyward version']],
  login: [
    ['Log in with the secret from the environment; the context is named 127.0.0.1:8090', `KEYWARD_API_SECRET=kw_... keyward login --url http://127.0.0.1:8090 --api-key ${KEY}`],
    ['Save a second server as the context "prod", reading the secret from stdin', `keyward login --url https://keyward.example.com --api-key ${KEY} --context prod --secret-stdin < secret.txt`],
  ],
  logout: [["Forget the current context's API key and secret", 'keyward logout']],
  context: [
    ['List the saved contexts (the current one is marked with *)', 'keyward context list'],
    ['Switch to the context "prod"', 'keyward context use prod'],
  ],
  'context list': [
    ['List the saved contexts', 'keyward context list'],
    ['The same as JSON', 'keyward context list -o json'],
  ],
  'context use': [['Talk to the server of the context "prod" from now on', 'keyward context use prod']],
  'context describe': [
    ['Describe the current context (the secret is masked)', 'keyward context describe'],
    ['Describe the context "prod" as YAML', 'keyward context describe prod -o yaml'],
  ],
  'context delete': [['Delete the context "staging" without asking', 'keyward context delete staging --force']],
  server: [
    ['Run a server with its SQLite store in ./keyward-data', 'keyward server start'],
    ['Back up the SQLite store while it runs', 'keyward server backup --out keyward-backup.db'],
  ],
  'server start': [
    ['Run a server on 127.0.0.1:8090 (on an empty store it prints the admin key once)', 'keyward server start'],
    ['Run on all interfaces with PostgreSQL', 'keyward server start --host 0.0.0.0 --database-url postgres://keyward@db.internal:5432/keyward'],
  ],
  'server init': [['Initialize a store and print the admin key as JSON', 'keyward server init --data-dir ./keyward-data -o json']],
  'server rotate-signing-key': [['Sign new OAuth tokens with a new key', 'keyward server rotate-signing-key']],
  'server recover-admin': [['Get a new admin key for a stopped SQLite store', 'keyward server recover-admin --data-dir ./keyward-data']],
  'server backup': [['Back up the SQLite store in ./keyward-data', 'keyward server backup --data-dir ./keyward-data --out keyward-backup.db']],
  environment: [
    ['List environments', 'keyward environment list'],
    ['Create a production environment', 'keyward environment create prod --stage production'],
  ],
  'environment create': [['Create a production environment', 'keyward environment create prod --stage production']],
  'environment list': [
    ['List environments; the current one is marked', 'keyward environment list'],
    ['The same as JSON', 'keyward environment list -o json'],
  ],
  'environment describe': [['Describe an environment', 'keyward environment describe env-a1b2c3']],
  'environment update': [['Rename an environment and make it staging', 'keyward environment update env-a1b2c3 --name pre-prod --stage staging']],
  'environment delete': [['Delete an empty environment without asking', 'keyward environment delete env-a1b2c3 --force']],
  'environment use': [['Make later commands act in this environment', 'keyward environment use env-a1b2c3']],
  kafka: [
    ['List Kafka clusters', 'keyward kafka cluster list'],
    ['List the ACLs of a cluster', 'keyward kafka acl list --cluster lkc-a1b2c3'],
  ],
  'kafka cluster': [
    ['Register a Kafka cluster', 'keyward kafka cluster create orders --cloud aws --region us-east-1'],
    ['List Kafka clusters', 'keyward kafka cluster list'],
  ],
  'kafka cluster create': [
    ['Register a cluster in the current environment', 'keyward kafka cluster create orders --cloud aws --region us-east-1'],
    ['Register a self-managed cluster with its bootstrap endpoint', 'keyward kafka cluster create local --cloud self-managed --region local --bootstrap 127.0.0.1:9092 --environment env-a1b2c3'],
  ],
  'kafka cluster list': [['List the clusters of one environment', 'keyward kafka cluster list --environment env-a1b2c3']],
  'kafka cluster describe': [['Describe a cluster as JSON', 'keyward kafka cluster describe lkc-a1b2c3 -o json']],
  'kafka cluster update': [['Rename a cluster', 'keyward kafka cluster update lkc-a1b2c3 --name orders-eu']],
  'kafka cluster delete': [['Delete a cluster', 'keyward kafka cluster delete lkc-a1b2c3 --force']],
  'kafka cluster broker-config': [['Write the properties a broker of the cluster needs (the secret is shown once)', 'keyward kafka cluster broker-config lkc-a1b2c3 > broker-keyward.properties']],
  'kafka acl': [
    ['Let a service account read a topic', 'keyward kafka acl create --allow --service-account sa-a1b2c3 --operations read,describe --topic orders --cluster lkc-a1b2c3'],
    ['List the ACLs of a service account', 'keyward kafka acl list --service-account sa-a1b2c3 --cluster lkc-a1b2c3'],
  ],
  'kafka acl create': [
    ['Let a service account read a topic', 'keyward kafka acl create --allow --service-account sa-a1b2c3 --operations read,describe --topic orders --cluster lkc-a1b2c3'],
    ['Let it write every topic whose name starts with "orders-"', 'keyward kafka acl create --allow --service-account sa-a1b2c3 --operations write --topic orders- --prefix --cluster lkc-a1b2c3'],
  ],
  'kafka acl list': [['List the ACLs of a service account', 'keyward kafka acl list --service-account sa-a1b2c3 --cluster lkc-a1b2c3']],
  'kafka acl delete': [['Delete the read ACL of a service account on a topic', 'keyward kafka acl delete --allow --service-account sa-a1b2c3 --operations read --topic orders --cluster lkc-a1b2c3 --force']],
  'schema-registry': [
    ['Register a Schema Registry cluster', 'keyward schema-registry cluster create schemas --cloud aws --region us-east-1'],
    ['List Schema Registry clusters', 'keyward schema-registry cluster list'],
  ],
  'schema-registry cluster': [
    ['Register a Schema Registry cluster', 'keyward schema-registry cluster create schemas --cloud aws --region us-east-1'],
    ['List Schema Registry clusters', 'keyward schema-registry cluster list'],
  ],
  'schema-registry cluster create': [['Register a Schema Registry cluster with its endpoint', 'keyward schema-registry cluster create schemas --cloud gcp --region europe-west1 --endpoint https://schemas.example.com']],
  'schema-registry cluster list': [['List the Schema Registry clusters of one environment', 'keyward schema-registry cluster list --environment env-a1b2c3']],
  'schema-registry cluster describe': [['Describe a Schema Registry cluster', 'keyward schema-registry cluster describe lsrc-a1b2c3']],
  'schema-registry cluster delete': [['Delete a Schema Registry cluster', 'keyward schema-registry cluster delete lsrc-a1b2c3 --force']],
  iam: [
    ['Create a service account for an application', 'keyward iam service-account create orders-app --description "Orders service"'],
    ['List role bindings', 'keyward iam rbac role-binding list'],
  ],
  'iam user': [
    ['Create a user (prints the first cloud key once)', 'keyward iam user create ada@example.com --full-name "Ada Lovelace"'],
    ['List users', 'keyward iam user list'],
  ],
  'iam user create': [['Create a user and get its first cloud key as JSON', 'keyward iam user create ada@example.com --full-name "Ada Lovelace" -o json']],
  'iam user list': [['List users', 'keyward iam user list']],
  'iam user describe': [['Describe a user', 'keyward iam user describe u-a1b2c3']],
  'iam user update': [["Change a user's full name", 'keyward iam user update u-a1b2c3 --full-name "Ada King"']],
  'iam user delete': [['Delete a user with its keys, role bindings and ACLs', 'keyward iam user delete u-a1b2c3 --force']],
  'iam service-account': [
    ['Create a service account', 'keyward iam service-account create orders-app --description "Orders service"'],
    ['Disable every key of a service account at once', 'keyward iam service-account disable sa-a1b2c3'],
  ],
  'iam service-account create': [['Create a service account', 'keyward iam service-account create orders-app --description "Orders service"']],
  'iam service-account list': [
    ['List service accounts', 'keyward iam service-account list'],
    ['Find one by name', 'keyward iam service-account list --display-name orders-app'],
  ],
  'iam service-account describe': [['Describe a service account', 'keyward iam service-account describe sa-a1b2c3']],
  'iam service-account update': [["Change a service account's description", 'keyward iam service-account update sa-a1b2c3 --description "Orders service (EU)"']],
  'iam service-account delete': [['Delete a service account with its keys, role bindings and ACLs', 'keyward iam service-account delete sa-a1b2c3 --force']],
  'iam service-account disable': [['Block every key of a service account (reversible)', 'keyward iam service-account disable sa-a1b2c3']],
  'iam service-account enable': [['Let its keys work again', 'keyward iam service-account enable sa-a1b2c3']],
  'iam rbac': [
    ['Show what each role may do', 'keyward iam rbac role list'],
    ['Let a service account read and write a topic', 'keyward iam rbac role-binding create --principal User:sa-a1b2c3 --role DeveloperWrite --environment env-a1b2c3 --kafka-cluster lkc-a1b2c3 --resource Topic:orders'],
  ],
  'iam rbac role': [
    ['List the roles', 'keyward iam rbac role list'],
    ['Describe one role', 'keyward iam rbac role describe DeveloperRead'],
  ],
  'iam rbac role list': [['List the roles', 'keyward iam rbac role list']],
  'iam rbac role describe': [['Describe a role', 'keyward iam rbac role describe DeveloperRead']],
  'iam rbac role-binding': [
    ['Make a user admin of an environment', 'keyward iam rbac role-binding create --principal User:u-a1b2c3 --role EnvironmentAdmin --environment env-a1b2c3'],
    ['List the role bindings of a service account', 'keyward iam rbac role-binding list --principal User:sa-a1b2c3'],
  ],
  'iam rbac role-binding create': [
    ['Make a user admin of an environment', 'keyward iam rbac role-binding create --principal User:u-a1b2c3 --role EnvironmentAdmin --environment env-a1b2c3'],
    ['Let a service account read the topics starting with "orders"', 'keyward iam rbac role-binding create --principal User:sa-a1b2c3 --role DeveloperRead --environment env-a1b2c3 --kafka-cluster lkc-a1b2c3 --resource Topic:orders --prefix'],
  ],
  'iam rbac role-binding list': [
    ['List the role bindings of a service account', 'keyward iam rbac role-binding list --principal User:sa-a1b2c3'],
    ['List who is OrganizationAdmin', 'keyward iam rbac role-binding list --role OrganizationAdmin'],
  ],
  'iam rbac role-binding delete': [['Delete a role binding', 'keyward iam rbac role-binding delete rb-a1b2c3 --force']],
  'api-key': [
    ['Create a key for a service account on a Kafka cluster', 'keyward api-key create --resource lkc-a1b2c3 --service-account sa-a1b2c3 --description "orders producer"'],
    ['List your own keys', 'keyward api-key list --current-user'],
  ],
  'api-key create': [
    ['Create a key for a service account on a Kafka cluster, valid for 90 days', 'keyward api-key create --resource lkc-a1b2c3 --service-account sa-a1b2c3 --expires-in 90d'],
    ['Create a cloud key (for the management API) for yourself, as JSON', 'keyward api-key create --resource cloud --description "CI" -o json'],
  ],
  'api-key list': [
    ['List the keys of a service account', 'keyward api-key list --service-account sa-a1b2c3'],
    ['List the disabled keys of a cluster as JSON', 'keyward api-key list --resource lkc-a1b2c3 --status disabled -o json'],
  ],
  'api-key describe': [['Describe a key', `keyward api-key describe ${KEY}`]],
  'api-key update': [["Change a key's description", `keyward api-key update ${KEY} --description "orders producer (EU)"`]],
  'api-key delete': [['Delete a key without asking', `keyward api-key delete ${KEY} --force`]],
  'api-key rotate': [
    ['Replace a key; the old one keeps working for 24 hours', `keyward api-key rotate ${KEY}`],
    ['Hand a user key over to a service account, the old key expiring in 2 days', `keyward api-key rotate ${KEY} --service-account orders-app --grace 48h`],
  ],
  'api-key usage': [
    ["Show a key's authentications of the last 24 hours", `keyward api-key usage ${KEY}`],
    ['The last week, by day, as JSON', `keyward api-key usage ${KEY} --since 7d --bucket 1d -o json`],
  ],
  'api-key disable': [['Stop a key from working (reversible)', `keyward api-key disable ${KEY}`]],
  'api-key enable': [['Let a disabled key work again', `keyward api-key enable ${KEY}`]],
  'audit-log': [
    ['List the failed authentications of the last hour', 'keyward audit-log list --type authentication --result failure --since 1h'],
    ['Check the hash chains', 'keyward audit-log verify'],
  ],
  'audit-log list': [
    ['List the failed authentications of the last hour', 'keyward audit-log list --type authentication --result failure --since 1h'],
    ['Who created, rotated or disabled this key?', `keyward audit-log list --target ${KEY}`],
  ],
  'audit-log export': [['Export the last week as CloudEvents JSON lines', 'keyward audit-log export --since 7d --out audit.jsonl']],
  'audit-log verify': [
    ['Check the hash chains', 'keyward audit-log verify'],
    ['Check them against a checkpoint kept elsewhere', 'keyward audit-log verify --anchor checkpoint.json'],
  ],
  'audit-log checkpoint': [['Write a checkpoint of the chain heads, to keep outside the database', 'keyward audit-log checkpoint --out checkpoint.json']],
  advisor: [
    ['Show the best-practice findings', 'keyward advisor'],
    ['Fail a CI job on any high finding', 'keyward advisor --fail-on high'],
  ],
  policy: [
    ['Show the policy', 'keyward policy describe'],
    ['Cap key lifetimes at 90 days', 'keyward policy update --max-key-lifetime 90d'],
  ],
  'policy describe': [['Show the policy as JSON', 'keyward policy describe -o json']],
  'policy update': [
    ['Cap key lifetimes at 90 days', 'keyward policy update --max-key-lifetime 90d'],
    ['Allow only service-account keys in production environments', 'keyward policy update --require-service-account-keys-in-production'],
  ],
  scan: [
    ['Look for keyward secrets in the current directory', 'keyward scan'],
    ['Scan two files and disable the keys of the secrets found', 'keyward scan .env deploy/values.yaml --disable'],
  ],
  completion: [
    ['Complete keyward commands in this bash', 'source <(keyward completion bash)'],
    ['Install the fish completion', 'keyward completion fish > ~/.config/fish/completions/keyward.fish'],
  ],
};

/** The "Examples:" section of a command's help, or undefined when it has none. */
export function examplesHelpText(path: string): string | undefined {
  const examples = HELP_EXAMPLES[path];
  if (!examples?.length) return undefined;
  return '\nExamples:\n' + examples.map(([does, run]) => `  # ${does}\n  ${run}`).join('\n\n');
}
