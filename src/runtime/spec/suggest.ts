/**
 * "Did you mean …?" for names in a job spec: fields, layer types, transforms, optimizers, placeholders.
 */
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `word`, or undefined when none is close enough to be a plausible typo.
 * Case is ignored when measuring, so `batchsize` finds `batchSize`; a swap of two letters (`desne`)
 * costs 2, which the threshold allows even for short words; a prefix (`vocab`) finds the full name.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const needle = word.toLowerCase();
  // Beyond this many edits the "suggestion" is a different word, and naming it misleads more than it helps.
  const allowed = Math.max(2, Math.floor(needle.length / 3));
  const names = [...candidates].filter((c) => c !== word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of names) {
    const d = distance(needle, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= allowed && bestDistance < needle.length) return best;
  // An abbreviation (`vocab`) is far from its full name by edit distance; three letters make a prefix worth naming.
  if (needle.length >= 3) return names.filter((c) => c.toLowerCase().startsWith(needle)).sort((a, b) => a.length - b.length)[0];
  return undefined;
}
