#!/usr/bin/env node
// The `scimsim` command. The sources are TypeScript run through tsx's loader, so a clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../simulator/cli/cli.ts');
process.exitCode = await main(process.argv.slice(2));
