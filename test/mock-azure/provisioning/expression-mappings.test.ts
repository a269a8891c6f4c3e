/**
 * Mappings of the portal's three types (customize-application-attributes): Direct, Constant and Expression, with
 * "Default value if null" (on creation only) and IgnoreFlowIfNullOrEmpty; Graph's job schema carries expressions
 * as attributeMappingSource trees, and one converts to the other both ways.
 */
import { describe, expect, it } from 'vitest';
import { parseExpression } from '../../../mock-azure/app/expressions/parse.ts';
import { MAPPING_PRESETS } from '../../../mock-azure/app/mappings.ts';
import { fromGraphSource, toGraphSource } from '../../../mock-azure/graph/sync-source.ts';
import { graphWorld } from '../../helpers/graph.ts';
import { byMethod, recordFrom, tenantWith } from '../../helpers/engine.ts';

const withoutPositions = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, v) => (key === 'at' ? undefined : v)));

const MAPPINGS = [
  ...MAPPING_PRESETS.nordpass,
  { expression: parseExpression('Join(" ", [givenName], [surname])'), target: 'displayName' },
  { constant: 'NordPass', target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization' },
  { source: 'department' as const, target: 'title', defaultValue: 'Staff' },
  { expression: parseExpression('IgnoreFlowIfNullOrEmpty([jobTitle])'), target: 'nickName' },
];

describe('mappings of each type', () => {
  it('an expression, a constant and a default are sent on creation; an empty IgnoreFlowIfNullOrEmpty is left out', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], { azure: { provisioning: { mappings: MAPPINGS } } });
    w.azure.directory.updateUser(users[0]!.id, { givenName: 'Ada', surname: 'Lovelace' });
    const sent = recordFrom(w);
    await w.connect();
    const body = JSON.parse(byMethod(sent(), 'POST')[0]!.requestBody!);
    expect(body).toMatchObject({
      displayName: 'Ada Lovelace',
      title: 'Staff',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { organization: 'NordPass' },
    });
    expect(body).not.toHaveProperty('nickName');
  });

  it('an expression follows the user: a change of the attributes it reads is an update; the default is not sent then', async () => {
    const { w, users } = tenantWith(['ada@contoso.com'], { azure: { provisioning: { mappings: MAPPINGS } } });
    const ada = users[0]!;
    w.azure.directory.updateUser(ada.id, { givenName: 'Ada', surname: 'Lovelace' });
    await w.connect();
    w.azure.directory.updateUser(ada.id, { surname: 'King', jobTitle: 'Countess' });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    const ops = JSON.parse(byMethod(sent(), 'PATCH')[0]!.requestBody!).Operations as Array<{
      path: string;
      value: unknown;
    }>;
    expect(ops).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'displayName', value: 'Ada King' }),
        expect.objectContaining({ path: 'nickName', value: 'Countess' }),
      ]),
    );
    expect(ops.map((o) => o.path)).not.toContain('title');
  });
});

describe('an expression that fails for one user', () => {
  it('fails that user (ExpressionEvaluationFailed, escrowed); the others are provisioned and the job goes on', async () => {
    const mappings = [
      ...MAPPING_PRESETS.nordpass,
      { expression: parseExpression('CDate([department])'), target: 'title' },
    ];
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com'], { azure: { provisioning: { mappings } } });
    w.azure.directory.updateUser(users[0]!.id, { department: 'not a date' });
    w.azure.directory.updateUser(users[1]!.id, { department: '2026-01-05' });
    await w.connect();
    expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject({
      status: 'failure',
      errorCode: 'ExpressionEvaluationFailed',
      reason: expect.stringMatching(/the mapping of title could not be evaluated: CDate: "not a date" is not a date/),
    });
    expect(w.azure.logs.query({ userId: users[1]!.id }).at(-1)).toMatchObject({ action: 'Create', status: 'success' });
    expect(w.azure.job.escrows.size).toBe(1);
    expect(w.azure.job.status().nextCycleAt).not.toBeNull();
  });
});

describe('Redact', () => {
  it('sends the value, and the provisioning log shows "[Redact]" in its place', async () => {
    const mappings = [
      ...MAPPING_PRESETS.nordpass,
      {
        expression: parseExpression('Redact([employeeId])'),
        target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      },
    ];
    const { w, users } = tenantWith(['ada@contoso.com'], { azure: { provisioning: { mappings } } });
    w.azure.directory.updateUser(users[0]!.id, { employeeId: 'E-1234' });
    const sent = recordFrom(w);
    await w.connect();
    expect(byMethod(sent(), 'POST')[0]!.requestBody).toContain('"employeeNumber":"E-1234"');
    const entry = w.azure.logs.query({ userId: users[0]!.id }).at(-1)!;
    expect(entry.modified).toContainEqual({
      displayName: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber',
      oldValue: null,
      newValue: '[Redact]',
    });
    expect(JSON.stringify(entry.modified)).not.toContain('E-1234');
  });
});

