/** DESIGN.md's dependency rules, read from the imports: a change that breaks one fails here. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|mjs)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every module a file imports: relative ones resolved to repo paths, packages by name; type-only imports marked. */
function importsOf(file: string): Array<{ target: string; typeOnly: boolean }> {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: Array<{ target: string; typeOnly: boolean }> = [];
  for (const m of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm,
  )) {
    const spec = m[3] ?? m[4]!;
    const target = spec.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), spec)) : spec;
    found.push({ target, typeOnly: m[2] !== undefined });
  }
  return found;
}

const ALL = [...sources('simulator'), ...sources('mock-azure')];

describe('dependency rules (DESIGN.md)', () => {
  it('reads the imports it checks', () => {
    expect(ALL.length).toBeGreaterThan(50);
    expect(importsOf('mock-azure/tenant.ts').map((i) => i.target)).toContain('mock-azure/provisioning/engine.ts');
  });

  it('mock-azure/ never imports simulator/nordpass/: it reaches NordPass only over SCIM', () => {
    const broken = ALL.filter((f) => f.startsWith('mock-azure/')).flatMap((f) =>
      importsOf(f)
        .filter((i) => i.target.startsWith('simulator/nordpass'))
        .map((i) => `${f} -> ${i.target}`),
    );
    expect(broken).toEqual([]);
  });

  it('mock-azure/ may use the shared clock, time, random source and JSON body reader from simulator/, nothing else', () => {
    const allowed = new Set([
      'simulator/clock.ts',
      'simulator/time.ts',
      'simulator/random.ts',
      'simulator/json-body.ts',
      'simulator/variants.ts',
    ]);
    const broken = ALL.filter((f) => f.startsWith('mock-azure/')).flatMap((f) =>
      importsOf(f)
        .filter((i) => i.target.startsWith('simulator/') && !allowed.has(i.target))
        .map((i) => `${f} -> ${i.target}`),
    );
    expect(broken).toEqual([]);
  });

  it('members.ts knows nothing of HTTP or storage formats', () => {
    const bad = importsOf('simulator/nordpass/members.ts').filter(
      (i) =>
        ['hono', 'lowdb', 'node:fs', 'node:http'].some((p) => i.target.startsWith(p)) ||
        i.target.includes('/scim/') ||
        (i.target.endsWith('store.ts') && !i.typeOnly),
    );
    expect(bad).toEqual([]);
  });

  // The composition roots, as the README's Layout lists them: world.ts builds a world, serve/ mounts both sides'
  // HTTP faces on one port, scenario/ is the harness whose steps act on both sides. Nothing else in simulator/
  // (the command line included) reaches into mock-azure/.
  const COMPOSITION_ROOTS = ['simulator/world.ts', 'simulator/serve/', 'simulator/scenario/'];
  it('only the composition roots know both sides', () => {
    const bothAllowed = (f: string) =>
      COMPOSITION_ROOTS.some((root) => f === root || (root.endsWith('/') && f.startsWith(root)));
    const broken = ALL.filter((f) => f.startsWith('simulator/') && !bothAllowed(f)).flatMap((f) =>
      importsOf(f)
        .filter((i) => i.target.startsWith('mock-azure/'))
        .map((i) => `${f} -> ${i.target}`),
    );
    expect(broken).toEqual([]);
  });

  it('the world is built in one place: nothing else in simulator/ or bench/ calls createNordPass and createAzure both', () => {
    const both = [...ALL, ...sources('bench')].filter((f) => {
      if (f === 'simulator/world.ts') return false;
      const text = readFileSync(join(ROOT, f), 'utf8');
      return /createNordPass\(/.test(text) && /createAzure\(/.test(text);
    });
    expect(both).toEqual([]);
  });

  it("reporters read a run's result and never run anything", () => {
    // The run record (scenario/result.ts) is all they may import: its types and the state lists it re-exports.
    const broken = ALL.filter((f) => f.startsWith('simulator/report/')).flatMap((f) =>
      importsOf(f)
        .filter(
          (i) =>
            (i.target.startsWith('simulator/') &&
              !i.target.startsWith('simulator/report/') &&
              i.target !== 'simulator/scenario/result.ts') ||
            i.target.startsWith('mock-azure/'),
        )
        .map((i) => `${f} -> ${i.target}`),
    );
    expect(broken).toEqual([]);
  });

  it('the run record holds data and vocabulary only: at run time it loads nothing but the member states', () => {
    const loaded = (f: string) =>
      importsOf(f)
        .filter((i) => !i.typeOnly)
        .map((i) => i.target);
    expect(loaded('simulator/scenario/result.ts')).toEqual(['simulator/nordpass/member-states.ts']);
    expect(loaded('simulator/nordpass/member-states.ts')).toEqual([]);
  });

  it('domain code never reads the wall clock or Math.random', () => {
    // Adapters that face the real world may: serve mode's wall-clock start and --realtime, the run's wall-clock start
    // (in process and --served).
    const adapters = new Set([
      'simulator/serve/server.ts',
      // A made TLS certificate is valid from the wall clock's day (a client checks it against its own clock).
      'simulator/cli/cli.ts',
      'simulator/scenario/suite.ts',
      'simulator/serve/run-served.ts',
    ]);
    const broken = ALL.filter((f) => !adapters.has(f) && f.endsWith('.ts')).filter((f) =>
      /Date\.now\(\)|new Date\(\)|Math\.random\(\)|\bsetTimeout\(/.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(broken).toEqual([]);
  });
});
