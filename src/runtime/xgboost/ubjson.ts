/**
 * A small decoder for Universal Binary JSON (ubjson.org, draft 12), the format of XGBoost's `.ubj` model
 * files. Numbers are big-endian. Supports every value type (`Z N T F i U I l L d D H C S`), untyped and
 * optimised containers (`$` type, `#` count); typed numeric arrays come back as plain number arrays.
 * int64 values beyond 2^53 lose precision (XGBoost's models hold none).
 */

export class UbjsonError extends Error {}

export function decodeUbjson(bytes: Uint8Array): unknown {
  const reader = new Reader(bytes);
  const value = reader.value(reader.marker());
  // Trailing no-ops are allowed; anything else is not.
  while (reader.pos < bytes.length) {
    if (reader.marker() !== 0x4e) throw new UbjsonError(`unexpected data after the value at byte ${reader.pos - 1}`);
  }
  return value;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.bytes.length) throw new UbjsonError(`truncated UBJSON: needed ${n} bytes at byte ${at}`);
    this.pos += n;
    return at;
  }

  marker(): number {
    return this.bytes[this.need(1)];
  }

  /** A value whose type marker has been read. */
  value(type: number): unknown {
    switch (type) {
      case 0x5a: // Z
        return null;
      case 0x54: // T
        return true;
      case 0x46: // F
        return false;
      case 0x4e: // N (no-op): the value is the next one
        return this.value(this.marker());
      case 0x5b: // [
        return this.array();
      case 0x7b: // {
        return this.object();
      case 0x53: // S
        return this.string();
      case 0x43: // C
        return String.fromCharCode(this.bytes[this.need(1)]);
      case 0x48: {
        // H: high-precision number, as a decimal string
        const text = this.string();
        const n = Number(text);
        if (!Number.isFinite(n) && !/^[+-]?(inf|nan)/i.test(text)) throw new UbjsonError(`bad high-precision number "${text}"`);
        return n;
      }
      default:
        return this.number(type);
    }
  }

  private number(type: number): number {
    switch (type) {
      case 0x69: // i
        return this.view.getInt8(this.need(1));
      case 0x55: // U
        return this.view.getUint8(this.need(1));
      case 0x49: // I
        return this.view.getInt16(this.need(2));
      case 0x6c: // l
        return this.view.getInt32(this.need(4));
      case 0x4c: // L
        return Number(this.view.getBigInt64(this.need(8)));
      case 0x64: // d
        return this.view.getFloat32(this.need(4));
      case 0x44: // D
        return this.view.getFloat64(this.need(8));
      default:
        throw new UbjsonError(`unknown UBJSON type marker 0x${type.toString(16)} ('${String.fromCharCode(type)}') at byte ${this.pos - 1}`);
    }
  }

  private length(): number {
    const n = this.number(this.marker());
    if (!Number.isInteger(n) || n < 0) throw new UbjsonError(`bad length ${n} at byte ${this.pos}`);
    return n;
  }

  private string(): string {
    const n = this.length();
    const at = this.need(n);
    return decoder.decode(this.bytes.subarray(at, at + n));
  }

  /** After `[` or `{`: the optional `$type` and `#count`. */
  private containerHeader(): { type?: number; count?: number } {
    let type: number | undefined;
    let count: number | undefined;
    if (this.bytes[this.pos] === 0x24) {
      this.pos++;
      type = this.marker();
      if (this.bytes[this.pos] !== 0x23) throw new UbjsonError(`a typed container needs a count (#) at byte ${this.pos}`);
    }
    if (this.bytes[this.pos] === 0x23) {
      this.pos++;
      count = this.length();
    }
    return { type, count };
  }

  private array(): unknown[] {
    const { type, count } = this.containerHeader();
    if (count !== undefined) {
      if (type !== undefined) {
        // Guard against absurd counts before allocating.
        const size = ({ 0x69: 1, 0x55: 1, 0x49: 2, 0x6c: 4, 0x4c: 8, 0x64: 4, 0x44: 8 } as Record<number, number>)[type] ?? 0;
        if (size && this.pos + size * count > this.bytes.length) throw new UbjsonError(`truncated typed array of ${count} at byte ${this.pos}`);
      }
      const out = new Array<unknown>(count);
      for (let i = 0; i < count; i++) out[i] = this.value(type ?? this.marker());
      return out;
    }
    const out: unknown[] = [];
    for (;;) {
      const m = this.marker();
      if (m === 0x5d) return out; // ]
      if (m === 0x4e) continue;
      out.push(this.value(m));
    }
  }

  private object(): Record<string, unknown> {
    const { type, count } = this.containerHeader();
    const out: Record<string, unknown> = {};
    if (count !== undefined) {
      for (let i = 0; i < count; i++) {
        const key = this.string();
        out[key] = this.value(type ?? this.marker());
      }
      return out;
    }
    for (;;) {
      if (this.bytes[this.pos] === 0x7d) {
        this.pos++;
        return out;
      }
      if (this.bytes[this.pos] === 0x4e) {
        this.pos++;
        continue;
      }
      const key = this.string();
      out[key] = this.value(this.marker());
    }
  }
}
