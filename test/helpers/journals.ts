/** Watching the data file's journal from a test: every Journal opened from now on (restore with vi.restoreAllMocks). */
import { vi } from 'vitest';
import { Journal } from '../../simulator/nordpass/journal.ts';

/** The journals opened from now on, to check their file handle is closed afterwards (a closed FileHandle's fd is -1). */
export function watchJournals(): Journal[] {
  const opened: Journal[] = [];
  const openJournal = Journal.open.bind(Journal);
  vi.spyOn(Journal, 'open').mockImplementation(async (path) => {
    const journal = await openJournal(path);
    opened.push(journal);
    return journal;
  });
  return opened;
}
