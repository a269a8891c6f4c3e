/**
 * Attribute mappings: which directory attribute feeds which SCIM attribute. NordPass's gallery app maps three
 * (research/nordpass.md); the non-gallery "create your own application" template maps the full set.
 */
import type { DirectoryUser } from '../directory/directory.ts';
import { type EvaluationContext, evaluateExpression } from './expressions/evaluate.ts';
import type { Expr } from './expressions/parse.ts';
import { type AppRole, RoleList, sentRoles } from './app-roles.ts';
import { sameSetting } from './same-setting.ts';

/**
 * One attribute mapping, of the portal's mapping types (customize-application-attributes): Direct (`source`, a
 * directory attribute, or `IsSoftDeleted` for `active`), Constant (`constant`) or Expression (`expression`, in
 * Microsoft's language: expressions/). Exactly one of the three.
 */
export interface AttributeMapping {
  source?: keyof DirectoryUser | 'IsSoftDeleted' | 'originalUserPrincipalName' | 'manager';
  constant?: string;
  /** The expression as read (parse.ts); its text is formatExpression(expression). */
  expression?: Expr;
  /** "Default value if null": used when the source gives nothing, on creation only. */
  defaultValue?: string;
  /** The SCIM target path. */
  target: string;
  /** Matching attributes are queried (in precedence order) before a create. */
  matchingPrecedence?: number;
  /** "Apply this mapping": always, or only during creation. */
  apply?: 'always' | 'creation';
}

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** The NordPass gallery app's defaults: userName (matching), active, externalId. */
export const NORDPASS_MAPPINGS: AttributeMapping[] = [
  { source: 'userPrincipalName', target: 'userName', matchingPrecedence: 1 },
  { source: 'IsSoftDeleted', target: 'active' },
  { source: 'mailNickname', target: 'externalId' },
];

/** The non-gallery SCIM template (research/entra.md §3.3), for the "full set" option. */
export const NON_GALLERY_MAPPINGS: AttributeMapping[] = [
  { source: 'userPrincipalName', target: 'userName', matchingPrecedence: 1 },
  { source: 'IsSoftDeleted', target: 'active' },
  { source: 'displayName', target: 'displayName' },
  { source: 'jobTitle', target: 'title' },
  { source: 'mail', target: 'emails[type eq "work"].value' },
  { source: 'mailNickname', target: 'externalId' },
  { source: 'givenName', target: 'name.givenName' },
  { source: 'surname', target: 'name.familyName' },
  { source: 'telephoneNumber', target: 'phoneNumbers[type eq "work"].value' },
  { source: 'mobilePhone', target: 'phoneNumbers[type eq "mobile"].value' },
  { source: 'department', target: `${ENTERPRISE}:department` },
  { source: 'employeeId', target: `${ENTERPRISE}:employeeNumber` },
  { source: 'manager', target: `${ENTERPRISE}:manager` },
];

/**
 * Whether a mapping is a reference (the manager): its value is another user's id in the app, known only once that
 * user is provisioned, so it is resolved after the cycle's users are exported (provisioning/references.ts).
 */
export const isReference = (m: AttributeMapping) => m.source === 'manager';

/** The one target a reference maps to: the enterprise extension's manager. */
export const MANAGER_TARGET = `${ENTERPRISE}:manager`;

/** Why a mapping cannot be: a reference to another target than the manager's (undefined when it can). */
export function mappingProblem(m: AttributeMapping): string | undefined {
  if (isReference(m) && m.target.toLowerCase() !== MANAGER_TARGET.toLowerCase())
    return `manager is a reference to another user and maps only to ${MANAGER_TARGET}`;
  return undefined;
}

/** The directory attributes a mapping can read: those the presets map (and `IsSoftDeleted`, for `active`). */
export const SOURCE_ATTRIBUTES: ReadonlySet<NonNullable<AttributeMapping['source']>> = new Set([
  ...[...NORDPASS_MAPPINGS, ...NON_GALLERY_MAPPINGS].flatMap((m) => (m.source ? [m.source] : [])),
  'originalUserPrincipalName' as const,
]);

