import { CliError, EXIT } from './exitCodes';

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--param name=value` → values for `{{name}}` placeholders; numeric text becomes a number. */
export function parseHyperparameterArgs(args: string[]): Record<string, number | string> {
  const values: Record<string, number | string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CliError(`--param expects name=value, got '${arg}'`, EXIT.usage);
    const name = arg.slice(0, eq).trim();
    const text = arg.slice(eq + 1).trim();
    values[name] = text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
  }
  return values;
}
