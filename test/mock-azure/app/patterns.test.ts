/**
 * Patterns admins write run on a backtracking engine: a repeated group that repeats inside is refused where it is
 * read (a scenario file, Graph's schema), and at run time where it comes from an attribute, so one evaluation never
 * stops the server.
 */
import { describe, expect, it } from 'vitest';
import { checkExpression } from '../../../mock-azure/app/expressions/evaluate.ts';
import { parseExpression } from '../../../mock-azure/app/expressions/parse.ts';
import { desiredValues, MappingError } from '../../../mock-azure/app/mappings.ts';
import { compilePattern, PatternError, patternProblem } from '../../../mock-azure/app/patterns.ts';
import { checkScopingFilters } from '../../../mock-azure/app/scoping.ts';
import { Random } from '../../../simulator/random.ts';
import { problemsOf } from '../../helpers/scenario-problems.ts';
import { graphWorld } from '../../helpers/graph.ts';

describe('patterns', () => {
  it.each([
    ['(a+)+$', true],
    ['(\\w*\\s?)*x', true],
    ['(?:ab{2,})*', true],
    ['((a)+)+', true],
    ['(x{1,3}y)*', true],
    ['(?<n>a*)+', true],
    ['^(Sales|Marketing)$', false],
    ['a+b*', false],
    ['([a-z]+\\.)?com$', false],
    ['(\\d{3}-)+\\d{4}', false],
    ['[(+)]+', false],
    ['\\(a+\\)+', false],
    ['(a)+(b)+', false],
    ['^\\d{3}-\\d{4}$', false],
  ])('%s refused: %s', (pattern, refused) => {
    expect(patternProblem(pattern) !== undefined).toBe(refused);
    if (refused) expect(() => compilePattern(pattern)).toThrow(PatternError);
    else expect(compilePattern(pattern)).toBeInstanceOf(RegExp);
  });

  it('one that does not compile says so', () => {
    expect(patternProblem('(a')).toMatch(/^not a regular expression/);
  });

  it('a scoping clause with a nested repeat is refused in YAML (line and field) and over Graph (400, nothing changed)', async () => {
    expect(() =>
      checkScopingFilters([{ clauses: [{ attribute: 'department', operator: 'REGEX MATCH', value: '(a+)+$' }] }]),
    ).toThrow(/repeats something that repeats/);
    const [p] = problemsOf(
      `name: x\nprovisioning:\n  scopingFilters:\n    - clauses: [{ attribute: department, operator: REGEX MATCH, value: '(a+)+$' }]\nsteps:\n  - start\n`,
      'p.yaml',
    );
    expect(p).toMatchObject({ line: 4 });
    expect(p?.message).toMatch(/exponential time/);
    const g = graphWorld();
    g.azure.job.create();
    const path = `/servicePrincipals/${g.azure.app.servicePrincipalId}/synchronization/jobs/${g.azure.job.id}/schema`;
    const { '@odata.context': _c, ...schema } = (await g.call('GET', path)).body;
    schema.synchronizationRules[0].objectMappings[0].scope = {
      groups: [
        {
          clauses: [
            {
              sourceOperandName: 'department',
              operatorName: 'REGEX MATCH',
              targetOperand: { values: ['(a+)+$'] },
            },
          ],
          name: 'slow',
        },
      ],
    };
    const res = await g.call('PUT', path, schema);
    expect(res.status).toBe(400);
    expect(g.azure.app.settings.scopingFilters).toEqual([]);
  });

  it("Replace's regexExpression is checked as the expression is read (with where), and one read from an attribute fails only that user", () => {
    expect(() => checkExpression(parseExpression('Replace([mail], , "(\\w+)+@", , "", , )'))).toThrow(
      /exponential time.* at column 19 /,
    );
    const user = {
      id: 'u',
      userPrincipalName: 'ada@contoso.com',
      displayName: 'Ada',
      mailNickname: 'ada',
      accountEnabled: true,
      createdDateTime: 0,
      department: '(a+)+$',
    };
    const mappings = [{ target: 'title', expression: parseExpression('Replace([mail], , [department], , "x", , )') }];
    const context = { now: () => 0, random: new Random('p'), rolesOf: () => [] };
    expect(() => desiredValues(user, mappings, 'create', context)).toThrow(MappingError);
  });
});
