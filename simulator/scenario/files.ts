/** Finding scenario files: paths given on the command line (files or folders), in a stable order. */
import type { Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export class ScenarioPathError extends Error {}

/** Expands files and folders into the *.yaml / *.yml files they hold, sorted by path. */
export async function findScenarioFiles(paths: string[], cwd = process.cwd()): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    let info: Stats;
    try {
      info = await stat(p);
    } catch {
      throw new ScenarioPathError(`no such file or folder: ${p}`);
    }
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.ya?ml$/i.test(n)).sort();
      out.push(...names.map((n) => join(p, n)));
    } else {
      out.push(p);
    }
  }
  return [...new Set(out.map((f) => relative(cwd, f) || f))];
}
