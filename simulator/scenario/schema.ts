/**
 * The scenario format: one zod schema, the source of truth for validation, for the committed JSON Schema
 * (scenarios/scenario.schema.json, for editors) and for the README's reference tables.
 * Step names follow the words of the seed guide and of Entra's portal.
 */
import { z } from 'zod';
import { MEMBER_EVENT_TYPES, MEMBER_STATUSES } from '../nordpass/member-states.ts';
import { parseDuration, parseInstant } from '../time.ts';
import { alternativesOf, VARIANT_NAMES, VARIANTS } from '../variants.ts';
import {
  checkScopingFilters,
  SCOPING_ATTRIBUTES,
  SCOPING_OPERATORS,
  ScopingFilterError,
} from '../../mock-azure/app/scoping.ts';
import { checkExpression } from '../../mock-azure/app/expressions/evaluate.ts';
import { attributesOf, ExpressionError, parseExpression } from '../../mock-azure/app/expressions/parse.ts';
import {
  type AttributeMapping,
  EXPRESSION_ATTRIBUTES,
  mappingProblem,
  SOURCE_ATTRIBUTES,
} from '../../mock-azure/app/mappings.ts';
import { APP_ROLE_NAMES } from '../../mock-azure/app/app-roles.ts';
import { parseTargetPath } from '../../mock-azure/app/target-paths.ts';

const isDuration = (v: string | number) => {
  try {
    parseDuration(v);
    return true;
  } catch {
    return false;
  }
};
const isInstant = (v: string) => {
  try {
    parseInstant(v);
    return true;
  } catch {
    return false;
  }
};

const isRegExp = (v: string) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
};

export const Duration = z
  .union([z.string(), z.number().int().nonnegative()])
  .refine(isDuration, { message: 'expected a duration such as 40m, 2h, 30d, 29d23h59m59s or P30D' })
  .describe('A duration: 40m, 2h, 30d, 29d23h59m59s, 500ms, or ISO 8601 (P30D, PT40M)');
// The parser's own words when the text is an instant in form but names no real day or time (2026-02-30).
const instantProblem = (v: string) => {
  try {
    parseInstant(v);
    return 'expected an ISO 8601 instant with a zone, such as 2026-01-05T09:00:00Z';
  } catch (error) {
    const message = (error as Error).message;
    return /not a real date|outside the range/.test(message)
      ? message.replace(/^invalid instant "[^"]*": /, '')
      : 'expected an ISO 8601 instant with a zone, such as 2026-01-05T09:00:00Z';
  }
};
export const Instant = z
  .string()
  .refine(isInstant, { error: (issue) => instantProblem(String(issue.input)) })
  .describe('An ISO 8601 instant with a zone, e.g. 2026-01-05T09:00:00Z');
/** A name given under `tenant.users` or `tenant.groups`. */
export const Ref = z
  .string()
  .min(1)
  .describe('A user or group of the tenant, by the name given under tenant.users or tenant.groups');
export const Refs = z.union([Ref, z.array(Ref).min(1)]).describe('One name or a list of names');
export const Count = z
  .union([
    z.number().int().nonnegative(),
    z.strictObject({
      atLeast: z.number().int().nonnegative().optional(),
      atMost: z.number().int().nonnegative().optional(),
    }),
  ])
  .describe('An exact count, or {atLeast, atMost}');

const MemberState = z.enum([...MEMBER_STATUSES, 'none']).describe('A NordPass member state; none = never provisioned');

const UserAttributes = z.strictObject({
  userPrincipalName: z
    .string()
    .regex(/^[^@\s]+@[^@\s]+$/, 'expected an address like ada@contoso.com')
    .optional(),
  displayName: z.string().min(1).optional(),
  givenName: z.string().min(1).optional(),
  surname: z.string().min(1).optional(),
  mail: z.string().min(1).optional(),
  mailNickname: z.string().min(1).optional(),
  jobTitle: z.string().min(1).optional(),
  department: z.string().min(1).optional(),
  employeeId: z.string().min(1).optional(),
  accountEnabled: z.boolean().optional(),
});

export const MAX_GENERATED_USERS = 200_000;

