/**
 * The catalogue of unsettled behaviours (simulator/variants.ts): each variant is real (some model reads it and
 * each alternative changes what happens), scenarios and runs set them, and `--variants all` finds the results
 * that depend on one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioFileError } from '../../simulator/scenario/errors.ts';
import { parseScenario } from '../../simulator/scenario/load.ts';
import { variantsTable } from '../../simulator/scenario/reference.ts';
import { runScenario } from '../../simulator/scenario/run.ts';
import { runSuite } from '../../simulator/scenario/suite.ts';
import {
  alternativesOf,
  DEFAULT_VARIANTS,
  resolveVariants,
  VARIANT_NAMES,
  VARIANTS,
  VariantChoices,
} from '../../simulator/variants.ts';
import { byMethod, lines, recordFrom, tenantWith, work } from '../helpers/engine.ts';
import { harness, SCIM_TOKEN } from '../helpers/nordpass.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the catalogue', () => {
  it('every variant has a question, two or more alternatives, a default among them, a reason and sources', () => {
    expect(VARIANT_NAMES.length).toBeGreaterThanOrEqual(8);
    for (const name of VARIANT_NAMES) {
      const v = VARIANTS[name];
      expect(v.question, name).toMatch(/\?$/);
      expect(alternativesOf(name).length, name).toBeGreaterThanOrEqual(2);
      expect(alternativesOf(name), name).toContain(v.default);
      expect(v.reason.length, name).toBeGreaterThan(20);
      expect(v.sources.length, name).toBeGreaterThan(0);
    }
  });

  it('every variant is read by a model, at a place that says `variant:` (a catalogue entry nothing reads would be a lie)', () => {
    const code = [...sources('simulator'), ...sources('mock-azure')]
      .filter((f) => f !== 'simulator/variants.ts')
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n');
    for (const name of VARIANT_NAMES) {
      expect(code, name).toContain(`get('${name}')`);
      expect(code, name).toContain(`variant: ${name}`);
    }
  });

  it('resolveVariants fills in the defaults and refuses an unknown name or alternative, listing the known ones', () => {
    expect(resolveVariants()).toEqual(DEFAULT_VARIANTS);
    expect(resolveVariants({ retryAfter: 'ignored' }).retryAfter).toBe('ignored');
    expect(() => resolveVariants({ retryAfterr: 'ignored' })).toThrow(
      /unknown variant retryAfterr; known: .*retryAfter/,
    );
    expect(() => resolveVariants({ retryAfter: 'sometimes' })).toThrow(
      /has no alternative sometimes; it has honoured, ignored/,
    );
  });

  it('deletionCheckDefault is read only when it could matter: no threshold set and more deletions than its 500', async () => {
    const { w, users } = tenantWith(['ada@contoso.com', 'bob@contoso.com']);
    await w.connect();
    for (const u of users) w.azure.app.unassign(u.id);
    await w.clock.advance('40m');
    expect(w.np.store.allMembers().every((m) => m.status === 'forbidden')).toBe(true);
    expect(w.azure.job.escrows.size).toBe(0);
    expect(w.np.variants.consulted).not.toContain('deletionCheckDefault');
  });

  it('VariantChoices notes which variants were read; `all` reads none', () => {
    const v = new VariantChoices({ groupsWhenOff: 'notFound' });
    expect(v.all.groupsWhenOff).toBe('notFound');
    expect(v.consulted).toEqual([]);
    expect(v.get('groupsWhenOff')).toBe('notFound');
    expect(v.get('retryAfter')).toBe('honoured');
    expect(v.consulted).toEqual(['retryAfter', 'groupsWhenOff']);
  });

  it("the README's table is the catalogue's", () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(variantsTable());
  });
});

describe('each variant changes what happens', () => {
  it('groupsWhenOff: /Groups with group provisioning off answers 501, 404 or 403, a SCIM error each time', async () => {
    for (const [alternative, status] of [
      ['notImplemented', 501],
      ['notFound', 404],
      ['forbidden', 403],
    ] as const) {
      const h = harness({}, 'test', { groupsWhenOff: alternative });
      const res = await h.scim('GET', '/Groups');
      expect(res.status, alternative).toBe(status);
      expect(await res.json()).toMatchObject({
        status: String(status),
        detail: expect.stringMatching(/group provisioning/),
      });
    }
  });

  it('testConnectionGroups: with group provisioning on, Test Connection also asks /Groups (probes) or only /Users (usersOnly)', async () => {
    for (const [alternative, groupProbes] of [
      ['probes', 1],
      ['usersOnly', 0],
    ] as const) {
      const { w } = tenantWith([], {
        variants: { testConnectionGroups: alternative },
        nordpass: { groupProvisioning: true },
        azure: { provisioning: { groupProvisioning: true } },
      });
      const sent = recordFrom(w);
      const { tenantUrl, secretToken } = await w.credentials();
      expect(await w.azure.job.testConnection(tenantUrl, secretToken)).toEqual({ ok: true });
      expect(
        sent().filter((e) => e.path.startsWith('/Groups')),
        alternative,
      ).toHaveLength(groupProbes);
    }
  });

  it('oldTokenAfterRotation: revoked refuses the old token at once; gracePeriod takes it for 24 hours, then not', async () => {
    const revoked = harness();
    await revoked.admin('POST', '/provisioning/credentials');
    expect((await revoked.scim('GET', '/Users')).status).toBe(401);

    const grace = harness({}, 'test', { oldTokenAfterRotation: 'gracePeriod' });
    const { secretToken } = (await (await grace.admin('POST', '/provisioning/credentials')).json()) as {
      secretToken: string;
    };
    expect((await grace.scim('GET', '/Users')).status).toBe(200);
    expect((await grace.scim('GET', '/Users', undefined, { token: secretToken })).status).toBe(200);
    await grace.clock.advance('23h59m59s');
    expect((await grace.scim('GET', '/Users', undefined, { token: SCIM_TOKEN })).status).toBe(200);
    await grace.clock.advance('1s');
    expect((await grace.scim('GET', '/Users', undefined, { token: SCIM_TOKEN })).status).toBe(401);
    expect((await grace.scim('GET', '/Users', undefined, { token: secretToken })).status).toBe(200);
    // A second rotation ends the first token's grace at once: only the token just replaced keeps working.
    await grace.admin('POST', '/provisioning/credentials');
    expect((await grace.scim('GET', '/Users', undefined, { token: secretToken })).status).toBe(200);
  });

  it('deleteNotFound: a 404 to DELETE is a success (done) or an escrowed InvalidAnchor failure (failure)', async () => {
    for (const alternative of ['done', 'failure'] as const) {
      const { w, users } = tenantWith(['ada@contoso.com'], { variants: { deleteNotFound: alternative } });
      await w.connect();
      w.np.members.delete(w.member('ada@contoso.com')!, 'admin');
      w.azure.directory.deleteUser(users[0]!.id);
      w.azure.directory.deleteUserPermanently(users[0]!.id);
      const sent = recordFrom(w);
      await w.clock.advance('40m');
      expect(lines(work(sent()))).toEqual(['DELETE /Users/{id}']);
      expect(w.azure.logs.query({ userId: users[0]!.id }).at(-1)).toMatchObject(
        alternative === 'done'
          ? { action: 'Delete', status: 'success' }
          : { action: 'Delete', status: 'failure', errorCode: 'InvalidAnchor' },
      );
      expect(w.azure.job.escrows.size).toBe(alternative === 'done' ? 0 : 1);
    }
  });

  it('filterUnsafeCharacters: a matching value with a character Entra cannot query fails to provision, with no request', async () => {
    const upn = "o'brien+it@contoso.com";
    for (const [alternative, created] of [
      ['none', true],
      ['quotes', true],
      ['punctuation', false],
    ] as const) {
      const { w, users } = tenantWith([upn], { variants: { filterUnsafeCharacters: alternative } });
      const sent = recordFrom(w);
      await w.connect();
      const entry = w.azure.logs.query({ userId: users[0]!.id }).at(-1);
      if (created) {
        expect(entry, alternative).toMatchObject({ action: 'Create', status: 'success' });
        expect(byMethod(sent(), 'POST'), alternative).toHaveLength(1);
      } else {
        expect(entry).toMatchObject({ status: 'failure', errorCode: 'InvalidFilterValue' });
        expect(entry!.reason).toContain(`"'"`);
        expect(byMethod(sent(), 'GET').filter((e) => e.path.includes('brien'))).toHaveLength(0);
        expect(w.member(upn)).toBeUndefined();
      }
    }
  });
});

const SCENARIO = `name: Re-assigning after the purge
seed: 9
tenant:
  users:
    ada: {}
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - unassign: ada
  - advance: 40m
  - advance: 30d
  - assign: ada
  - advance: 40m
  - expect:
      members: { ada: pending }
`;

describe('setting variants', () => {
  it('a scenario pins variants; an unknown name or alternative is refused with the line and the known ones', () => {
    const pinned = parseScenario(SCENARIO.replace('seed: 9', 'seed: 9\nvariants: { reassignAfterPurge: rematch }'));
    expect(pinned.variants).toEqual({ reassignAfterPurge: 'rematch' });
    for (const [yaml, message] of [
      ['variants: { reassignAfterPurg: rematch }', /reassignAfterPurg/],
      ['variants: { reassignAfterPurge: sometimes }', /invalidAnchor.*rematch|rematch.*invalidAnchor/],
    ] as const) {
      try {
        parseScenario(SCENARIO.replace('seed: 9', `seed: 9\n${yaml}`), 'bad.yaml');
        expect.unreachable('refused');
      } catch (error) {
        expect(error).toBeInstanceOf(ScenarioFileError);
        const [p] = (error as ScenarioFileError).problems;
        expect(p).toMatchObject({ file: 'bad.yaml', line: 3 });
        expect(`${p!.path} ${p!.message} ${p!.hint ?? ''}`).toMatch(message);
      }
    }
  });

  it("a run's variant applies where the scenario pins none, the scenario's pin wins, and the reproduce line repeats the run's", async () => {
    const scenario = parseScenario(SCENARIO, 'x.yaml');
    const byDefault = await runScenario(scenario);
    expect(byDefault.passed).toBe(false);
    expect(byDefault.variants).toEqual({ set: {}, consulted: expect.arrayContaining(['reassignAfterPurge']) });

    const rematch = await runScenario(scenario, { variants: { reassignAfterPurge: 'rematch' } });
    expect(rematch.passed).toBe(true);
    expect(rematch.variants.set).toEqual({ reassignAfterPurge: 'rematch' });
    expect(rematch.reproduce).toBe('npx scimsim run x.yaml --seed "9" --variant reassignAfterPurge=rematch');

    const pinned = parseScenario(
      SCENARIO.replace('seed: 9', 'seed: 9\nvariants: { reassignAfterPurge: invalidAnchor }'),
    );
    const overruled = await runScenario(pinned, { variants: { reassignAfterPurge: 'rematch' } });
    expect(overruled.passed).toBe(false);
    expect(overruled.reproduce).not.toContain('--variant');
  });

  it('nordpass.ownerProtection: false is the older spelling of scimOnOwner: applied', async () => {
    const text = `name: Owner
tenant: { users: { olivia: {} } }
nordpass: { ownerProtection: false }
steps:
  - assign: olivia
  - getCredentials
  - save
  - start
  - advance: 2m
  - acceptInvitation: olivia
  - setRole: { user: olivia, role: owner }
  - unassign: olivia
  - advance: 40m
  - expect:
      members: { olivia: suspended }
`;
    const result = await runScenario(parseScenario(text));
    expect(result.failure?.message ?? '').toBe('');
    expect(result.variants.set).toEqual({ scimOnOwner: 'applied' });
  });
});

describe('--variants all', () => {
  it('replays only the variants a scenario read, leaves pins alone, and flags a result that changes under an alternative', async () => {
    const report = await runSuite(
      ['scenarios/05-reassign-after-purge.yaml', 'scenarios/01-assign-and-provision.yaml'],
      {
        workers: 1,
        variantsMode: 'all',
      },
    );
    expect(report.passed).toBe(2);
    const [s05, s01] = report.variants!.scenarios;
    expect(s05!.flagged).toBe(true);
    expect(s05!.outcomes.filter((o) => o.differs)).toEqual([
      expect.objectContaining({
        variant: 'reassignAfterPurge',
        alternative: 'rematch',
        passed: false,
        reproduce: expect.stringContaining('--variant reassignAfterPurge=rematch'),
      }),
    ]);
    // One replay per other alternative of each variant read, and none of a variant not read.
    const expected = s05!.consulted.reduce((n, v) => n + alternativesOf(v as never).length - 1, 0);
    expect(s05!.outcomes).toHaveLength(expected);
    expect(s05!.outcomes.map((o) => o.variant)).not.toContain('groupsWhenOff');
    expect(s01!.flagged).toBe(false);
    expect(report.variants!.flagged).toBe(1);
    expect(report.variants!.runs).toBe(s05!.outcomes.length + s01!.outcomes.length);
  });

  it('a variant the scenario pins is not replayed', async () => {
    const file = 'scenarios/16-owner-protection.yaml';
    const report = await runSuite([file], { workers: 1, variantsMode: 'all' });
    expect(report.variants!.scenarios[0]!.outcomes.map((o) => o.variant)).toContain('scimOnOwner');
    const text = readFileSync(join(ROOT, file), 'utf8').replace(
      /^seed: (.*)$/m,
      'seed: $1\nvariants: { scimOnOwner: refused }',
    );
    const pinned = parseScenario(text, file);
    const { matrixOf, variantRuns } = await import('../../simulator/scenario/variant-matrix.ts');
    const base = await runScenario(pinned);
    expect(variantRuns(pinned, base).map((r) => r.variant)).not.toContain('scimOnOwner');
    expect(matrixOf(pinned, base, []).pinned).toEqual({ scimOnOwner: 'refused' });
  });
});
