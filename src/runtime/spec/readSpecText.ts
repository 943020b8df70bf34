import { readFile } from 'node:fs/promises';
import { SpecError } from './specError';

/** Reads a spec-like file; a missing or unreadable one is a SpecError naming the file and what it is. */
export async function readSpecText(absolute: string, what: string): Promise<string> {
  try {
    return await readFile(absolute, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new SpecError([{ file: absolute, line: 0, column: 0, path: '', message: `cannot read the ${what}: ${reason}` }]);
  }
}
