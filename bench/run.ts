/**
 * `npm run bench [-- --quick] [-- --only PATTERN]`: runs every item in bench/items, prints one table and writes
 * it to reports/bench.json. Exit code 1 when a target is missed or an item fails.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ITEMS } from './items/index.ts';
import { formatTable, runItems, summarise, type BenchContext } from './table.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string', default: 'reports/bench.json' },
  },
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const memos = new Map<string, Promise<unknown>>();
const ctx: BenchContext = {
  quick: values.quick!,
  root,
  memo: <T>(key: string, make: () => Promise<T>) => {
    if (!memos.has(key)) memos.set(key, make());
    return memos.get(key) as Promise<T>;
  },
  forget: (key) => void memos.delete(key),
  log: (message) => process.stderr.write(`${message}\n`),
};

const pattern = values.only ? new RegExp(values.only, 'i') : undefined;
const items = pattern ? ITEMS.filter((item) => pattern.test(item.name)) : ITEMS;
const machine = `Node ${process.version}, ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${platform()} ${release()}`;
const date = new Date().toISOString();

const began = performance.now();
const rows = await runItems(items, ctx);
const wallSeconds = (performance.now() - began) / 1000;

const summary = summarise(rows);
process.stdout.write(`${formatTable(rows, { quick: ctx.quick, machine, date, wallSeconds })}\n`);
const out = join(root, values.out!);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ date, quick: ctx.quick, machine, wallSeconds, summary, rows }, null, 2)}\n`);
process.stderr.write(`written to ${values.out}\n`);
process.exitCode = summary.exitCode;
