#!/usr/bin/env node
// The `scimsim` command. In a clone the sources are TypeScript run through tsx's loader, so it needs no build
// step; an installed package ships only the compiled dist/ (no sources), which runs on plain Node.
import { existsSync } from 'node:fs';

const { main } = existsSync(new URL('../simulator/cli/cli.ts', import.meta.url))
  ? await fromSources()
  : await import('../dist/simulator/cli/cli.js');
process.exitCode = await main(process.argv.slice(2));

async function fromSources() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('../simulator/cli/cli.ts');
}
