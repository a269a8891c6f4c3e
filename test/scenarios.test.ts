/**
 * Every bundled scenario as a vitest test: `npm test` is the regression suite, and vitest's reporters and
 * `--shard` work for teams that split a large suite across CI machines.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../simulator/scenario/load.ts';
import { runScenario } from '../simulator/scenario/run.ts';

const folder = new URL('../scenarios/', import.meta.url);
const files = readdirSync(folder)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe('bundled scenarios', () => {
  it('there are scenarios to run', () => {
    expect(files.length).toBeGreaterThanOrEqual(19);
  });

  for (const file of files) {
    it(file, async () => {
      const scenario = await loadScenarioFile(`scenarios/${file}`);
      const result = await runScenario(scenario);
      const explanation = result.failure
        ? `${result.file}:${result.failure.line}: ${result.failure.message}\nseed ${result.seed}; reproduce: ${result.reproduce}`
        : '';
      expect(explanation).toBe('');
      expect(result.passed).toBe(true);
      expect(result.steps.length).toBe(scenario.steps.length);
    });
  }
});
