/** Scoping filters in YAML: `provisioning.scopingFilters` and the `setScopingFilters` step, checked at load time. */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { problemsOf } from '../../helpers/scenario-problems.ts';

const problems = (text: string) => problemsOf(text, 'scope.yaml');

describe('scoping filters in a scenario', () => {
  it('a pattern the engine cannot read, or a Greater_Than on a non-integer, is refused with the line and the field', () => {
    const [regex] = problems(`name: x
tenant: { users: { ada: {} } }
provisioning:
  scopingFilters:
    - clauses: [{ attribute: department, operator: REGEX MATCH, value: "(" }]
steps:
  - start
`);
    expect(regex).toMatchObject({
      file: 'scope.yaml',
      line: 5,
      path: 'provisioning.scopingFilters[0].clauses[0].value',
      message: expect.stringMatching(/not a regular expression/),
    });
    const [step] = problems(`name: x
tenant: { users: { ada: {} } }
steps:
  - setScopingFilters:
      - clauses:
          - { attribute: employeeId, operator: Greater_Than, value: ten }
`);
    expect(step).toMatchObject({
      line: 6,
      path: 'steps[0].setScopingFilters[0].clauses[0].value',
      message: expect.stringMatching(/compares integers: "ten" is not one/),
    });
    const [operator] = problems(`name: x
tenant: { users: { ada: {} } }
steps:
  - setScopingFilters: [{ clauses: [{ attribute: department, operator: LIKE, value: x }] }]
`);
    expect(operator).toMatchObject({ line: 4, path: 'steps[0].setScopingFilters[0].clauses[0].operator' });
  });

  it('filters set in the file apply from the first cycle: a user outside them is never created', async () => {
    const result = await runScenario(
      parseScenario(`name: Only Sales
tenant:
  users:
    ada: { department: Sales }
    bob: { department: Legal }
provisioning:
  scopingFilters:
    - clauses: [{ attribute: department, operator: EQUALS, value: Sales }]
steps:
  - assign: [ada, bob]
  - getCredentials
  - save
  - start
  - expect:
      members: { ada: pending, bob: none }
`),
    );
    expect(result.failure?.message ?? '').toBe('');
  });
});
