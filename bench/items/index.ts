/** Every item, in the order the table shows them (the order). A new item: a file here, a line below. */
import checkItems from './check.ts';
import consoleItems from './console.ts';
import cycleDuration from './cycle-duration.ts';
import httpLoad from './http-load.ts';
import mappings from './mappings.ts';
import massPurge from './mass-purge.ts';
import persistence from './persistence.ts';
import provisioning from './provisioning.ts';
import quietYear from './quiet-year.ts';
import scenarios from './scenarios.ts';
import scimInProcess from './scim-in-process.ts';
import type { BenchItem } from '../table.ts';

export const ITEMS: BenchItem[] = [
  ...scimInProcess,
  ...provisioning,
  ...quietYear,
  ...massPurge,
  ...httpLoad,
  ...persistence,
  ...scenarios,
  ...consoleItems,
  ...checkItems,
  ...cycleDuration,
  ...mappings,
];
