/** `provisioning.attributeMappings` in YAML: over the setup's defaults, expressions checked at load time. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { problemsOf } from '../../helpers/scenario-problems.ts';

const problems = (text: string) => problemsOf(text, 'maps.yaml');

const HEAD = 'name: x\ntenant: { users: { ada: {} } }\nprovisioning:\n  attributeMappings:\n';

describe('attribute mappings in a scenario', () => {
  it('an expression that cannot be read is refused with the line, the field, and its column', () => {
    const [p] = problems(
      `${HEAD}    - target: displayName\n      expression: 'Join(" ", [givenName] [surname])'\nsteps:\n  - start\n`,
    );
    expect(p).toMatchObject({
      file: 'maps.yaml',
      line: 6,
      path: 'provisioning.attributeMappings[0].expression',
      message: expect.stringMatching(/expected , or \) in the arguments of Join at column 23/),
    });
    const [unknown] = problems(
      `${HEAD}    - target: displayName\n      expression: Frobnicate([givenName])\nsteps:\n  - start\n`,
    );
    expect(unknown?.message).toMatch(/Frobnicate is not a function this engine evaluates/);
    const [attribute] = problems(
      `${HEAD}    - target: displayName\n      expression: ToUpper([shoeSize])\nsteps:\n  - start\n`,
    );
    expect(attribute?.message).toMatch(/\[shoeSize\] is not a directory attribute/);
    const [two] = problems(`${HEAD}    - { target: title, source: department, constant: Staff }\nsteps:\n  - start\n`);
    expect(two?.message).toMatch(/exactly one of source, constant and expression/);
  });

  it("the scenario's mappings go over the setup's: one of the same target replaced, new ones added", async () => {
    const result = await runScenario(
      parseScenario(`name: Mapped
tenant:
  users:
    ada: { givenName: Ada, surname: Lovelace, department: Engines }
provisioning:
  attributeMappings:
    - { target: externalId, expression: 'ToUpper([mailNickname])' }
    - { target: displayName, expression: 'Join(" ", [givenName], [surname])' }
    - { target: title, source: jobTitle, default: Staff }
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - expect:
      scim: { ada: { exists: true, attributes: { externalId: ADA, displayName: Ada Lovelace, title: Staff } } }
      requests: [{ method: POST, path: /Users, body: '"externalId":"ADA"', count: 1 }]
`),
    );
    expect(result.failure?.message ?? '').toBe('');
  });
});
