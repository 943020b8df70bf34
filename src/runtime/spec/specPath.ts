/**
 * Paths of fields inside a job spec. Problems name fields as dotted paths (`model.layers.0.units`),
 * the form users type after `--set` and the form `SpecProblem.path` documents.
 */

/** One step into a spec: a mapping key, or a list index. */
export type PathSegment = string | number;

export function formatPath(path: readonly PathSegment[]): string {
  return path.map(String).join('.');
}

/** Splits a dotted path; all-digit segments become list indices. `a[0].b` is accepted too. */
export function parsePath(dotted: string): PathSegment[] {
  if (dotted === '') return [];
  return dotted
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Whether `path` is `ancestor` or lies below it. */
export function isWithin(path: readonly PathSegment[], ancestor: readonly PathSegment[]): boolean {
  return ancestor.length <= path.length && ancestor.every((s, i) => String(s) === String(path[i]));
}

/** The path of an ajv error (a JSON pointer, `/model/layers/0`) as segments. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
