/**
 * One writer per data file. Opening a data file takes `<file>.lock`, which names the process holding it; a
 * second server on the same file is refused at start (two servers wrote one file and created the same userName
 * twice). A lock whose process is gone (a server killed with SIGKILL) is taken over, so a crash never blocks
 * the next start. Within one process the lock is shared (tests reopen a file to play a restart after a kill).
 */
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { DataFileError } from './model.ts';

/** Locks this process holds, with how many stores hold each. */
const heldHere = new Map<string, number>();

export const lockPath = (file: string) => `${file}.lock`;

/** Takes the lock, or says who holds it; resolves to what lets it go. */
export async function takeLock(file: string): Promise<() => Promise<void>> {
  const path = lockPath(file);
  const release = async () => {
    const count = (heldHere.get(path) ?? 1) - 1;
    if (count > 0) return void heldHere.set(path, count);
    heldHere.delete(path);
    await unlink(path).catch(() => undefined);
  };
  const held = heldHere.get(path);
  if (held !== undefined) {
    heldHere.set(path, held + 1);
    return release;
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n${hostname()}\n`);
      await handle.close();
      heldHere.set(path, 1);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await readHolder(path);
    if (holder && holder.host === hostname() && holder.pid !== process.pid && alive(holder.pid))
      throw new DataFileError(
        `data file ${file} is in use by another scimsim (process ${holder.pid}); stop it, or give this one another --data file`,
      );
    // Left by a process that is gone, or by an earlier process that had this one's id: taken over. (One written on
    // another host cannot be checked and is taken over too: a killed container must not block the next.)
    await unlink(path).catch(() => undefined);
  }
  throw new DataFileError(`data file ${file}: could not take ${path} (another scimsim starting at the same time?)`);
}

async function readHolder(path: string): Promise<{ pid: number; host: string } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  const [pid, host] = (text ?? '').split('\n');
  return pid && /^\d+$/.test(pid) ? { pid: Number(pid), host: host ?? '' } : undefined;
}

/** Whether a process with this id runs (signal 0 only checks; EPERM means it runs as someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
