/** `scimsim variants`: the catalogue of behaviours no public source settles, with their alternatives and defaults. */
import { parseOrExplain } from './args.ts';
import { VARIANT_NAMES, VARIANTS } from '../variants.ts';

export function variantsCommand(argv: string[]): number {
  const { values } = parseOrExplain(argv, { json: { type: 'boolean', default: false } });
  const out = process.stdout;
  if (values.json) {
    out.write(`${JSON.stringify(VARIANTS, null, 2)}\n`);
    return 0;
  }
  for (const name of VARIANT_NAMES) {
    const v = VARIANTS[name];
    out.write(`${name} (${v.side === 'entra' ? 'Entra' : 'NordPass'})\n  ${v.question}\n`);
    for (const [alternative, { does }] of Object.entries(v.alternatives))
      out.write(`  ${alternative === v.default ? '*' : ' '} ${alternative}: ${does}\n`);
    out.write(`  default ${v.default}: ${v.reason}\n`);
    for (const source of v.sources) out.write(`    - ${source}\n`);
    out.write('\n');
  }
  out.write(
    `${VARIANT_NAMES.length} variants; * marks the default. Pin one in a scenario (variants: {name: alternative}), set one for a run (--variant name=alternative), or replay every scenario under each (scimsim run --variants all).\n`,
  );
  return 0;
}
