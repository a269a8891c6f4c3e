/** /_sim's request bodies: read as every face reads JSON (simulator/json-body.ts), refused in /_sim's shape. */
import { readJson } from '../json-body.ts';
import { SimError } from './sim-errors.ts';

/** The body as JSON; an empty body is `{}` (the routes whose fields are all optional take it as "defaults"). */
export async function simJson(request: Request): Promise<unknown> {
  const read = await readJson(request);
  if (!read.ok) throw new SimError(400, 'invalidRequest', read.problem);
  return read.value ?? {};
}

/** The body, which must be a JSON object (an empty body is not: a fault or an advance needs saying). */
export async function simObject(request: Request): Promise<Record<string, unknown>> {
  const read = await readJson(request);
  if (!read.ok) throw new SimError(400, 'invalidRequest', read.problem);
  const body = read.value;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new SimError(400, 'invalidRequest', 'send a JSON object');
  return body as Record<string, unknown>;
}
