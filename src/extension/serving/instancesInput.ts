/**
 * Instances from what a user gives Predict: a file (a request body {"instances": [...]}, a JSON array,
 * JSON Lines as `gcloud ai-platform predict --json-instances` reads them, or CSV with a header row) or
 * JSON typed into an input box. vscode-free; errors name the file and the line.
 */

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A CSV cell: numbers become numbers, empty cells stay empty strings, quotes are undone. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

function csvValue(text: string): unknown {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : text;
}

function parseCsv(text: string, origin: string): unknown[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error(`${origin}: a CSV needs a header row and at least one data row`);
  const header = csvCells(lines[0]).map((h) => h.trim());
  return lines.slice(1).map((line, i) => {
    const cells = csvCells(line);
    if (cells.length !== header.length) throw new Error(`${origin}:${i + 2}: ${cells.length} cells, but the header has ${header.length}`);
    return Object.fromEntries(header.map((h, k) => [h, csvValue(cells[k])]));
  });
}

function parseJsonLines(text: string, origin: string): unknown[] {
  const out: unknown[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      throw new Error(`${origin}:${i + 1}: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  });
  return out;
}

/**
 * Instances from text. `origin` (a file name, or "the input box") decides CSV by its extension and
 * names where an error is.
 */
export function parseInstancesText(text: string, origin: string): unknown[] {
  const body = text.replace(/^\uFEFF/, '');
  if (/\.csv$/i.test(origin)) return nonEmpty(parseCsv(body, origin), origin);
  if (/\.jsonl$|\.ndjson$/i.test(origin)) return nonEmpty(parseJsonLines(body, origin), origin);
  let whole: unknown;
  try {
    whole = JSON.parse(body);
  } catch {
    // Not one JSON document: JSON Lines (one instance a line), as gcloud's --json-instances.
    return nonEmpty(parseJsonLines(body, origin), origin);
  }
  if (isRecord(whole) && 'instances' in whole) {
    if (!Array.isArray(whole.instances)) throw new Error(`${origin}: "instances" must be a list`);
    return nonEmpty(whole.instances, origin);
  }
  if (Array.isArray(whole)) return nonEmpty(whole, origin);
  // A single object or value is one instance.
  return [whole];
}

function nonEmpty(instances: unknown[], origin: string): unknown[] {
  if (instances.length === 0) throw new Error(`${origin}: no instances`);
  return instances;
}
