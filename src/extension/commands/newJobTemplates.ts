/**
 * New Job's templates: the example folders the extension ships (`<extension>/examples/*` with a job
 * spec), and scaffolding one into a user's folder. A template's spec may read data from a sibling
 * example (`../iris/iris.csv`): that file is copied beside the spec and the path rewritten, so the new
 * folder stands alone. No vscode here.
 */
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isJobSpecPath } from '../editor/specFiles';

export interface JobTemplate {
  /** The example's folder name (`iris`, `digits`). */
  name: string;
  /** The README's heading. */
  title: string;
  /** The README's first paragraph, on one line. */
  description: string;
  dir: string;
  /** Job spec file names in the folder, `modellab.yaml` first. */
  specs: string[];
}

export function listTemplates(examplesDir: string): JobTemplate[] {
  if (!existsSync(examplesDir)) return [];
  return readdirSync(examplesDir)
    .filter((name) => statSync(join(examplesDir, name)).isDirectory())
    .map((name) => {
      const dir = join(examplesDir, name);
      const specs = readdirSync(dir)
        .filter((f) => isJobSpecPath(f))
        .sort((a, b) => Number(b === 'modellab.yaml') - Number(a === 'modellab.yaml') || a.localeCompare(b));
      const { title, description } = readme(join(dir, 'README.md'), name);
      return { name, title, description, dir, specs };
    })
    .filter((t) => t.specs.length > 0)
    .sort((a, b) => Number(b.name === 'iris') - Number(a.name === 'iris') || a.name.localeCompare(b.name));
}

function readme(file: string, fallback: string): { title: string; description: string } {
  if (!existsSync(file)) return { title: fallback, description: '' };
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const title = lines.find((l) => l.startsWith('# '))?.slice(2).trim() ?? fallback;
  const start = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && !l.startsWith('#'));
  const paragraph: string[] = [];
  for (let i = start; i >= 0 && i < lines.length && lines[i].trim() !== ''; i++) paragraph.push(lines[i].trim());
  return { title, description: paragraph.join(' ').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') };
}

/** A folder name under `parent` not yet taken: `iris`, `iris-2`, … */
export function freeFolder(parent: string, name: string): string {
  let candidate = join(parent, name);
  for (let i = 2; existsSync(candidate); i++) candidate = join(parent, `${name}-${i}`);
  return candidate;
}

/**
 * Copies the template into `target` (which must not exist) and returns the spec files written. `schemaFile`
 * is the schema the extension ships: the specs' `yaml-language-server` line is pointed at it.
 */
export function scaffold(template: JobTemplate, target: string, schemaFile: string): string[] {
  cpSync(template.dir, target, {
    recursive: true,
    errorOnExist: true,
    force: false,
    filter: (src) => !src.split(sep).some((part) => part === '.modellab' || part === 'out' || part === 'node_modules'),
  });
  const written: string[] = [];
  for (const spec of template.specs) {
    const file = join(target, spec);
    let text = readFileSync(file, 'utf8');
    text = text.replace(/(\$schema=)\S+/, `$1${pathToFileURL(schemaFile).href}`);
    // Values that reach outside the example (`source: ../iris/iris.csv`): copy the file in, point at the copy.
    text = text.replace(/(:\s*["']?)(\.\.\/[^\s"'#,}\]]+)/g, (whole, lead: string, ref: string) => {
      const from = resolve(template.dir, ref);
      if (!existsSync(from) || relative(dirname(template.dir), from).startsWith('..')) return whole;
      const copy = join(target, basename(from));
      if (!existsSync(copy)) cpSync(from, copy);
      return `${lead}${basename(from)}`;
    });
    writeFileSync(file, text);
    written.push(file);
  }
  return written;
}
