/** A fault as scenarios (the `fault` step) and serve mode (`POST /_sim/faults`) write it, made into the injector's Fault. */
import type { Fault } from '../../mock-azure/scim-client/transport.ts';
import { formatInstant, MAX_INSTANT, parseDuration, TimeFormatError } from '../time.ts';
import type { StepArgs } from './schema.ts';

export type FaultSpec = StepArgs['fault'];

/** The fault `spec` describes, active from `now`; `newId` names it when the spec does not (and only then). */
export function faultFrom(spec: FaultSpec, now: number, newId: () => string): Fault {
  const effect = spec.timeout
    ? { timeout: true as const }
    : spec.unavailable
      ? { unavailable: true as const }
      : spec.malformedBody
        ? { malformedBody: true as const }
        : {
            status: spec.status ?? 503,
            ...(spec.retryAfter !== undefined
              ? { retryAfterSeconds: Math.ceil(parseDuration(spec.retryAfter) / 1000) }
              : {}),
          };
  const until = spec.for !== undefined ? now + parseDuration(spec.for) : undefined;
  if (until !== undefined && until > MAX_INSTANT)
    throw new TimeFormatError(
      `"for": ${spec.for} would last past ${formatInstant(MAX_INSTANT)}, the end of the clock's range`,
    );
  // Named last: a fault refused above uses up no id.
  return {
    id: spec.id ?? newId(),
    effect,
    from: now,
    ...(until !== undefined ? { until } : {}),
    ...(spec.count !== undefined ? { count: spec.count } : {}),
    ...(spec.method || spec.path
      ? { match: { ...(spec.method ? { method: spec.method } : {}), ...(spec.path ? { path: spec.path } : {}) } }
      : {}),
  };
}
