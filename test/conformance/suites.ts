/**
 * The two independent SCIM suites of shared/peers, run with newman against a real `scimsim serve` on
 * loopback: Microsoft's SCIMReferenceCode collection (folder mode) and Okta's SCIM 2.0 SPEC test.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import newman from 'newman';
import { startServer, type RunningServer } from '../../simulator/serve/server.ts';
import type { NordPassSettingsInput } from '../../simulator/nordpass/config.ts';

// Copies of the suites in ../shared/peers (see test/fixtures/README.md), so a clone runs them on its own.
const PEERS = fileURLToPath(new URL('../fixtures/peers/', import.meta.url));
export const MICROSOFT_COLLECTION = `${PEERS}microsoft-scimreferencecode/PostmanCollection.json`;
export const OKTA_COLLECTION = `${PEERS}okta/okta-scim20-spec.postman_collection.json`;
export const peersAvailable = () => existsSync(MICROSOFT_COLLECTION) && existsSync(OKTA_COLLECTION);

/** The folders of the Microsoft collection that touch only /Users (Endpoint tests also asks for /Groups). */
export const USER_FOLDERS = ['User tests', 'ComplexAttribute tests', 'User tests with garbage'];
export const ALL_FOLDERS = [
  'Endpoint tests',
  'User tests',
  'Group tests',
  'ComplexAttribute tests',
  'User tests with garbage',
  'Group tests with garbage',
  'Teardown garbage',
];

const TOKEN = 'conformance-token-0123456789';
const ADMIN = 'conformance-admin-0123456789';

export interface ConformanceRun {
  name: string;
  suite: 'microsoft' | 'okta';
  options: { folders?: string[]; settings?: NordPassSettingsInput; seedUser?: boolean };
  /** Requests that fail by design in this configuration (with groups off, /Groups answers 501). */
  expectedFailures?: string[];
}

export const CONFORMANCE_RUNS: ConformanceRun[] = [
  {
    name: 'Microsoft collection, all 7 folders, group provisioning on, PATCH 204',
    suite: 'microsoft',
    options: { folders: ALL_FOLDERS, settings: { groupProvisioning: true, patchSuccessStatus: 204 } },
  },
  {
    name: 'Microsoft collection, user folders, group provisioning off (NordPass as in the seed)',
    suite: 'microsoft',
    options: { folders: USER_FOLDERS, settings: { patchSuccessStatus: 204 } },
  },
  {
    name: 'Microsoft collection, Endpoint tests, group provisioning off',
    suite: 'microsoft',
    options: { folders: ['Endpoint tests'], settings: { patchSuccessStatus: 204 } },
    expectedFailures: ['Get empty Groups'],
  },
  {
    name: 'Okta SPEC test, seeded, group provisioning on',
    suite: 'okta',
    options: { seedUser: true, settings: { groupProvisioning: true } },
  },
  {
    name: 'Okta SPEC test, seeded, defaults (group provisioning off)',
    suite: 'okta',
    options: { seedUser: true },
    expectedFailures: ['10 Optional Test: Verify Groups endpoint'],
  },
];

export interface SuiteResult {
  suite: string;
  assertions: number;
  failedAssertions: number;
  requests: number;
  failures: Array<{ request: string; assertion: string; message: string }>;
}

/** Runs one collection against a fresh server (an empty store, as the suites assume). */
export async function runSuite(
  suite: 'microsoft' | 'okta',
  options: { folders?: string[]; settings?: NordPassSettingsInput; seedUser?: boolean } = {},
): Promise<SuiteResult> {
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    scimToken: TOKEN,
    adminToken: ADMIN,
    seed: 'conformance',
    ...(options.settings ? { settings: options.settings } : {}),
  });
  try {
    if (options.seedUser) await seedOktaUser(server);
    const { port } = new URL(server.origin);
    const envVar =
      suite === 'microsoft'
        ? [
            ['Protocol', 'http'],
            ['Server', '127.0.0.1'],
            ['Port', `:${port}`],
            ['Api', 'scim/v2'],
            ['token', TOKEN],
          ]
        : [
            ['SCIMBaseURL', `${server.origin}/scim/v2`],
            ['auth', `Bearer ${TOKEN}`],
          ];
    const summary = await new Promise<newman.NewmanRunSummary>((resolve, reject) =>
      newman.run(
        {
          collection: suite === 'microsoft' ? MICROSOFT_COLLECTION : OKTA_COLLECTION,
          envVar: envVar.map(([key, value]) => ({ key: key!, value: value! })),
          ...(options.folders ? { folder: options.folders } : {}),
          reporters: [],
          timeoutRequest: 10_000,
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      ),
    );
    const stats = summary.run.stats;
    return {
      suite:
        suite === 'microsoft'
          ? `Microsoft SCIMReferenceCode (${options.folders?.length ?? 'all'} folders)`
          : 'Okta SCIM 2.0 SPEC',
      assertions: stats.assertions.total ?? 0,
      failedAssertions: stats.assertions.failed ?? 0,
      requests: stats.requests.total ?? 0,
      failures: summary.run.failures.map((f) => ({
        request: (f.source as { name?: string } | undefined)?.name ?? '?',
        assertion: (f.error as { test?: string }).test ?? f.error.name,
        message: f.error.message,
      })),
    };
  } finally {
    await server.close();
  }
}

/** Okta's step 01 expects one user with name, email and active to exist already (peers/README.md §2). */
async function seedOktaUser(server: RunningServer): Promise<void> {
  const res = await fetch(`${server.origin}/scim/v2/Users`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'seed.user@example.com',
      name: { givenName: 'Seed', familyName: 'User' },
      emails: [{ value: 'seed.user@example.com', type: 'work', primary: true }],
      active: true,
    }),
  });
  if (res.status !== 201) throw new Error(`seeding the Okta user failed: ${res.status}`);
}
