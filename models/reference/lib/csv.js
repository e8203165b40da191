/**
 * A CSV reader for the reference model (RFC 4180: comma separated, optional
 * double quotes with "" as an escaped quote, CRLF or LF line endings, the
 * first row a header). It never prints a field: errors name a row number only.
 */

/**
 * Parse CSV text into rows of strings (RFC 4180 section 2). Quoted fields may
 * hold commas, quotes and line breaks. Empty lines are skipped.
 */
export function parseCsv(text) {
  // Fast path: no quotes anywhere, so every line splits on commas.
  if (!text.includes('"')) {
    return text
      .split('\n')
      .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
      .filter((line) => line !== '')
      .map((line) => line.split(','));
  }
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') endRow();
    else if (c === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else field += c;
    i++;
  }
  if (quoted) throw new ModelError(`unterminated quoted field in data row ${rows.length}`);
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/**
 * A parsed table: `header` (column names) and `column(name)`, the values of
 * one column as strings, in row order. Every row must have as many fields as
 * the header.
 */
export function toTable(rows) {
  if (rows.length === 0) throw new ModelError('the data has no header row');
  const [header, ...body] = rows;
  if (new Set(header).size !== header.length) throw new ModelError('the header names a column twice');
  body.forEach((r, i) => {
    if (r.length !== header.length) {
      throw new ModelError(`data row ${i + 1} has ${r.length} fields, the header ${header.length}`);
    }
  });
  return {
    header,
    size: body.length,
    column(name) {
      const at = header.indexOf(name);
      if (at < 0) throw new ModelError(`the data has no column named ${JSON.stringify(name)}`);
      return body.map((r) => r[at]);
    },
  };
}

/** A failure the model reports on stderr (one line, no record content) before exiting 1. */
export class ModelError extends Error {}
