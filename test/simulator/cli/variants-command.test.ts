/** `scimsim variants`, `run --variant` and `run --variants all|strict` as a person runs them, and the README's matrix. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VARIANT_NAMES, VARIANTS } from '../../../simulator/variants.ts';

const BIN = new URL('../../../bin/scimsim.mjs', import.meta.url).pathname;
const scimsim = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 300_000,
  });

describe('scimsim variants', () => {
  it('lists every variant with its alternatives, the default marked, and its sources; --json is the catalogue', () => {
    const res = scimsim(['variants']);
    expect(res.status).toBe(0);
    for (const name of VARIANT_NAMES) {
      expect(res.stdout).toContain(`${name} (`);
      expect(res.stdout).toContain(`* ${VARIANTS[name].default}: `);
      expect(res.stdout).toContain(VARIANTS[name].sources[0]!);
    }
    const json = scimsim(['variants', '--json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(VARIANTS)));
  });
});

describe('scimsim run with variants', () => {
  it('--variant sets one for the run; a bad one is exit 2 with the known names', () => {
    const out = mkdtempSync(join(tmpdir(), 'scimsim-variant-'));
    const ok = scimsim([
      'run',
      'scenarios/05-reassign-after-purge.yaml',
      '--workers',
      '1',
      '--variant',
      'reassignAfterPurge=rematch',
      '--out',
      out,
    ]);
    expect(ok.status).toBe(1);
    expect(ok.stdout).toContain(
      'reproduce: npx scimsim run scenarios/05-reassign-after-purge.yaml --seed "5" --variant reassignAfterPurge=rematch',
    );
    // Served, the run's variant reaches the served world too, and the reproduce line says it.
    const served = scimsim([
      'run',
      'scenarios/05-reassign-after-purge.yaml',
      '--served',
      '--workers',
      '1',
      '--variant',
      'reassignAfterPurge=rematch',
      '--out',
      out,
    ]);
    expect(served.status).toBe(1);
    expect(served.stdout).toContain('05-reassign-after-purge.yaml:30: step 13 "expect" failed');
    expect(served.stdout).toContain('--variant reassignAfterPurge=rematch');
    const bad = scimsim(['run', '--variant', 'reassignAfterPurge=maybe']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /--variant: variant reassignAfterPurge has no alternative maybe; it has invalidAnchor, rematch/,
    );
    expect(scimsim(['run', '--variant', 'nope']).stderr).toMatch(/--variant takes name=alternative/);
    expect(scimsim(['run', '--variants', 'some']).status).toBe(2);
    const matrixServed = scimsim(['run', '--variants', 'all', '--served']);
    expect(matrixServed.status).toBe(2);
    expect(matrixServed.stderr).toMatch(/not with --served/);
  });

  it('--variants strict fails a run whose result depends on a variant; --variants all reports it and exits on the defaults', () => {
    const out = mkdtempSync(join(tmpdir(), 'scimsim-variants-'));
    const strict = scimsim([
      'run',
      'scenarios/05-reassign-after-purge.yaml',
      '--workers',
      '1',
      '--variants',
      'strict',
      '--out',
      out,
    ]);
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('1 passed, 0 failed');
    expect(strict.stdout).toContain('reassignAfterPurge=rematch: fails at line 30');
    expect(strict.stdout).toMatch(
      /1 of 1 scenarios depend on an unsettled behaviour .*--variants strict fails the run/,
    );
    const all = scimsim([
      'run',
      'scenarios/05-reassign-after-purge.yaml',
      '--workers',
      '1',
      '--variants',
      'all',
      '--out',
      out,
    ]);
    expect(all.status).toBe(0);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toContain('Unsettled behaviours');
    expect(html).toContain('⚑ fails at line 30');
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('under `reassignAfterPurge=rematch` it fails');
  });
});
