// A worker thread that runs scenarios handed to it. Workers cannot load .ts under tsx's --import flag
// (ERR_UNKNOWN_FILE_EXTENSION, DESIGN.md), so this .mjs entry registers tsx, then imports the TypeScript.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runScenario } = await import('./run.ts');

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
