/**
 * `scimsim check` against an independent SCIM server: SCIMMY with its express routers (test/check/scimmy-server.mjs,
 * a child process; nothing of scimsim in it). The check finds SCIMMY's real deviations from what Entra sends and
 * expects, and passes what it does right: in Entra's default dialect the "False" strings are refused (so Disable,
 * re-enable and unassign/re-assign fail) and so is the manager as a bare id; userName eq matches only the exact
 * case; startIndex and count are not honoured; a null PATCH after an empty-string one is refused. With
 * aadOptscim062020 (real booleans) only the last three remain.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CheckRun, runCheck } from '../../simulator/check/run.ts';
import type { Profile } from '../../simulator/check/context.ts';

const TOKEN = 'scimmy-check-token-1';
let child: ChildProcess;
let url: string;

beforeAll(async () => {
  child = spawn(process.execPath, [new URL('./scimmy-server.mjs', import.meta.url).pathname, TOKEN]);
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`scimmy server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', () => reject(new Error(`scimmy server exited: ${out}`)));
  });
}, 30_000);
afterAll(() => {
  child?.kill('SIGKILL');
});

const check = (profile: Profile): Promise<CheckRun> =>
  runCheck({
    url,
    token: TOKEN,
    profile,
    domain: 'example.com',
    timeoutMs: 5_000,
    only: [],
    groups: true,
    keep: false,
  });
const failed = (r: CheckRun) =>
  r.results
    .filter((x) => x.verdict === 'failed')
    .map((x) => x.name)
    .sort();

describe('scimsim check against SCIMMY, an independent SCIM server', () => {
  it('Entra\'s default dialect: finds the refused "False" strings and bare manager id, the case-sensitive lookup and the ignored paging', async () => {
    const run = await check('entra');
    expect(failed(run)).toEqual(
      [
        'Filter for an existing user with a different case',
        'Patch User - Add Manager',
        'Patch User - Disable User',
        'Re-enable a disabled user',
        'SCIM_User_Pagination_Test',
        'SCIM_Group_Pagination_Test',
        'SCIM_Null_Update_Test',
        'SCIM_Update_Manager_Test',
        'Unassign, then re-assign',
        'Disable_User_Test',
        'Restore_User_Test',
        // The engine sends the manager's id bare too, in this dialect.
        'User_Update_Manager_Test',
      ].sort(),
    );
    const disable = run.results.find((x) => x.id === 'disable-user')!;
    expect(disable.message).toMatch(
      /got 400 \(Attribute 'active' expected value type 'boolean' but found type 'string'/,
    );
    expect(disable.exchanges.find((x) => x.method === 'PATCH')!.requestBody).toContain('"value":"False"');
    expect(run.results.find((x) => x.id === 'paging')!.message).toMatch(/1 to 5 resources for count=5, got \d+/);
    // Clearing attributes with null after clearing them with "" is refused (the emptied extension cannot be read).
    expect(run.results.find((x) => x.id === 'direct-null-update')!.message).toMatch(
      /^phase 2: the PATCH with null values: expected 200 or 204, got 400/,
    );
    // What it does right passes: creates, duplicates, deletes, groups, schema discovery, the Test Connection probe.
    for (const id of [
      'test-connection',
      'create-user',
      'duplicate-user',
      'delete-user',
      'schema-discovery',
      'add-member',
      'remove-member',
      'direct-user-create',
      'direct-user-update',
      'direct-group-create',
      'direct-group-update',
      'engine-on-demand-group',
      'engine-restore-group',
    ])
      expect(run.results.find((x) => x.id === id)!.verdict, id).toBe('passed');
    expect(run.left).toEqual([]);
  });

  it('with aadOptscim062020 (real booleans, the manager as an object) only the lookup, the paging and the null update remain', async () => {
    expect(failed(await check('entra-aadoptscim062020'))).toEqual(
      [
        'Filter for an existing user with a different case',
        'SCIM_User_Pagination_Test',
        'SCIM_Group_Pagination_Test',
        'SCIM_Null_Update_Test',
      ].sort(),
    );
  });
});
