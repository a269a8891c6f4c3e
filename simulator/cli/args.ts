/** Command-line parsing shared by the scimsim commands: strict flags, mistakes as UsageError (exit code 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveVariants } from '../variants.ts';

/** A command-line mistake: printed with the usage hint, exit code 2. */
export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;
export type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

export function parseOrExplain(argv: string[], options: Options, positionals = false): ParsedArgs {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: positionals }) as ParsedArgs;
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ''));
  }
}

/**
 * `--variant name=alternative`, as many as given, checked against the catalogue (simulator/variants.ts). The
 * result holds only what was given: a world's own pins and the defaults fill in the rest.
 */
export function parseVariantFlags(given: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of given ?? []) {
    const [name, alternative, ...rest] = flag.split('=');
    if (!name || !alternative || rest.length > 0)
      throw new UsageError(`--variant takes name=alternative (scimsim variants lists them), got "${flag}"`);
    out[name] = alternative;
  }
  try {
    resolveVariants(out);
  } catch (error) {
    throw new UsageError(`--variant: ${(error as Error).message}`);
  }
  return out;
}

/** Whether a host name or address is this machine (serve warns on any other; check asks for --yes). */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
