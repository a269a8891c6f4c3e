/**
 * Microsoft Graph's error shape, `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}`,
 * and the one place where the models' errors (DirectoryError, ApplicationError, JobError) become Graph errors.
 */
import { ApplicationError } from '../app/application.ts';
import { DirectoryError } from '../directory/directory.ts';
import { JobError } from '../provisioning/engine.ts';
import { GRAPH_JSON } from './media-type.ts';

export interface GraphErrorDetail {
  code: string;
  message?: string;
  target?: string;
}

/** A request Graph refuses: thrown anywhere in a route, rendered once by the dispatcher. */
export class GraphError extends Error {
  override name = 'GraphError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: GraphErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

// Graph's own wording, so scripts that match on messages behave as they would against Graph.
export const notFound = (id: string) =>
  new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );

export const badRequest = (message: string, details?: GraphErrorDetail[]) =>
  new GraphError(400, 'Request_BadRequest', message, details);

export const unsupportedQuery = (message: string) => new GraphError(400, 'Request_UnsupportedQuery', message);

/**
 * Any error as the Graph error it is answered with: the models' refusals (DirectoryError, ApplicationError,
 * JobError) by their codes, anything unexpected as a 500 that shows no internals (and is logged).
 */
export function toGraphError(error: unknown): GraphError {
  if (error instanceof GraphError) return error;
  if (error instanceof DirectoryError || error instanceof ApplicationError) {
    if (error.code === 'notFound') return new GraphError(404, 'Request_ResourceNotFound', error.message);
    if (error.code === 'conflict') {
      // Graph answers a taken userPrincipalName with 400 Request_BadRequest and an ObjectConflict detail, not a
      // 409 (observed: microsoftgraph/microsoft-graph-docs#1508, "Another object with the same value for
      // property userPrincipalName already exists.").
      const target = /userPrincipalName/.test(error.message) ? 'userPrincipalName' : undefined;
      return badRequest(error.message, [
        { code: 'ObjectConflict', message: error.message, ...(target ? { target } : {}) },
      ]);
    }
    return badRequest(error.message);
  }
  if (error instanceof JobError) {
    // A failed Test Connection keeps Entra's own code (…CredentialValidationFailure / CredentialValidationUnavailable),
    // which is what the portal shows. INFERRED: Graph's status for it is 400.
    if (error.code === 'CredentialValidationFailed' && error.detail?.errorCode) {
      return new GraphError(400, error.detail.errorCode, error.detail.message ?? error.message);
    }
    // INFERRED: a second job for the app's one template is a 409 Conflict.
    if (error.code === 'Conflict') return new GraphError(409, 'Conflict', error.message);
    return badRequest(error.message);
  }
  console.error('scimsim: internal error in the Graph face:', error);
  return new GraphError(500, 'UnknownError', 'An internal error occurred in the simulator; see its log.');
}

/** The error body, with Graph's innerError (its `date` has no fraction and no zone, as Graph writes it). */
export function errorBody(error: GraphError, at: number, requestId: string, clientRequestId: string | undefined) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      innerError: {
        date: new Date(at).toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}

/** The response for any error on the Graph face, with Graph's request-id headers. */
export function renderGraphError(
  error: unknown,
  at: number,
  requestId: string,
  clientRequestId: string | undefined,
): Response {
  const graphError = toGraphError(error);
  return new Response(JSON.stringify(errorBody(graphError, at, requestId, clientRequestId)), {
    status: graphError.status,
    headers: {
      'Content-Type': GRAPH_JSON,
      ...graphError.headers,
      'request-id': requestId,
      'client-request-id': clientRequestId ?? requestId,
    },
  });
}
