/**
 * Positions of fields in the spec's text, so that a problem found long after parsing (by the schema,
 * the hyperparameter rules, or the data loader) can still point at a line and column.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';
import type { PathSegment } from './specPath';

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

interface Step {
  /** The key of a mapping entry; absent for list items and the document root. */
  key?: Node;
  value: Node | null;
}

export class SpecSourceMap {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Where the field at `path` is written: its value (`part: 'value'`, right for a wrong value) or its
   * key (`part: 'key'`, right for a field that should not be there). A path not in the text, e.g. a
   * missing required field, falls back to the key of its nearest ancestor that is.
   */
  locate(path: readonly PathSegment[], part: 'key' | 'value' = 'value'): SourcePosition {
    const steps = this.walk(path);
    const last = steps[steps.length - 1];
    const found = steps.length === path.length + 1;
    if (found && part === 'value' && last.value && !isEmptyScalar(last.value)) return this.at(last.value);
    if (last.key) return this.at(last.key);
    if (last.value) return this.at(last.value);
    return { line: 1, column: 1 };
  }

  /** Whether the field at `path` is written in the text. */
  has(path: readonly PathSegment[]): boolean {
    return this.walk(path).length === path.length + 1;
  }

  /**
   * Like `locate`, for a dotted path typed by a person or another module. Column names may contain dots
   * (`features.sepal.length`), so a segment that is not found is joined with the next one and retried.
   */
  locateDotted(dotted: string, part: 'key' | 'value' = 'value'): SourcePosition {
    return this.locate(this.resolveDotted(dotted.split('.').filter((s) => s !== '')), part);
  }

  private resolveDotted(parts: string[]): PathSegment[] {
    const out: PathSegment[] = [];
    let node = this.deref(this.doc.contents);
    let i = 0;
    while (i < parts.length) {
      let matched = false;
      for (let j = i + 1; j <= parts.length && !matched; j++) {
        const segment: PathSegment = j === i + 1 && /^\d+$/.test(parts[i]) && isSeq(node) ? Number(parts[i]) : parts.slice(i, j).join('.');
        const step = this.child(node, segment);
        if (step) {
          out.push(segment);
          node = this.deref(step.value);
          i = j;
          matched = true;
        }
      }
      if (!matched) {
        out.push(...parts.slice(i).map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
        break;
      }
    }
    return out;
  }

  private walk(path: readonly PathSegment[]): Step[] {
    const steps: Step[] = [{ value: this.doc.contents }];
    let node = this.deref(this.doc.contents);
    for (const segment of path) {
      const step = this.child(node, segment);
      if (!step) break;
      steps.push(step);
      node = this.deref(step.value);
    }
    return steps;
  }

  private child(node: Node | null, segment: PathSegment): Step | undefined {
    if (isMap(node)) {
      const pair = (node.items as Pair<unknown, unknown>[]).find(
        (p) => isPair(p) && String(isScalar(p.key) ? p.key.value : p.key) === String(segment),
      );
      if (!pair) return undefined;
      return { key: pair.key as Node, value: (pair.value as Node | null) ?? null };
    }
    if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      return { value: (node.items[segment] as Node | null) ?? null };
    }
    return undefined;
  }

  /** Follows `*alias` to the node it names, so paths through anchors find the anchored text. */
  private deref(node: Node | null | undefined): Node | null {
    if (node && isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node ?? null;
  }

  private at(node: Node): SourcePosition {
    const offset = node.range?.[0] ?? 0;
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

/** `key:` with nothing after it parses as an empty null scalar positioned after the key, on the next line. */
function isEmptyScalar(node: Node): boolean {
  return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
}