/** A name a scenario gives a tenant user or group (`ada`, `sales`): how later steps refer to it. */
const NewName = z.string().regex(/^[A-Za-z][\w.-]*$/, 'names are a letter, then letters, digits, dots, dashes');

const GroupAttributes = z.strictObject({
  displayName: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
});

const Tenant = z.strictObject({
  domain: z.string().min(3).optional().describe('Domain of user principal names (default contoso.com)'),
  users: z
    .record(
      z.string().regex(/^[A-Za-z][\w.-]*$/, 'user names are letters, digits, dots, dashes'),
      UserAttributes.extend({
        manager: z.string().min(1).optional().describe('Their manager: another user of tenant.users, by name'),
      }).nullable(),
    )
    .optional()
    .describe('Named users: name -> attributes; userPrincipalName defaults to name@domain'),
  generate: z
    .union([
      z.number().int().min(0).max(MAX_GENERATED_USERS),
      z.strictObject({
        count: z.number().int().min(0).max(MAX_GENERATED_USERS),
        group: z.string().min(1).optional().describe('Put them all in this new group'),
      }),
    ])
    .optional()
    .describe('Generated realistic users (faker, from the seed)'),
  groups: z
    .record(
      z.string().min(1),
      z.strictObject({
        displayName: z.string().min(1).optional(),
        members: z
          .array(Ref)
          .optional()
          .describe('Direct members: users or other groups (nested groups are not expanded by provisioning)'),
      }),
    )
    .optional(),
});

const NordPassSettings = z.strictObject({
  softDeleteWindow: Duration.optional(),
  invitationDelay: Duration.optional(),
  ownerProtection: z
    .boolean()
    .optional()
    .describe('Older spelling of variants.scimOnOwner: true = refused (403), false = applied'),
  seatLimit: z.number().int().nonnegative().optional(),
  groupProvisioning: z.boolean().optional(),
  patchSuccessStatus: z.union([z.literal(200), z.literal(204)]).optional(),
});

/** Reads an expression as the loader checks it: its problem (with the column) or undefined when it is good. */
function expressionProblem(text: string): string | undefined {
  try {
    const expr = parseExpression(text);
    checkExpression(expr);
    const unknown = attributesOf(expr).find(
      (name) => ![...EXPRESSION_ATTRIBUTES].some((s) => s.toLowerCase() === name.toLowerCase()),
    );
    if (unknown) return `[${unknown}] is not a directory attribute (${[...EXPRESSION_ATTRIBUTES].join(', ')})`;
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error.message;
    throw error;
  }
}

/**
 * One attribute mapping, as the portal's Edit attribute page has it: a target, and a Direct source, a Constant or
 * an Expression (Microsoft's language), with a default value if null, when it applies, and matching precedence.
 */
const AttributeMappingSchema = z
  .strictObject({
    target: z
      .string()
      .min(1)
      .describe('The SCIM attribute path: displayName, name.givenName, emails[type eq "work"].value'),
    source: z
      .enum([...SOURCE_ATTRIBUTES].filter((s) => s !== 'IsSoftDeleted') as [string, ...string[]])
      .optional()
      .describe('Direct: the directory attribute'),
    constant: z.string().optional().describe('Constant: the value every user gets'),
    expression: z
      .string()
      .min(1)
      .optional()
      .describe('Expression: in Microsoft\'s language, e.g. Join(" ", [givenName], [surname])'),
    default: z.string().optional().describe('Default value if null (on creation only)'),
    apply: z
      .enum(['always', 'creation'])
      .optional()
      .describe('Apply this mapping: always (default) or only during creation'),
    matching: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Match objects using this attribute, with this precedence (1 first)'),
  })
  .superRefine((m, ctx) => {
    const kinds = [m.source, m.constant, m.expression].filter((x) => x !== undefined).length;
    if (kinds !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of source, constant and expression',
        path: ['source'],
      });
    const problem = m.expression === undefined ? undefined : expressionProblem(m.expression);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['expression'] });
    try {
      parseTargetPath(m.target);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: ['target'] });
    }
    const reference = mappingProblem({ source: m.source as AttributeMapping['source'], target: m.target });
    if (reference) ctx.addIssue({ code: 'custom', message: reference, path: ['target'] });
  })
  .describe("An attribute mapping: it replaces the setup's mapping of the same target, or adds one");
