/**
 * A streaming CSV reader for the seller's passes over a dataset (canaries,
 * the fingerprint index): RFC 4180 records, quoted fields with doubled quotes
 * and line breaks inside, `\n` or `\r\n` endings. Each record comes with its
 * raw text, so a pass that copies the file (planting canaries) keeps every
 * original row byte for byte. Memory is flat: one read (about 1 MiB) plus the
 * record being parsed.
 */
import { createReadStream } from 'node:fs';
import { CanaryError } from './fingerprint-errors.js';

/** One CSV record: its fields, and its text as in the file, terminator included (none at a last unterminated line). */
export interface CsvRecord {
  readonly fields: string[];
  readonly raw: string;
}

/** Whether `record` is an empty line (one empty field): not a data row. */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.length === 1 && record.fields[0] === '';
}

/** One record as a CSV line without terminator, quoting a field only when RFC 4180 requires it. */
export function csvLine(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
}

/**
 * RFC 4180 section 2: a record starting at `start` in `text` that holds a
 * quote; undefined when it runs past the end of `text` and `final` is false
 * (more input may close it).
 */
function quotedRecord(
  text: string,
  start: number,
  final: boolean,
): { fields: string[]; end: number } | undefined {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0 || q + 1 >= text.length) {
          if (!final) return undefined;
          if (q < 0) throw new CanaryError('CANARY_CSV_MALFORMED', 'a quoted field is never closed');
        }
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
        if (next === '\r' && i + 1 >= text.length && !final) return undefined;
        throw new CanaryError('CANARY_CSV_MALFORMED', 'text after a closing quote');
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
      field = text.slice(i, j);
      if (text[j] === '\n' && field.endsWith('\r')) field = field.slice(0, -1);
      i = j;
    }
    fields.push(field);
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (i >= text.length) {
      if (!final) return undefined;
      return { fields, end: text.length };
    }
    return { fields, end: i + 1 };
  }
}

/**
 * The records of the CSV file at `path`, the header first, streamed.
 *
 * @example
 * for await (const { fields } of csvRecords('people.csv')) console.log(fields[0]);
 */
export async function* csvRecords(path: string): AsyncGenerator<CsvRecord> {
  let buffer = '';
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  let final = false;
  const chunks = input[Symbol.asyncIterator]();
  while (!final) {
    const next = await chunks.next();
    if (next.done) final = true;
    else buffer += next.value as string;
    let pos = 0;
    for (;;) {
      if (pos >= buffer.length) break;
      const nl = buffer.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      const end = nl < 0 ? buffer.length : nl + 1;
      const line = buffer.slice(pos, end);
      if (!line.includes('"')) {
        const body = line.endsWith('\r\n')
          ? line.slice(0, -2)
          : line.endsWith('\n')
            ? line.slice(0, -1)
            : line;
        yield { fields: body.split(','), raw: line };
        pos = end;
        continue;
      }
      const record = quotedRecord(buffer, pos, final);
      if (record === undefined) break;
      yield { fields: record.fields, raw: buffer.slice(pos, record.end) };
      pos = record.end;
    }
    buffer = buffer.slice(pos);
  }
}
