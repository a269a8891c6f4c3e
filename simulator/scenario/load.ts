/**
 * Reading a scenario file: YAML with positions, the zod schema, then the checks zod cannot do (names that
 * exist, time that only moves forward, limits). Every problem comes back with file, line and column.
 */
import { readFile, stat } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { parseDuration, parseInstant } from '../time.ts';
import { nearest, pathText, ScenarioFileError, type ScenarioProblem } from './errors.ts';
import { ScenarioHeader, STEP_NAMES, STEPS, type ScenarioHeaderData, type StepArgs, type StepName } from './schema.ts';

export const MAX_FILE_BYTES = 1_048_576;
export const DEFAULT_START = '2026-01-05T09:00:00Z';
export const DEFAULT_MAX_VIRTUAL_TIME = '3650d';
export const DEFAULT_MAX_STEPS = 10_000;

export interface ScenarioStep<N extends StepName = StepName> {
  index: number;
  name: N;
  args: StepArgs[N];
  note?: string;
  line: number;
}

export interface Scenario extends Omit<ScenarioHeaderData, 'steps'> {
  file: string;
  seed: string | number;
  start: string;
  steps: ScenarioStep[];
  /** Names declared under tenant.users and tenant.groups. */
  userNames: string[];
  groupNames: string[];
  /**
   * `--dialects both` made this copy with the aadOptscim062020 flag turned on: its `requests` checks of request
   * bodies describe the default dialect's words and are skipped; the comparison with the default run judges it.
   */
  dialectCopy?: boolean;
}

export async function loadScenarioFile(file: string): Promise<Scenario> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (e) {
    throw new ScenarioFileError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    ]);
  }
  if (size > MAX_FILE_BYTES) {
    throw new ScenarioFileError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `the file is ${size} bytes; scenario files are limited to ${MAX_FILE_BYTES}`,
        hint: 'use tenant.generate for large tenants instead of listing users',
      },
    ]);
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    // A folder named *.yaml (or a file that vanished since stat) used to escape as a raw EISDIR with a stack trace.
    throw new ScenarioFileError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      },
    ]);
  }
  return parseScenario(text, file);
}

/** Parses and checks a scenario's text; throws ScenarioFileError listing every problem found. */
export function parseScenario(text: string, file = '<scenario>'): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const pos = lines.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    throw new ScenarioFileError(
      doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new ScenarioFileError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `YAML: ${(e as Error).message}`,
        hint: 'aliases (*name) may be used at most 100 times',
      },
    ]);
  }
  const problems: ScenarioProblem[] = [];
  const report = (path: Array<string | number>, message: string, hint?: string, key?: string) =>
    problems.push({
      file,
      ...at(offsetOf(doc, path, key)),
      path: pathText(key ? [...path, key] : path),
      message,
      ...(hint ? { hint } : {}),
    });

  const header = ScenarioHeader.safeParse(data);
  if (!header.success) {
    addZodIssues(header.error.issues, [], report);
    if (!data || typeof data !== 'object' || !Array.isArray((data as { steps?: unknown }).steps))
      throw new ScenarioFileError(problems);
  }
  const raw = data as ScenarioHeaderData;
  const steps: ScenarioStep[] = [];
  const rawSteps = Array.isArray(raw.steps) ? raw.steps : [];
  rawSteps.forEach((rawStep, index) => {
    const step = readStep(rawStep, index, report);
    if (step) steps.push({ ...step, line: at(offsetOf(doc, ['steps', index])).line });
  });
  if (problems.length === 0) checkMeaning(raw, steps, report);
  if (problems.length > 0) throw new ScenarioFileError(problems);
  const tenant = raw.tenant ?? {};
  return {
    ...raw,
    file,
    seed: raw.seed ?? file.replace(/^.*[\\/]/, ''),
    start: raw.start ?? DEFAULT_START,
    steps,
    userNames: Object.keys(tenant.users ?? {}),
    groupNames: Object.keys(tenant.groups ?? {}),
  };
}

type Report = (path: Array<string | number>, message: string, hint?: string, key?: string) => void;

