/**
 * The fast path for the commonest :predict body: `{"instances": [[0.5, 0.25, …], …], …}`, instances that
 * are rectangular lists of plain numbers. It reads them from the request bytes into one Float64Array
 * (each instance a NumericTensor view of it), because JSON.parse of a 64 × 784 body costs several times
 * what ONNX Runtime needs to run the model on it.
 *
 * It never decides anything on its own: for any body it does not fully understand (strings, objects,
 * bare NaN, ragged or empty lists, escapes in keys, malformed JSON, a BOM) it answers undefined and the
 * caller parses the body the general way, which also words the error. The other fields of the body go
 * through JSON.parse.
 *
 * Numbers come out exactly as JSON.parse gives them: when the digits make an integer m below 2^53, with
 * at most 22 after the point and no exponent, the value m / 10^f is one correctly rounded IEEE division of
 * two exactly representable doubles (Clinger's fast path); anything else goes to Number() on its text.
 */
import { NumericTensor } from '../numericTensor';

const TWO_POW_53 = 2 ** 53;
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
/** Instances nested deeper than this take the general path (which enforces its own limit). */
const MAX_LEVELS = 8;

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const INSTANCES = Buffer.from('"instances"');

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The body with `instances` as NumericTensor[], or undefined when the general parser must take it. */
export function readNumericInstances(body: Buffer): Record<string, unknown> | undefined {
  return new NumericBodyScanner(body).read();
}

class NumericBodyScanner {
  private pos = 0;
  private values: Float64Array;
  private count = 0;
  /** dims[L]: the length of every list at level L of an instance (level 0 = the instance itself). */
  private readonly dims: number[] = [];
  /** The level at which numbers sit (= the instance's rank); -1 until the first number. */
  private leafLevel = -1;

  constructor(private readonly b: Buffer) {
    this.values = new Float64Array(Math.max(64, b.length >> 2));
  }

