/**
 * Where the cursor is in a job spec's YAML, as a field path: typing a key of the mapping at `path`, or
 * the value of the field at `path`. Text being typed is rarely valid YAML (`  epo` under `training:`
 * parses as training's value), so the word under the cursor is replaced by a marker key or value
 * before parsing with the `yaml` package; the marker's place in the parsed Document gives the path,
 * in block and flow style alike. No vscode here, so it is unit-tested on its own.
 */
import { type Node, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { PathSegment } from '../../runtime/spec/specPath';

export type CursorContext =
  | {
      kind: 'key';
      /** The mapping being typed into. */
      path: PathSegment[];
      /** The word typed so far (before and after the cursor). */
      word: { start: number; end: number; text: string };
      /** The mapping's other entries, as JavaScript values (for `if`/`then` in the schema, and to skip keys already there). */
      siblings: Record<string, unknown>;
      /** The whole document as JavaScript values, the word under the cursor left out. */
      document: unknown;
    }
  | {
      kind: 'value';
      /** The field whose value is being typed. */
      path: PathSegment[];
      word: { start: number; end: number; text: string };
      /** The entries of the mapping that holds the field. */
      siblings: Record<string, unknown>;
      document: unknown;
    };

const MARKER = '__modellab_cursor__';
const WORD = /[A-Za-z0-9_$.\-*]/;

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  if (/(^|\s)#/.test(before)) return undefined; // in a comment

  let start = offset;
  while (start > lineStart && WORD.test(text[start - 1])) start--;
  let end = offset;
  while (end < text.length && WORD.test(text[end])) end++;
  const word = { start, end, text: text.slice(start, end) };

  const lead = text.slice(lineStart, start).replace(/\s+$/, '');
  const prev = lead.slice(-1);
  let kind: 'key' | 'value';
  if (prev === ':') kind = 'value';
  else if (lead === '' || prev === '{' || prev === ',' || /^\s*(-\s*)+$/.test(lead)) kind = 'key';
  else return undefined; // inside a quoted string, after a value, …

  // A key is followed by `: ` unless the text already has one (retyping an existing key).
  const hasColon = /^\s*:/.test(text.slice(end));
  const insert = kind === 'value' ? MARKER : hasColon ? MARKER : `${MARKER}: `;
  const patched = text.slice(0, start) + insert + text.slice(end);
  const doc = parseDocument(patched, { prettyErrors: false, uniqueKeys: false });
  const found = findMarker(doc.contents as Node | null, []);
  if (!found || found.kind !== kind) return undefined;
  return { kind, path: found.path, word, siblings: found.siblings, document: withoutMarker(doc.toJS({ maxAliasCount: 1000 })) };
}

interface Found {
  kind: 'key' | 'value';
  path: PathSegment[];
  siblings: Record<string, unknown>;
}

function findMarker(node: Node | null | undefined, path: PathSegment[], parentEntries: Record<string, unknown> = {}): Found | undefined {
  if (isMap(node)) {
    const entries = entriesOf(node.items);
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (key === MARKER) return { kind: 'key', path, siblings: entries };
      const hit = findMarker(pair.value as Node | null, [...path, String(key)], entries);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const hit = findMarker(node.items[i] as Node | null, [...path, i]);
      if (hit) return hit;
    }
    return undefined;
  }
  if (isScalar(node) && node.value === MARKER) return { kind: 'value', path, siblings: parentEntries };
  return undefined;
}

/** The mapping's entries other than the marker (as key or value), as plain values. */
function entriesOf(items: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of items) {
    if (!isPair(pair)) continue;
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    if (key === MARKER || key === null || key === undefined) continue;
    if (isScalar(pair.value) && pair.value.value === MARKER) continue;
    const value = pair.value as { toJSON?: () => unknown } | null;
    out[String(key)] = value && typeof value.toJSON === 'function' ? value.toJSON() : value;
  }
  return out;
}

function withoutMarker(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMarker);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== MARKER && v !== MARKER) out[k] = withoutMarker(v);
    return out;
  }
  return value;
}
