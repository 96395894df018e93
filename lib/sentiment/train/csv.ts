/**
 * Minimal RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes). The
 * datasets are small enough to parse whole; a malformed file fails with its line number.
 */
import { ValidationError } from '../../domain/errors.ts';

function parseCsv(text: string, source: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      inQuotes = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      line++;
    } else {
      field += c;
    }
  }
  if (inQuotes) throw new ValidationError(`${source}: unterminated quoted field (line ${line})`);
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Rows as objects keyed by the header; rows with a different field count are an error. */
function parseCsvObjects(text: string, source: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text, source);
  if (!header) return [];
  return rows
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r, i) => {
      if (r.length !== header.length) {
        throw new ValidationError(
          `${source}: row ${i + 2} has ${r.length} fields, header has ${header.length}`,
        );
      }
      const o: Record<string, string> = {};
      header.forEach((h, j) => {
        o[h] = r[j] as string;
      });
      return o;
    });
}

export { parseCsv, parseCsvObjects };
