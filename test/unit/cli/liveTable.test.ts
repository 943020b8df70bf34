/** The live block redraws itself in place: cursor up over the lines it drew, clear, draw again. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveBlock } from '../../../src/runtime/cli/liveTable';

function fakeTerminal(columns = 30, rows = 10) {
  const out = { columns, rows, text: '', write(s: string) { out.text += s; return true; } };
  return out;
}

test('draw, redraw in place, print above, cut to the width', () => {
  const term = fakeTerminal();
  const block = new LiveBlock(term as unknown as NodeJS.WriteStream);
  block.draw(['a', 'b']);
  assert.equal(term.text, 'a\nb\n');
  term.text = '';
  block.draw(['c']);
  assert.equal(term.text, '\u001b[2F\u001b[0Jc\n');
  term.text = '';
  block.print('log line');
  assert.equal(term.text, '\u001b[1F\u001b[0Jlog line\nc\n');
  term.text = '';
  block.draw(['x'.repeat(40)]);
  assert.equal(term.text, `\u001b[1F\u001b[0J${'x'.repeat(28)}…\n`);
  block.done();
  term.text = '';
  block.draw(['after']);
  assert.equal(term.text, 'after\n', 'after done() the block starts afresh below');
});
