/** Problems in a scenario file, each with file, line, column, the field path, what was expected and a hint. */

export interface ScenarioProblem {
  file: string;
  line: number;
  column: number;
  /** The field, e.g. `steps[3].assign` or `tenant.users.ada.userPrincipalName`. */
  path: string;
  message: string;
  hint?: string;
}

/** One or more problems that stop a file from running; the message lists them all. */
export class ScenarioFileError extends Error {
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioFileError';
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}${p.hint ? `\n    hint: ${p.hint}` : ''}`;
}

export function pathText(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

/** The closest candidates to a misspelt name (edit distance), for "did you mean" hints. */
export function nearest(word: string, candidates: readonly string[], max = 3): string[] {
  const scored = candidates.map((c) => ({ c, d: distance(word.toLowerCase(), c.toLowerCase()) }));
  const limit = Math.max(2, Math.floor(word.length / 2));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((s) => s.c);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
