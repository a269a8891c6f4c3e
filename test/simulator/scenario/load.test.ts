import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../../simulator/scenario/json-schema.ts';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { problemsOf } from '../../helpers/scenario-problems.ts';

const base = `name: A scenario
tenant:
  users:
    ada: {}
  groups:
    sales: { members: [ada] }
steps:
`;

const problems = (text: string) => problemsOf(text);

describe('parseScenario', () => {
  it('reads a valid scenario with defaults', () => {
    const s = parseScenario(
      `${base}  - assign: ada\n  - start\n  - advance: 40m\n  - expect:\n      members: { ada: pending }\n`,
      'ok.yaml',
    );
    expect(s.seed).toBe('ok.yaml');
    expect(s.start).toBe('2026-01-05T09:00:00Z');
    expect(s.steps.map((st) => [st.name, st.line])).toEqual([
      ['assign', 8],
      ['start', 9],
      ['advance', 10],
      ['expect', 11],
    ]);
    expect(s.userNames).toEqual(['ada']);
    expect(s.groupNames).toEqual(['sales']);
  });

  it('an unknown step: line, column, path and the nearest valid names', () => {
    const [p, ...rest] = problems(`${base}  - assign: ada\n  - unasign: ada\n`);
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      file: 'bad.yaml',
      line: 9,
      column: 5,
      path: 'steps[1].unasign',
      message: 'unknown step "unasign"',
      hint: 'did you mean "unassign" or "assign"?',
    });
  });

  it('a bare unknown step name', () => {
    expect(problems(`${base}  - strat\n`)[0]).toMatchObject({
      line: 8,
      path: 'steps[0]',
      hint: expect.stringContaining('"start"'),
    });
  });

  it('a wrong type names the field and what was expected', () => {
    const [p] = problems(`${base}  - advance: soon\n`);
    expect(p).toMatchObject({ line: 8, column: 14, path: 'steps[0].advance' });
    expect(p!.message).toMatch(/expected a duration such as 40m/);
  });

  it('an unknown field inside a step points at the key', () => {
    const [p] = problems(`${base}  - expect:\n      members: { ada: pending }\n      membrs: { ada: active }\n`);
    expect(p).toMatchObject({ line: 10, column: 7, path: 'steps[0].expect.membrs', message: 'unknown field "membrs"' });
  });

  it('a name that is not in the tenant, with a hint', () => {
    const [p] = problems(`${base}  - assign: adda\n`);
    expect(p).toMatchObject({
      line: 8,
      path: 'steps[0].assign',
      message: '"adda" is not a user or group of the tenant',
      hint: 'did you mean "ada"?',
    });
  });

  it('an invalid member state', () => {
    const [p] = problems(`${base}  - expect:\n      members: { ada: asleep }\n`);
    expect(p!.path).toBe('steps[0].expect.members.ada');
    expect(p!.message).toMatch(/pending.*active.*suspended/);
  });

  it('advanceTo into the past is an impossible timing', () => {
    const [p] = problems(`start: 2026-03-01T00:00:00Z\n${base}  - advanceTo: 2026-02-01T00:00:00Z\n`);
    expect(p!.message).toMatch(
      /before the scenario's time at this step \(2026-03-01T00:00:00.000Z\); time only moves forward/,
    );
  });

  it('a scenario that would run past the virtual-time limit', () => {
    const [p] = problems(`limits: { maxVirtualTime: 60d }\n${base}  - advance: 30d\n  - advance: 31d\n`);
    expect(p).toMatchObject({ path: 'steps[1].advance', hint: expect.stringContaining('limits.maxVirtualTime') });
  });

  it('YAML syntax errors come with their position', () => {
    const [p] = problems('name: x\nsteps:\n  - assign: [ada\n');
    expect(p!.message).toMatch(/^YAML syntax/);
    expect(p!.line).toBeGreaterThanOrEqual(3);
  });

  it('alias bombs are refused', () => {
    const bomb = [
      'name: bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'steps: [start]',
    ].join('\n');
    const [p] = problems(bomb);
    expect(p!.message).toMatch(/alias|Excessive/i);
  });

  it('missing name and steps are reported together', () => {
    const found = problems('tenant: {}\n');
    expect(found.map((p) => p.path).sort()).toEqual(['name', 'steps']);
  });

  it('a step with two names', () => {
    const [p] = problems(`${base}  - { assign: ada, start: null }\n`);
    expect(p!.message).toMatch(/a step has one name, found 2: assign, start/);
  });

  it('exact and within timing are exclusive', () => {
    const [p] = problems(`${base}  - expect:\n      timing: [{ user: ada, event: purged, after: suspended }]\n`);
    expect(p!.message).toMatch(/exactly one of "by" \(exact\) or "within"/);
  });

  it('the message names file:line:column for people', () => {
    expect(() => parseScenario(`${base}  - unasign: ada\n`, 'scenarios/x.yaml')).toThrow(
      'scenarios/x.yaml:8:5: steps[0].unasign: unknown step "unasign"\n    hint: did you mean "unassign" or "assign"?',
    );
  });
});

