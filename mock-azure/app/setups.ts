/**
 * The two ways NordPass is set up as an enterprise app in Entra, each with the mappings and the group switch it
 * really has:
 * - `nordpassGallery`: the NordPass gallery app of the seed guide (Settings > User provisioning): three
 *   attributes (userName, active, externalId), and no group provisioning.
 * - `nonGallery`: NordPass's current guide, "Create your own application" and "leave the rest of the settings as
 *   is" (support.nordpass.com/hc/en-us/articles/8916899484817): the non-gallery SCIM template's full attribute set,
 *   and "Provision Microsoft Entra ID Groups" on, which NordPass tells admins to turn off unless they use group
 *   provisioning.
 * Custom mappings (issue #19) override a setup's defaults.
 */
import type { MappingPreset } from './mappings.ts';

export const APP_SETUPS = {
  nordpassGallery: { mappings: 'nordpass', groupProvisioning: false },
  nonGallery: { mappings: 'nonGallery', groupProvisioning: true },
} as const satisfies Record<string, { mappings: MappingPreset; groupProvisioning: boolean }>;

export type AppSetup = keyof typeof APP_SETUPS;
export const APP_SETUP_NAMES = Object.keys(APP_SETUPS) as AppSetup[];
