/** A corrupt or truncated `--data` file at start: a clear error, exit code 2, and the file left byte for byte as it was. */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/served.ts';

const VALID = JSON.stringify({ format: 1, clockNow: 1767600000000, members: [], outbox: [], groups: [] });

const CORRUPT: Array<[string, string | Uint8Array, RegExp]> = [
  ['truncated mid-way', VALID.slice(0, 40), /is not valid JSON.*left untouched/],
  ['truncated to one byte', '{', /is not valid JSON.*left untouched/],
  ['empty (0 bytes)', '', /is not valid JSON.*left untouched/],
  ['binary garbage', new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x80, 0x7b]), /is not valid JSON.*left untouched/],
  ['JSON null', 'null', /is not a scimsim data file.*left untouched/],
  ['a JSON array', '[]', /is not a scimsim data file.*left untouched/],
  ['another format version', VALID.replace('"format":1', '"format":2'), /is not a scimsim data file.*left untouched/],
  ['members not a list', VALID.replace('"members":[]', '"members":{}'), /is not a scimsim data file.*left untouched/],
  [
    'a member that is a number',
    VALID.replace('"members":[]', '"members":[42]'),
    /has a malformed member at members\[0\].*left untouched/,
  ],
  [
    'a member without a userName',
    VALID.replace('"members":[]', '"members":[{"id":"m1","status":"active","history":[]}]'),
    /has a malformed member at members\[0\].*left untouched/,
  ],
  [
    'clockNow a string',
    VALID.replace('1767600000000', '"2026-01-05T08:00:00Z"'),
    /is not a scimsim data file.*left untouched/,
  ],
];

describe('a corrupt data file at start', () => {
  it.concurrent.each(CORRUPT)('%s: refused with exit code 2 and never overwritten', async (_name, content, message) => {
    const dir = await mkdtemp(join(tmpdir(), 'scimsim-data-'));
    const file = join(dir, 'nordpass.json');
    await writeFile(file, content);
    const before = await stat(file);
    const { code, out } = await run(['serve', '--port', '0', '--data', file]);
    expect(out).not.toMatch(/\n\s+at /);
    expect(code, out).toBe(2);
    expect(out).toMatch(message);
    expect(out).toContain(file);
    expect(Buffer.compare(await readFile(file), Buffer.from(content))).toBe(0);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  });
});

const LINE = JSON.stringify({
  clockNow: 1767600060000,
  members: [
    {
      id: 'm1',
      userName: 'a@example.com',
      status: 'pending',
      role: 'user',
      createdAt: 1,
      updatedAt: 1,
      version: 1,
      attributes: {},
      history: [],
    },
  ],
});

/** The journal beside the file (FILE.journal, one line per group commit): only a torn LAST line is a crash's leftover. */
const CORRUPT_JOURNAL: Array<[string, string | undefined, string, RegExp]> = [
  [
    'a torn line in the middle',
    VALID,
    `${LINE.slice(0, 50)}\n${LINE}\n`,
    /journal .* line 1 is not valid JSON.*left untouched/,
  ],
  [
    'garbage as a complete last line',
    VALID,
    `${LINE}\nnot json\n`,
    /journal .* line 2 is not valid JSON.*left untouched/,
  ],
  ['binary garbage', VALID, '\u0000\u00ff\u0013\n', /journal .* line 1 is not valid JSON.*left untouched/],
  [
    'a record without clockNow',
    VALID,
    '{"members":[]}\n',
    /not a scimsim journal record: clockNow must be a number.*left untouched/,
  ],
  [
    'a malformed member in a record',
    VALID,
    '{"clockNow":1,"members":[42]}\n',
    /members\[0\]: not an object.*left untouched/,
  ],
  ['a journal without its data file', undefined, `${LINE}\n`, /journal .* has no data file .*left untouched/],
];

describe('a corrupt journal at start', () => {
  it.concurrent.each(CORRUPT_JOURNAL)(
    '%s: refused with exit code 2, both files untouched',
    async (_name, data, journal, message) => {
      const dir = await mkdtemp(join(tmpdir(), 'scimsim-data-'));
      const file = join(dir, 'nordpass.json');
      if (data !== undefined) await writeFile(file, data);
      await writeFile(`${file}.journal`, journal);
      const before = await stat(`${file}.journal`);
      const { code, out } = await run(['serve', '--port', '0', '--data', file]);
      expect(out).not.toMatch(/\n\s+at /);
      expect(code, out).toBe(2);
      expect(out).toMatch(message);
      expect(await readFile(`${file}.journal`, 'utf8')).toBe(journal);
      expect((await stat(`${file}.journal`)).mtimeMs).toBe(before.mtimeMs);
      if (data !== undefined) expect(await readFile(file, 'utf8')).toBe(data);
      else await expect(stat(file)).rejects.toThrow(/ENOENT/);
    },
  );
});
