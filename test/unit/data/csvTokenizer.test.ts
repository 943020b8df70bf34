import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvTokenizer, type CsvEvent } from '../../../src/runtime/data/csvTokenizer';

/** Tokenizes `text` cut into pieces of `size` characters (every cut position matters for a streaming parser). */
function tokenize(text: string, size = text.length || 1, options = {}): CsvEvent[] {
  const tokenizer = new CsvTokenizer(options);
  const events: CsvEvent[] = [];
  for (let i = 0; i < text.length; i += size) events.push(...tokenizer.push(text.slice(i, i + size)));
  events.push(...tokenizer.end());
  return events;
}

/** A compact view: `line:field|field` for rows, `line!reason` for bad records. */
function summary(events: CsvEvent[]): string[] {
  return events.map((e) => ('row' in e ? `${e.row.line}:${e.row.fields.join('|')}` : `${e.bad.line}!${e.bad.reason}`));
}

function forEveryChunkSize(text: string, check: (events: CsvEvent[], size: number) => void, options = {}): void {
  for (let size = 1; size <= text.length + 1; size++) check(tokenize(text, size, options), size);
}

test('quoted delimiters, escaped quotes and empty fields', () => {
  const events = tokenize('a,b,c\n1,"x, y",3\n"say ""hi""",,\n');
  assert.deepEqual(summary(events), ['1:a|b|c', '2:1|x, y|3', '3:say "hi"||']);
  const row = (events[1] as { row: { quoted: boolean[] | null } }).row;
  assert.deepEqual([row.quoted?.[0] === true, row.quoted?.[1] === true, row.quoted?.[2] === true], [false, true, false]);
});

test('multi-line quoted fields: records carry the line they start on, and later lines stay right', () => {
  const text = 'a,b\n1,"two\nlines"\n2,"three\n\nlines"\n3,x\n';
  forEveryChunkSize(text, (events, size) => {
    assert.deepEqual(summary(events), ['1:a|b', '2:1|two\nlines', '4:2|three\n\nlines', '7:3|x'], `chunk size ${size}`);
  });
});

test('CRLF and lone CR line breaks count once, also inside quoted fields', () => {
  const text = 'a,b\r\n1,"x\r\ny"\r\n2,z\r3,w';
  forEveryChunkSize(text, (events, size) => {
    assert.deepEqual(summary(events), ['1:a|b', '2:1|x\r\ny', '4:2|z', '5:3|w'], `chunk size ${size}`);
  });
});

test('blank lines are skipped but counted; a BOM is dropped; the last line needs no line break', () => {
  assert.deepEqual(summary(tokenize('\ufeffa,b\n\n\n1,2\n\n3,4')), ['1:a|b', '4:1|2', '6:3|4']);
});

test('the raw text of a record is kept without its line break', () => {
  const events = tokenize('a,"b\nc"\r\nd\n', 3);
  assert.deepEqual(
    events.map((e) => ('row' in e ? e.row.text : '')),
    ['a,"b\nc"', 'd'],
  );
});

test('a quote inside an unquoted field is a bad record that ends with its line', () => {
  forEveryChunkSize('a,b\n1,x"y\n2,3\n', (events) => {
    assert.deepEqual(summary(events), ['1:a|b', '2!a quote inside an unquoted field (field 2)', '3:2|3']);
  });
});

test('text after a closing quote is a bad record; reading resumes on the next line', () => {
  forEveryChunkSize('a,b\n13,"bad"x,15\n16,17\n', (events) => {
    assert.deepEqual(summary(events), ['1:a|b', '2!unexpected text after the closing quote of field 2', '3:16|17']);
  });
  const events = tokenize('a,b\n1,"multi\nline"x\n2,3\n');
  assert.deepEqual(summary(events), ['1:a|b', '2!unexpected text after the closing quote of field 2', '4:2|3']);
});

test('an unclosed quote costs only its own line: the lines after it are read again', () => {
  forEveryChunkSize('a,b\n1,"open\n2,3\n4,5\n', (events, size) => {
    assert.deepEqual(summary(events), ['1:a|b', '2!a quote opened on line 2 is never closed', '3:2|3', '4:4|5'], `chunk size ${size}`);
  });
  const bad = tokenize('a,b\n1,"open\n2,3\n')[1] as { bad: { text: string } };
  assert.equal(bad.bad.text, '1,"open');
});

test('a quoted field longer than the limit is reported and reading resumes after its line', () => {
  const text = `a,b\n1,"${'x'.repeat(30)}\n${'y'.repeat(30)}\n2,3\n`;
  for (const size of [1, 7, 16, 1000]) {
    assert.deepEqual(
      summary(tokenize(text, size, { maxRecordChars: 40 })),
      ['1:a|b', '2!a quoted field longer than 40 characters (an unclosed quote?)', '3:yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy', '4:2|3'],
      `chunk size ${size}`,
    );
  }
  // The limit can be hit before the quoted field's first line break, in the middle of a chunk or at its end.
  const oneLine = `a,b\n1,"${'x'.repeat(60)}\n2,3\n`;
  for (const size of [1, 7, 16, 1000]) {
    assert.deepEqual(
      summary(tokenize(oneLine, size, { maxRecordChars: 40 })),
      ['1:a|b', '2!a quoted field longer than 40 characters (an unclosed quote?)', '3:2|3'],
      `chunk size ${size}`,
    );
  }
});

test('other delimiters; a delimiter must be one character', () => {
  assert.deepEqual(summary(tokenize('a\tb\n"1\t2"\t3\n', 4, { delimiter: '\t' })), ['1:a|b', '2:1\t2|3']);
  assert.deepEqual(summary(tokenize('a;b\n1,5;2\n', 100, { delimiter: ';' })), ['1:a|b', '2:1,5|2']);
  assert.throws(() => new CsvTokenizer({ delimiter: '::' }), /one character/);
});
