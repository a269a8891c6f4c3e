/** The /_sim face's errors: one typed error, what the simulation's own refusals map to, one renderer. */
import type { Context } from 'hono';
import { ClockError } from '../clock.ts';
import { BodyTooLarge, MalformedPath } from '../nordpass/faces.ts';
import { DataWriteFailed } from '../nordpass/model.ts';
import { TimeFormatError } from '../time.ts';

export type SimStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;

/** A /_sim request that cannot be done; rendered as {"error": {code, message}}, like the Admin Panel's. */
export class SimError extends Error {
  override name = 'SimError';
  constructor(
    readonly status: SimStatus,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The clock's refusals (going back, past its limits) and unreadable instants or durations are the client's: 400. */
export function toSimError(error: Error): SimError {
  if (error instanceof SimError) return error;
  if (error instanceof BodyTooLarge) return new SimError(413, 'tooLarge', error.message);
  if (error instanceof MalformedPath) return new SimError(400, 'invalidRequest', error.message);
  if (error instanceof DataWriteFailed) return new SimError(503, 'notWritten', error.message);
  if (error instanceof ClockError || error instanceof TimeFormatError)
    return new SimError(400, 'invalidRequest', error.message);
  return new SimError(500, 'internal', 'internal server error');
}

/** Every failure under /_sim; an unexpected one is a 500 that shows no internals (it is logged). */
export function renderSimError(error: Error, c: Context): Response {
  const simError = toSimError(error);
  if (simError.status === 500) console.error('scimsim: internal error in /_sim:', error);
  return c.json({ error: { code: simError.code, message: simError.message } }, simError.status);
}
