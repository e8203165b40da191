/**
 * The demo's words (issue 7): a plain-words line or two before each step,
 * each step's own lines indented under it, its outcome, and at the end a
 * summary and where to read next. Under --json none of this is printed.
 */
import type { StepName, StepOutcome } from './outcome.js';
import { STEP_NAMES } from './outcome.js';

/** What each step is about to show, in plain words. */
export const INTROS: Readonly<Record<StepName, string>> = {
  accounts:
    'The operator starts a gateway on loopback; a seller, a buyer, a model publisher and a miner make ' +
    'accounts (Ed25519 keys), the operator credits the buyer, and the miner enrolls one node.',
  'list-dataset':
    'The seller takes a dataset with personal fields (names, national IDs, e-mails), plants canary ' +
    'records, fingerprints it with a keyed index, encrypts it on their own machine and lists it.',
  'publish-model':
    'The publisher builds the reference model (logistic regression) into a local image and publishes ' +
    'it by digest; the seller allows that digest on the dataset.',
  'sealed-run':
    'The buyer gets a quote and starts a sealed run: the node seals a container (no network, read-only, ' +
    'seccomp), the broker checks its evidence and releases the data key into it. Metrics stream live.',
  inference: 'The buyer asks the trained model about a few people; a sealed container answers.',
  verification:
    'The seller asks for a verification of the run: a report signed by the gateway, which the seller ' +
    "checks offline with the gateway's public key.",
  'leaky-run-caught':
    'A model that leaks a record is run on the same dataset. The guard reads every byte that leaves ' +
    'the container, catches the record, and stops the run.',
  settlement:
    'Settlement: the escrow of the finished run is split between seller, publisher, miner and platform, ' +
    'the unused rest goes back to the buyer, and the stopped run is refunded in full.',
  ratings: 'Buyer and seller rate each other for the finished run.',
};

/** Where to look next, printed at the end. */
export const NEXT: readonly string[] = [
  'docs/demo.md          what the demo did, and how it is built',
  'docs/sealed-runs.md   the same trade, command by command, on your own gateway and node',
  'docs/leaky-models.md  how the guard catches leaks; docs/verification.md the report',
  'docs/ledger.md        escrow, settlement and the offline ledger check; docs/ratings.md',
  'sealgate --help       every command, each with an example',
];

/** Prints the narration on `out` (a no-op writer under --json). */
export class Narrator {
  constructor(private readonly write: (text: string) => void) {}

  begin(): void {
    this.write(
      'sealgate demo: a whole sealed trade on this machine, with the real parts: a gateway and a miner\n' +
        'node on loopback, LevelDB in a temporary directory, the local dockerd, images built here.\n',
    );
  }

  start(step: StepName, index: number): void {
    this.write(`\n[${index + 1}/${STEP_NAMES.length}] ${step}\n${wrap(INTROS[step], '    ')}\n`);
  }

  line(text: string): void {
    this.write(`    ${text}\n`);
  }

  end(outcome: StepOutcome): void {
    if (outcome.ok) this.write(`    ok (${outcome.seconds.toFixed(1)} s)\n`);
    else if (outcome.skipped) this.write(`\n[-] ${outcome.step}: ${outcome.error}\n`);
    else this.write(`    FAILED: ${outcome.error} (${outcome.code})\n`);
  }

  summary(outcomes: readonly StepOutcome[], seconds: number, problems: readonly string[]): void {
    const ok = outcomes.filter((o) => o.ok).length;
    this.write(`\n${ok} of ${outcomes.length} steps ok in ${seconds.toFixed(0)} s.\n`);
    if (ok === outcomes.length)
      this.write(
        wrap(
          'The data was encrypted before it left the seller, trained on only inside a sealed container, ' +
            'and every byte that came out went through the guard: the honest run passed its verification, ' +
            'the leaky one was stopped and failed it, and the money moved by the ledger.',
          '',
        ) + '\n',
      );
    this.write(
      problems.length === 0
        ? 'Nothing is left: the gateway and node stopped, containers and demo images removed, temp dirs deleted.\n'
        : `Clean-up problems: ${problems.join('; ')}\n`,
    );
    this.write(`\nWhere next:\n${NEXT.map((n) => `  ${n}`).join('\n')}\n`);
  }
}

/** `text` wrapped at 96 columns, each line prefixed by `indent`. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > 96) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}
