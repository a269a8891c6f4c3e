/** The --data journal (journal.ts): replay, torn lines, corrupt lines, compaction and a kill in the middle of one. */
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Clock } from '../../../simulator/clock.ts';
import { createNordPass, type NordPass } from '../../../simulator/nordpass/app.ts';
import { Journal, journalPath } from '../../../simulator/nordpass/journal.ts';
import { DataFileError, NordPassStore, readDataFile } from '../../../simulator/nordpass/store.ts';
import { Random } from '../../../simulator/random.ts';
import { watchJournals } from '../../helpers/journals.ts';

const DAY = 86_400_000;
const cleanup: string[] = [];
/** Every store a test opened: closed after it (one at a time: each close writes the snapshot), before its folder goes. */
const stores: NordPassStore[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const store of stores.splice(0)) await store.close().catch(() => undefined);
  for (const dir of cleanup.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'scimsim-journal-'));
  cleanup.push(dir);
  return join(dir, 'nordpass.json');
}

/** A NordPass over `file`, as serve would start it (saved clock, if any). */
async function open(file: string, start = '2026-01-01T09:00:00Z'): Promise<{ np: NordPass; clock: Clock }> {
  let clock: Clock | undefined;
  const store = await NordPassStore.openFile(file, () => clock?.now() ?? 0);
  stores.push(store);
  clock = new Clock(store.allMembers().length > 0 ? store.data.clockNow : Date.parse(start));
  const fresh = store.data.scimTokenSha256 === undefined;
  const np = createNordPass({
    clock,
    random: new Random(`j${store.allMembers().length}`),
    store,
    adminToken: 'admin-token',
    ...(fresh ? { scimToken: 'scim-token' } : {}),
  });
  await store.commit();
  return { np, clock };
}

/** Every kind of change, each committed on its own (one journal line each): members, outbox, groups, token, clock. */
async function work({ np, clock }: { np: NordPass; clock: Clock }): Promise<void> {
  const c = () => np.store.commit();
  const ada = np.members.create('ada@example.com', { userName: 'ada@example.com' }, 'scim');
  const bob = np.members.create('bob@example.com', { userName: 'bob@example.com' }, 'scim');
  await c();
  await clock.advance('2m'); // two invitation emails: outbox entries, and members changed by a timer
  await c();
  np.members.acceptInvitation(ada.id);
  np.members.updateAttributes(ada, 'ada.l@example.com', { userName: 'ada.l@example.com', displayName: 'Ada' }, 'scim');
  await c();
  np.members.softDelete(ada, 'scim'); // purge due in 30 days
  const group = np.groups.create({ displayName: 'Team', members: [{ value: ada.id }, { value: bob.id }] });
  const gone = np.groups.create({ displayName: 'Gone' });
  await c();
  np.groups.replace(group, { displayName: 'Team A', members: [{ value: bob.id }] });
  np.groups.delete(gone);
  np.credentials.rotate('new-scim-token');
  await c();
  await clock.advance('1d');
  await c();
}

const plain = (data: unknown) => JSON.parse(JSON.stringify(data));

