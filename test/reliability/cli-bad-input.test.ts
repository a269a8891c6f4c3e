/**
 * Bad input elsewhere (issue #6): scenario files and command lines, through the real `scimsim` command in a
 * child process. Each gets a clear message and exit code 2, never a stack trace.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/scimsim.mjs', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;
const STACK = /\n\s+at /;

interface Outcome {
  code: number | null;
  out: string;
}

/** Runs `node bin/scimsim.mjs ...args`; a command that does not end in 60 s is killed and fails the test. */
function cli(args: string[], cwd = ROOT): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`scimsim ${args.join(' ')} did not finish:\n${out}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

let dir: string;
const file = (name: string) => join(dir, name);

const HEADER = `name: A scenario
start: 2026-01-05T09:00:00Z
tenant:
  users:
    ada: {}
`;

/** Scenario files that must be refused: the text and what the message must say. */
const BAD_FILES: Array<[string, string, RegExp]> = [
  ['yaml-syntax.yaml', `${HEADER}steps:\n  - assign: [ada\n  - start\n`, /yaml-syntax\.yaml:\d+:\d+: YAML syntax/],
  ['tab-indent.yaml', `${HEADER}steps:\n\t- start\n`, /tab-indent\.yaml:\d+:\d+: .*(YAML|tab)/i],
  [
    'duplicate-key.yaml',
    `${HEADER}name: again\nsteps:\n  - start\n`,
    /duplicate-key\.yaml:\d+:\d+: .*(duplicate|unique|Map keys)/i,
  ],
  ['unknown-step.yaml', `${HEADER}steps:\n  - asign: ada\n`, /unknown step "asign".*\n.*did you mean "assign"/],
  ['unknown-field.yaml', `${HEADER}colour: blue\nsteps:\n  - start\n`, /unknown field "colour"/],
  ['advance-boolean.yaml', `${HEADER}steps:\n  - advance: true\n`, /steps\[0\]\.advance/],
  ['seed-list.yaml', `${HEADER}seed: [1, 2]\nsteps:\n  - start\n`, /seed/],
  ['users-number.yaml', `name: x\ntenant:\n  users: 5\nsteps:\n  - start\n`, /tenant\.users/],
  ['steps-missing.yaml', `name: x\n`, /steps/],
  ['steps-empty.yaml', `name: x\nsteps: []\n`, /steps/],
  ['not-a-map.yaml', `- just\n- a list\n`, /not-a-map\.yaml:1:1/],
  ['empty.yaml', ``, /empty\.yaml:1:1/],
  ['unknown-user.yaml', `${HEADER}steps:\n  - assign: bob\n`, /"bob" is not a user or group of the tenant/],
  ['advance-negative.yaml', `${HEADER}steps:\n  - advance: -5m\n`, /steps\[0\]\.advance: .*duration/],
  ['advance-months.yaml', `${HEADER}steps:\n  - advance: P1M\n`, /steps\[0\]\.advance: .*duration/],
  [
    'time-goes-back.yaml',
    `${HEADER}steps:\n  - advanceTo: 2026-01-01T00:00:00Z\n`,
    /before the scenario's time.*time only moves forward/,
  ],
  ['bad-instant.yaml', `name: x\nstart: yesterday\nsteps:\n  - start\n`, /start: expected an ISO 8601 instant/],
  [
    'alias-bomb.yaml',
    `${HEADER}a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\nsteps:\n  - start\n`,
    /alias/i,
  ],
  [
    'too-far.yaml',
    `${HEADER}steps:\n  - advance: 4000d\n`,
    /the scenario would run 4000 days of virtual time; the limit is 3650d/,
  ],
  [
    'too-far-limit.yaml',
    `${HEADER}limits: { maxVirtualTime: 1d }\nsteps:\n  - advance: 23h\n  - advance: 2h\n`,
    /steps\[1\]\.advance: the scenario would run 1 days .*limit is 1d/,
  ],
  [
    'too-many-steps.yaml',
    `${HEADER}limits: { maxSteps: 2 }\nsteps:\n  - advance: 1m\n  - advance: 1m\n  - advance: 1m\n`,
    /3 steps; the limit is 2/,
  ],
  ['too-many-generated.yaml', `name: x\ntenant: { generate: 200001 }\nsteps:\n  - start\n`, /tenant\.generate/],
  ['until-idle-zero.yaml', `${HEADER}steps:\n  - untilIdle: { limit: 0 }\n`, /untilIdle/],
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scimsim-cli-'));
  for (const [name, text] of BAD_FILES) await writeFile(file(name), text);
  await writeFile(file('huge.yaml'), `${HEADER}description: "${'x'.repeat(1_100_000)}"\nsteps:\n  - start\n`);
  await writeFile(file('good.yaml'), `${HEADER}steps:\n  - assign: ada\n  - expect: { members: { ada: none } }\n`);
  await writeFile(file('a-file'), 'not a folder');
  await symlink(join(dir, 'nowhere.yaml'), file('dangling.yaml'));
  await mkdir(join(dir, 'folder-with-link'));
  await symlink(join(dir, 'nowhere.yaml'), join(dir, 'folder-with-link', 'dangling.yaml'));
  await mkdir(join(dir, 'folder-with-dir'));
  await mkdir(join(dir, 'folder-with-dir', 'looks-like.yaml'));
});

describe('scenario files that cannot run: exit code 2, file:line:column, no stack trace', () => {
  // One process for all of them (a process costs ~0.7 s): each file must be reported invalid with its own message.
  let validated: Outcome;
  beforeAll(async () => {
    validated = await cli(['validate', 'good.yaml', ...BAD_FILES.map(([name]) => name)], dir);
  });

  it(`validate refuses all ${BAD_FILES.length} with exit code 2 and counts each`, () => {
    expect(validated.out).not.toMatch(STACK);
    expect(validated.code, validated.out).toBe(2);
    expect(validated.out).toContain(`1 valid, ${BAD_FILES.length} invalid`);
  });

  it.each(BAD_FILES.map(([name, , message]) => [name, message] as const))('%s', (name, message) => {
    // The lines of this file's report: from its "invalid <file>" line to the next file's.
    const start = validated.out.indexOf(`invalid ${name}:`);
    expect(start, validated.out).toBeGreaterThanOrEqual(0);
    const next = validated.out.slice(start + 1).search(/\n(ok|invalid) |\n\n/);
    const own = validated.out.slice(start, next === -1 ? undefined : start + 1 + next);
    expect(own).toMatch(message);
  });

  it.concurrent('a file over 1 MB is refused before it is parsed', async () => {
    const { code, out } = await cli(['validate', file('huge.yaml')]);
    expect(out).not.toMatch(STACK);
    expect(code).toBe(2);
    expect(out).toMatch(/huge\.yaml:1:1: the file is \d+ bytes; scenario files are limited to 1048576/);
  });

  it.concurrent('run refuses invalid files too, and runs the valid ones beside them', async () => {
    const out = join(dir, 'reports-mixed');
    const result = await cli(['run', file('good.yaml'), file('unknown-step.yaml'), '--workers', '1', '--out', out]);
    expect(result.out).not.toMatch(STACK);
    expect(result.code, result.out).toBe(2);
    expect(result.out).toMatch(/invalid .*unknown-step\.yaml/);
    expect(result.out).toMatch(/1 passed, 0 failed, 1 invalid/);
  });

  it.concurrent('a scenario that would run for ever stops at its virtual-time limit with a clear error', async () => {
    // untilIdle advances to the purge 30 days out: past the scenario's own 1-day limit, which validation cannot see.
    await writeFile(
      file('runaway.yaml'),
      `${HEADER}limits: { maxVirtualTime: 1d }
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - unassign: ada
  - advance: 12h
  - untilIdle
  - expect: { members: { ada: deleted } }
`,
    );
    const out = join(dir, 'reports-runaway');
    const result = await cli(['run', file('runaway.yaml'), '--workers', '1', '--out', out]);
    expect(result.out).not.toMatch(STACK);
    expect(result.code, result.out).toBe(1);
    expect(result.out).toMatch(/untilIdle.*virtual time.*limit of 1d/);
  });
});

describe('command lines that cannot run: exit code 2, a clear message, no stack trace', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['unknown command', () => ['frobnicate'], /unknown command "frobnicate"/],
    ['run with an unknown flag', () => ['run', '--frobnicate'], /Unknown option '--frobnicate'/],
    ['validate with an unknown flag', () => ['validate', '--fast'], /Unknown option '--fast'/],
    ['serve with an unknown flag', () => ['serve', '--prot', '80'], /Unknown option '--prot'/],
    ['serve with a positional argument', () => ['serve', 'now'], /now/],
    [
      'serve with an unknown variant',
      () => ['serve', '--variant', 'purgeEarly=yes'],
      /--variant: unknown variant purgeEarly; known: reassignAfterPurge/,
    ],
    [
      'serve with an alternative a variant lacks',
      () => ['serve', '--variant', 'manualSuspendPurge=sometimes'],
      /variant manualSuspendPurge has no alternative sometimes; it has noPurge, startsPurge/,
    ],
    ['run with --variants of an unknown mode', () => ['run', '--variants', 'some'], /--variants takes all or strict/],
    ['run with a flag missing its value', () => ['run', '--out'], /--out/],
    ['run on a missing path', () => ['run', join(dir, 'missing.yaml')], /no such file or folder: .*missing\.yaml/],
    ['validate on a missing path', () => ['validate', join(dir, 'missing-folder')], /no such file or folder/],
    ['validate a dangling link', () => ['validate', file('dangling.yaml')], /no such file or folder: .*dangling\.yaml/],
    [
      'validate a folder holding a dangling link',
      () => ['validate', join(dir, 'folder-with-link')],
      /dangling\.yaml:1:1: cannot read the file: ENOENT/,
    ],
    [
      'validate a folder holding a folder named *.yaml',
      () => ['validate', join(dir, 'folder-with-dir')],
      /looks-like\.yaml:1:1: cannot read the file: EISDIR/,
    ],
    [
      'run a folder holding a folder named *.yaml',
      () => ['run', join(dir, 'folder-with-dir'), '--out', join(dir, 'r-dir')],
      /looks-like\.yaml:1:1: cannot read the file: EISDIR/,
    ],
    [
      'run into an unwritable report folder',
      () => ['run', file('good.yaml'), '--workers', '1', '--out', join(dir, 'a-file', 'reports')],
      /cannot write reports to .*a-file\/reports: ENOTDIR/,
    ],
    ['run with --workers 0', () => ['run', file('good.yaml'), '--workers', '0'], /--workers must be 1-64/],
    ['run with an unknown report', () => ['run', file('good.yaml'), '--report', 'pdf'], /unknown report "pdf"/],
    [
      'run with a bad --grep',
      () => ['run', file('good.yaml'), '--grep', '(['],
      /--grep is not a valid regular expression/,
    ],
    [
      'run with --http but no --token',
      () => ['run', file('good.yaml'), '--http', 'http://127.0.0.1:1/scim/v2'],
      /--http and --token go together/,
    ],
    ['serve with --port 99999', () => ['serve', '--port', '99999'], /--port must be 0-65535/],
    ['serve with a bad --start', () => ['serve', '--port', '0', '--start', 'yesterday'], /yesterday/],
    [
      'serve with a short --token',
      () => ['serve', '--port', '0', '--token', 'short'],
      /--token must be at least 8 printable characters/,
    ],
    [
      'serve with a bad --soft-delete-window',
      () => ['serve', '--port', '0', '--soft-delete-window', 'a month'],
      /invalid duration "a month"/,
    ],
    [
      'serve with --seat-limit -1',
      () => ['serve', '--port', '0', '--seat-limit', '-1'],
      /'--seat-limit' argument is ambiguous/,
    ],
    [
      'serve with --seat-limit=-1',
      () => ['serve', '--port', '0', '--seat-limit=-1'],
      /--seat-limit must be a whole number/,
    ],
    [
      'serve with --data in a missing folder',
      () => ['serve', '--port', '0', '--data', join(dir, 'no', 'such', 'folder', 'np.json')],
      /cannot (write|create) data file .*np\.json/,
    ],
    ['serve with --data that is a folder', () => ['serve', '--port', '0', '--data', dir], /cannot read data file/],
    [
      'serve on an address this machine does not have',
      () => ['serve', '--port', '0', '--host', '192.0.2.1'],
      /cannot listen/,
    ],
  ];
  it.concurrent.each(cases)('%s', async (_name, args, message) => {
    const { code, out } = await cli(args());
    expect(out).not.toMatch(STACK);
    expect(code, out).toBe(2);
    expect(out).toMatch(message);
  });

  it('serve with a bad --start and --data refuses before the data file is made', async () => {
    const data = join(dir, 'bad-start.json');
    const { code, out } = await cli(['serve', '--port', '0', '--data', data, '--start', 'yesterday']);
    expect(code, out).toBe(2);
    expect(out).toMatch(/yesterday/);
    expect(existsSync(data)).toBe(false);
    expect(existsSync(`${data}.journal`)).toBe(false);
  });
});