/**
 * What an expression can read besides those: `[appRoleAssignments]`, the user's app roles, which "shouldn't be
 * mapped directly to a role attribute without using an expression" (customize-application-attributes).
 */
export const EXPRESSION_ATTRIBUTES: ReadonlySet<string> = new Set([...SOURCE_ATTRIBUTES, 'appRoleAssignments']);

/**
 * A B2B guest's userPrincipalName as provisioning reads it: "alias_theirdomain#EXT#@yourdomain" is read as
 * "alias@theirdomain": "the #EXT# and your domain is stripped from the userPrincipalName, so only their original
 * alias@theirdomain is used for matching or provisioning"; `originalUserPrincipalName` is the whole one
 * (how-provisioning-works, B2B (guest) users). A member's UPN is read as it is.
 */
export function provisioningUpn(upn: string): string {
  const ext = upn.indexOf('#EXT#@');
  if (ext < 0) return upn;
  const alias = upn.slice(0, ext);
  const underscore = alias.lastIndexOf('_');
  return underscore < 0 ? alias : `${alias.slice(0, underscore)}@${alias.slice(underscore + 1)}`;
}

/** A source attribute's value for provisioning: the guest rule for userPrincipalName, the original on request. */
function sourceValue(
  user: DirectoryUser,
  source: Exclude<AttributeMapping['source'], 'IsSoftDeleted' | undefined>,
): unknown {
  if (source === 'userPrincipalName') return provisioningUpn(user.userPrincipalName);
  if (source === 'originalUserPrincipalName') return user.userPrincipalName;
  if (source === 'manager') return user.managerId;
  return user[source];
}

export type MappingPreset = 'nordpass' | 'nonGallery';

export const MAPPING_PRESETS: Record<MappingPreset, AttributeMapping[]> = {
  nordpass: NORDPASS_MAPPINGS,
  nonGallery: NON_GALLERY_MAPPINGS,
};

/**
 * Mappings after an edit on the portal's Attribute Mapping page: each of `set` replaces the mapping of its target (any
 * case) or is added ("Add New Mapping"); each target in `remove` is deleted. A target to remove that is not mapped is
 * an error, and nothing changes.
 */
export function editedMappings(
  current: readonly AttributeMapping[],
  set: readonly AttributeMapping[],
  remove: readonly string[] = [],
): AttributeMapping[] {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const missing = remove.find((t) => !current.some((m) => same(m.target, t)));
  if (missing !== undefined)
    throw new Error(
      `no attribute mapping has the target ${missing} (mapped: ${current.map((m) => m.target).join(', ')})`,
    );
  const out = current.filter((m) => !remove.some((t) => same(m.target, t)));
  for (const mapping of set) {
    const i = out.findIndex((o) => same(o.target, mapping.target));
    if (i >= 0) out[i] = mapping;
    else out.push(mapping);
  }
  return out;
}

/** What an edit did, as editedMappings takes it: the mappings set (changed or new), and the targets deleted. */
export function mappingChanges(
  before: readonly AttributeMapping[],
  after: readonly AttributeMapping[],
): { set: AttributeMapping[]; removed: string[] } {
  const find = (list: readonly AttributeMapping[], target: string) =>
    list.find((m) => m.target.toLowerCase() === target.toLowerCase());
  return {
    set: after.filter((m) => {
      const old = find(before, m.target);
      return !old || !sameSetting(old, m);
    }),
    removed: before.filter((m) => !find(after, m.target)).map((m) => m.target),
  };
}

/** The matching mappings, first in precedence first. */
export function matchingMappings(mappings: readonly AttributeMapping[]): AttributeMapping[] {
  return mappings
    .filter((m) => m.matchingPrecedence !== undefined)
    .sort((a, b) => a.matchingPrecedence! - b.matchingPrecedence!);
}

/** A target's value: text, or (AppRoleAssignmentsComplex) the user's roles for `roles`. */
export type TargetValue = string | RoleList;

