/**
 * Turning CSV columns into numbers for logistic regression: numeric columns
 * are standardised (z-scores, missing values at the mean), low-cardinality
 * text columns are one-hot encoded, identifiers and free text are ignored, and
 * the label's two values become 0 and 1. The fitted encoding is saved with the
 * model, so prediction encodes a query exactly as training did.
 */
import { ModelError } from './csv.js';

/** Column names that look like identifiers: never a feature unless named in `features`. */
const ID_LIKE = /^(id|.*_id)$/i;

const isNumber = (v) => v.trim() !== '' && Number.isFinite(Number(v));

/** Numeric sort when every value is a number, else code-point order. */
function sortValues(values) {
  const numeric = values.every(isNumber);
  return [...values].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A list of column names: a JSON array, or a comma-separated string (buyers'
 * hyperparameters are strings, numbers or booleans); undefined when absent.
 */
function columnList(v) {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string')
    return v
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
  return undefined;
}

/** Which columns are features: `features` if given, else all but the label, `ignore` and ID-like names. */
function featureColumns(table, hp) {
  const features = columnList(hp.features);
  if (features !== undefined) return features;
  const ignore = new Set(columnList(hp.ignore) ?? []);
  return table.header.filter((c) => c !== hp.label && !ignore.has(c) && !ID_LIKE.test(c));
}

/**
 * Fit the encoding on a table: `{ label, classes: [negative, positive],
 * features: [{ column, kind: 'numeric', mean, scale } | { column, kind:
 * 'onehot', value }] }`. A text column with more than `maxCategories` values
 * (names, e-mails) is ignored.
 */
export function fitEncoding(table, hp) {
  const classes = sortValues([...new Set(table.column(hp.label))]);
  if (classes.length !== 2) {
    throw new ModelError(`the label column must hold exactly 2 values, it holds ${classes.length}`);
  }
  const features = [];
  // `categorical`: columns one-hot encoded even when every value is a number (an ID: one weight per person).
  const categorical = new Set(columnList(hp.categorical) ?? []);
  for (const column of featureColumns(table, hp)) {
    const values = table.column(column);
    const present = values.filter((v) => v.trim() !== '');
    if (present.length > 0 && present.every(isNumber) && !categorical.has(column)) {
      const xs = present.map(Number);
      const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
      const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
      features.push({ column, kind: 'numeric', mean, scale: Math.sqrt(variance) || 1 });
      continue;
    }
    const distinct = new Set(present);
    if (distinct.size === 0 || distinct.size > hp.maxCategories) continue;
    for (const value of sortValues([...distinct])) features.push({ column, kind: 'onehot', value });
  }
  if (features.length === 0) throw new ModelError('no usable feature columns');
  return { label: hp.label, classes, features };
}

/** One value (a CSV string or a JSON value) as feature `f`: a z-score, or 1/0 for a one-hot value. */
function encodeValue(f, raw) {
  if (f.kind === 'onehot') return raw !== undefined && raw !== null && String(raw) === f.value ? 1 : 0;
  const x = typeof raw === 'number' ? raw : typeof raw === 'string' && isNumber(raw) ? Number(raw) : NaN;
  return Number.isFinite(x) ? (x - f.mean) / f.scale : 0;
}

/** One record (column name to value; CSV strings or JSON values) as a feature vector. */
export function encodeRecord(encoding, record) {
  return Float64Array.from(encoding.features, (f) => encodeValue(f, record[f.column]));
}

/**
 * A whole table as a row-major matrix `x` (size x d) and labels `y` (0 or
 * 1). A label outside the encoding's two classes is an error.
 */
export function encodeTable(encoding, table) {
  const d = encoding.features.length;
  const n = table.size;
  const x = new Float64Array(n * d);
  const y = new Uint8Array(n);
  const labels = table.column(encoding.label);
  const columns = new Map();
  encoding.features.forEach((f, j) => {
    if (!columns.has(f.column)) columns.set(f.column, table.column(f.column));
    const values = columns.get(f.column);
    for (let i = 0; i < n; i++) x[i * d + j] = encodeValue(f, values[i]);
  });
  for (let i = 0; i < n; i++) {
    const k = encoding.classes.indexOf(labels[i]);
    if (k < 0) throw new ModelError(`data row ${i + 1} has a label outside the model's two classes`);
    y[i] = k;
  }
  return { x, y, n, d };
}