  read(): Record<string, unknown> | undefined {
    this.skipSpace();
    if (this.b[this.pos++] !== LBRACE) return undefined;
    const others: string[] = [];
    let instances: NumericTensor[] | undefined;
    for (;;) {
      this.skipSpace();
      const keyStart = this.pos;
      if (!this.skipString(false)) return undefined;
      const isInstances = this.pos - keyStart === INSTANCES.length && this.b.compare(INSTANCES, 0, INSTANCES.length, keyStart, this.pos) === 0;
      this.skipSpace();
      if (this.b[this.pos++] !== COLON) return undefined;
      this.skipSpace();
      if (isInstances) {
        if (instances) return undefined; // a repeated key: JSON.parse's last-one-wins is the general path's business
        instances = this.instances();
        if (!instances) return undefined;
      } else {
        if (!this.skipValue()) return undefined;
        others.push(this.b.toString('utf8', keyStart, this.pos));
      }
      this.skipSpace();
      const c = this.b[this.pos++];
      if (c === RBRACE) break;
      if (c !== COMMA) return undefined;
    }
    this.skipSpace();
    if (this.pos !== this.b.length || !instances) return undefined;
    let out: Record<string, unknown> = {};
    if (others.length > 0) {
      try {
        out = JSON.parse(`{${others.join(',')}}`) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    }
    out.instances = instances;
    return out;
  }

  private instances(): NumericTensor[] | undefined {
    if (this.b[this.pos++] !== LBRACKET) return undefined;
    const starts: number[] = [];
    this.skipSpace();
    if (this.b[this.pos] === RBRACKET) return undefined; // empty: the general path words the error
    for (;;) {
      starts.push(this.count);
      if (!this.element(0)) return undefined;
      this.skipSpace();
      const c = this.b[this.pos++];
      if (c === RBRACKET) break;
      if (c !== COMMA) return undefined;
      this.skipSpace();
    }
    const shape = this.dims.slice(0, this.leafLevel);
    const size = shape.reduce((a, d) => a * d, 1);
    return starts.map((start) => new NumericTensor(this.values.subarray(start, start + size), shape));
  }

  /** A number or a list at `level` of an instance, keeping every instance the shape of the first. */
  private element(level: number): boolean {
    if (this.b[this.pos] !== LBRACKET) {
      if (!this.atLeafLevel(level)) return false;
      if (this.count === this.values.length) this.grow();
      const end = readNumber(this.b, this.pos, this.values, this.count);
      if (end < 0) return false;
      this.count++;
      this.pos = end;
      return true;
    }
    if (level >= MAX_LEVELS || (this.leafLevel >= 0 && level >= this.leafLevel)) return false;
    this.pos++;
    this.skipSpace();
    const c = this.b[this.pos];
    if (c === RBRACKET) return false; // an empty list
    let length: number;
    if (c === LBRACKET) {
      length = 0;
      for (;;) {
        if (!this.element(level + 1)) return false;
        length++;
        this.skipSpace();
        const next = this.b[this.pos++];
        if (next === RBRACKET) break;
        if (next !== COMMA) return false;
        this.skipSpace();
      }
    } else {
      if (!this.atLeafLevel(level + 1)) return false;
      length = this.numberList();
      if (length < 0) return false;
    }
    // Inner lists close first, so the first instance fills dims from the innermost level outwards.
    if (this.dims[level] === undefined) this.dims[level] = length;
    else if (this.dims[level] !== length) return false;
    return true;
  }

  /** Numbers sit at one level in every instance: the level of the first number seen. */
  private atLeafLevel(level: number): boolean {
    if (this.leafLevel < 0) this.leafLevel = level;
    return level === this.leafLevel;
  }

  /** The numbers of an innermost list, from its first number through its ']'; their count, or -1. */
  private numberList(): number {
    const b = this.b;
    let pos = this.pos;
    let length = 0;
    let values = this.values;
    let count = this.count;
    for (;;) {
      if (count === values.length) {
        this.count = count;
        values = this.grow();
      }
      pos = readNumber(b, pos, values, count++);
      if (pos < 0) return -1;
      length++;
      let c = b[pos++];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[pos++];
      if (c === RBRACKET) break;
      if (c !== COMMA) return -1;
      while (isSpace(b[pos])) pos++;
    }
    this.pos = pos;
    this.count = count;
    return length;
  }

  private grow(): Float64Array {
    const grown = new Float64Array(this.values.length * 2);
    grown.set(this.values);
    this.values = grown;
    return grown;
  }

  private skipSpace(): void {
    while (isSpace(this.b[this.pos])) this.pos++;
  }

  /** Past a string at pos; `escapes` false rejects any backslash (keys are compared as bytes). */
  private skipString(escapes = true): boolean {
    const b = this.b;
    if (b[this.pos] !== QUOTE) return false;
    for (this.pos++; this.pos < b.length; this.pos++) {
      const c = b[this.pos];
      if (c === QUOTE) {
        this.pos++;
        return true;
      }
      if (c === BACKSLASH) {
        if (!escapes) return false;
        this.pos++;
      }
    }
    return false;
  }

  /** Past any JSON value at pos, checking only its extent; JSON.parse validates it afterwards. */
  private skipValue(): boolean {
    const b = this.b;
    const c = b[this.pos];
    if (c === QUOTE) return this.skipString();
    if (c === LBRACKET || c === LBRACE) {
      let depth = 0;
      while (this.pos < b.length) {
        const x = b[this.pos];
        if (x === QUOTE) {
          if (!this.skipString()) return false;
          continue;
        }
        if (x === LBRACKET || x === LBRACE) depth++;
        else if (x === RBRACKET || x === RBRACE) depth--;
        this.pos++;
        if (depth === 0) return true;
      }
      return false;
    }
    const start = this.pos;
    while (this.pos < b.length) {
      const x = b[this.pos];
      if (x === COMMA || x === RBRACE || x === RBRACKET || isSpace(x)) break;
      this.pos++;
    }
    return this.pos > start;
  }
}

/**
 * Reads the JSON number at `start` into out[k]: its end, or -1 when the text there is not one. It runs
 * once per number (50,000 in a 64 × 784 body), so it is a small plain function (V8 inlines it into the
 * list loop), compares bytes as small integers, and stores the double rather than returning it (a returned
 * double is boxed). Numbers with an exponent or too many digits go to readNumberSlowly.
 */
function readNumber(b: Buffer, start: number, out: Float64Array, k: number): number {
  let pos = start;
  const negative = b[pos] === MINUS;
  if (negative) pos++;
  let m = 0;
  let fraction = 0;
  let c = b[pos];
  if (c === ZERO) {
    c = b[++pos];
    if (c >= ZERO && c <= NINE) return -1; // a leading zero
  } else if (c > ZERO && c <= NINE) {
    do {
      m = m * 10 + (c - ZERO);
      c = b[++pos];
    } while (c >= ZERO && c <= NINE);
  } else return -1;
  if (c === DOT) {
    c = b[++pos];
    if (!(c >= ZERO && c <= NINE)) return -1;
    do {
      m = m * 10 + (c - ZERO);
      fraction++;
      c = b[++pos];
    } while (c >= ZERO && c <= NINE);
  }
  // m only grows, so m < 2^53 at the end means every step above was exact.
  if (c === LOWER_E || c === UPPER_E || m >= TWO_POW_53 || fraction > 22) return readNumberSlowly(b, start, out, k);
  const v = m / POW10[fraction]; // 0 / 10^f is +0; the sign below makes "-0" and "-0.0" -0, as JSON.parse does
  out[k] = negative ? -v : v;
  return pos;
}

/** The rest of JSON's number grammar (exponents, more than 2^53 in digits): Number() on its text. */
function readNumberSlowly(b: Buffer, start: number, out: Float64Array, k: number): number {
  let pos = start;
  if (b[pos] === MINUS) pos++;
  let c = b[pos];
  // The digits and the '.' were checked by readNumber; this finds the end, and Number() rejects a bad
  // exponent ("1e", "1e+", "1e5e5") with NaN.
  while ((c >= ZERO && c <= NINE) || c === DOT || c === LOWER_E || c === UPPER_E || c === PLUS || c === MINUS) c = b[++pos];
  const v = Number(b.toString('latin1', start, pos));
  if (Number.isNaN(v)) return -1;
  out[k] = v;
  return pos;
}
