/**
 * /servicePrincipals/{id}/synchronization: the provisioning job (list, get, start, pause, restart), its
 * secrets (Admin Credentials and scope settings) and Test Connection (validateCredentials).
 */
import type { EnterpriseApplication } from '../app/application.ts';
import { sameSetting } from '../app/same-setting.ts';
import { mappingChanges } from '../app/mappings.ts';
import type { CycleSummary, ProvisioningJob, Quarantine } from '../provisioning/engine.ts';
import { formatInstant } from '../../simulator/time.ts';
import { GraphError, badRequest, notFound } from './errors.ts';
import { json, noContent, objectBody, route, type GraphRequest, type Route } from './http.ts';
import { context } from './odata.ts';
import { appFor } from './service-principals.ts';
import { renderSchema, renderTemplate, schemaSettings, TEMPLATE_ID } from './sync-schema.ts';

// Graph's synchronizationSecret names (G-SECRET). Only four mean something to this simulation; the others
// are accepted so a script written for a real tenant runs, and dropped (fidelity).
const SECRET_KEYS = [
  'None',
  'UserName',
  'Password',
  'SecretToken',
  'AppKey',
  'BaseAddress',
  'ClientIdentifier',
  'ClientSecret',
  'SingleSignOnType',
  'Sandbox',
  'Url',
  'Domain',
  'ConsumerKey',
  'ConsumerSecret',
  'TokenKey',
  'TokenExpiration',
  'Oauth2AccessToken',
  'Oauth2AccessTokenCreationTime',
  'Oauth2RefreshToken',
  'SyncAll',
  'InstanceName',
  'Oauth2ClientId',
  'Oauth2ClientSecret',
  'CompanyId',
  'UpdateKeyOnSoftDelete',
  'SynchronizationSchedule',
  'SystemOfRecord',
  'SandboxName',
  'EnforceDomain',
  'SyncNotificationSettings',
  'SkipOutOfScopeDeletions',
  'Oauth2AuthorizationCode',
  'Oauth2RedirectUri',
  'ApplicationTemplateIdentifier',
  'Oauth2TokenExchangeUri',
  'Oauth2AuthorizationUri',
  'AuthenticationType',
  'Server',
  'PerformInboundEntitlementGrants',
  'HardDeletesEnabled',
  'SyncAgentCompatibilityKey',
  'SyncAgentADContainer',
  'ValidateDomain',
  'TestReferences',
  'ConnectionString',
];
const SECRET_BY_LOWER = new Map(SECRET_KEYS.map((k) => [k.toLowerCase(), k]));
const RESET_SCOPES = new Map(
  ['None', 'ConnectorDataStore', 'Escrows', 'Watermark', 'QuarantineState', 'Full', 'ForceDeletes'].map((s) => [
    s.toLowerCase(),
    s,
  ]),
);

/** `[{"key","value"}]` -> a map by Graph's canonical key name; every value a string, as Graph's type says. */
function keyValuePairs(list: unknown, field: string): Map<string, string> {
  if (!Array.isArray(list)) throw badRequest(`"${field}" must be an array of {"key": ..., "value": ...} pairs.`);
  const pairs = new Map<string, string>();
  for (const item of list) {
    const { key, value } = (item ?? {}) as { key?: unknown; value?: unknown };
    const canonical = typeof key === 'string' ? SECRET_BY_LOWER.get(key.toLowerCase()) : undefined;
    if (!canonical)
      throw badRequest(
        `The secret key '${String(key)}' is not a synchronizationSecret name (for example BaseAddress, SecretToken, SyncAll).`,
      );
    if (typeof value !== 'string') throw badRequest(`The value of secret '${canonical}' must be a string.`);
    pairs.set(canonical, value);
  }
  return pairs;
}

function flag(pairs: Map<string, string>, key: string): boolean | undefined {
  const value = pairs.get(key);
  if (value === undefined) return undefined;
  if (!/^(true|false)$/i.test(value))
    throw badRequest(`The value of secret '${key}' must be "True" or "False", got "${value}".`);
  return value.toLowerCase() === 'true';
}

export function jobFor(req: GraphRequest): { app: EnterpriseApplication; job: ProvisioningJob } {
  const app = appFor(req, req.params.id!);
  const { job } = req.deps.azure;
  // A job that does not exist (none created yet, or deleted) is not found by any id.
  if (req.params.jobId !== undefined && (!job.exists || req.params.jobId.toLowerCase() !== job.id.toLowerCase()))
    throw notFound(req.params.jobId);
  return { app, job };
}