/**
 * The target values a user should have, `active` excluded (it comes from scope). Null and empty source values
 * are left out: Entra does not provision nulls, nor clear values (research/entra.md §3.3, §4).
 */
export function desiredValues(
  user: DirectoryUser,
  mappings: readonly AttributeMapping[],
  phase: 'create' | 'update',
  context: MappingContext,
): Map<string, TargetValue> {
  const values = new Map<string, TargetValue>();
  for (const m of mappings) {
    // `active` comes from scope; a reference is resolved in its own pass.
    if (m.source === 'IsSoftDeleted' || isReference(m)) continue;
    if (phase === 'update' && m.apply === 'creation') continue;
    let value: unknown;
    if (m.source) value = sourceValue(user, m.source);
    else if (m.constant !== undefined) value = m.constant;
    else if (m.expression) {
      let result: ReturnType<typeof evaluateExpression>;
      try {
        result = evaluateExpression(m.expression, userContext(user, context));
      } catch (error) {
        throw new MappingError(m.target, error as Error);
      }
      const { value: evaluated, ignoreFlow } = result;
      // IgnoreFlowIfNullOrEmpty: the attribute is left out of the flow altogether.
      if (ignoreFlow) continue;
      if (evaluated instanceof RoleList) {
        // No role, nothing sent: Entra does not clear values.
        if (evaluated.roles.length > 0) values.set(m.target, evaluated);
        continue;
      }
      value = Array.isArray(evaluated) ? evaluated.join(',') : evaluated;
    }
    // "Default value if null (optional)": on creation only (customize-application-attributes).
    if ((value === undefined || value === null || value === '') && phase === 'create' && m.defaultValue !== undefined)
      value = m.defaultValue;
    if (value === undefined || value === null || value === '') continue;
    values.set(m.target, typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value));
  }
  return values;
}

/**
 * The targets whose value the provisioning logs show as "[Redact]": those whose expression is Redact(...) ("The
 * Redact function replaces the attribute value with the string literal "[Redact]" in the provisioning logs").
 */
export function redactedTargets(mappings: readonly AttributeMapping[]): Set<string> {
  return new Set(
    mappings
      .filter((m) => m.expression?.kind === 'call' && m.expression.name.toLowerCase() === 'redact')
      .map((m) => m.target),
  );
}

/**
 * An expression that cannot be evaluated for one user (a date that is not one, a pattern that does not compile):
 * that user's operation fails and is retried, as any per-user failure is; the cycle goes on.
 */
export class MappingError extends Error {
  constructor(
    readonly target: string,
    readonly problem: Error,
  ) {
    super(`the mapping of ${target} could not be evaluated: ${problem.message}`);
    this.name = 'MappingError';
  }
}

/**
 * What a mapping reads besides the user's attributes: the virtual clock and the seeded random source (Now, Guid),
 * and the user's app roles in the app (`[appRoleAssignments]`).
 */
export interface MappingContext {
  now(): number;
  random: EvaluationContext['random'];
  rolesOf(user: DirectoryUser): readonly AppRole[];
}

/** A user's attributes by name, as expressions read them (case-insensitive, as the portal's are). */
function userContext(user: DirectoryUser, context: MappingContext): EvaluationContext {
  return {
    attribute: (name) => {
      const lower = name.toLowerCase();
      if (lower === 'issoftdeleted') return user.deletedDateTime !== undefined || !user.accountEnabled;
      if (lower === 'approleassignments') return new RoleList(sentRoles(context.rolesOf(user)), false);
      // Read as a Direct mapping reads it (sourceValue: a guest's UPN, originalUserPrincipalName).
      const key = [...Object.keys(user), 'originalUserPrincipalName', 'manager'].find(
        (k) => k.toLowerCase() === lower,
      ) as Exclude<AttributeMapping['source'], 'IsSoftDeleted' | undefined> | undefined;
      const value = key === undefined ? undefined : sourceValue(user, key);
      return value === undefined ? null : (value as string | boolean | number);
    },
    now: () => context.now(),
    random: context.random,
  };
}