describe('the committed JSON Schema', () => {
  it('is what the zod schema generates (run npm run schema after changing the format)', () => {
    const committed = readFileSync(new URL('../../../scenarios/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchema());
  });

  it('every bundled scenario points editors at it', () => {
    const files = readdirSync(new URL('../../../scenarios/', import.meta.url)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const text = readFileSync(new URL(`../../../scenarios/${file}`, import.meta.url), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./scenario.schema.json');
    }
  });
});

describe('the README reference tables', () => {
  it('every example parses with its own schema', async () => {
    const { STEP_EXAMPLES, EXPECT_EXAMPLES } = await import('../../../simulator/scenario/reference.ts');
    const steps = Object.values(STEP_EXAMPLES)
      .map((e) => `  - ${e}`)
      .join('\n');
    const expects = Object.values(EXPECT_EXAMPLES)
      .map((e) => `      ${e}`)
      .join('\n');
    const text = `name: examples\ntenant:\n  users: { ada: {}, bob: {} }\n  groups: { sales: { members: [ada] } }\nsteps:\n${steps}\n  - expect:\n${expects}\n`;
    expect(() => parseScenario(text, 'examples.yaml')).not.toThrow();
  });

  it("every provisioning example parses as a scenario's provisioning key", async () => {
    const { PROVISIONING_EXAMPLES } = await import('../../../simulator/scenario/reference.ts');
    for (const [key, example] of Object.entries(PROVISIONING_EXAMPLES))
      expect(() => parseScenario(`name: x\nprovisioning:\n  ${example}\nsteps:\n  - start\n`), key).not.toThrow();
  });

  it('a member step names a user of the tenant, whichever way it is written', () => {
    for (const step of [
      'suspendMember: nobody',
      'activateMember: { user: nobody, as: admin }',
      'deleteMember: { user: nobody, expect: refused }',
    ])
      expect(problems(`name: x\ntenant: { users: { ada: {} } }\nsteps:\n  - ${step}\n`)[0]?.message, step).toMatch(
        /"nobody" is not a user/,
      );
  });

  it('the README holds the generated tables (run npm run docs after changing the format)', async () => {
    const { stepsTable, expectationsTable, provisioningTable } = await import(
      '../../../simulator/scenario/reference.ts'
    );
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(stepsTable());
    expect(readme).toContain(expectationsTable());
    expect(readme).toContain(provisioningTable());
  });
});

describe('fault steps', () => {
  it('a path that is not a regular expression is refused when the file is read', () => {
    expect(() => parseScenario('name: x\nsteps:\n  - fault: { path: "/Users(" , status: 503 }\n', 'f.yaml')).toThrow(
      /f\.yaml:3:\d+: steps\[0\]\.fault\.path: not a valid regular expression/,
    );
  });
});
