/**
 * `scimsim check URL --token SECRET`: Entra's request sequences against any SCIM endpoint, a verdict per test.
 * Exit code 0 when every required test passes, 1 when one fails, 2 for bad arguments or an endpoint that does
 * not answer.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isLoopback, UsageError, parseOrExplain } from '../cli/args.ts';
import { Unreachable, type Profile } from './context.ts';
import { htmlReport, jsonReport, junitReport, markdownReport, requiredFailed, summaryText } from './report.ts';
import { runCheck, selectTests } from './run.ts';

const PROFILES: Profile[] = ['entra', 'entra-aadoptscim062020', 'okta'];
const REPORTS = {
  json: ['check.json', jsonReport],
  junit: ['check-junit.xml', junitReport],
  md: ['check.md', markdownReport],
  html: ['check.html', htmlReport],
} as const;
/** A domain reserved for documentation (RFC 2606): a real service has no mailbox there to invite. */
const DEFAULT_DOMAIN = 'example.com';

export async function checkCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseOrExplain(
    argv,
    {
      token: { type: 'string' },
      profile: { type: 'string', default: 'entra' },
      only: { type: 'string' },
      groups: { type: 'boolean', default: false },
      report: { type: 'string' },
      out: { type: 'string', default: 'reports/check' },
      domain: { type: 'string', default: DEFAULT_DOMAIN },
      keep: { type: 'boolean', default: false },
      plan: { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '10000' },
    },
    true,
  );
  const only =
    typeof values.only === 'string'
      ? values.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  let tests: ReturnType<typeof selectTests>;
  try {
    tests = selectTests(only);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.plan) {
    process.stdout.write(
      `${tests
        .map(
          (t) =>
            `${t.name} [${t.source}]${t.required ? '' : ' (optional)'}${t.groups ? ' (with --groups)' : ''}\n${t.requests.map((r) => `    ${r}`).join('\n')}`,
        )
        .join('\n')}\n\nNothing was sent (--plan).\n`,
    );
    return 0;
  }
  const [url, ...more] = positionals;
  if (!url || more.length)
    throw new UsageError('scimsim check takes one URL: the SCIM base, e.g. http://127.0.0.1:8080/scim/v2');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${url}: http or https only`);
  if (typeof values.token !== 'string' || values.token === '')
    throw new UsageError('--token SECRET is required (the Secret Token Entra would send)');
  const profile = values.profile as Profile;
  if (!PROFILES.includes(profile)) throw new UsageError(`--profile is one of ${PROFILES.join(', ')}`);
  if (!isLoopback(parsed.hostname.replace(/^\[|\]$/g, '')) && !values.yes)
    throw new UsageError(
      `${parsed.hostname} is not this machine: check creates and deletes users there (a real service may email them). Add --yes to go on`,
    );
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new UsageError('--timeout is milliseconds, at least 100');
  const reports = typeof values.report === 'string' ? values.report.split(',').map((s) => s.trim()) : [];
  for (const r of reports)
    if (!(r in REPORTS)) throw new UsageError(`--report is a list of ${Object.keys(REPORTS).join(', ')}`);

  let run: Awaited<ReturnType<typeof runCheck>>;
  try {
    run = await runCheck({
      url,
      token: values.token,
      profile,
      domain: String(values.domain),
      timeoutMs,
      only,
      groups: Boolean(values.groups),
      keep: Boolean(values.keep),
    });
  } catch (error) {
    if (error instanceof Unreachable) {
      process.stderr.write(`scimsim check: the endpoint does not answer: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  process.stdout.write(summaryText(run));
  if (reports.length) {
    const out = String(values.out);
    await mkdir(out, { recursive: true });
    for (const r of reports as Array<keyof typeof REPORTS>) {
      const [file, render] = REPORTS[r];
      await writeFile(join(out, file), render(run));
    }
    process.stdout.write(
      `reports: ${reports.map((r) => join(String(values.out), REPORTS[r as keyof typeof REPORTS][0])).join(', ')}\n`,
    );
  }
  return requiredFailed(run).length > 0 ? 1 : 0;
}