/** Milliseconds as an ISO 8601 duration: 2,400,000 -> "PT40M". */
export function isoDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const [d, h, m, sec] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec || (!d && !h && !m) ? `${sec}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

// "code: message" (how the engine records a cycle's error) as Graph's synchronizationError.
function syncError(text: string | undefined) {
  if (text === undefined) return null;
  const at = text.indexOf(': ');
  return {
    code: at > 0 ? text.slice(0, at) : 'Unknown',
    message: at > 0 ? text.slice(at + 2) : text,
    tenantActionable: true,
  };
}

// A cycle as Graph's synchronizationTaskExecution. INFERRED: which engine count feeds which Graph count.
function execution(c: CycleSummary | undefined) {
  if (!c) return null;
  return {
    activityIdentifier: c.cycleId,
    countEntitled: c.countEntitled,
    countEntitledForProvisioning: c.countEntitled,
    countEscrowed: c.countFailed,
    countEscrowedRaw: c.countFailed,
    countExported: c.countExported,
    countExports: c.countExported + c.countFailed,
    countImported: c.countEntitled,
    countImportedDeltas: c.kind === 'incremental' ? c.countEntitled : 0,
    countImportedReferenceDeltas: 0,
    error: syncError(c.error),
    state: c.state === 'Failed' ? 'Failed' : c.countFailed > 0 ? 'EntryLevelErrors' : 'Succeeded',
    timeBegan: formatInstant(c.began),
    timeEnded: formatInstant(c.ended),
  };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : formatInstant(ms));

/** Quarantine as Graph's synchronizationQuarantine. */
function renderQuarantine(q: Quarantine | null) {
  if (!q) return null;
  return {
    reason: q.reason,
    currentBegan: formatInstant(q.currentBegan),
    seriesBegan: formatInstant(q.seriesBegan),
    seriesCount: q.seriesCount,
    nextAttempt: formatInstant(q.nextAttempt),
    error: { code: q.reason, message: q.error, tenantActionable: true },
  };
}

/** The job as Graph's synchronizationJob. */
export function renderJob(job: ProvisioningJob, app: EnterpriseApplication): Record<string, unknown> {
  const status = job.status();
  const cycles = job.ownCycles;
  const lastWhere = (test: (c: CycleSummary) => boolean) => cycles.findLast(test);
  // Disabled until first started, as Graph shows a job that never ran; Paused after pause (Provisioning Status Off).
  const state =
    status.code === 'Paused'
      ? 'Paused'
      : status.code === 'NotConfigured' || status.code === 'NotRun'
        ? 'Disabled'
        : 'Active';
  const threshold = app.deletionThreshold();
  return {
    id: job.id,
    templateId: TEMPLATE_ID,
    schedule: { expiration: null, interval: isoDuration(job.settings.cycleIntervalMs), state },
    status: {
      code: status.code,
      countSuccessiveCompleteFailures: status.countSuccessiveCompleteFailures,
      // fidelity: escrows are never pruned here (Entra prunes them after too many; not modelled).
      escrowsPruned: false,
      lastExecution: execution(status.lastCycle ?? undefined),
      lastSuccessfulExecution: execution(lastWhere((c) => c.state === 'Succeeded' && c.countFailed === 0)),
      lastSuccessfulExecutionWithExports: execution(lastWhere((c) => c.state === 'Succeeded' && c.countExported > 0)),
      progress: [],
      quarantine: renderQuarantine(status.quarantine),
      steadyStateFirstAchievedTime: isoOrNull(status.steadyStateFirstAchievedAt),
      steadyStateLastAchievedTime: isoOrNull(status.steadyStateLastAchievedAt),
      synchronizedEntryCountByType: [],
      troubleshootingUrl: null,
    },
    synchronizationJobSettings:
      threshold === undefined ? [] : [{ name: 'QuarantineTooManyDeletesThreshold', value: String(threshold) }],
  };
}

async function validateCredentials(req: GraphRequest): Promise<Response> {
  const { app, job } = jobFor(req);
  const body = await objectBody(req, 'validateCredentials parameters');
  let tenantUrl: string | undefined;
  let secretToken: string | undefined;
  if (body.useSavedCredentials === true) {
    ({ tenantUrl, secretToken } = app.settings);
    if (!tenantUrl || !secretToken) throw badRequest('useSavedCredentials is true, but no credentials are saved yet.');
  } else {
    const pairs = keyValuePairs(body.credentials, 'credentials');
    tenantUrl = pairs.get('BaseAddress');
    secretToken = pairs.get('SecretToken');
    if (!tenantUrl || !secretToken)
      throw badRequest('credentials must hold both BaseAddress (the Tenant URL) and SecretToken.');
  }
  const result = await job.testConnection(tenantUrl, secretToken);
  req.deps.onAction?.({ kind: 'testConnection', tenantUrl, secretToken });
  if (result.ok) return noContent();
  // INFERRED: Graph's status for a failed validation; the code and message are Entra's, as the portal shows them.
  throw new GraphError(
    400,
    result.errorCode ?? 'CredentialValidationUnavailable',
    result.message ?? 'Test Connection failed.',
  );
}

export function synchronizationRoutes(): Route[] {
  const base = '/servicePrincipals/:id/synchronization';
  const jobEntity = (req: GraphRequest) => `servicePrincipals('${req.params.id}')/synchronization/jobs`;
  return [
    route('PUT', `${base}/secrets`, async (req) => {
      const { app, job } = jobFor(req);
      const pairs = keyValuePairs((await objectBody(req, 'secrets')).value, 'value');
      // Every value is checked before anything is saved, so a bad SyncAll does not leave half a save behind.
      const syncAll = flag(pairs, 'SyncAll');
      const skipOutOfScopeDeletions = flag(pairs, 'SkipOutOfScopeDeletions');
      if (pairs.has('BaseAddress') || pairs.has('SecretToken')) {
        const tenantUrl = pairs.get('BaseAddress') ?? app.settings.tenantUrl;
        const secretToken = pairs.get('SecretToken') ?? app.settings.secretToken;
        if (!tenantUrl || !secretToken)
          throw badRequest('Save BaseAddress (the Tenant URL) and SecretToken together the first time.');
        // Decision: saving runs Test Connection and refuses credentials that fail it, as the portal's Save does
        // (engine.saveCredentials). fidelity: Graph's PUT is not documented to test; a script that wants bad
        // credentials saved rotates the token in NordPass after saving good ones.
        await job.saveCredentials(tenantUrl, secretToken);
        req.deps.onAction?.({ kind: 'saveCredentials', tenantUrl, secretToken });
      }
      const settings = {
        ...(syncAll === undefined ? {} : { scope: syncAll ? ('all' as const) : ('assigned' as const) }),
        ...(skipOutOfScopeDeletions === undefined ? {} : { skipOutOfScopeDeletions }),
      };
      app.configure(settings);
      if (Object.keys(settings).length > 0) req.deps.onAction?.({ kind: 'configureProvisioning', ...settings });
      return noContent();
    }),

    route('GET', `${base}/jobs`, (req) => {
      const { app, job } = jobFor(req);
      return json({ '@odata.context': context(req, jobEntity(req)), value: job.exists ? [renderJob(job, app)] : [] });
    }),

    // The app's one template (research/entra.md §3.3: a SCIM app's). fidelity: the NordPass gallery app's template
    // is named after the app; "scim" is the custom-app one.
    route('GET', `${base}/templates`, (req) => {
      const { app } = jobFor(req);
      return json({
        '@odata.context': context(req, `servicePrincipals('${req.params.id}')/synchronization/templates`),
        value: [renderTemplate(app)],
      });
    }),

    // A job from the template: one per app, as for NordPass's (a second is 409; DELETE the first).
    route('POST', `${base}/jobs`, async (req) => {
      const { app, job } = jobFor(req);
      const body = await objectBody(req, 'synchronizationJob');
      if (body.templateId !== TEMPLATE_ID)
        throw badRequest(
          `templateId must be '${TEMPLATE_ID}', the app's template (GET .../synchronization/templates).`,
        );
      const extra = Object.keys(body).find((k) => k !== 'templateId');
      if (extra !== undefined)
        throw badRequest(`Property '${extra}' does not exist as a declared property of resource 'synchronizationJob'.`);
      job.create();
      req.deps.onAction?.({ kind: 'createJob' });
      return json({ '@odata.context': context(req, `${jobEntity(req)}/$entity`), ...renderJob(job, app) }, 201);
    }),

    // Deleting the job stops it and forgets what it knew (links, watermark, escrows, quarantine); the credentials
    // stay. The next job (POST .../jobs, or a Save) has a new id and begins with an initial cycle.
    route('DELETE', `${base}/jobs/:jobId`, async (req) => {
      await jobFor(req).job.remove();
      req.deps.onAction?.({ kind: 'deleteJob' });
      return noContent();
    }),

    // The job's schema: the attribute mappings the engine applies, as Graph's synchronizationSchema. A PUT takes
    // back what the engine models (sync-schema.ts); the next cycle sends with the new mappings.
    route('PUT', `${base}/jobs/:jobId/schema`, async (req) => {
      const { app } = jobFor(req);
      const settings = schemaSettings(await objectBody(req, 'synchronizationSchema'));
      const before = { ...app.settings };
      app.configure(settings);
      const after = app.settings;
      req.deps.onAction?.({
        kind: 'setSchema',
        ...(!sameSetting(before.mappings, after.mappings)
          ? { mappings: mappingChanges(before.mappings, after.mappings) }
          : {}),
        ...(before.groupProvisioning !== after.groupProvisioning ? { groupProvisioning: after.groupProvisioning } : {}),
        ...(!sameSetting(before.scopingFilters, after.scopingFilters) ? { scopingFilters: after.scopingFilters } : {}),
      });
      return noContent();
    }),

    // The job's schema, as GET shows it.
    route('GET', `${base}/jobs/:jobId/schema`, (req) => {
      const { app } = jobFor(req);
      return json({
        '@odata.context': context(req, `${jobEntity(req)}('${req.params.jobId}')/schema/$entity`),
        ...renderSchema(app),
      });
    }),

    route('POST', `${base}/jobs/validateCredentials`, validateCredentials),

    route('GET', `${base}/jobs/:jobId`, (req) => {
      const { app, job } = jobFor(req);
      return json({ '@odata.context': context(req, `${jobEntity(req)}/$entity`), ...renderJob(job, app) });
    }),

    route('POST', `${base}/jobs/:jobId/validateCredentials`, validateCredentials),

    // 204 at once, as Graph answers; the cycle runs in the background: at the virtual clock's next move (at this
    // instant), so a script polls the job's status as it would against Entra (with --realtime, within a second).
    route('POST', `${base}/jobs/:jobId/start`, async (req) => {
      await jobFor(req).job.start({ wait: true });
      req.deps.onAction?.({ kind: 'start', wait: true });
      return noContent();
    }),

    route('POST', `${base}/jobs/:jobId/pause`, (req) => {
      jobFor(req).job.stop();
      req.deps.onAction?.({ kind: 'stop' });
      return noContent();
    }),

    route('POST', `${base}/jobs/:jobId/restart`, async (req) => {
      const { job } = jobFor(req);
      // No body is a restart of everything the default scope names; a body must be an object.
      const body = await req.json();
      if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body)))
        throw badRequest('The request body must be a JSON object: {"criteria": {"resetScope": "..."}}.');
      const criteria = (body as { criteria?: { resetScope?: unknown } } | undefined)?.criteria;
      const text = criteria?.resetScope ?? '';
      if (typeof text !== 'string')
        throw badRequest(
          'criteria.resetScope must be a comma-separated string such as "Watermark, Escrows, QuarantineState".',
        );
      const scopes = new Set<string>();
      for (const part of text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')) {
        const canonical = RESET_SCOPES.get(part.toLowerCase());
        if (!canonical)
          throw badRequest(
            `'${part}' is not a resetScope; use None, Escrows, Watermark, QuarantineState, ForceDeletes, Full or ConnectorDataStore.`,
          );
        scopes.add(canonical);
      }
      // "None: starts a paused or quarantined job" (G-RESTART). fidelity: any other scope restarts as the
      // portal does (watermark, escrows and quarantine all cleared); Full and ConnectorDataStore also drop the links.
      // As start: 204 at once, the cycle at the clock's next move.
      if (scopes.size === 1 && scopes.has('None')) {
        await job.start({ wait: true });
        req.deps.onAction?.({ kind: 'start', wait: true });
      } else {
        const options = {
          forceDeletes: scopes.has('ForceDeletes'),
          full: scopes.has('Full') || scopes.has('ConnectorDataStore'),
          wait: true,
        };
        await job.restart(options);
        req.deps.onAction?.({ kind: 'restart', ...options });
      }
      return noContent();
    }),
  ];
}
