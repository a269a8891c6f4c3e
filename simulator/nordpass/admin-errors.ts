/** The Admin Panel face's errors: one typed error, the lifecycle's refusals as statuses, one renderer. */
import type { Context } from 'hono';
import { BodyTooLarge, MalformedPath } from './faces.ts';
import { DataWriteFailed } from './model.ts';
import { LifecycleError, type LifecycleErrorCode } from './members.ts';

export type AdminStatus = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 503;

/** An Admin Panel request that cannot be done; rendered as {"error": {code, message}}. */
export class AdminError extends Error {
  override name = 'AdminError';
  constructor(
    readonly status: AdminStatus,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * How the Admin Panel answers a refusal of the member lifecycle; its code is the lifecycle's own. The SCIM face
 * has its own table (scim/errors.ts) and gives the same status for the same refusal.
 */
export const LIFECYCLE_TO_ADMIN: Record<LifecycleErrorCode, AdminStatus> = {
  notFound: 404,
  conflict: 409,
  forbidden: 403,
  invalidTransition: 409,
  seatLimit: 403,
  ownerNotDemoted: 409,
  soleOwner: 409,
  ownersOnly: 403,
  notRestorable: 409,
  alreadyDeleted: 409,
  deleted: 409,
};

export function toAdminError(error: Error): AdminError {
  if (error instanceof AdminError) return error;
  if (error instanceof BodyTooLarge) return new AdminError(413, 'tooLarge', error.message);
  if (error instanceof MalformedPath) return new AdminError(400, 'invalidRequest', error.message);
  if (error instanceof DataWriteFailed) return new AdminError(503, 'notWritten', error.message);
  if (error instanceof LifecycleError) return new AdminError(LIFECYCLE_TO_ADMIN[error.code], error.code, error.message);
  return new AdminError(500, 'internal', 'internal server error');
}

/** Every failure under /admin; an unexpected one is a 500 that shows no internals (it is logged). */
export function renderAdminError(error: Error, c: Context): Response {
  const adminError = toAdminError(error);
  if (adminError.status === 500) console.error('scimsim: internal error in the Admin Panel API:', error);
  return c.json({ error: { code: adminError.code, message: adminError.message } }, adminError.status);
}
