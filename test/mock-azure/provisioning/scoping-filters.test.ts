/**
 * Scoping filters in the engine: a user who does not pass them is out of scope (never created, or disabled),
 * a change of filters starts a new initial cycle ("saving a new scoping filter triggers a new full sync"), the
 * disables count toward the accidental-deletions threshold, SkipOutOfScopeDeletions holds them back, and Graph's
 * job schema carries the filters both ways.
 */
import { describe, expect, it } from 'vitest';
import type { ScopingFilter } from '../../../mock-azure/app/scoping.ts';
import { graphWorld } from '../../helpers/graph.ts';
import { byMethod, recordFrom, tenantWith } from '../../helpers/engine.ts';

const UPNS = ['ada@contoso.com', 'bob@contoso.com', 'cy@contoso.com', 'di@contoso.com'];
const SALES: ScopingFilter[] = [
  { title: 'Sales only', clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] },
];

function salesTenant(options: Parameters<typeof tenantWith>[1] = {}) {
  const t = tenantWith(UPNS, options);
  const [ada, bob] = t.users;
  t.w.azure.directory.updateUser(ada!.id, { department: 'Sales' });
  t.w.azure.directory.updateUser(bob!.id, { department: 'Sales' });
  return t;
}

describe('scoping filters', () => {
  it('a user who passes no filter is not created; the log says the user is out of scope', async () => {
    const { w, users } = salesTenant({ azure: { provisioning: { scopingFilters: SALES } } });
    await w.connect();
    expect(w.np.store.allMembers().map((m) => m.userName)).toEqual(['ada@contoso.com', 'bob@contoso.com']);
    expect(w.azure.logs.query({ userId: users[2]!.id })).toEqual([]);
    expect(w.azure.job.nextCycleFacts(users[2]!.id).plan).toBeUndefined();
  });

  it('a new filter on a running job starts an initial cycle that disables whoever falls out of scope', async () => {
    const { w, users } = salesTenant();
    await w.connect();
    expect(w.np.store.allMembers()).toHaveLength(4);
    w.azure.app.configure({ scopingFilters: SALES });
    const sent = recordFrom(w);
    await w.clock.advance('40m');
    const cycle = w.azure.job.cycles.at(-1)!;
    expect(cycle.kind).toBe('initial');
    expect(byMethod(sent(), 'PATCH')).toHaveLength(2);
    for (const u of users.slice(2))
      expect(w.azure.logs.query({ userId: u.id }).at(-1)).toMatchObject({ action: 'Disable', status: 'success' });
    expect(
      w.np.store
        .allMembers()
        .filter((m) => m.status === 'forbidden')
        .map((m) => m.userName),
    ).toEqual(['cy@contoso.com', 'di@contoso.com']);
    // A user whose attribute changes back comes into scope again (an incremental cycle reads the change).
    w.azure.directory.updateUser(users[2]!.id, { department: 'Sales' });
    await w.clock.advance('40m');
    expect(w.azure.job.cycles.at(-1)!.kind).toBe('incremental');
    expect(w.azure.logs.query({ userId: users[2]!.id }).at(-1)).toMatchObject({ action: 'Update', status: 'success' });
  });

  it('the disables count toward the accidental-deletions threshold, and SkipOutOfScopeDeletions holds them back', async () => {
    const staged = salesTenant({ azure: { provisioning: { deletionThreshold: 1 } } });
    await staged.w.connect();
    staged.w.azure.app.configure({ scopingFilters: SALES });
    await staged.w.clock.advance('40m');
    expect(staged.w.azure.job.status()).toMatchObject({
      code: 'Quarantine',
      quarantine: { reason: 'TooManyDeletes' },
      stagedDeletes: 2,
    });

    const skipped = salesTenant({ azure: { provisioning: { skipOutOfScopeDeletions: true } } });
    await skipped.w.connect();
    skipped.w.azure.app.configure({ scopingFilters: SALES });
    const sent = recordFrom(skipped.w);
    await skipped.w.clock.advance('40m');
    expect(byMethod(sent(), 'PATCH')).toEqual([]);
  });

  it('a filter the engine cannot evaluate is refused before anything changes', () => {
    const { w } = salesTenant();
    expect(() =>
      w.azure.app.configure({
        scope: 'all',
        scopingFilters: [{ clauses: [{ attribute: 'department', operator: 'REGEX MATCH', value: '[' }] }],
      }),
    ).toThrow(/scoping filter \[0\]\.clauses\[0\]\.value: not a regular expression/);
    expect(w.azure.app.settings.scope).toBe('assigned');
    expect(w.azure.app.settings.scopingFilters).toEqual([]);
  });

  it("Graph's job schema shows the filters as scope groups and takes them back: a round trip changes nothing", async () => {
    const g = graphWorld();
    g.azure.job.create();
    const path = `/servicePrincipals/${g.azure.app.servicePrincipalId}/synchronization/jobs/${g.azure.job.id}/schema`;
    g.azure.app.configure({
      scopingFilters: [
        ...SALES,
        {
          clauses: [
            { attribute: 'jobTitle', operator: 'IS NOT NULL' },
            { attribute: 'userPrincipalName', operator: 'REGEX MATCH', value: '.*\\@contoso.com' },
          ],
        },
      ],
    });
    const shown = (await g.call('GET', path)).body;
    const scope = shown.synchronizationRules[0].objectMappings[0].scope;
    expect(scope.groups).toEqual([
      {
        name: 'Sales only',
        clauses: [{ operatorName: 'EQUALS', sourceOperandName: 'department', targetOperand: { values: ['Sales'] } }],
      },
      {
        name: 'Scoping filter 2',
        clauses: [
          { operatorName: 'IS NOT NULL', sourceOperandName: 'jobTitle', targetOperand: { values: [] } },
          {
            operatorName: 'REGEX MATCH',
            sourceOperandName: 'userPrincipalName',
            targetOperand: { values: ['.*\\@contoso.com'] },
          },
        ],
      },
    ]);
    const { '@odata.context': _context, ...body } = shown;
    const seq = g.azure.app.settingsSeq;
    expect((await g.call('PUT', path, body)).status).toBe(204);
    expect((await g.call('GET', path)).body).toEqual(shown);
    // Saving the schema is saving the mappings: the next cycle is an initial one.
    expect(g.azure.app.settingsSeq).toBeGreaterThan(seq);
    // No filter: scope null, as a new job shows it.
    g.azure.app.configure({ scopingFilters: [] });
    expect((await g.call('GET', path)).body.synchronizationRules[0].objectMappings[0].scope).toBeNull();
  });
});
