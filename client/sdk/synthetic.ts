/**
 * A synthetic personal-health dataset for demos, tests and benchmarks: every
 * row is a made-up person with a name, a national ID number (with a check
 * digit), an e-mail address and health measurements, and a binary `label`
 * drawn from a noisy logistic rule over the measurements, so a model can
 * learn it (a well-fit model reaches about 80% accuracy where the majority class is about 60%; docs/models.md). The
 * same `{rows, seed}` always gives the same bytes.
 */
import { FIRST_NAMES, SURNAMES } from './synthetic-names.js';
import { seededRandom } from './synthetic-random.js';
import type { Random } from './synthetic-random.js';

/** What to generate. */
export interface DatasetOptions {
  /** Data rows after the header row: a safe integer, 0 or more. */
  readonly rows: number;
  /** Any integer; the data is a function of it alone. */
  readonly seed: number | bigint;
}

/** The header row's columns, in order. */
export const SYNTHETIC_COLUMNS: readonly string[] = [
  'name',
  'national_id',
  'email',
  'age',
  'height_cm',
  'weight_kg',
  'systolic_bp',
  'diastolic_bp',
  'cholesterol_mmol',
  'smoker',
  'label',
];

/**
 * The Luhn check digit (ISO/IEC 7812-1, annex B) for a string of decimal
 * digits: the digit that makes the whole string pass the Luhn test.
 */
export function luhnCheckDigit(digits: string): number {
  if (!/^[0-9]+$/.test(digits)) throw new TypeError('luhnCheckDigit takes decimal digits');
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Double every second digit from the right, starting with the rightmost (the check digit goes after it).
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Whether `id` is a synthetic national ID: ten digits, the last the Luhn check digit of the first nine. */
export function isValidNationalId(id: string): boolean {
  return /^[1-9][0-9]{9}$/.test(id) && luhnCheckDigit(id.slice(0, 9)) === Number(id[9]);
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** One person as a CSV line (no newline). No field needs quoting (RFC 4180): no commas or quotes. */
function person(random: Random): string {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(SURNAMES);
  const base = String(random.int(100_000_000, 999_999_999));
  const nationalId = base + String(luhnCheckDigit(base));
  const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
  const email = `${local}${random.int(1, 99)}@example.${random.pick(['com', 'org', 'net'])}`;
  const age = random.int(18, 90);
  const height = clamp(random.normal(170, 9), 145, 205);
  const bmi = clamp(random.normal(25 + 0.05 * (age - 50), 4), 16, 45);
  const weight = bmi * (height / 100) ** 2;
  const smoker = random.next() < 0.22;
  const systolic = Math.round(
    clamp(random.normal(108 + 0.45 * age + 0.6 * (bmi - 25) + (smoker ? 5 : 0), 12), 85, 210),
  );
  const diastolic = Math.round(clamp(random.normal(0.5 * systolic + 14, 7), 50, 130));
  const cholesterol = clamp(random.normal(4.1 + 0.02 * age + 0.04 * (bmi - 25), 0.8), 2.5, 10);
  // The noisy logistic rule the label follows: older, heavier, hypertensive, high-cholesterol smokers are at risk.
  const z =
    -1.2 +
    0.06 * (age - 54) +
    0.04 * (systolic - 133) +
    0.9 * (cholesterol - 5.2) +
    0.1 * (bmi - 25.2) +
    (smoker ? 1.4 : 0);
  const label = random.next() < sigmoid(z) ? 1 : 0;
  return [
    `${first} ${last}`,
    nationalId,
    email,
    age,
    height.toFixed(1),
    weight.toFixed(1),
    systolic,
    diastolic,
    cholesterol.toFixed(1),
    smoker ? 'yes' : 'no',
    label,
  ].join(',');
}

function checkOptions({ rows, seed }: DatasetOptions): bigint {
  if (!Number.isSafeInteger(rows) || rows < 0) throw new TypeError('rows must be a safe integer >= 0');
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) throw new TypeError('seed must be an integer');
  return BigInt(seed);
}

/**
 * The dataset as CSV text in chunks of about `chunkBytes` (whole lines, `\n`
 * endings, the header first), for writing big datasets with flat memory.
 *
 * @example
 * await pipeline(Readable.from(datasetChunks({ rows: 1e6, seed: 7 })), createWriteStream('people.csv'));
 */
export function* datasetChunks(options: DatasetOptions, chunkBytes = 64 * 1024): Generator<string> {
  const random = seededRandom(checkOptions(options));
  let chunk = SYNTHETIC_COLUMNS.join(',') + '\n';
  for (let i = 0; i < options.rows; i++) {
    chunk += person(random) + '\n';
    if (chunk.length >= chunkBytes) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/**
 * The dataset as one CSV string: a header row and `rows` people.
 *
 * @example
 * const csv = generateDataset({ rows: 1000, seed: 42 });
 */
export function generateDataset(options: DatasetOptions): string {
  return [...datasetChunks(options)].join('');
}
