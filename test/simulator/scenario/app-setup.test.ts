/** `provisioning.app`: NordPass's two setups in Entra, each with its mappings and group switch; `mappings` as the older spelling. */
import { describe, expect, it } from 'vitest';
import { MAPPING_PRESETS } from '../../../mock-azure/app/mappings.ts';
import { ScenarioFileError } from '../../../simulator/scenario/errors.ts';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { buildWorld } from '../../../simulator/scenario/world.ts';

const scenario = (provisioning: string) =>
  parseScenario(`name: Setup\n${provisioning}tenant: { users: { ada: {} } }\nsteps:\n  - assign: ada\n`, 'setup.yaml');

describe('provisioning.app', () => {
  it('nordpassGallery (the default): the three gallery attributes, no groups; nonGallery: the full set and groups on', () => {
    for (const [yaml, mappings, groups] of [
      ['', 'nordpass', false],
      ['provisioning: { app: nordpassGallery }\n', 'nordpass', false],
      ['provisioning: { app: nonGallery }\n', 'nonGallery', true],
      ['provisioning: { app: nonGallery, groupProvisioning: false }\n', 'nonGallery', false],
      ['provisioning: { mappings: nordpass }\n', 'nordpass', false],
      // The older spelling keeps the meaning it had: the full set, groups off.
      ['provisioning: { mappings: nonGallery }\n', 'nonGallery', false],
      ['provisioning: { mappings: nonGallery, groupProvisioning: true }\n', 'nonGallery', true],
    ] as const) {
      const { settings } = buildWorld(scenario(yaml)).azure.app;
      expect(settings.mappings, yaml).toBe(MAPPING_PRESETS[mappings]);
      expect(settings.groupProvisioning, yaml).toBe(groups);
    }
  });

  it('app and mappings together are refused, with the line and the field', () => {
    try {
      scenario('provisioning:\n  app: nonGallery\n  mappings: nonGallery\n');
      expect.unreachable('refused');
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioFileError);
      expect((error as ScenarioFileError).problems[0]).toMatchObject({
        file: 'setup.yaml',
        path: 'provisioning.mappings',
        message: 'give app or its older spelling mappings, not both',
      });
    }
  });

  it('configureProvisioning turns group provisioning off, making the provisioning job when there is none', async () => {
    const text = `name: Groups off
provisioning: { app: nonGallery }
tenant: { users: { ada: {} } }
steps:
  - configureProvisioning: { groupProvisioning: false }
  - assign: ada
  - getCredentials
  - testConnection
  - save
  - start
  - expect:
      members: { ada: pending }
      requests: [{ method: GET, path: /Groups, count: 0 }]
      job: { status: Active }
`;
    const result = await runScenario(parseScenario(text));
    expect(result.failure?.message ?? '').toBe('');
  });
});
