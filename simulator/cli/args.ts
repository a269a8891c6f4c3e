/** Command-line parsing shared by the scimsim commands: strict flags, mistakes as UsageError (exit code 2). */
import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/** Whether a host name or address is this machine (serve warns on any other; check asks for --yes). */
export const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');
