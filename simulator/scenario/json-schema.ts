/** The JSON Schema of the scenario format, generated from the zod schema (committed as scenarios/scenario.schema.json). */
import { z } from 'zod';
import { ScenarioFile } from './schema.ts';

export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(ScenarioFile, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return `${JSON.stringify({ ...schema, $id: 'https://scimsim.local/scenario.schema.json', title: 'scimsim scenario' }, null, 2)}\n`;
}
