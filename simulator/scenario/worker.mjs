// A worker thread that runs scenarios handed to it. Workers cannot load .ts under tsx's --import flag
// (ERR_UNKNOWN_FILE_EXTENSION, DESIGN.md), so from the sources this .mjs entry registers tsx, then imports the
// TypeScript. The build copies this file into dist/, next to the compiled run.js, which loads with no loader.
import { existsSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';

const compiled = new URL('./run.js', import.meta.url);
const { runScenario } = existsSync(compiled) ? await import(compiled.href) : await fromSources();

async function fromSources() {
  const { register } = await import('tsx/esm/api');
  register();
  return import('./run.ts');
}

parentPort.on('message', async ({ index, scenario, options }) => {
  try {
    parentPort.postMessage({ index, result: await runScenario(scenario, options) });
  } catch (error) {
    parentPort.postMessage({
      index,
      error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
    });
  }
});