export type ScenarioMapping = z.infer<typeof AttributeMappingSchema>;

/** A scoping filter (mock-azure/app/scoping.ts): clauses ANDed; a list of filters is ORed. */
const ScopingFilterSchema = z
  .strictObject({
    title: z.string().min(1).optional().describe('Scoping Filter Title'),
    clauses: z
      .array(
        z.strictObject({
          attribute: z.enum(SCOPING_ATTRIBUTES).describe('The user attribute the clause reads'),
          operator: z.enum(SCOPING_OPERATORS).describe("Microsoft's operator, as the portal writes it"),
          value: z
            .string()
            .optional()
            .describe('What it is compared with (none for IS NULL, IS NOT NULL, IS TRUE, IS FALSE)'),
        }),
      )
      .min(1),
  })
  .describe('A scoping filter: a user passes when every clause holds');
/** Scoping filters, checked as the engine will evaluate them (a bad pattern or number is a load error, with its place). */
const ScopingFilters = z
  .array(ScopingFilterSchema)
  .superRefine((filters, ctx) => {
    try {
      checkScopingFilters(filters);
    } catch (error) {
      if (!(error instanceof ScopingFilterError)) throw error;
      const path = [...error.at.matchAll(/\[(\d+)\]|\.(\w+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
      ctx.addIssue({ code: 'custom', path, message: error.message.replace(/^scoping filter [^:]*: /, '') });
    }
  })
  .describe('Scoping filters: a user in scope must pass one of them (all its clauses); an empty list means none');

const Provisioning = z
  .strictObject({
    scope: z
      .enum(['assigned', 'all'])
      .optional()
      .describe('"Sync only assigned users and groups" (assigned, default) or "Sync all users and groups"'),
    app: z
      .enum(['nordpassGallery', 'nonGallery'])
      .optional()
      .describe(
        'How NordPass was set up in Entra: the gallery app of the seed guide (nordpassGallery, default: userName, active, externalId; no groups) or NordPass\'s current non-gallery app with its defaults (nonGallery: the full attribute set, and "Provision Microsoft Entra ID Groups" on)',
      ),
    mappings: z
      .enum(['nordpass', 'nonGallery'])
      .optional()
      .describe(
        'Older spelling, kept as an alias: nordpass is app: nordpassGallery; nonGallery is app: nonGallery with group provisioning off (as it meant before app existed)',
      ),
    targetActions: z
      .strictObject({ create: z.boolean().optional(), update: z.boolean().optional(), delete: z.boolean().optional() })
      .optional()
      .describe('Target Object Actions: Create, Update, Delete (each on by default)'),
    skipOutOfScopeDeletions: z
      .boolean()
      .optional()
      .describe('SkipOutOfScopeDeletions: users who leave scope are not disabled (default false)'),
    deletionThreshold: z
      .number()
      .int()
      .nonnegative()
      .nullable()
      .optional()
      .describe('Prevent accidental deletions: threshold (default 500); null turns it off'),
    aadOptscim062020: z
      .boolean()
      .optional()
      .describe('Add ?aadOptscim062020 to the Tenant URL: PATCH in the RFC dialect'),
    groupProvisioning: z
      .boolean()
      .optional()
      .describe(
        '"Provision Microsoft Entra ID Groups" on: assigned groups are sent to the app (needs nordpass.groupProvisioning); off by default',
      ),
    logRetention: z
      .enum(['premium', 'free'])
      .optional()
      .describe('The tenant licence: provisioning logs kept 30 days (premium, default: Entra ID P1/P2) or 7 (free)'),
    scopingFilters: ScopingFilters.optional(),
    attributeMappings: z
      .array(AttributeMappingSchema)
      .optional()
      .describe(
        "Mappings over the setup's defaults (provisioning.app): each replaces the one of its target, or is added",
      ),
    cycleDuration: z
      .enum(['instant', 'realistic'])
      .optional()
      .describe(
        "How long a cycle takes: instant (default: no virtual time, exact timings) or realistic (each object takes Microsoft's published 0.01-0.08 minutes, creating twice matching; the next cycle is 40 minutes after the end)",
      ),
    unavailableCyclesBeforeQuarantine: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Cycles in a row whose probe cannot reach the app before the job is quarantined (default 3; INFERRED)'),
    probeIdleCycles: z
      .boolean()
      .optional()
      .describe(
        'Send the Test Connection probe on cycles with nothing to do (default off: an idle cycle sends nothing)',
      ),
    escrowThresholds: z
      .strictObject({
        evaluateFrom: z.number().int().nonnegative(),
        proportion: z.number().min(0).max(1),
        total: z.number().int().nonnegative(),
      })
      .partial()
      .optional()
      .describe('When escrowed failures quarantine the job (default: 5,000 to evaluate, over 40%, or over 40,000)'),
  })
  .refine((p) => !(p.app && p.mappings), {
    message: 'give app or its older spelling mappings, not both',
    path: ['mappings'],
  });

/** Unsettled behaviours this scenario pins (simulator/variants.ts); `scimsim variants` lists them. */
const Variants = z
  .strictObject(
    Object.fromEntries(
      VARIANT_NAMES.map((name) => [
        name,
        z
          .enum(alternativesOf(name) as [string, ...string[]])
          .optional()
          .describe(`${VARIANTS[name].question} (default ${VARIANTS[name].default})`),
      ]),
    ),
  )
  .describe('Behaviours no public source settles, pinned for this scenario: name -> alternative (scimsim variants)');

const Limits = z.strictObject({
  maxVirtualTime: Duration.optional().describe(
    'Fail if the scenario advances the clock further than this (default 10 years)',
  ),
  maxSteps: z.number().int().min(1).optional(),
});

const NoArgs = z.null().describe('No argument');
/** Who acts in the NordPass Admin Panel. */
const AdminAs = z
  .enum(['owner', 'admin'])
  .describe('Who acts in the Admin Panel: an Owner (default) or an Admin, who may not touch Owners');
const AdminOutcome = z.enum(['done', 'refused']).describe('What the Admin Panel should do: done (default) or refused');
/** An Admin Panel action on members: names, or one member with who acts and whether it is refused. */
const AdminStep = z.union([
  Refs,
  z.strictObject({ user: Ref, as: AdminAs.optional(), expect: AdminOutcome.optional() }),
]);
/** `wait: true`: the cycle a start or restart begins waits for the next advance (Graph's asynchronous start). */
const CycleWait = z.strictObject({
  wait: z.boolean().optional().describe('The cycle runs at the next advance (at this instant), as Graph leaves it'),
});

const Fault = z.strictObject({
  id: z.string().min(1).optional().describe('A name to clear it by (default: fault1, fault2, ...)'),
  status: z.number().int().min(100).max(599).optional().describe('Answer with this HTTP status'),
  retryAfter: Duration.optional().describe('With a 429: the Retry-After header'),
  timeout: z.literal(true).optional(),
  unavailable: z.literal(true).optional().describe('Connection refused'),
  malformedBody: z.literal(true).optional(),
  method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']).optional(),
  path: z
    .string()
    .refine(isRegExp, { message: 'not a valid regular expression' })
    .optional()
    .describe('Regular expression on the request path, e.g. /Users'),
  for: Duration.optional().describe('How long (virtual time) from now; default until cleared'),
  count: z.number().int().min(1).optional().describe('Only the next N matching requests'),
});

const ScimValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const Expectation = z.strictObject({
  members: z.record(Ref, MemberState).optional().describe('The NordPass state of named users (their latest member)'),
  managers: z
    .record(Ref, Ref.nullable())
    .optional()
    .describe(
      "Whose manager each named user has over SCIM: the manager's SCIM id in the user's enterprise manager, or none (null)",
    ),
  roles: z
    .record(Ref, z.enum(['user', 'admin', 'owner']))
    .optional()
    .describe("The NordPass role of named users' members (User, Admin, Owner), as the Admin Panel shows it"),
  scim: z
    .record(
      Ref,
      z.strictObject({
        exists: z.boolean().optional().describe('Whether userName eq "<the user\'s UPN>" finds the user'),
        active: z.boolean().optional().describe("The user's active value"),
        attributes: z
          .record(z.string(), ScimValue)
          .optional()
          .describe('Attribute values by path: displayName, name.familyName, emails[type eq "work"].value'),
      }),
    )
    .optional()
    .describe('What anyone sees over SCIM: named users looked up with the GET an IdP sends (works with --http)'),
  memberCounts: z
    .partialRecord(z.enum(MEMBER_STATUSES), Count)
    .optional()
    .describe('How many NordPass members are in each state'),
  timing: z
    .array(
      z.strictObject({
        user: Ref,
        event: z.enum(MEMBER_EVENT_TYPES).describe('The member event whose time is checked'),
        after: z.enum(MEMBER_EVENT_TYPES).describe('The earlier event of the same member it is measured from'),
        by: Duration.optional().describe('Exactly this long after'),
        within: Duration.optional().describe('At most this long after'),
      }),
    )
    .optional()
    .describe(
      'When a member event happened, measured from an earlier event of the same member: exactly (by) or at most (within)',
    ),
  outbox: z
    .array(z.strictObject({ to: Ref.optional(), count: Count.optional() }))
    .optional()
    .describe('Invitation emails sent'),
  logs: z
    .array(
      z.strictObject({
        user: Ref.optional(),
        action: z.enum(['Create', 'Update', 'Disable', 'Delete', 'StagedDelete', 'Other']).optional(),
        status: z.enum(['success', 'failure', 'skipped', 'warning']).optional(),
        errorCode: z.string().optional(),
        initiatedBy: z.enum(['system', 'onDemand']).optional(),
        count: Count.optional().describe('Default: at least 1'),
      }),
    )
    .optional()
    .describe('Provisioning log entries'),
  job: z
    .strictObject({
      status: z.enum(['NotConfigured', 'NotRun', 'Active', 'Paused', 'Quarantine']).optional(),
      quarantineReason: z.string().nullable().optional(),
      escrows: Count.optional(),
    })
    .optional()
    .describe('The provisioning job as Graph shows it: status, quarantine reason, escrow count'),
  requests: z
    .array(
      z.strictObject({
        method: z.enum(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']).optional(),
        path: z.string().optional().describe('Substring of the path after the Tenant URL, e.g. /Users/'),
        body: z.string().optional().describe('Substring of the request body'),
        status: z.number().int().optional(),
        since: z
          .enum(['start', 'lastExpect'])
          .optional()
          .describe('Count requests since the scenario start (default) or the previous expect'),
        count: Count.optional().describe('Default: at least 1'),
      }),
    )
    .optional()
    .describe('The HTTP exchanges the engine sent'),
  directory: z
    .strictObject({
      active: Refs.optional(),
      deleted: Refs.optional().describe('In Deleted users (the recycle bin)'),
      permanentlyDeleted: Refs.optional(),
      recycleBin: Count.optional(),
    })
    .optional()
    .describe('The Entra directory'),
  testConnection: z
    .strictObject({ result: z.enum(['success', 'failure']), errorCode: z.string().optional() })
    .optional()
    .describe('The last Test Connection'),
});

/** Users and groups > Add user/group or Remove: names, or names with the app role ("Select a role"). */
const Assignment = z.union([
  Refs,
  z.strictObject({
    principals: Refs.describe('The users and groups'),
    role: z
      .enum(APP_ROLE_NAMES as [string, ...string[]])
      .describe("The app role (Default Access when not given); NordPass's roles are an INFERRED choice: app-roles.ts"),
  }),
]);

/** Every step: its argument schema. A step is `- name: argument`, or a bare `- name` when it takes none. */
export const STEPS = {
  assign: Assignment.describe(
    'Users and groups > Add user/group: assign users or groups to the NordPass app, with Default Access or a role (a principal may hold several roles)',
  ),
  unassign: Assignment.describe(
    'Users and groups > Remove: remove users or groups from the NordPass app (all their assignments, or the one with the role)',
  ),
  getCredentials: NoArgs.describe(
    'NordPass Admin Panel > Settings > User provisioning > Get Credentials (a new Secret Token; the old one stops working)',
  ),
  enterCredentials: z
    .strictObject({ tenantUrl: z.string().min(1).optional(), secretToken: z.string().min(1).optional() })
    .describe('Type admin credentials into Entra (default: those from the last Get Credentials)'),
  testConnection: z
    .union([NoArgs, z.strictObject({ expect: z.enum(['success', 'failure']), errorCode: z.string().optional() })])
    .describe('Test Connection with the entered credentials'),
  save: z
    .union([NoArgs, z.strictObject({ expect: z.enum(['saved', 'refused']) })])
    .describe('Save the provisioning settings (refused when Test Connection fails)'),
  start: z
    .union([NoArgs, CycleWait])
    .describe(
      "Start provisioning: the initial cycle at once (with wait: true, at the next advance, as Graph's start leaves it), then every 40 minutes",
    ),
  stop: NoArgs.describe('Stop provisioning (it picks up where it left off on start)'),
  deleteJob: NoArgs.describe(
    'Delete the provisioning job (Graph): it stops and forgets links, watermark, escrows and quarantine; the next save makes a new one',
  ),
  restart: z
    .union([NoArgs, CycleWait.extend({ full: z.boolean().optional() })])
    .describe(
      'Restart provisioning: clears watermark, escrows and quarantine; the cycle at once (or, wait: true, at the next advance)',
    ),
  allowDeletes: z
    .union([NoArgs, CycleWait])
    .describe('"Allow deletes" on a job quarantined for too many deletes (a restart; wait: true as for restart)'),
  configureProvisioning: z
    .strictObject({
      scope: z.enum(['assigned', 'all']).optional(),
      skipOutOfScopeDeletions: z.boolean().optional(),
      groupProvisioning: z
        .boolean()
        .optional()
        .describe('Mappings > Provision Microsoft Entra ID Groups: Yes (true) or No (false)'),
    })
    .describe(
      'Provisioning > Settings: Scope (assigned, or all users and groups) and SkipOutOfScopeDeletions; Mappings > Provision Microsoft Entra ID Groups; a restart applies a new scope to everyone',
    ),
  setAttributeMappings: z
    .array(AttributeMappingSchema)
    .min(1)
    .describe(
      'Provisioning > Mappings > Attribute Mapping: Add New Mapping, or Edit the one of the same target; saving starts a full sync',
    ),
  deleteAttributeMappings: z
    .array(z.string().min(1))
    .min(1)
    .describe(
      'Provisioning > Mappings > Attribute Mapping: Delete the mappings of these targets; saving starts a full sync',
    ),
  setScopingFilters: ScopingFilters.describe(
    'Provisioning > Mappings > Source object scope: replace the scoping filters ([] removes them); the next cycle is an initial one that disables whoever falls out of scope',
  ),
  provisionOnDemand: z
    .union([Ref, z.strictObject({ user: Ref, expect: z.enum(['done', 'refused']) })])
    .describe('Provision on demand: one user, now'),
  createUser: UserAttributes.extend({ name: NewName }).describe(
    'Users > New user: a user the scenario calls `name` (userPrincipalName name@domain unless given)',
  ),
  deleteUser: Refs.describe('Azure AD > Users > Delete user: to Deleted users for 30 days'),
  restoreUser: Refs.describe('Deleted users > Restore user'),
  deletePermanently: Refs.describe('Deleted users > Delete permanently'),
  blockSignIn: Refs.describe('Block sign-in (accountEnabled false)'),
  unblockSignIn: Refs.describe('Allow sign-in again'),
  editUser: z.strictObject({ user: Ref, set: UserAttributes }).describe('Edit user attributes in the tenant'),
  setManager: z
    .strictObject({ user: Ref, manager: Ref })
    .describe("Users > Edit properties > Manager: the user's manager (a reference, provisioned after the users)"),
  removeManager: Refs.describe("Users > Edit properties > Manager > Remove: the users' managers removed"),
  createGroup: GroupAttributes.extend({ name: NewName, members: z.array(Ref).optional() }).describe(
    'Groups > New group: a security group the scenario calls `name`, with direct members',
  ),
  editGroup: z.strictObject({ group: Ref, set: GroupAttributes }).describe("Edit a group's name or description"),
  deleteGroup: Refs.describe('Groups > Delete: the group goes, and with it its assignment to the app'),
  addToGroup: z.strictObject({ group: Ref, members: Refs }).describe('Add members to a group'),
  removeFromGroup: z.strictObject({ group: Ref, members: Refs }).describe('Remove members from a group'),
  acceptInvitation: z
    .union([Refs, z.strictObject({ user: Ref, expect: z.enum(['accepted', 'refused']) })])
    .describe('The invitee completes NordPass registration (pending -> active)'),
  restoreMember: AdminStep.describe('NordPass Admin Panel: restore a suspended or forbidden member'),
  suspendMember: AdminStep.describe(
    'NordPass Admin Panel > Members > Suspend: an active member loses access (an Owner must be demoted first)',
  ),
  activateMember: AdminStep.describe('NordPass Admin Panel > Suspended > Activate: a suspended member is active again'),
  deleteMember: AdminStep.describe('NordPass Admin Panel: delete a member now (an Owner must be demoted first)'),
  setRole: z
    .strictObject({
      user: Ref,
      role: z.enum(['user', 'admin', 'owner']),
      as: AdminAs.optional(),
      expect: AdminOutcome.optional(),
    })
    .describe(
      'NordPass Admin Panel: Make Owner, Admin or User (only an Owner makes or demotes an Owner; the only Owner stays one)',
    ),
  advance: Duration.describe('Move the virtual clock forward; every timer on the way fires at its own instant'),
  advanceTo: Instant.describe('Move the virtual clock to an instant'),
  untilIdle: z
    .union([NoArgs, z.strictObject({ limit: z.number().int().min(1).optional() })])
    .describe('Advance until nothing but provisioning cycles is scheduled (invitations, purges, recycle bin)'),
  fault: Fault.describe(
    'Make the SCIM app misbehave for the engine (status, 429, timeout, down) for a while or N requests',
  ),
  clearFault: z.union([NoArgs, z.string().min(1)]).describe('Remove a fault by id, or all of them'),
  expect: Expectation.describe('Check the state of both sides'),
} as const;

export type StepName = keyof typeof STEPS;
export const STEP_NAMES = Object.keys(STEPS) as StepName[];
export type StepArgs = { [K in StepName]: z.infer<(typeof STEPS)[K]> };
export type Expectation = z.infer<typeof Expectation>;

/** One step: `{name: arguments}`, plus an optional `note` shown in reports. */
export const Step = z.union(
  STEP_NAMES.map((name) =>
    z.strictObject({ [name]: STEPS[name], note: z.string().optional() } as Record<string, z.ZodType>),
  ) as unknown as [z.ZodType, z.ZodType],
);

/** The top level of a scenario file (steps validated one by one, for precise errors). */
export const ScenarioHeader = z.strictObject({
  name: z.string().min(1).describe('The scenario, as a sentence'),
  description: z.string().optional(),
  seed: z
    .union([z.string(), z.number()])
    .optional()
    .describe('Decides every id and generated name (default: the file name)'),
  start: Instant.optional().describe('Virtual start time (default 2026-01-05T09:00:00Z)'),
  nordpass: NordPassSettings.optional(),
  tenant: Tenant.optional(),
  provisioning: Provisioning.optional(),
  variants: Variants.optional(),
  limits: Limits.optional(),
  steps: z.array(z.unknown()).min(1),
});

export type ScenarioHeaderData = z.infer<typeof ScenarioHeader>;

/** The whole file, for the JSON Schema editors use (steps as the union of all step shapes, bare names allowed). */
export const ScenarioFile = ScenarioHeader.extend({
  steps: z
    .array(z.union([z.enum(STEP_NAMES.filter((n) => STEPS[n].safeParse(null).success) as [string, ...string[]]), Step]))
    .min(1),
});