function readStep(raw: unknown, index: number, report: Report): Omit<ScenarioStep, 'line'> | undefined {
  const path = ['steps', index];
  let name: string;
  let args: unknown = null;
  let note: string | undefined;
  if (typeof raw === 'string') {
    name = raw;
  } else if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const { note: n, ...rest } = raw as Record<string, unknown>;
    const keys = Object.keys(rest);
    if (n !== undefined && typeof n !== 'string') report([...path, 'note'], 'note must be text');
    note = typeof n === 'string' ? n : undefined;
    if (keys.length !== 1) {
      report(
        path,
        keys.length === 0
          ? 'a step needs a name, e.g. "- advance: 40m"'
          : `a step has one name, found ${keys.length}: ${keys.join(', ')}`,
        'write each step as its own list item',
      );
      return undefined;
    }
    name = keys[0]!;
    args = rest[name];
  } else {
    report(path, 'a step is a name ("- start") or a name with its argument ("- advance: 40m")');
    return undefined;
  }
  if (!(STEP_NAMES as string[]).includes(name)) {
    const close = nearest(name, STEP_NAMES);
    report(
      path,
      `unknown step "${name}"`,
      close.length ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : `steps are: ${STEP_NAMES.join(', ')}`,
      typeof raw === 'string' ? undefined : name,
    );
    return undefined;
  }
  const schema = STEPS[name as StepName] as z.ZodType;
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    addZodIssues(
      parsed.error.issues,
      typeof raw === 'string' ? path : [...path, name],
      report,
      `${name}: ${(STEPS[name as StepName] as z.ZodType).description ?? ''}`,
    );
    return undefined;
  }
  return {
    index,
    name: name as StepName,
    args: parsed.data as StepArgs[StepName],
    ...(note !== undefined ? { note } : {}),
  };
}

function addZodIssues(issues: z.core.$ZodIssue[], base: Array<string | number>, report: Report, hint?: string): void {
  for (const issue of issues) {
    const path = [...base, ...(issue.path as Array<string | number>)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) report(path, `unknown field "${key}"`, undefined, key);
    } else if (issue.code === 'invalid_union') {
      report(path, unionMessage(issue), hint);
    } else {
      report(path, issue.message.replace(/^Invalid input: /, ''), hint);
    }
  }
}

function unionMessage(issue: z.core.$ZodIssue & { code: 'invalid_union' }): string {
  const firsts = issue.errors
    .map((list) => list[0])
    .filter(Boolean)
    .map((e) => e!.message.replace(/^Invalid input: /, ''));
  return firsts.length ? `not a valid value: ${[...new Set(firsts)].join('; or ')}` : 'not a valid value';
}

