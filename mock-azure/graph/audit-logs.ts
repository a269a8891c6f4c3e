/** GET /auditLogs/provisioning: the provisioning logs as Graph's provisioningObjectSummary, newest first. */
import { toObjectSummary, type LogRecord } from '../provisioning/logs.ts';
import { route, type Route } from './http.ts';
import { collection, filterOption, selectOption } from './odata.ts';

// The top-level properties of toObjectSummary's shape: what $filter and $select may name.
const SUMMARY_PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'activityDateTime',
  'cycleId',
  'changeId',
  'jobId',
  'durationInMilliseconds',
  'provisioningAction',
  'provisioningStatusInfo',
  'provisioningSteps',
  'modifiedProperties',
  'sourceIdentity',
  'targetIdentity',
  'sourceSystem',
  'targetSystem',
  'initiatedBy',
  'servicePrincipal',
]);

function* newestFirst(records: readonly LogRecord[]): Generator<LogRecord> {
  for (let i = records.length - 1; i >= 0; i--) yield records[i]!;
}

export function auditLogRoutes(): Route[] {
  return [
    route('GET', '/auditLogs/provisioning', (req) => {
      const { logs, app } = req.deps.azure;
      // Filters read the rendered summary (provisioningStatusInfo/status, sourceIdentity/id, ...), so whatever a
      // GET shows can be filtered on. Rendering is lazy: a page stops once it is full.
      const filter = filterOption(req, SUMMARY_PROPERTIES, 'provisioningObjectSummary');
      // One entry by id (a deep link to it): looked up by id, none other rendered, so opening an entry costs the
      // same in a 10,000-user tenant as in a small one.
      const id =
        filter?.kind === 'compare' && filter.op === 'eq' && filter.path.join('/') === 'id' ? filter.value : undefined;
      const found = typeof id === 'string' ? logs.byId(id) : undefined;
      const records = typeof id === 'string' ? (found ? [found] : []) : newestFirst(logs.all());
      return collection(req, 'auditLogs/provisioning', records, {
        full: (r) => toObjectSummary(r, app) as unknown as Record<string, unknown>,
        filter,
        select: selectOption(req, SUMMARY_PROPERTIES, 'microsoft.graph.provisioningObjectSummary'),
      });
    }),
  ];
}
