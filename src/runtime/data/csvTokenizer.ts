/**
 * A push-based CSV tokenizer (RFC 4180, any one-character delimiter, LF / CRLF / CR line breaks) that
 * knows the physical line every record starts on and recovers from bad quoting line by line.
 *
 * Why not csv-parse's own machinery: its `info.lines` counts a CRLF inside a quoted field as two lines,
 * so every line number after a multi-line field in a Windows file is off; and with
 * `skip_records_with_error` an invalid closing quote leaves it inside the quoted field, so one stray
 * quote swallows the rest of the file as a single skipped record. Here a bad record ends at the end of
 * its physical line, and an unclosed quote costs the lines up to the one where the quote opened.
 */

export interface CsvRow {
  fields: string[];
  /** `quoted[i]` is true when field i was written in quotes; null when no field was. */
  quoted: boolean[] | null;
  /** 1-based line the record starts on. */
  line: number;
  /** The record's text without its final line break. */
  text: string;
}

export interface CsvProblem {
  line: number;
  reason: string;
  text: string;
}

export type CsvEvent = { row: CsvRow } | { bad: CsvProblem };

export interface CsvTokenizerOptions {
  delimiter?: string;
  /** A record longer than this is reported as bad instead of being buffered further (default 1 MiB). */
  maxRecordChars?: number;
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = 0xfeff;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  /** Just read a quote inside a quoted field: it either closes the field or starts an escaped `""`. */
  QuoteSeen,
  /** Discarding the rest of a bad record's line. */
  Skip,
}

export class CsvTokenizer {
  private readonly delimiter: number;
  private readonly maxRecordChars: number;
  private state = State.FieldStart;
  private line = 1;
  private prevCR = false;
  private first = true;
  private inRecord = false;
  private recordLine = 1;
  private fields: string[] = [];
  private quoted: boolean[] | null = null;
  private field = '';
  private segStart = 0;
  /** Text of the current record that came in earlier chunks. */
  private rawPrefix = '';
  private recStart = 0;
  private quoteLine = 0;
  /** Offset of the opening quote of the current quoted field within the record's text. */
  private quoteOffset = 0;
  private badReason = '';

