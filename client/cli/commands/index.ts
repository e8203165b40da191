/**
 * Every client `sealgate` command, in the order `--help` lists them. Names,
 * usage, summaries and examples live here; a command's implementation is
 * imported only when it runs (`lazyCommand`), so start-up stays quick as
 * commands grow. The service commands (`gateway start`, ...) are added by the
 * composition root, bin/commands.ts.
 */
import type { Command } from '../command.js';
import { lazyCommand } from '../command.js';
import { version } from './version.js';

/** `--request-id` of the money-moving commands (node bond, node unbond, admin credit; commands/retry.ts). */
const REQUEST_ID_OPTION = { 'request-id': { type: 'string' } } as const;
const REQUEST_ID_HELP = {
  'request-id':
    'the id of this request (16-64 of A-Z a-z 0-9 _ -; default: a random one); re-run with the id an unknown outcome names to retry without moving money twice',
} as const;

/** Options of `dataset encrypt|decrypt`. */
const datasetOptions = {
  out: { type: 'string', short: 'o' },
  'key-file': { type: 'string', short: 'k' },
} as const;

export const commands: readonly Command[] = [
  version,
  // accounts
  lazyCommand(
    {
      name: ['account', 'create'],
      usage: '--role ROLE [--role ROLE] [--name NAME]',
      summary: "make this home's account key and register it with the gateway; prints the id",
      options: { role: { type: 'string', multiple: true }, name: { type: 'string' } },
      optionHelp: {
        role: 'seller, buyer, publisher or miner',
        name: 'a display name, 1 to 64 characters',
      },
      positionals: [0, 0],
      example: 'sealgate account create --role seller --role buyer --name alice',
    },
    async () => (await import('./account.js')).runAccountCreate,
  ),
  lazyCommand(
    {
      name: ['account', 'show'],
      usage: '[ID]',
      summary: "show this home's account (signed), or the public profile of account ID",
      options: {},
      positionals: [0, 1],
      example: 'sealgate account show --json',
    },
    async () => (await import('./account.js')).runAccountShow,
  ),
  // the dataset envelope
  lazyCommand(
    {
      name: ['dataset', 'encrypt'],
      usage: 'FILE --out OUT --key-file KEY',
      summary: 'encrypt FILE into an envelope at OUT (creates KEY, mode 0600, when missing)',
      options: datasetOptions,
      optionHelp: { out: 'where the envelope goes', 'key-file': 'the data key file (made when missing)' },
      positionals: [1, 1],
      example: 'sealgate dataset encrypt people.csv --out people.env --key-file people.key',
    },
    async () => (await import('./dataset-crypt.js')).runDatasetEncrypt,
  ),
  lazyCommand(
    {
      name: ['dataset', 'decrypt'],
      usage: 'FILE --key-file KEY --out OUT',
      summary: 'decrypt the envelope FILE into OUT; nothing is written unless all of it authenticates',
      options: datasetOptions,
      optionHelp: { out: 'where the plaintext goes', 'key-file': 'the data key file' },
      positionals: [1, 1],
      example: 'sealgate dataset decrypt people.env --key-file people.key --out people.csv',
    },
    async () => (await import('./dataset-crypt.js')).runDatasetDecrypt,
  ),
  // the synthetic dataset (docs/models.md)
  lazyCommand(
    {
      name: ['dataset', 'generate'],
      usage: '--rows N --seed S [--out FILE]',
      summary: 'make a synthetic CSV of fictional people with a learnable label (to stdout or FILE)',
      options: { rows: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string', short: 'o' } },
      optionHelp: {
        rows: 'people to make, 0 to 100000000',
        seed: 'an integer: the same seed gives the same bytes',
        out: 'write here (mode 0600, whole or not at all) instead of stdout',
      },
      positionals: [0, 0],
      example: 'sealgate dataset generate --rows 10000 --seed 7 --out people.csv',
    },
    async () => (await import('./dataset-generate.js')).runDatasetGenerate,
  ),
  // --- the market: datasets, models, quotes, runs, ratings, admin (docs/cli.md) ---
  lazyCommand(
    {
      name: ['dataset', 'publish'],
      usage:
        'FILE --title T --price P [--description D] [--schema FILE.json] [--policy FILE.json] [--custody broker|seller] [--allow-model sha256:…] [--no-fingerprint] [--canaries N] [--canary-repeat R]',
      summary: 'encrypt FILE, upload the ciphertext and list it for sale; prints the dataset id',
      options: {
        title: { type: 'string' },
        price: { type: 'string' },
        description: { type: 'string' },
        schema: { type: 'string' },
        policy: { type: 'string' },
        custody: { type: 'string' },
        'allow-model': { type: 'string', multiple: true },
        fingerprint: { type: 'boolean' },
        'no-fingerprint': { type: 'boolean' },
        canaries: { type: 'string' },
        'canary-repeat': { type: 'string' },
      },
      optionHelp: {
        fingerprint: 'build the fingerprint index from the plaintext (the default; docs/canaries.md)',
        'no-fingerprint': 'no index: the guard checks schema and budget only',
        canaries: 'canary rows to plant, 1 to 1000 (default 16 with the index, else none)',
        'canary-repeat': 'times each canary is planted, 1 to 100 (default 1)',
        title: 'the listing title',
        price: 'fiat base units per run (e.g. cents), at least the gateway floor',
        description: 'what the data is (shown to buyers)',
        schema: 'a JSON array of {"name", "type", "description"?}: the columns, no data',
        policy: 'the dataset policy {release, egress} (docs/policies.md); defaults otherwise',
        custody: 'broker (default: the gateway releases the key per policy) or seller',
        'allow-model': 'a model image digest that may train on it (an empty list admits none)',
      },
      positionals: [1, 1],
      example:
        "sealgate dataset publish people.csv --title 'People 2024' --price 2500 --allow-model $(docker image inspect -f '{{.Id}}' tabular-gbm:1)",
    },
    async () => (await import('./dataset-publish.js')).runDatasetPublish,
  ),
  lazyCommand(
    {
      name: ['dataset', 'ls'],
      usage: '[--seller ACCT] [--max-price P] [--model ID|DIGEST] [--q TEXT] [--limit N] [--cursor ID]',
      summary: 'listed datasets, newest first, filtered and paged',
      options: {
        seller: { type: 'string' },
        'max-price': { type: 'string' },
        model: { type: 'string' },
        q: { type: 'string' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
      },
      optionHelp: {
        seller: "only this seller's listings",
        'max-price': 'at most this price (fiat base units)',
        model: 'only datasets whose policy allows this model id or image digest',
        q: 'text in the title or description',
        limit: 'listings per page, 1 to 500 (default 50)',
        cursor: 'the page after this id (printed as "more: --cursor ID")',
      },
      positionals: [0, 0],
      example: 'sealgate dataset ls --q readmission --max-price 5000 --json',
    },
    async () => (await import('./catalog.js')).runDatasetList,
  ),
  lazyCommand(
    {
      name: ['dataset', 'show'],
      usage: 'ID',
      summary: "one listing: terms, seller's rating, size and runs",
      options: {},
      positionals: [1, 1],
      example: 'sealgate dataset show ds_hz3k5n7q2w4e6r7t3y2u4i6oab',
    },
    async () => (await import('./catalog.js')).runDatasetShow,
  ),
  lazyCommand(
    {
      name: ['model', 'publish'],
      usage: '--descriptor model.json (--image-digest sha256:… | --archive FILE)',
      summary: 'publish a model by image id, or upload its docker save archive; prints the model id',
      options: {
        descriptor: { type: 'string' },
        'image-digest': { type: 'string' },
        archive: { type: 'string' },
      },
      optionHelp: {
        descriptor: 'model.json: entrypoints, metrics, resources, unitCost, baseFee, benchmark',
        'image-digest': 'the image id nodes run (docker image inspect --format {{.Id}})',
        archive: 'a docker save archive to upload; its image id is read from it',
      },
      positionals: [0, 0],
      example: 'sealgate model publish --descriptor model.json --archive model.tar',
    },
    async () => (await import('./catalog.js')).runModelPublish,
  ),
  lazyCommand(
    {
      name: ['model', 'ls'],
      usage: '[--publisher ACCT] [--name NAME] [--deprecated] [--limit N] [--cursor ID]',
      summary: 'published models, newest first',
      options: {
        publisher: { type: 'string' },
        name: { type: 'string' },
        deprecated: { type: 'boolean' },
        limit: { type: 'string' },
        cursor: { type: 'string' },
      },
      optionHelp: {
        publisher: "only this publisher's models",
        name: 'only models of this name',
        deprecated: 'include deprecated models',
        limit: 'models per page, 1 to 500 (default 50)',
        cursor: 'the page after this id',
      },
      positionals: [0, 0],
      example: 'sealgate model ls --name tabular-gbm --json',
    },
    async () => (await import('./catalog.js')).runModelList,
  ),
  lazyCommand(
    {
      name: ['quote'],
      usage: '--dataset ID --model ID --steps N [--param KEY=VALUE]...',
      summary: 'price a training run (buyer); the quote holds for a while',
      options: {
        dataset: { type: 'string' },
        model: { type: 'string' },
        steps: { type: 'string' },
        param: { type: 'string', multiple: true },
      },
      optionHelp: {
        dataset: 'the dataset id (ds_…)',
        model: 'the model id (mdl_…)',
        steps: "training steps, capped at the model's maxSteps",
        param: "a hyperparameter for the model, repeatable (a number's value is sent as a number)",
      },
      positionals: [0, 0],
      example:
        'sealgate quote --dataset ds_hz3k5n7q2w4e6r7t3y2u4i6oab --model mdl_hz3k5n7q2w4e6r7t3y2u4i6oab --steps 1000 --param learningRate=0.05',
    },
    async () => (await import('./runs.js')).runQuote,
  ),
  lazyCommand(
    {
      name: ['run', 'start'],
      usage: 'QUOTE_ID',
      summary: 'start a run from a quote: escrows the quoted tokens; prints the run id',
      options: {},
      positionals: [1, 1],
      example: 'sealgate run start qt_hz3k5n7q2w4e6r7t3y2u4i6oab',
    },
    async () => (await import('./runs.js')).runStart,
  ),
  lazyCommand(
    {
      name: ['run', 'status'],
      usage: 'ID [--follow]',
      summary: 'a run of yours: state, price, usage, settlement',
      options: { follow: { type: 'boolean', short: 'f' } },
      optionHelp: { follow: 'print each state change until the run ends (JSON lines with --json)' },
      positionals: [1, 1],
      example: 'sealgate run status run_hz3k5n7q2w4e6r7t3y2u4i6oab --json',
    },
    async () => (await import('./run-follow.js')).runStatusFollow,
  ),
  // live views and cancel (docs/operations.md)
  lazyCommand(
    {
      name: ['run', 'metrics'],
      usage: 'ID [--follow]',
      summary: 'the metrics a run of yours reported so far; --follow streams them until it ends',
      options: { follow: { type: 'boolean', short: 'f' } },
      optionHelp: { follow: 'keep streaming until the run ends or Ctrl-C (JSON lines with --json)' },
      positionals: [1, 1],
      example: 'sealgate run metrics run_hz3k5n7q2w4e6r7t3y2u4i6oab --follow',
    },
    async () => (await import('./run-follow.js')).runMetrics,
  ),
  lazyCommand(
    {
      name: ['run', 'cancel'],
      usage: 'ID [--message M]',
      summary: 'cancel a run of yours: at once while queued, else once its node stops it (refunded)',
      options: { message: { type: 'string' } },
      optionHelp: { message: 'why, kept with the run (up to 1000 characters)' },
      positionals: [1, 1],
      example: 'sealgate run cancel run_hz3k5n7q2w4e6r7t3y2u4i6oab --message "wrong dataset"',
    },
    async () => (await import('./run-follow.js')).runCancel,
  ),
  // --- end live views ---
  // sealed inference (issue 4)
  lazyCommand(
    {
      name: ['infer'],
      usage: 'RUN_ID --input FILE [--wait S]',
      summary:
        "ask a settled run's sealed model: FILE holds JSON lines, one query each; prints one answer a line",
      options: { input: { type: 'string' }, wait: { type: 'string' } },
      optionHelp: {
        input: 'queries, one JSON object a line (the fields the model was trained on)',
        wait: 'seconds to wait for the answers (default 300)',
      },
      positionals: [1, 1],
      example: 'sealgate infer run_hz3k5n7q2w4e6r7t3y2u4i6oab --input queries.jsonl --json',
    },
    async () => (await import('./infer.js')).runInfer,
  ),
  lazyCommand(
    {
      name: ['rate'],
      usage: 'RUN_ID --stars N [--comment C]',
      summary: 'rate the other side of a settled run, once',
      options: { stars: { type: 'string' }, comment: { type: 'string' } },
      optionHelp: { stars: '1 to 5', comment: 'up to 1000 characters' },
      positionals: [1, 1],
      example: 'sealgate rate run_hz3k5n7q2w4e6r7t3y2u4i6oab --stars 5 --comment "clean data"',
    },
    async () => (await import('./runs.js')).runRate,
  ),
  lazyCommand(
    {
      name: ['admin', 'credit'],
      usage: 'ACCOUNT AMOUNT --memo M [--key-file FILE] [--request-id ID]',
      summary: 'mint AMOUNT token base units to ACCOUNT (operator)',
      options: { memo: { type: 'string' }, 'key-file': { type: 'string' }, ...REQUEST_ID_OPTION },
      optionHelp: {
        memo: 'why, kept in the ledger entry (1 to 200 characters)',
        'key-file': "the operator key (the gateway's DATA/operator-key.json); default the home's account key",
        ...REQUEST_ID_HELP,
      },
      positionals: [2, 2],
      example:
        'sealgate admin credit acct_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh 1000000000 --memo "welcome credit" --key-file /var/lib/sealgate/operator-key.json',
    },
    async () => (await import('./admin.js')).runAdminCredit,
  ),
  // --- end market ---
  // --- nodes (docs/nodes.md) ---
  lazyCommand(
    {
      name: ['admin', 'enroll-token'],
      usage: '--miner ACCOUNT [--ttl S] [--key-file FILE]',
      summary: 'issue a one-time node enrollment token for a miner account (operator)',
      options: { miner: { type: 'string' }, ttl: { type: 'string' }, 'key-file': { type: 'string' } },
      optionHelp: {
        miner: 'the miner account paid for the node (acct_…)',
        ttl: 'seconds the token stays valid, 60 to 86400 (default 3600)',
        'key-file': "the operator key (the gateway's DATA/operator-key.json); default the home's account key",
      },
      positionals: [0, 0],
      example: 'sealgate admin enroll-token --miner acct_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh --ttl 600 --json',
    },
    async () => (await import('./enroll-token.js')).runAdminEnrollToken,
  ),
  // --- end nodes ---
  // block rewards (docs/rewards.md)
  lazyCommand(
    {
      name: ['node', 'rewards'],
      usage: 'NODE_ID [--limit N]',
      summary: "a node's latest block rewards and deployment records (its miner or the operator)",
      options: { limit: { type: 'string' } },
      optionHelp: { limit: 'how many of each, 1 to 500 (default 10)' },
      positionals: [1, 1],
      example: 'sealgate node rewards node_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh --json',
    },
    async () => (await import('./node-rewards.js')).runNodeRewards,
  ),
  // --- bonds and penalties (docs/bonds-and-placement.md) ---
  lazyCommand(
    {
      name: ['node', 'bond'],
      usage: 'NODE_ID AMOUNT [--request-id ID]',
      summary:
        "post AMOUNT token base units from this miner's account to the node's bond (debt is repaid first); prints the bond",
      options: { ...REQUEST_ID_OPTION },
      optionHelp: { ...REQUEST_ID_HELP },
      positionals: [2, 2],
      example: 'sealgate node bond node_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh 100000000000',
    },
    async () => (await import('./bonds.js')).runNodeBond,
  ),
  lazyCommand(
    {
      name: ['node', 'bond-status'],
      usage: 'NODE_ID [--key-file FILE]',
      summary: "a node's bond, the minimum, its debt, whether it is scheduled and its penalties",
      options: { 'key-file': { type: 'string' } },
      optionHelp: {
        'key-file': "the operator key (the gateway's DATA/operator-key.json); default the home's account key",
      },
      positionals: [1, 1],
      example: 'sealgate node bond-status node_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh --json',
    },
    async () => (await import('./bonds.js')).runNodeBondStatus,
  ),
  lazyCommand(
    {
      name: ['node', 'unbond'],
      usage: 'NODE_ID AMOUNT [--request-id ID]',
      summary:
        "move AMOUNT token base units of the node's bond back to this miner (no job held, no penalty pending)",
      options: { ...REQUEST_ID_OPTION },
      optionHelp: { ...REQUEST_ID_HELP },
      positionals: [2, 2],
      example: 'sealgate node unbond node_hz3k5n7q2w4e6r7t3y2u4i6oabcdefgh 5000000000',
    },
    async () => (await import('./bonds.js')).runNodeUnbond,
  ),
  lazyCommand(
    {
      name: ['penalty', 'appeal'],
      usage: 'PENALTY_ID --reason TEXT',
      summary:
        'appeal a proposed penalty on your node before its window closes (miner; it shows in node bond-status)',
      options: { reason: { type: 'string' } },
      optionHelp: { reason: 'why it is not your fault, 1 to 2000 characters (the operator reads it)' },
      positionals: [1, 1],
      example:
        'sealgate penalty appeal pen_failed-run_job_hz3k5n7q2w4e6r7t3y2u4i6oab --reason "the host lost power"',
    },
    async () => (await import('./bonds.js')).runPenaltyAppeal,
  ),
  lazyCommand(
    {
      name: ['penalty', 'decide'],
      usage: 'PENALTY_ID (--uphold | --waive) [--key-file FILE]',
      summary: 'decide an appealed penalty: uphold it (taken from the bond) or waive it (operator)',
      options: { uphold: { type: 'boolean' }, waive: { type: 'boolean' }, 'key-file': { type: 'string' } },
      optionHelp: {
        uphold: 'the penalty stands: taken once its appeal window has closed',
        waive: 'the penalty is dropped: nothing is taken',
        'key-file': "the operator key (the gateway's DATA/operator-key.json); default the home's account key",
      },
      positionals: [1, 1],
      example:
        'sealgate penalty decide pen_failed-run_job_hz3k5n7q2w4e6r7t3y2u4i6oab --waive --key-file /var/lib/sealgate/operator-key.json',
    },
    async () => (await import('./bonds.js')).runPenaltyDecide,
  ),
  // --- end bonds ---
  // seller custody (docs/broker.md)
  lazyCommand(
    {
      name: ['release', 'approve'],
      usage: '[RELEASE_ID]',
      summary:
        'check key releases waiting on your datasets here and approve them with your key (seller custody)',
      options: {},
      positionals: [0, 1],
      example: 'sealgate release approve --json',
    },
    async () => (await import('./release.js')).runReleaseApprove,
  ),
  // verification reports (docs/verification.md)
  lazyCommand(
    {
      name: ['verify'],
      usage: 'RUN_ID|VERIFICATION_ID [--out FILE] [--wait] [--timeout S]',
      summary:
        'ask for a signed verification report of a run on your dataset (seller); checks it, writes it to FILE',
      options: {
        out: { type: 'string', short: 'o' },
        wait: { type: 'boolean' },
        timeout: { type: 'string' },
      },
      optionHelp: {
        out: 'where the report goes (JSON); default stdout',
        wait: 'wait until the report is ready (the audit runs a sealed container)',
        timeout: 'seconds to wait with --wait (default 600)',
      },
      positionals: [1, 1],
      example: 'sealgate verify run_hz3k5n7q2w4e6r7t3y2u4i6oab --wait --out report.json',
    },
    async () => (await import('./verify.js')).runVerify,
  ),
  lazyCommand(
    {
      name: ['report', 'check'],
      usage: 'FILE [--gateway-key BASE64]',
      summary:
        "check a verification report offline: signatures, inclusion proofs, the verdict; prints the gateway's key id",
      options: { 'gateway-key': { type: 'string' } },
      optionHelp: { 'gateway-key': "pin the gateway's Ed25519 public key (its gateway.pub)" },
      positionals: [1, 1],
      example: 'sealgate report check report.json --gateway-key "$(cat gateway.pub)"',
    },
    async () => (await import('./verify.js')).runReportCheck,
  ),
];