/** Checks zod cannot make: every name exists, advanceTo never goes back, limits hold. */
function checkMeaning(raw: ScenarioHeaderData, steps: ScenarioStep[], report: Report): void {
  const tenant = raw.tenant ?? {};
  const users = Object.keys(tenant.users ?? {});
  const groups = Object.keys(tenant.groups ?? {});
  const generatedGroup = typeof tenant.generate === 'object' ? tenant.generate.group : undefined;
  if (generatedGroup) groups.push(generatedGroup);
  const checkRef = (path: Array<string | number>, name: unknown, kinds: 'any' | 'user' | 'group' = 'any') => {
    if (typeof name !== 'string') return;
    const pool = kinds === 'user' ? users : kinds === 'group' ? groups : [...users, ...groups];
    if (!pool.includes(name)) {
      const close = nearest(name, pool);
      report(
        path,
        `"${name}" is not a ${kinds === 'any' ? 'user or group' : kinds} of the tenant`,
        close.length
          ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}?`
          : `declare it under tenant.${kinds === 'group' ? 'groups' : 'users'}`,
      );
    }
  };
  const refs = (path: Array<string | number>, value: unknown, kinds: 'any' | 'user' | 'group' = 'any') => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        checkRef([...path, i], v, kinds);
      });
    } else checkRef(path, value, kinds);
  };
  for (const [name, group] of Object.entries(tenant.groups ?? {}))
    refs(['tenant', 'groups', name, 'members'], group.members ?? []);
  for (const [name, user] of Object.entries(tenant.users ?? {})) {
    if (user?.manager === undefined) continue;
    checkRef(['tenant', 'users', name, 'manager'], user.manager, 'user');
    if (user.manager === name) report(['tenant', 'users', name, 'manager'], 'a user cannot be their own manager');
  }
  const start = parseInstant(raw.start ?? DEFAULT_START);
  const maxVirtualText = raw.limits?.maxVirtualTime ?? DEFAULT_MAX_VIRTUAL_TIME;
  const maxVirtual = parseDuration(maxVirtualText);
  const maxSteps = raw.limits?.maxSteps ?? DEFAULT_MAX_STEPS;
  if (steps.length > maxSteps)
    report(['steps'], `${steps.length} steps; the limit is ${maxSteps}`, 'raise limits.maxSteps if this is intended');
  let now = start;
  for (const step of steps) {
    const path = ['steps', step.index, step.name];
    // The step name decides the shape of its arguments; zod has already checked them.
    const a = step.args;
    switch (step.name) {
      case 'assign':
      case 'unassign': {
        const arg = a as StepArgs['assign'];
        if (typeof arg === 'object' && !Array.isArray(arg)) refs([...path, 'principals'], arg.principals);
        else refs(path, arg);
        break;
      }
      case 'deleteUser':
      case 'restoreUser':
      case 'deletePermanently':
      case 'blockSignIn':
      case 'unblockSignIn':
        refs(path, a, 'user');
        break;
      // Names, or one member with who acts or whether it is refused: the user is checked either way.
      case 'restoreMember':
      case 'deleteMember':
      case 'suspendMember':
      case 'activateMember':
      case 'acceptInvitation':
      case 'provisionOnDemand': {
        const arg = a as StepArgs['acceptInvitation' | 'provisionOnDemand' | 'deleteMember'];
        if (typeof arg === 'object' && !Array.isArray(arg) && arg !== null)
          checkRef([...path, 'user'], arg.user, 'user');
        else refs(path, arg, 'user');
        break;
      }
      case 'createUser':
      case 'createGroup': {
        const arg = a as StepArgs['createUser' | 'createGroup'];
        if (users.includes(arg.name) || groups.includes(arg.name))
          report([...path, 'name'], `"${arg.name}" already names a user or group of the tenant`, 'choose another name');
        else (step.name === 'createUser' ? users : groups).push(arg.name);
        if (step.name === 'createGroup') refs([...path, 'members'], (arg as StepArgs['createGroup']).members ?? []);
        break;
      }
      case 'editGroup':
        checkRef([...path, 'group'], (a as StepArgs['editGroup']).group, 'group');
        break;
      case 'deleteGroup':
        refs(path, a, 'group');
        break;
      case 'editUser':
      case 'setRole':
        checkRef([...path, 'user'], (a as StepArgs['editUser' | 'setRole']).user, 'user');
        break;
      case 'setManager': {
        const arg = a as StepArgs['setManager'];
        checkRef([...path, 'user'], arg.user, 'user');
        checkRef([...path, 'manager'], arg.manager, 'user');
        if (arg.user === arg.manager) report([...path, 'manager'], 'a user cannot be their own manager');
        break;
      }
      case 'removeManager':
        refs(path, a, 'user');
        break;
      case 'addToGroup':
      case 'removeFromGroup': {
        const arg = a as StepArgs['addToGroup' | 'removeFromGroup'];
        checkRef([...path, 'group'], arg.group, 'group');
        refs([...path, 'members'], arg.members);
        break;
      }
      case 'advance':
        now += parseDuration(a as StepArgs['advance']);
        break;
      case 'advanceTo': {
        const at = a as StepArgs['advanceTo'];
        const to = parseInstant(at);
        if (to < now)
          report(
            path,
            `${at} is before the scenario's time at this step (${new Date(now).toISOString()}); time only moves forward`,
          );
        now = Math.max(now, to);
        break;
      }
      case 'expect': {
        const e = step.args as StepArgs['expect'];
        for (const name of Object.keys(e.members ?? {})) checkRef([...path, 'members', name], name, 'user');
        for (const name of Object.keys(e.roles ?? {})) checkRef([...path, 'roles', name], name, 'user');
        for (const [name, manager] of Object.entries(e.managers ?? {})) {
          checkRef([...path, 'managers', name], name, 'user');
          if (manager !== null) checkRef([...path, 'managers', name], manager, 'user');
        }
        e.timing?.forEach((t, i) => {
          checkRef([...path, 'timing', i, 'user'], t.user, 'user');
          if ((t.by === undefined) === (t.within === undefined))
            report([...path, 'timing', i], 'give exactly one of "by" (exact) or "within" (at most)');
        });
        e.outbox?.forEach((o, i) => {
          checkRef([...path, 'outbox', i, 'to'], o.to, 'user');
        });
        e.logs?.forEach((l, i) => {
          checkRef([...path, 'logs', i, 'user'], l.user, 'user');
        });
        for (const key of ['active', 'deleted', 'permanentlyDeleted'] as const)
          refs([...path, 'directory', key], e.directory?.[key], 'user');
        break;
      }
    }
    if (now - start > maxVirtual) {
      report(
        path,
        `the scenario would run ${Math.round((now - start) / 86_400_000)} days of virtual time; the limit is ${maxVirtualText}`,
        'raise limits.maxVirtualTime if this is intended',
      );
      return;
    }
  }
}

/** Where a path points in the YAML text (the key itself for an unknown field). */
function offsetOf(doc: Document, path: Array<string | number>, key?: string): number {
  let node: unknown = doc.contents;
  let best = (node as Node | null)?.range?.[0] ?? 0;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === part);
      if (!pair) break;
      best = (pair.key as Node).range?.[0] ?? best;
      node = pair.value;
      if ((node as Node | null)?.range) best = (node as Node).range![0];
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      if ((node as Node | null)?.range) best = (node as Node).range![0];
      else break;
    } else break;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
    if (pair && (pair.key as Node).range) return (pair.key as Node).range![0];
  }
  return best;
}
