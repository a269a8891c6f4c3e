/** What the SCIM routes need from the rest of NordPass. */
import type { NordPassSettings } from '../config.ts';
import type { Groups } from '../groups.ts';
import type { Members } from '../members.ts';
import type { NordPassStore } from '../store.ts';
import type { VariantChoices } from '../../variants.ts';

export interface ScimDeps {
  members: Members;
  groups: Groups;
  store: NordPassStore;
  settings: NordPassSettings;
  variants: VariantChoices;
  /** The tenant URL (`http://host:port/scim/v2`), for `meta.location` and `Location`. */
  baseUrl: () => string;
}
