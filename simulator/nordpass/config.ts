/** NordPass settings. Defaults follow the seed guide; what the public record leaves open is a setting here. */
import { parseDuration } from '../time.ts';

export interface NordPassSettings {
  /** How long a soft-deleted member can be restored before the purge (seed: 30 days). */
  softDeleteWindowMs: number;
  /** Delay between a SCIM create and the invitation email ("within a few minutes", seed step 16). */
  invitationDelayMs: number;
  /** Seats in the licence; pending members over it cannot join. Unlimited when undefined. */
  seatLimit: number | undefined;
  /** NordPass Enterprise's group provisioning; off as in the seed guide. */
  groupProvisioning: boolean;
  /** Status of a successful PATCH without `attributes`: 200 with the resource, or 204 (what Microsoft's collection expects). */
  patchSuccessStatus: 200 | 204;
  /** Largest request body accepted, in bytes (413 above). */
  maxBodyBytes: number;
  /** Largest page a list returns (advertised as filter.maxResults). */
  maxResults: number;
  /** Longest filter accepted, in characters. */
  maxFilterLength: number;
}

/** What a scenario or the CLI may set: durations may be written as text (`30d`). */
export type NordPassSettingsInput = Partial<
  Omit<NordPassSettings, 'softDeleteWindowMs' | 'invitationDelayMs'> & {
    softDeleteWindow: string | number;
    invitationDelay: string | number;
  }
>;

export const DEFAULT_SETTINGS: NordPassSettings = {
  softDeleteWindowMs: 30 * 86_400_000,
  invitationDelayMs: 2 * 60_000,
  seatLimit: undefined,
  groupProvisioning: false,
  patchSuccessStatus: 200,
  maxBodyBytes: 1_048_576,
  maxResults: 1_000,
  maxFilterLength: 10_000,
};

/**
 * The longest string a SCIM attribute may hold, in characters (400 invalidValue above). Limits agree with each
 * other: whatever a POST accepts can be looked up the way every IdP looks first, `userName eq "<value>"`, so the
 * shortest filter limit a world may have is that lookup with every character escaped.
 */
export const MAX_VALUE_LENGTH = 4_096;
export const MIN_FILTER_LENGTH = 2 * MAX_VALUE_LENGTH + 64;

/** The longest soft-delete window or invitation delay a world may have: ten years (longer would let a deadline fall past the clock's range). */
export const MAX_SETTING_DURATION_MS = 3_650 * 86_400_000;

export function resolveSettings(input: NordPassSettingsInput = {}): NordPassSettings {
  for (const [name, value] of [
    ['softDeleteWindow', input.softDeleteWindow],
    ['invitationDelay', input.invitationDelay],
  ] as const)
    if (value !== undefined && parseDuration(value) > MAX_SETTING_DURATION_MS)
      throw new RangeError(`${name} ${value} is longer than ten years (3650d), the longest a world may have`);
  if (input.maxFilterLength !== undefined && input.maxFilterLength < MIN_FILTER_LENGTH)
    throw new RangeError(
      `maxFilterLength ${input.maxFilterLength} is below ${MIN_FILTER_LENGTH}: a userName of ${MAX_VALUE_LENGTH} characters (the longest a SCIM value may be) could be created but not found with userName eq`,
    );
  const { softDeleteWindow, invitationDelay, ...rest } = input;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return {
    ...DEFAULT_SETTINGS,
    ...defined,
    ...(softDeleteWindow !== undefined ? { softDeleteWindowMs: parseDuration(softDeleteWindow) } : {}),
    ...(invitationDelay !== undefined ? { invitationDelayMs: parseDuration(invitationDelay) } : {}),
  };
}