  constructor(options: CsvTokenizerOptions = {}) {
    const delimiter = options.delimiter ?? ',';
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
      throw new Error(`csv.delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
    }
    this.delimiter = delimiter.charCodeAt(0);
    this.maxRecordChars = options.maxRecordChars ?? 1 << 20;
  }

  /** Tokenizes the next piece of text; returns the records it completed. */
  push(chunk: string): CsvEvent[] {
    const out: CsvEvent[] = [];
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === BOM) chunk = chunk.slice(1);
    }
    let input: string | null = chunk;
    while (input !== null) input = this.scan(input, out);
    return out;
  }

  /** Ends the input; returns the last record and reports an unfinished one. */
  end(): CsvEvent[] {
    const out: CsvEvent[] = [];
    let rest = this.finish(out);
    while (rest !== null) {
      let input: string | null = rest;
      while (input !== null) input = this.scan(input, out);
      rest = this.finish(out);
    }
    return out;
  }

  /** Returns text to scan again after a resynchronisation, or null when the chunk is consumed. */
  private scan(chunk: string, out: CsvEvent[]): string | null {
    const n = chunk.length;
    const delimiter = this.delimiter;
    this.recStart = 0;
    this.segStart = 0;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF && this.prevCR) {
        // The second half of a CRLF: the line was counted (and any record ended) at the CR.
        this.prevCR = false;
        continue;
      }
      this.prevCR = c === CR;
      const lineBreak = c === CR || c === LF;
      switch (this.state) {
        case State.FieldStart:
          if (!this.inRecord) {
            if (lineBreak) {
              this.line++;
              continue;
            }
            this.inRecord = true;
            this.recordLine = this.line;
            this.recStart = i;
            this.rawPrefix = '';
          }
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.segStart = i + 1;
            this.field = '';
            this.quoteLine = this.line;
            this.quoteOffset = this.rawPrefix.length + i - this.recStart;
            (this.quoted ??= [])[this.fields.length] = true;
          } else if (c === delimiter) {
            this.fields.push('');
          } else if (lineBreak) {
            this.fields.push('');
            this.endRecord(chunk, i, out);
            this.line++;
          } else {
            this.state = State.Unquoted;
            this.segStart = i;
            this.field = '';
          }
          break;
        case State.Unquoted:
          if (c === delimiter) {
            this.fields.push(this.field + chunk.slice(this.segStart, i));
            this.state = State.FieldStart;
          } else if (lineBreak) {
            this.fields.push(this.field + chunk.slice(this.segStart, i));
            this.endRecord(chunk, i, out);
            this.line++;
          } else if (c === QUOTE) {
            this.startSkip(`a quote inside an unquoted field (field ${this.fields.length + 1})`);
          }
          break;
        case State.Quoted:
          if (c === QUOTE) {
            this.field += chunk.slice(this.segStart, i);
            this.state = State.QuoteSeen;
          } else if (lineBreak) {
            this.line++;
            if (this.rawPrefix.length + i - this.recStart > this.maxRecordChars) {
              const recordText = this.rawPrefix + chunk.slice(this.recStart, i + 1);
              return (this.abandonQuoted(recordText, this.tooLong(), out) ?? '') + chunk.slice(i + 1);
            }
          }
          break;
        case State.QuoteSeen:
          if (c === QUOTE) {
            this.field += '"';
            this.segStart = i + 1;
            this.state = State.Quoted;
          } else if (c === delimiter) {
            this.fields.push(this.field);
            this.state = State.FieldStart;
          } else if (lineBreak) {
            this.fields.push(this.field);
            this.endRecord(chunk, i, out);
            this.line++;
          } else {
            this.startSkip(`unexpected text after the closing quote of field ${this.fields.length + 1}`);
          }
          break;
        case State.Skip:
          if (lineBreak) {
            this.endBad(chunk, i, out);
            this.line++;
          }
          break;
      }
    }
    // Carry the unfinished record and field over to the next chunk.
    if (this.inRecord) {
      this.rawPrefix += chunk.slice(this.recStart);
      if (this.state === State.Unquoted || this.state === State.Quoted) this.field += chunk.slice(this.segStart);
      if (this.rawPrefix.length > this.maxRecordChars) {
        if (this.state === State.Quoted) return this.abandonQuoted(this.rawPrefix, this.tooLong(), out, false);
        if (this.state !== State.Skip) this.startSkip(`a record longer than ${this.maxRecordChars} characters`);
        // Only the start of a skipped record is kept, for the message.
        this.rawPrefix = this.rawPrefix.slice(0, 200);
      }
    }
    return null;
  }

  private finish(out: CsvEvent[]): string | null {
    if (!this.inRecord) return null;
    switch (this.state) {
      case State.FieldStart:
        this.fields.push('');
        this.endRecord('', 0, out);
        return null;
      case State.Unquoted:
      case State.QuoteSeen:
        this.fields.push(this.field);
        this.endRecord('', 0, out);
        return null;
      case State.Skip:
        this.endBad('', 0, out);
        return null;
      case State.Quoted:
        return this.abandonQuoted(this.rawPrefix, `a quote opened on line ${this.quoteLine} is never closed`, out, true);
    }
  }

  private startSkip(reason: string): void {
    this.state = State.Skip;
    this.badReason = reason;
    this.fields = [];
    this.quoted = null;
    this.field = '';
  }

  private endRecord(chunk: string, end: number, out: CsvEvent[]): void {
    const text = this.rawPrefix + chunk.slice(this.recStart, end);
    out.push({ row: { fields: this.fields, quoted: this.quoted, line: this.recordLine, text } });
    this.reset();
  }

  private endBad(chunk: string, end: number, out: CsvEvent[]): void {
    const text = this.rawPrefix + chunk.slice(this.recStart, end);
    out.push({ bad: { line: this.recordLine, reason: this.badReason, text } });
    this.reset();
  }

  private reset(): void {
    this.state = State.FieldStart;
    this.inRecord = false;
    this.fields = [];
    this.quoted = null;
    this.field = '';
    this.rawPrefix = '';
  }

  private tooLong(): string {
    return `a quoted field longer than ${this.maxRecordChars} characters (an unclosed quote?)`;
  }

  /**
   * Gives up on a record stuck inside a quoted field: reports it, and returns the text after the line
   * where the quote opened, to be read again as fresh records (null: nothing to read again).
   */
  private abandonQuoted(recordText: string, reason: string, out: CsvEvent[], atEnd = false): string | null {
    const lineEnd = nextLineBreak(recordText, this.quoteOffset);
    if (lineEnd.index < 0 && !atEnd) {
      // The quote's line goes on in the next chunk: drop the rest of that line as one bad record.
      this.startSkip(reason);
      this.rawPrefix = recordText.slice(0, 200);
      return null;
    }
    const badText = lineEnd.index < 0 ? recordText : recordText.slice(0, lineEnd.index);
    out.push({ bad: { line: this.recordLine, reason, text: badText } });
    this.reset();
    this.line = this.quoteLine + 1;
    if (lineEnd.index < 0) return null;
    const rest = recordText.slice(lineEnd.index + lineEnd.length);
    // A CR that ends the text may be the first half of a CRLF still to come.
    this.prevCR = rest === '' && recordText.charCodeAt(recordText.length - 1) === CR;
    return rest;
  }
}

function nextLineBreak(text: string, from: number): { index: number; length: number } {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF) return { index: i, length: 1 };
    if (c === CR) return { index: i, length: text.charCodeAt(i + 1) === LF ? 2 : 1 };
  }
  return { index: -1, length: 0 };
}
