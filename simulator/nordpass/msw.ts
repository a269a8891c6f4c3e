/**
 * msw handlers that serve a simulated NordPass at any tenant URL, so fetch-based code in a test process (an
 * IdP connector, a script) can be pointed at "https://nordpass.example/scim/v2" with no server running:
 *
 *   const server = setupServer(...nordpassHandlers(nordpass, 'https://nordpass.example'));
 *   server.listen();
 */
import { http, type HttpHandler } from 'msw';
import type { NordPass } from './app.ts';

/** Handlers for every path under `origin` (SCIM, Admin Panel), answered by the NordPass app in process. */
export function nordpassHandlers(nordpass: NordPass, origin: string): HttpHandler[] {
  const base = origin.replace(/\/+$/, '');
  nordpass.setOrigin(base);
  // msw hands over the intercepted Request; NordPass's own fetch answers it as the real server would.
  const answer = ({ request }: { request: Request }) => nordpass.fetch(request);
  return [http.all(`${base}/scim/v2/*`, answer), http.all(`${base}/admin/*`, answer)];
}
