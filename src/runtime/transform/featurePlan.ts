/**
 * Which columns become features, with which options. Without `features`, every column but the label:
 * numbers → zscore, text and booleans → vocabulary. With `features`, only the columns its keys name;
 * a key may be a glob (`*` any run of characters, `?` one character) and is expanded in column order,
 * never over the label. Keys apply in order, so a later key overrides an earlier one for the columns
 * both match (`'*': zscore` then `id: drop`); a column keeps the place where it was first named.
 */
import { closest } from 'fastest-levenshtein';
import type { ColumnInfo } from '../data/records';
import type { FeatureOptions, FeatureSpec, TransformName } from '../spec/jobSpec';
import { TransformError } from './transformError';

export interface PlannedFeature {
  column: string;
  options: FeatureOptions;
  /** The `features` key that chose the options (absent for defaults), for messages. */
  key?: string;
}

const TRANSFORMS: readonly TransformName[] = ['zscore', 'minmax', 'vocabulary', 'quantile', 'hash', 'identity', 'drop'];

export function planFeatures(columns: readonly ColumnInfo[], features: Record<string, FeatureSpec> | undefined, label: string): PlannedFeature[] {
  const candidates = columns.filter((c) => c.name !== label);
  if (features === undefined) {
    return candidates.map((c) => ({ column: c.name, options: { transform: c.type === 'number' ? 'zscore' : 'vocabulary' } }));
  }
  const chosen = new Map<string, PlannedFeature>();
  for (const [key, spec] of Object.entries(features)) {
    const options = normalize(key, spec);
    if (key === label) throw new TransformError(`'${key}' is the label; it cannot also be a feature`, `features.${key}`);
    const matches = matchColumns(key, candidates);
    if (matches.length === 0) {
      const names = candidates.map((c) => c.name);
      const suggestion = names.length > 0 ? closest(key.replace(/[*?]/g, ''), names) : undefined;
      throw new TransformError(`no column matches '${key}'`, `features.${key}`, suggestion);
    }
    // Map.set on a known column replaces its options and keeps its place.
    for (const column of matches) chosen.set(column, { column, options, key });
  }
  return [...chosen.values()].filter((f) => f.options.transform !== 'drop');
}

function normalize(key: string, spec: FeatureSpec): FeatureOptions {
  const options = typeof spec === 'string' ? { transform: spec } : spec;
  if (!options || !TRANSFORMS.includes(options.transform)) {
    const given = typeof spec === 'string' ? spec : String(options?.transform);
    throw new TransformError(`unknown transform '${given}'; use one of ${TRANSFORMS.join(', ')}`, `features.${key}`, closest(given, [...TRANSFORMS]));
  }
  return options;
}

function matchColumns(key: string, candidates: readonly ColumnInfo[]): string[] {
  if (candidates.some((c) => c.name === key)) return [key];
  if (!/[*?]/.test(key)) return [];
  const pattern = globToRegExp(key);
  return candidates.filter((c) => pattern.test(c.name)).map((c) => c.name);
}

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}
