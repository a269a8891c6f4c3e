/**
 * `--variants all` over the bundled scenarios, a test per scenario (vitest's --shard splits them like the
 * scenarios): each scenario's default run, then a replay per other alternative of each variant it read, and the
 * README's table of results holds exactly the replays that went otherwise. `npm run docs` writes the table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../simulator/scenario/load.ts';
import { matrixRowLines, scenarioMatrix } from '../simulator/scenario/variant-matrix.ts';
import { alternativesOf, type VariantName } from '../simulator/variants.ts';

const folder = new URL('../scenarios/', import.meta.url);
const files = readdirSync(folder)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const block = readme.slice(
  readme.indexOf('<!-- variant-results:begin'),
  readme.indexOf('<!-- variant-results:end -->'),
);

describe('bundled scenarios under every variant', () => {
  it("the README's table of results is there", () => {
    expect(block).toContain('| scenario | under the defaults | under | it |');
  });

  for (const file of files) {
    it(file, async () => {
      const row = await scenarioMatrix(await loadScenarioFile(`scenarios/${file}`));
      expect(row.passed, `${file} fails under the defaults`).toBe(true);
      const listed = block.split('\n').filter((line) => line.startsWith(`| \`${file}\` |`));
      expect(listed).toEqual(matrixRowLines(row));
      // Every replay ran: one per other alternative of each variant read and not pinned.
      const expected = row.consulted
        .filter((v) => !(v in row.pinned))
        .reduce((n, v) => n + alternativesOf(v as VariantName).length - 1, 0);
      expect(row.outcomes).toHaveLength(expected);
    });
  }
});