describe('the --data journal', () => {
  it('holds every committed change: the snapshot with its lines replayed is the data in memory', async () => {
    const file = await tempFile();
    const served = await open(file);
    await work(served);
    const lines = (await readFile(journalPath(file), 'utf8')).trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(JSON.parse(await readFile(file, 'utf8')).members).toEqual([]); // the snapshot was not rewritten
    expect((await readDataFile(file)).data).toEqual(plain(served.np.store.data));

    // A restart replays, then compacts: the snapshot alone holds it all, the journal is empty.
    const again = await open(file);
    expect(plain(again.np.store.data)).toEqual(plain(served.np.store.data));
    expect((await stat(journalPath(file))).size).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(plain(served.np.store.data));
    expect(again.np.credentials.verify('new-scim-token')).toBe(true);
  });

  it('ignores a torn last line (a kill mid-append) and drops it at the next start', async () => {
    const file = await tempFile();
    const served = await open(file);
    await work(served);
    const expected = plain(served.np.store.data);
    await appendFile(journalPath(file), '{"clockNow":1767300000000,"members":[{"id":"x","userNa');
    expect((await readDataFile(file)).data).toEqual(expected);
    const again = await open(file);
    expect(again.np.store.memberById('x')).toBeUndefined();
    expect((await stat(journalPath(file))).size).toBe(0);
  });

  it.each([
    [
      'a torn line in the middle',
      (lines: string[]) => [...lines.slice(0, 2), lines[2]!.slice(0, 30), ...lines.slice(2)],
      /line 3 is not valid JSON/,
    ],
    ['an invalid complete last line', (lines: string[]) => [...lines, '{"clockNow":'], /is not valid JSON/],
    [
      'a record that is not an object',
      (lines: string[]) => [...lines, '[1,2]'],
      /is not a scimsim journal record: not an object/,
    ],
    [
      'a malformed member',
      (lines: string[]) => [...lines, '{"clockNow":1,"members":[{"id":"m1","userName":"x","status":"gone"}]}'],
      /members\[0\]: unknown status "gone"/,
    ],
    [
      'a gap in the outbox',
      (lines: string[]) => [...lines, '{"clockNow":1,"outboxFrom":99,"outbox":[]}'],
      /continues the outbox at 99/,
    ],
  ])('refuses %s, leaving both files untouched', async (_name, corrupt, message) => {
    const file = await tempFile();
    await work(await open(file));
    const lines = (await readFile(journalPath(file), 'utf8')).trimEnd().split('\n');
    const journal = `${corrupt(lines).join('\n')}\n`;
    await writeFile(journalPath(file), journal);
    const before = [await readFile(file), (await stat(file)).mtimeMs, (await stat(journalPath(file))).mtimeMs];
    const error = await NordPassStore.openFile(file, () => 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/left untouched/);
    expect(await readFile(journalPath(file), 'utf8')).toBe(journal);
    expect([await readFile(file), (await stat(file)).mtimeMs, (await stat(journalPath(file))).mtimeMs]).toEqual(before);
  });

  it('writes a changed member with only its new history events, and a restart rebuilds the whole history', async () => {
    const file = await tempFile();
    const served = await open(file);
    const { np } = served;
    const ada = np.members.create('ada@example.com', { userName: 'ada@example.com' }, 'scim');
    await np.store.commit();
    for (let i = 0; i < 50; i++) {
      np.members.updateAttributes(
        ada,
        'ada@example.com',
        { userName: 'ada@example.com', displayName: `Ada ${i}` },
        'scim',
      );
      await np.store.commit();
    }
    const lines = (await readFile(journalPath(file), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const created = lines.find((l) => l.members);
    expect(created.members.map((m: { id: string }) => m.id)).toEqual([ada.id]); // new: whole
    expect(lines.filter((l) => l.members)).toHaveLength(1);
    const last = lines.at(-1);
    expect(last.members).toBeUndefined();
    expect(last.updates).toHaveLength(1);
    expect(last.updates[0].historyFrom).toBe(ada.history.length - 1);
    expect(last.updates[0].member.history).toEqual([plain(ada.history.at(-1))]);
    expect(last.updates[0].member.attributes).toEqual({ userName: 'ada@example.com', displayName: 'Ada 49' });

    expect((await readDataFile(file)).data).toEqual(plain(np.store.data));
    const again = await open(file);
    expect(again.np.store.memberById(ada.id)!.history).toHaveLength(ada.history.length);
    // Replayed members keep their fields in place: the compacted snapshot is the data in memory, byte for byte.
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(np.store.data));
  });

  it.each([
    [
      'continues a history past its end (a line is missing)',
      999,
      /continues member .+'s history at 999 but the data holds \d+ events of it \(a line is missing\)/,
    ],
    [
      'updates a member the data does not hold',
      0,
      /continues member nobody's history at 0 but the data does not hold it/,
    ],
  ])('refuses an update that %s', async (_name, historyFrom, message) => {
    const file = await tempFile();
    const served = await open(file);
    await work(served);
    const member = plain(served.np.store.allMembers()[0]);
    if (historyFrom === 0) member.id = 'nobody';
    await appendFile(journalPath(file), `${JSON.stringify({ clockNow: 1, updates: [{ historyFrom, member }] })}\n`);
    await expect(NordPassStore.openFile(file, () => 0)).rejects.toThrow(message);
  });

  it('refuses a malformed update', async () => {
    const file = await tempFile();
    await work(await open(file));
    await appendFile(journalPath(file), '{"clockNow":1,"updates":[{"historyFrom":-1,"member":{}}]}\n');
    await expect(NordPassStore.openFile(file, () => 0)).rejects.toThrow(
      /updates\[0\]: historyFrom must be a whole number/,
    );
  });

  it("after a failed append, the next line carries that line's changes again and the file stays readable", async () => {
    const file = await tempFile();
    const served = await open(file);
    const { np, clock } = served;
    const ada = np.members.create('ada@example.com', { userName: 'ada@example.com' }, 'scim');
    await np.store.commit();
    // One append fails (a full disk): the request that waited for it gets the error; memory has the change.
    const append = vi
      .spyOn(Journal.prototype, 'append')
      .mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
    np.members.updateAttributes(ada, 'ada@example.com', { userName: 'ada@example.com', displayName: 'Ada' }, 'scim');
    np.credentials.rotate('rotated-token');
    await clock.advance('2m'); // the invitation email: an outbox entry
    await expect(np.store.commit()).rejects.toThrow(/ENOSPC/);
    expect(append).toHaveBeenCalledTimes(1);
    append.mockRestore();
    // The next commit writes what the failed one could not, continuing from what is really on disk.
    np.members.updateAttributes(ada, 'ada@example.com', { userName: 'ada@example.com', displayName: 'Ada L' }, 'scim');
    await np.store.commit();
    const onDisk = (await readDataFile(file)).data;
    expect(onDisk).toEqual(plain(np.store.data));
    expect(onDisk.outbox).toHaveLength(1);
    const again = await open(file);
    expect(again.np.store.memberById(ada.id)!.history).toHaveLength(ada.history.length);
    expect(again.np.credentials.verify('rotated-token')).toBe(true);
  });

  it('refuses a journal without its data file', async () => {
    const file = await tempFile();
    await writeFile(journalPath(file), '{"clockNow":1}\n');
    await expect(NordPassStore.openFile(file, () => 0)).rejects.toThrow(/has no data file/);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('replays lines the snapshot already holds without changing it (a kill between snapshot and truncate)', async () => {
    const file = await tempFile();
    const served = await open(file);
    await work(served);
    const journal = await readFile(journalPath(file), 'utf8');
    await served.np.store.flush(); // compaction: the snapshot is written, then the journal truncated
    expect((await stat(journalPath(file))).size).toBe(0);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(JSON.stringify(served.np.store.data)); // the snapshot made from kept member JSON, byte for byte
    const snapshot = JSON.parse(text);

    await writeFile(journalPath(file), journal); // as if killed before the truncate
    expect((await readDataFile(file)).data).toEqual(snapshot);
    const again = await open(file);
    expect(plain(again.np.store.data)).toEqual(snapshot);
    // ... and twice over, still the same
    await writeFile(journalPath(file), journal + journal);
    expect((await readDataFile(file)).data).toEqual(snapshot);

    // The purge a restart owes still fires at exactly soft delete + 30 days.
    const ada = again.np.store.liveMemberByUserName('ada.l@example.com')!;
    expect(ada.status).toBe('suspended');
    await again.clock.advanceTo(new Date(ada.softDeletedAt! + 30 * DAY).toISOString());
    expect(ada.status).toBe('deleted');
    expect(ada.deletedAt).toBe(ada.softDeletedAt! + 30 * DAY);
  });

  it('compacts once the journal outgrows its limit, and the state survives it', async () => {
    const file = await tempFile();
    const served = await open(file);
    const { np } = served;
    for (let i = 0; i < 2500; i++) {
      np.members.create(
        `user${i}@example.com`,
        { userName: `user${i}@example.com`, displayName: 'x'.repeat(300) },
        'scim',
      );
      await np.store.commit();
    }
    // ~1 MB of lines, then one compaction: the snapshot holds most members, the journal only the lines since.
    const snapshot = JSON.parse(await readFile(file, 'utf8')) as { members: unknown[] };
    expect(snapshot.members.length).toBeGreaterThan(1000);
    expect((await stat(journalPath(file))).size).toBeLessThan(1 << 20);
    expect((await readDataFile(file)).data).toEqual(plain(np.store.data));
    // members changed after the compaction come from new JSON, the others from the kept one
    np.members.setRole(np.store.allMembers()[5]!, 'admin', 'admin');
    await np.store.flush();
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(np.store.data));
  });

  it('closes the journal when a store fails to start after opening it (its first snapshot cannot be written)', async () => {
    const file = await tempFile();
    const journals = watchJournals();
    // steno writes the snapshot to .FILE.tmp, then renames it: a folder in the way fails that write.
    await mkdir(join(dirname(file), `.${basename(file)}.tmp`));
    await expect(NordPassStore.openFile(file, () => 0)).rejects.toThrow(/EISDIR/);
    expect(journals).toHaveLength(1);
    expect(journals[0]!.handle.fd).toBe(-1); // closed, not left for the garbage collector (DEP0137)
  });

  it('close() lets go of the journal also when its last commit fails, and waits for a write in flight', async () => {
    const file = await tempFile();
    const journals = watchJournals();
    const { np } = await open(file);
    const [journal] = journals;
    np.members.create('ada@example.com', { userName: 'ada@example.com' }, 'scim');
    const acknowledged = np.store.commit(); // on its way to disk while close() begins
    await np.store.close();
    await acknowledged;
    expect(journal!.handle.fd).toBe(-1);
    expect((await readDataFile(file)).data).toEqual(plain(np.store.data));

    const second = await open(file);
    const [, journal2] = journals;
    vi.spyOn(Journal.prototype, 'append').mockRejectedValue(new Error('ENOSPC: no space left on device'));
    second.np.members.create('bob@example.com', { userName: 'bob@example.com' }, 'scim');
    await expect(second.np.store.close()).rejects.toThrow(/ENOSPC/);
    expect(journal2!.handle.fd).toBe(-1);
  });

  it('leaves the in-memory store as it was: no file, no journal', async () => {
    const store = NordPassStore.inMemory(() => 0);
    await store.commit();
    await store.flush();
    // Nothing to make durable in memory: a commit settles at once and writes nothing.
    expect(store.writes).toBe(0);
  });
});
