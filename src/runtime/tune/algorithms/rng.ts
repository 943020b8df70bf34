/**
 * Seeded random streams. Every stream is named by the study seed plus what it is for and the position in
 * the study, never by how many numbers were drawn before: that is what makes a resumed study, or one that
 * asks for suggestions one at a time instead of in a batch, draw the same numbers.
 */
import seedrandom from 'seedrandom';

export type Random = () => number;

export function stream(seed: number, ...names: (string | number)[]): Random {
  return seedrandom([String(seed), ...names.map(String)].join('/'));
}

/** A standard normal draw (Box–Muller; one of the pair is discarded for simplicity). */
export function gaussian(random: Random): number {
  let u = random();
  while (u <= 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