describe("Graph's attributeMappingSource", () => {
  it('converts both ways without loss, for every shape of expression', () => {
    for (const text of [
      '[givenName]',
      '"a constant"',
      'Join(" ", [givenName], [surname])',
      'IIF([country] = "USA", Append([surname], ", US"), Switch([state], "other", "NSW", "Sydney"))',
      'Replace([mail], "@contoso.com", , , "", , )',
      'InStr("repEated", "e", 3, vbBinaryCompare)',
      'BitAnd(15, 247)',
    ]) {
      const expr = parseExpression(text);
      const tree = toGraphSource(expr);
      expect(withoutPositions(fromGraphSource(tree, 'source')), text).toEqual(withoutPositions(expr));
      // The tree's `expression` text reads back to the same expression too.
      expect(withoutPositions(parseExpression(tree.expression)), text).toEqual(withoutPositions(expr));
    }
    expect(toGraphSource(parseExpression('Join(" ", [givenName])'))).toEqual({
      expression: 'Join(" ", [givenName])',
      name: 'Join',
      parameters: [
        { key: 'p1', value: { expression: '" "', name: ' ', parameters: [], type: 'Constant' } },
        { key: 'p2', value: { expression: '[givenName]', name: 'givenName', parameters: [], type: 'Attribute' } },
      ],
      type: 'Function',
    });
  });

  it('a Constant that holds an expression is checked as a Function is', async () => {
    const g = graphWorld();
    g.azure.job.create();
    const path = `/servicePrincipals/${g.azure.app.servicePrincipalId}/synchronization/jobs/${g.azure.job.id}/schema`;
    const { '@odata.context': _context, ...schema } = (await g.call('GET', path)).body;
    schema.synchronizationRules[0].objectMappings[0].attributeMappings.push({
      ...schema.synchronizationRules[0].objectMappings[0].attributeMappings[0],
      matchingPriority: 0,
      targetAttributeName: 'title',
      source: { type: 'Constant', expression: 'Bogus([nothere])', name: '', parameters: [] },
    });
    const res = await g.call('PUT', path, schema);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/Bogus is not a function this engine evaluates/);
  });

  it('saving the schema unchanged, or changing only the group switch, starts no full sync', async () => {
    const g = graphWorld({ nordpass: { groupProvisioning: true }, azure: { provisioning: { mappings: MAPPINGS } } });
    g.azure.job.create();
    const path = `/servicePrincipals/${g.azure.app.servicePrincipalId}/synchronization/jobs/${g.azure.job.id}/schema`;
    const seq = g.azure.app.settingsSeq;
    const { '@odata.context': _context, ...schema } = (await g.call('GET', path)).body;
    expect((await g.call('PUT', path, schema)).status).toBe(204);
    schema.synchronizationRules[0].objectMappings[1].enabled = true;
    expect((await g.call('PUT', path, schema)).status).toBe(204);
    expect(g.azure.app.settings.groupProvisioning).toBe(true);
    expect(g.azure.app.settingsSeq).toBe(seq);
  });

  it("active's Not([IsSoftDeleted]) sent as its text alone is the same setting as its tree; a second mapping of one target is refused", async () => {
    const g = graphWorld({ azure: { provisioning: { mappings: MAPPINGS } } });
    g.azure.job.create();
    const path = `/servicePrincipals/${g.azure.app.servicePrincipalId}/synchronization/jobs/${g.azure.job.id}/schema`;
    const seq = g.azure.app.settingsSeq;
    const { '@odata.context': _context, ...schema } = (await g.call('GET', path)).body;
    const mappings = schema.synchronizationRules[0].objectMappings[0].attributeMappings as Array<Record<string, any>>;
    const active = mappings.find((m) => m.targetAttributeName === 'active')!;
    active.source = { type: 'Function', expression: 'Not([IsSoftDeleted])', parameters: [] };
    expect((await g.call('PUT', path, schema)).status).toBe(204);
    expect(g.azure.app.settingsSeq).toBe(seq);
    expect(g.azure.app.settings.mappings.find((m) => m.target === 'active')).toEqual({
      source: 'IsSoftDeleted',
      target: 'active',
    });
    mappings.push({ ...mappings.find((m) => m.targetAttributeName === 'userName')!, matchingPriority: 0 });
    const twice = await g.call('PUT', path, schema);
    expect([twice.status, twice.body.error.message]).toEqual([
      400,
      "Two attribute mappings have the target attribute 'userName'; a target is mapped once.",
    ]);
    expect(g.azure.app.settingsSeq).toBe(seq);
  });

  it("the job's schema shows expression, constant and default mappings, and a PUT of what GET shows changes nothing", async () => {
    const g = graphWorld({ azure: { provisioning: { mappings: MAPPINGS } } });
    g.azure.job.create();
    const path = `/servicePrincipals/${g.azure.app.servicePrincipalId}/synchronization/jobs/${g.azure.job.id}/schema`;
    const shown = (await g.call('GET', path)).body;
    const mappings = shown.synchronizationRules[0].objectMappings[0].attributeMappings as Array<Record<string, any>>;
    expect(mappings.find((m) => m.targetAttributeName === 'displayName')!.source).toMatchObject({
      type: 'Function',
      name: 'Join',
      expression: 'Join(" ", [givenName], [surname])',
    });
    expect(mappings.find((m) => m.targetAttributeName === 'title')).toMatchObject({ defaultValue: 'Staff' });
    const before = withoutPositions(g.azure.app.settings.mappings);
    const { '@odata.context': _context, ...body } = shown;
    const put = await g.call('PUT', path, body);
    expect(put.status, JSON.stringify(put.body)).toBe(204);
    expect(withoutPositions(g.azure.app.settings.mappings)).toEqual(before);
    expect((await g.call('GET', path)).body).toEqual(shown);
  });
});
