/**
 * A block of lines redrawn in place at the bottom of a terminal, with ordinary lines printed above it:
 * the few ANSI sequences log-update uses, written by hand. Lines are cut to the terminal's width, since
 * a wrapped line would throw off the count of lines to move back over.
 */

const ESC = '\u001b[';

export class LiveBlock {
  private shown = 0;
  private last: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** Replaces the block with `lines`. */
  draw(lines: string[]): void {
    const width = Math.max(20, (this.out.columns || 100) - 1);
    const height = Math.max(3, (this.out.rows || 40) - 2);
    this.last = lines.slice(0, height).map((l) => cut(l, width));
    this.out.write(this.eraseSequence() + this.last.map((l) => `${l}\n`).join(''));
    this.shown = this.last.length;
  }

  /** Prints a line above the block, which stays where it is. */
  print(line: string): void {
    this.out.write(`${this.eraseSequence()}${line}\n${this.last.map((l) => `${l}\n`).join('')}`);
    this.shown = this.last.length;
  }

  /** Leaves the block as the last thing on screen; further output goes below it. */
  done(): void {
    this.shown = 0;
    this.last = [];
  }

  private eraseSequence(): string {
    // Cursor up to the block's first line, column 1; then clear to the end of the screen.
    return this.shown > 0 ? `${ESC}${this.shown}F${ESC}0J` : '';
  }
}

/** Cuts a line to `width` visible characters (it holds no escape sequences). */
function cut(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join('')}…`;
}
