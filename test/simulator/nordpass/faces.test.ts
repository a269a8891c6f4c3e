/** One error model per face: each face's renderer is registered where it is mounted, and the faces agree. */
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { Clock } from '../../../simulator/clock.ts';
import { createNordPass } from '../../../simulator/nordpass/app.ts';
import { Random } from '../../../simulator/random.ts';
import { LIFECYCLE_TO_ADMIN, renderAdminError } from '../../../simulator/nordpass/admin-errors.ts';
import { Faces } from '../../../simulator/nordpass/faces.ts';
import { LIFECYCLE_ERROR_CODES, LifecycleError, type LifecycleErrorCode } from '../../../simulator/nordpass/members.ts';
import { LIFECYCLE_TO_SCIM } from '../../../simulator/nordpass/scim/errors.ts';
import { renderScimError } from '../../../simulator/nordpass/scim/index.ts';
import { renderSimError } from '../../../simulator/serve/sim-errors.ts';

const CODES: readonly LifecycleErrorCode[] = LIFECYCLE_ERROR_CODES;

describe('lifecycle refusals', () => {
  it('have a status on every face, and the SCIM face and the Admin Panel give the same one', () => {
    for (const code of CODES) {
      expect(LIFECYCLE_TO_SCIM[code].status, code).toBe(LIFECYCLE_TO_ADMIN[code]);
      expect(LIFECYCLE_TO_SCIM[code].status, code).toBeGreaterThanOrEqual(400);
    }
    expect(Object.keys(LIFECYCLE_TO_SCIM).sort()).toEqual([...CODES].sort());
    expect(Object.keys(LIFECYCLE_TO_ADMIN).sort()).toEqual([...CODES].sort());
  });

  it('are rendered in each face its own shape, with that status', async () => {
    const app = new Hono();
    const faces = new Faces(
      app,
      () => new Response('fallback', { status: 599 }),
      () => 1_048_576,
    );
    const refuse = (code: LifecycleErrorCode) => {
      const routes = new Hono();
      routes.all('*', () => {
        throw new LifecycleError(code, `refused: ${code}`);
      });
      return routes;
    };
    faces.mount('/scim/v2', refuse('invalidTransition'), renderScimError);
    faces.mount('/admin', refuse('invalidTransition'), renderAdminError);
    const scim = await app.request('/scim/v2/Users/x');
    expect(scim.status).toBe(409);
    expect(scim.headers.get('content-type')).toContain('application/scim+json');
    expect(await scim.json()).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      detail: 'refused: invalidTransition',
    });
    const admin = await app.request('/admin/members/x');
    expect(admin.status).toBe(409);
    expect(await admin.json()).toEqual({ error: { code: 'invalidTransition', message: 'refused: invalidTransition' } });
  });
});

describe('Faces: the root error handler lets the face a request belongs to render its error', () => {
  const app = new Hono();
  const faces = new Faces(
    app,
    (e) => Response.json({ face: 'none', message: e.message }, { status: 500 }),
    () => 1_048_576,
  );
  const throwing = (message: string) => {
    const routes = new Hono();
    routes.all('*', () => {
      throw new Error(message);
    });
    return routes;
  };
  faces.mount('/_sim', throwing('boom in sim'), renderSimError);
  faces.mount('/a', throwing('a'), (e) => Response.json({ face: 'a', message: e.message }, { status: 500 }));
  faces.mount('/ab', throwing('ab'), (e) => Response.json({ face: 'ab', message: e.message }, { status: 500 }));
  app.get('/', () => {
    throw new Error('root');
  });

  it('by path prefix, whole segments only and without regard to case', async () => {
    expect(await (await app.request('/a/x')).json()).toEqual({ face: 'a', message: 'a' });
    expect(await (await app.request('/ab')).json()).toEqual({ face: 'ab', message: 'ab' });
  });

  it('an unexpected error is a 500 in the face its shape and shows no internals (it is logged)', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const sim = await app.request('/_sim/clock');
    expect(logged).toHaveBeenCalledWith('scimsim: internal error in /_sim:', expect.any(Error));
    logged.mockRestore();
    expect(sim.status).toBe(500);
    expect(await sim.json()).toEqual({ error: { code: 'internal', message: 'internal server error' } });
  });

  it('a request under no face goes to the fallback', async () => {
    expect(await (await app.request('/')).json()).toEqual({ face: 'none', message: 'root' });
  });
});

describe('NordPass registers its two faces', () => {
  it("SCIM paths in any case get SCIM errors, /admin gets the Admin Panel's", async () => {
    const np = createNordPass({ clock: new Clock('2026-01-05T09:00:00Z'), random: new Random('faces') });
    const scim = await np.fetch(new Request('http://127.0.0.1:8080/SCIM/V2/users'));
    expect(scim.status).toBe(401);
    expect(await scim.json()).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '401',
    });
    const admin = await np.fetch(new Request('http://127.0.0.1:8080/admin/members'));
    expect(admin.status).toBe(401);
    expect(await admin.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });
});
