/** `--dialects both`: each scenario in both PATCH dialects, the endpoint's answers compared in meaning. */
import { describe, expect, it } from 'vitest';
import { dialectDifferences, dialectVariants, withDialectCheck } from '../../../simulator/scenario/dialects.ts';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import type { ExchangeResult, ScenarioResult } from '../../../simulator/scenario/result.ts';
import { findScenarioFiles } from '../../../simulator/scenario/files.ts';
import { runSuite } from '../../../simulator/scenario/suite.ts';

const answer = (over: Partial<ExchangeResult>): ExchangeResult => ({
  seq: 1,
  at: '2026-01-05T09:00:00.000Z',
  method: 'PATCH',
  path: '/Users/6f1c2a9e-3b7d-4c1a-9e2f-0a1b2c3d4e5f',
  status: 200,
  responseBody: JSON.stringify({
    id: '6f1c2a9e-3b7d-4c1a-9e2f-0a1b2c3d4e5f',
    userName: 'ada@contoso.com',
    active: false,
    meta: { version: 'W/"3"', lastModified: '2026-01-05T09:00:00.000Z' },
  }),
  ...over,
});
const result = (exchanges: ExchangeResult[], over: Partial<ScenarioResult> = {}) =>
  ({
    name: 'x',
    passed: true,
    steps: [{ line: 9 }],
    exchanges,
    exchangesTotal: exchanges.length,
    ...over,
  }) as unknown as ScenarioResult;

describe('the two dialects compared', () => {
  it('answers that differ only in ids, meta and times mean the same', () => {
    const other = answer({
      path: '/Users/0a0a0a0a-1b1b-4c4c-8d8d-9e9e9e9e9e9e?aadOptscim062020',
      responseBody: JSON.stringify({
        id: '0a0a0a0a-1b1b-4c4c-8d8d-9e9e9e9e9e9e',
        userName: 'ada@contoso.com',
        active: false,
        meta: { version: 'W/"9"' },
      }),
    });
    expect(dialectDifferences(result([answer({})]), result([other]))).toEqual([]);
  });

  it('a different status or resource is a difference, and fails the aadOptscim062020 run with both answers', () => {
    const refused = answer({ status: 400, responseBody: '{"status":"400","detail":"active must be a boolean"}' });
    const checked = withDialectCheck(result([answer({})]), result([refused], { name: 'x [aadOptscim062020]' }));
    expect(checked.passed).toBe(false);
    expect(checked.failure!.name).toBe('dialects');
    expect(checked.failure!.mismatches![0]).toMatchObject({
      what: 'answer 1 (PATCH /Users/6f1c2a9e-3b7d-4c1a-9e2f-0a1b2c3d4e5f)',
    });
    expect(checked.failure!.mismatches![0]!.actual).toContain('-> 400');
    const active = answer({ responseBody: JSON.stringify({ userName: 'ada@contoso.com', active: true }) });
    expect(dialectDifferences(result([answer({})]), result([active]))).toHaveLength(1);
    expect(dialectDifferences(result([answer({})]), result([answer({}), answer({})]))[0]!.what).toBe(
      'the number of requests',
    );
  });

  it('a scenario that pins the flag, or sets it in a step, runs once as written', () => {
    const text = (extra: string) => `name: N\ntenant: { users: { ada: {} } }\n${extra}steps:\n  - assign: ada\n`;
    expect(dialectVariants(parseScenario(text(''), 'a.yaml')).map((s) => s.name)).toEqual([
      'N [default dialect]',
      'N [aadOptscim062020]',
    ]);
    expect(dialectVariants(parseScenario(text('provisioning: { aadOptscim062020: true }\n'), 'b.yaml'))).toHaveLength(
      1,
    );
  });

  it('every bundled scenario means the same in both dialects against scimsim', async () => {
    const files = await findScenarioFiles(['scenarios']);
    const report = await runSuite(files, { workers: 1, dialects: 'both' });
    expect(report.failed).toBe(0);
    expect(report.passed).toBe(2 * files.length - 2); // twice each, but 18 and 25 set the flag themselves
    const copy = report.scenarios.find(
      (s) => s.name.startsWith('Removing an active member') && s.name.endsWith('[aadOptscim062020]'),
    )!;
    expect(copy.exchanges.some((x) => x.requestBody?.includes('"value":false'))).toBe(true);
  }, 60_000);
});
