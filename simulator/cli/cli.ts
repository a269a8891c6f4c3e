/** The `scimsim` command: run and validate scenarios, serve the simulator, print the scenario JSON Schema. */
import { isLoopback, UsageError, parseOrExplain, parseVariantFlags } from './args.ts';
import { checkCommand } from '../check/command.ts';

export { isLoopback } from './args.ts';
import { runCommand, validateCommand } from './run-command.ts';
import { variantsCommand } from './variants-command.ts';
import { scenarioJsonSchema } from '../scenario/json-schema.ts';
import type { NordPassSettingsInput } from '../nordpass/config.ts';
import { DataFileError } from '../nordpass/store.ts';
import { ScenarioPathError } from '../scenario/files.ts';
import { startServer } from '../serve/server.ts';
import { TlsError, tlsFiles } from '../serve/tls.ts';
import { TimeFormatError, parseDuration } from '../time.ts';

const USAGE = `scimsim: a local simulator of NordPass user provisioning from Microsoft Entra ID

Usage:
  scimsim run [PATHS...] [options]       run scenarios (default: scenarios/) and write reports
  scimsim validate [PATHS...]            check scenario files without running them
  scimsim serve [options]                serve NordPass's SCIM API and Admin Panel, the mock Entra (Graph routes) and the clock over HTTP
  scimsim console [options]              the same, and the browser console at http://127.0.0.1:PORT/ (prints its sign-in link)
  scimsim check URL --token SECRET       run Entra's request sequences against any SCIM endpoint, a verdict per test
  scimsim variants [--json]              the behaviours no public source settles: their alternatives and defaults
  scimsim schema                         print the scenario JSON Schema
  scimsim help                           this text

run options:
  --workers N                 scenarios in parallel on worker threads (default: CPU count; 1 = in process)
  --grep PATTERN              only scenarios whose name or file matches (regular expression, any case)
  --bail                      stop after the first failed scenario
  --seed SEED                 override every scenario's seed
  --report LIST               json,junit,md,html (default: all four)
  --out DIR                   where reports go (default: reports/latest)
  --http URL --token SECRET   send the engine's SCIM requests over real HTTP to URL (e.g. a scimsim serve); steps and
                              checks that look inside NordPass are skipped with the reason (scim: checks still run)
  --strict                    with --http: fail those steps instead of skipping them
  --served                    each scenario end to end over sockets, in a scimsim serve of its own (one per worker):
                              every step and check through Graph, the Admin Panel, SCIM and /_sim; the engine sends
                              its SCIM requests over HTTP to the server's own tenant URL, on the server's clock
  --dialects both             each scenario with Entra's default dialect and with aadOptscim062020; a scenario whose
                              answers differ in meaning between the two (ids and times aside) fails
  --variant NAME=ALTERNATIVE  follow this alternative of an unsettled behaviour (repeatable; scimsim variants lists
                              them); a scenario's own variants: pin wins
  --variants all              also replay each scenario under each alternative of each variant it consulted, one at a
                              time, and report which results depend on one (report.json, the HTML matrix)
  --variants strict           the same, and a result that depends on a variant fails the run
  --quiet                     only the summary line

Exit codes: 0 all passed, 1 a scenario failed (or, --variants strict, depends on a variant), 2 a file or an
argument is invalid.

check options:
  --token SECRET              the Secret Token Entra would send (required)
  --profile NAME              entra (default dialect: "Replace", "False"), entra-aadoptscim062020, or okta (PUT to deactivate)
  --groups                    run the group tests too (when the endpoint's /ResourceTypes lists Group)
  --only LIST                 test ids or names, comma-separated (--plan lists them)
  --domain DOMAIN             domain of the userNames it makes (default example.com, reserved: nobody is emailed)
  --keep                      leave what it made (default: deleted at the end)
  --plan                      print the tests and the requests each sends; send nothing
  --yes                       needed for a URL that is not this machine
  --report LIST --out DIR     json,junit,md,html reports (default DIR reports/check)
  --timeout MS                wait this long for one answer (default 10000)
Exit codes: 0 every required test passed, 1 a required test failed, 2 bad arguments or the endpoint does not answer.

serve options:
  --host HOST                 address to listen on (default 127.0.0.1; anything else is reachable by others)
  --port PORT                 port (default 8080; 0 picks a free one)
  --token SECRET              the SCIM Secret Token (default: a new random one, or the data file's)
  --admin-token SECRET        the token for /admin and /_sim (default: a new random one)
  --data FILE                 persist to FILE (JSON); a restart resumes from it
  --start ISO                 virtual start time (default: the data file's time, else now)
  --realtime                  let virtual time follow the wall clock (default: it moves only when advanced)
  --seed SEED                 seed for generated ids
  --groups                    turn on group provisioning (NordPass Enterprise); off by default, as in the seed guide
  --patch-status 200|204      status of a successful PATCH (default 200; Microsoft's collection expects 204)
  --soft-delete-window DUR    how long a soft-deleted member can be restored (default 30d)
  --invitation-delay DUR      delay before the invitation email (default 2m)
  --seat-limit N              licence seats; pending members over it cannot join (default unlimited)
  --no-owner-protection       let SCIM suspend or delete the Owner (the same as --variant scimOnOwner=applied)
  --variant NAME=ALTERNATIVE  follow this alternative of an unsettled behaviour (repeatable)
  --users N                   a new world starts with N generated tenant users (serve and console)
  --tls                       serve HTTPS (what Microsoft's Graph SDK needs) with a certificate scimsim makes for
                              127.0.0.1 and localhost, kept beside --data FILE; trust it with NODE_EXTRA_CA_CERTS
  --cert FILE --key FILE      serve HTTPS with this certificate and key (PEM)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(rest, 'serve');
      case 'console':
        return await serveCommand(rest, 'console');
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      case 'run':
        return await runCommand(rest);
      case 'validate':
        return await validateCommand(rest);
      case 'check':
        return await checkCommand(rest);
      case 'variants':
        return variantsCommand(rest);
      case 'schema':
        process.stdout.write(scenarioJsonSchema());
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof TimeFormatError ||
      error instanceof DataFileError ||
      error instanceof ScenarioPathError
    ) {
      process.stderr.write(
        `scimsim: ${error.message}\n${error instanceof UsageError ? 'Run "scimsim help" for usage.\n' : ''}`,
      );
      return 2;
    }
    if (isCode(error, 'EADDRINUSE') || isCode(error, 'EACCES') || isCode(error, 'EADDRNOTAVAIL')) {
      process.stderr.write(`scimsim: cannot listen: ${(error as Error).message}\n`);
      return 2;
    }
    throw error;
  }
}

async function serveCommand(argv: string[], as: 'serve' | 'console'): Promise<number> {
  const { values } = parseOrExplain(argv, {
    users: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    token: { type: 'string' },
    'admin-token': { type: 'string' },
    data: { type: 'string' },
    start: { type: 'string' },
    realtime: { type: 'boolean', default: false },
    seed: { type: 'string' },
    groups: { type: 'boolean', default: false },
    'patch-status': { type: 'string' },
    'soft-delete-window': { type: 'string' },
    'invitation-delay': { type: 'string' },
    'seat-limit': { type: 'string' },
    'no-owner-protection': { type: 'boolean', default: false },
    variant: { type: 'string', multiple: true },
    tls: { type: 'boolean', default: false },
    cert: { type: 'string' },
    key: { type: 'string' },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, got "${values.port}"`);
  for (const secret of ['token', 'admin-token'] as const) {
    const v = values[secret] as string | undefined;
    if (v !== undefined && !/^[\x21-\x7e]{8,}$/.test(v))
      throw new UsageError(`--${secret} must be at least 8 printable characters without spaces`);
  }
  const settings: NordPassSettingsInput = { groupProvisioning: values.groups as boolean };
  if (values['patch-status'] !== undefined) {
    if (values['patch-status'] !== '200' && values['patch-status'] !== '204')
      throw new UsageError('--patch-status must be 200 or 204');
    settings.patchSuccessStatus = Number(values['patch-status']) as 200 | 204;
  }
  if (values['soft-delete-window'] !== undefined)
    settings.softDeleteWindow = parseDuration(values['soft-delete-window'] as string);
  if (values['invitation-delay'] !== undefined)
    settings.invitationDelay = parseDuration(values['invitation-delay'] as string);
  if (values['seat-limit'] !== undefined) {
    const seats = Number(values['seat-limit']);
    if (!Number.isInteger(seats) || seats < 0) throw new UsageError('--seat-limit must be a whole number');
    settings.seatLimit = seats;
  }

  const variants = parseVariantFlags(values.variant as unknown as string[] | undefined);
  // The older flag for the scimOnOwner variant.
  if (values['no-owner-protection']) variants.scimOnOwner ??= 'applied';

  let users: number | undefined;
  if (values.users !== undefined) {
    users = Number(values.users);
    if (!Number.isInteger(users) || users < 0 || users > 200_000)
      throw new UsageError('--users must be a whole number from 0 to 200000');
  }

  const wantsTls = values.tls === true || values.cert !== undefined || values.key !== undefined;
  const tls = wantsTls
    ? await tlsFiles(
        {
          ...(values.cert !== undefined ? { certFile: values.cert as string } : {}),
          ...(values.key !== undefined ? { keyFile: values.key as string } : {}),
          ...(values.data !== undefined ? { dataFile: values.data as string } : {}),
        },
        Date.now(),
      ).catch((error) => {
        throw error instanceof TlsError ? new UsageError(error.message) : error;
      })
    : undefined;
  const host = values.host as string;
  const running = await startServer({
    ...(tls ? { tls } : {}),
    host,
    port,
    ...(values.token !== undefined ? { scimToken: values.token as string } : {}),
    ...(values['admin-token'] !== undefined ? { adminToken: values['admin-token'] as string } : {}),
    ...(values.data !== undefined ? { dataFile: values.data as string } : {}),
    ...(values.start !== undefined ? { start: values.start as string } : {}),
    ...(values.seed !== undefined ? { seed: values.seed as string } : {}),
    realtime: values.realtime as boolean,
    ...(users !== undefined ? { users } : {}),
    settings,
    variants,
  });
  const { nordpass, clock, origin } = running;
  const out = process.stdout;
  if (!isLoopback(host))
    out.write(`WARNING: listening on ${host}, not loopback: anyone who can reach this machine can call it.\n`);
  out.write(`scimsim: NordPass SCIM simulator listening on ${origin}\n\n`);
  out.write(`  NordPass admin credentials (Settings > User provisioning > Get Credentials)\n`);
  out.write(`    Tenant URL:    ${nordpass.tenantUrl()}\n`);
  out.write(
    `    Secret Token:  ${nordpass.initialScimToken ?? '(kept from the data file; POST /admin/provisioning/credentials for a new one)'}\n\n`,
  );
  out.write(
    `  Admin token:     ${nordpass.adminToken}   (Admin Panel API ${origin}/admin, simulation ${origin}/_sim)\n`,
  );
  out.write(
    as === 'console'
      ? `\n  Console:         ${running.signInLink}\n                   (open it in a browser: it signs you in, once)\n\n`
      : `  Sign-in link:    ${running.signInLink}   (once, for a browser: the console)\n`,
  );
  out.write(`  Mock Entra ID:   ${origin}/azure/v1.0   (Microsoft Graph routes, same admin token)\n`);
  out.write(
    `  Virtual time:    ${clock.nowIso()} (${values.realtime ? 'follows the wall clock' : 'moves only with POST /_sim/clock/advance'})\n`,
  );
  out.write(`  Data:            ${values.data ?? 'in memory (lost on exit; --data FILE to keep it)'}\n`);
  if (tls)
    out.write(
      `  TLS certificate: ${tls.certPath}${tls.made ? `   (made by scimsim; trust it with NODE_EXTRA_CA_CERTS=${tls.certPath})` : ''}\n`,
    );
  out.write('\n');
  out.write(`Press Ctrl+C to stop.\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      out.write(`\nscimsim: ${signal}: finishing in-flight requests and writes...\n`);
      void running.close().then(resolve);
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  out.write('scimsim: stopped.\n');
  return 0;
}

// Exported for the reliability tests: a host that is not loopback gets the warning.

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === code;
}
