/** `npm run schema`: regenerates scenarios/scenario.schema.json from the zod schema. */
import { writeFile } from 'node:fs/promises';
import { scenarioJsonSchema } from '../simulator/scenario/json-schema.ts';

const target = new URL('../scenarios/scenario.schema.json', import.meta.url);
await writeFile(target, scenarioJsonSchema());
console.log(`wrote ${target.pathname}`);
