/** SCIM errors (RFC 7644 §3.12): thrown anywhere in the SCIM face, rendered once by its renderer (scim/index.ts). */
import { HTTPException } from 'hono/http-exception';
import { LifecycleError, type LifecycleErrorCode } from '../members.ts';
import { BodyTooLarge } from '../faces.ts';
import { DataWriteFailed } from '../model.ts';

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The scimType values RFC 7644 Table 9 defines, plus none for statuses that carry no scimType. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    /** Extra response headers, e.g. `Allow` on a 405 or `Retry-After` on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  /** The RFC 7644 error body: `status` is a string, `scimType` only where there is one. */
  toBody(): Record<string, unknown> {
    return {
      schemas: [ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

export const badRequest = (scimType: ScimType, detail: string) => new ScimError(400, scimType, detail);
export const notFound = (detail: string) => new ScimError(404, undefined, detail);
export const conflict = (detail: string) => new ScimError(409, 'uniqueness', detail);

/**
 * How the SCIM face answers a refusal of the member lifecycle. The Admin Panel has its own table
 * (admin-errors.ts); the two give the same status for the same refusal (a test holds them to it).
 */
export const LIFECYCLE_TO_SCIM: Record<LifecycleErrorCode, { status: number; scimType?: ScimType }> = {
  notFound: { status: 404 },
  conflict: { status: 409, scimType: 'uniqueness' },
  forbidden: { status: 403 },
  invalidTransition: { status: 409 },
  seatLimit: { status: 403 },
  // The Admin Panel's Owner rules; SCIM's own answer on an Owner is the scimOnOwner variant (`forbidden`).
  ownerNotDemoted: { status: 409 },
  soleOwner: { status: 409 },
  ownersOnly: { status: 403 },
  notRestorable: { status: 409 },
  alreadyDeleted: { status: 409 },
  deleted: { status: 409 },
};

/** Any error as the SCIM error it is answered with; an unexpected one is a 500 that shows no internals. */
export function toScimError(error: Error): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof BodyTooLarge) return new ScimError(413, undefined, error.message);
  if (error instanceof DataWriteFailed) return new ScimError(503, undefined, error.message);
  if (error instanceof LifecycleError) {
    const { status, scimType } = LIFECYCLE_TO_SCIM[error.code];
    return new ScimError(status, scimType, error.message);
  }
  if (error instanceof HTTPException) return new ScimError(error.status, undefined, error.message || 'request failed');
  return new ScimError(500, undefined, 'internal server error');
}
