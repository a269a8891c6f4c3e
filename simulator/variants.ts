/**
 * Every behaviour of Entra or NordPass that no public source settles, in one place. scimsim does not present
 * one guess as fact: each is a named variant with its alternatives, the sources for and against, and a default
 * chosen for a stated reason. A scenario pins one (`variants: {reassignAfterPurge: rematch}`), a run sets one
 * (`--variant reassignAfterPurge=rematch`), and `scimsim run --variants all` replays each scenario under each
 * alternative to show which results depend on a guess.
 *
 * Both sides read this catalogue (it is data, like the clock): NordPass's models read the NordPass variants,
 * Entra's engine the Entra ones. The place that acts on a variant says `variant:` in a comment.
 */

export interface VariantAlternative {
  /** What the system does under this alternative, in a sentence. */
  does: string;
}

export interface Variant<A extends string = string> {
  /** Which system's behaviour it is. */
  side: 'entra' | 'nordpass';
  /** The open question, as a person would ask it. */
  question: string;
  alternatives: Record<A, VariantAlternative>;
  default: A;
  /** Why the default is the default. */
  reason: string;
  /** Public sources that point toward an alternative (`alternative: source`), or say nothing settles it. */
  sources: string[];
}

/** The catalogue. Adding a variant here adds it to `scimsim variants`, the README table and `--variants all`. */
export const VARIANTS = {
  reassignAfterPurge: {
    side: 'entra',
    question:
      'A user was unassigned (NordPass suspended the member), NordPass then purged or deleted the member, and the user is assigned again: does Entra find the old member id gone, or match afresh by userName?',
    alternatives: {
      invalidAnchor: {
        does: 'Entra keeps the old target id: it reads it (GET /Users/{id}), gets 404, logs InvalidAnchor and retries until a restart with resetScope Full (scimsim: restart: {full: true}) forgets the links',
      },
      rematch: {
        does: 'Entra forgets an unassigned user once disabled: coming back, it is looked up by userName again and, gone from NordPass, created anew',
      },
    },
    default: 'invalidAnchor',
    reason:
      'Every public hint points this way: the InvalidAnchor error is defined for exactly this case, and the connector data store does not shrink on deletes',
    sources: [
      'invalidAnchor: "A user that was previously created or matched ... no longer exists ... To force a new matching ... restart the job" (learn.microsoft.com/entra/identity/monitoring-health/howto-analyze-provisioning-logs, error codes)',
      'invalidAnchor: the connector data store count "doesn\'t go down if a user is soft-deleted or hard-deleted" (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-when-will-provisioning-finish-specific-user)',
      'invalidAnchor (third party): Entra keeps the old SCIM id "and will not automatically forget or replace" it (support.projectinsight.com, How User Deletions Work With SCIM Provisioning in Microsoft Entra ID)',
      'rematch: after a soft delete "the service doesn\'t manage the user" (learn.microsoft.com/entra/identity/app-provisioning/how-provisioning-works)',
    ],
  },
  retryAfter: {
    side: 'entra',
    question: 'Does Entra wait for the Retry-After a 429 names before retrying?',
    alternatives: {
      honoured: { does: "the escrowed operation is retried after the 429's Retry-After" },
      ignored: { does: 'the escrowed operation is retried on the usual back-off (40 minutes, doubling)' },
    },
    default: 'honoured',
    reason:
      'Microsoft said it was "actively working on honoring the retry-after header", and a later answer says Entra pauses for it',
    sources: [
      'honoured (third party): a Q&A answer says Entra pauses for the Retry-After time (research/entra.md §3.5, QA-429)',
      'ignored (third party): an older feedback item says 429s are retried about 40 minutes later (research/entra.md §3.5, FB-429)',
      'neither: "TooManyRequests ... This attempt is automatically retried" (howto-analyze-provisioning-logs)',
    ],
  },
  deleteNotFound: {
    side: 'entra',
    question: 'When Entra sends DELETE and the app answers 404, is the user deleted, or is it a failure?',
    alternatives: {
      done: { does: 'the Delete is logged as a success: the user is gone, as asked' },
      failure: { does: 'the Delete fails with InvalidAnchor and is escrowed' },
    },
    default: 'done',
    reason:
      'RFC 7644 gives 404 for a resource that does not exist, and the goal of the DELETE is met; no source says Entra retries it',
    sources: [
      "neither: no Microsoft page names Entra's handling of a 404 to DELETE; InvalidAnchor is documented for reads and updates (howto-analyze-provisioning-logs)",
    ],
  },
  testConnectionGroups: {
    side: 'entra',
    question: 'With group provisioning on, does Test Connection also query /Groups for a group that cannot exist?',
    alternatives: {
      probes: {
        does: 'Test Connection (and each cycle\'s probe) also sends GET /Groups?excludedAttributes=members&filter=displayName eq "<guid>" and needs an empty list',
      },
      usersOnly: { does: 'Test Connection queries /Users only, whatever the mappings' },
    },
    default: 'probes',
    reason:
      'Microsoft says Entra fetches "a random user and group" to check the endpoint, "also ... as a part of the Test Connection flow"',
    sources: [
      'probes: "Microsoft Entra ID makes requests to fetch a random user and group to ensure that the endpoint and the credentials are valid. It\'s also done as a part of the Test Connection flow" (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups)',
      "usersOnly: NordPass's current guide has admins save the non-gallery app with its defaults (group provisioning on) and only then turn groups off, which a failing group probe would stop (support.nordpass.com/hc/en-us/articles/8916899484817)",
    ],
  },
  scimOnOwner: {
    side: 'nordpass',
    question: 'What does NordPass answer when SCIM disables or deletes an Owner?',
    alternatives: {
      refused: {
        does: '403: an Owner must be demoted first, over SCIM as in the Admin Panel; Entra escrows it as InsufficientRights',
      },
      applied: { does: 'the Owner is suspended or deleted like any member' },
    },
    default: 'refused',
    reason:
      'The Admin Panel requires an Owner to be demoted before deletion or suspension, and the sole Owner cannot be demoted; SCIM is unlikely to bypass that',
    sources: [
      'refused: "If the member that you want to remove is an Owner, they need to be demoted first" (support.nordpass.com/hc/en-us/articles/360012807237)',
      'neither: NordPass documents nothing about SCIM and Owners (research/nordpass.md)',
    ],
  },
  groupsWhenOff: {
    side: 'nordpass',
    question: 'What does NordPass answer on /Groups when group provisioning is off?',
    alternatives: {
      notImplemented: { does: '501 SCIM error: the endpoint is not offered' },
      notFound: { does: '404 SCIM error' },
      forbidden: { does: '403 SCIM error: the organization may not provision groups' },
    },
    default: 'notImplemented',
    reason: 'RFC 7644 §3.2 lets a service provider answer 501 for an operation it does not support',
    sources: [
      'neither: NordPass documents group provisioning but not its answer when it is off (research/nordpass.md)',
    ],
  },
  oldTokenAfterRotation: {
    side: 'nordpass',
    question: 'After Get Credentials makes a new Secret Token, does the old one stop working at once?',
    alternatives: {
      revoked: { does: 'the old token is refused (401) from the moment the new one exists' },
      gracePeriod: { does: 'the old token keeps working for 24 hours (a guessed length), then is refused' },
    },
    default: 'revoked',
    reason: 'The seed guide says to paste the new token into Entra at once, which a grace period would not need',
    sources: [
      'neither: NordPass does not say whether the old token is revoked (research/nordpass.md, SCIM token rotation)',
    ],
  },
  manualSuspendPurge: {
    side: 'nordpass',
    question:
      'Does a member an admin suspends in the Admin Panel get purged 30 days later, as one suspended over SCIM does?',
    alternatives: {
      noPurge: { does: 'the member stays suspended until an admin activates or deletes it' },
      startsPurge: { does: 'the 30-day purge clock starts, as for a SCIM suspension' },
    },
    default: 'noPurge',
    reason:
      'The help centre describes Suspend and Activate as reversible and names no deadline; the 30 days belong to deprovisioning',
    sources: [
      'noPurge: "suspended user accounts can be activated once more, and regain access" (support.nordpass.com/hc/en-us/articles/360012807237)',
      'startsPurge: the seed guide purges suspended members 30 days after a SCIM suspension; whether a manual one is the same is not said',
    ],
  },
  reenableAfterAdminSuspend: {
    side: 'nordpass',
    question:
      'When Entra sends active=true to a member an admin suspended in the Admin Panel, is the member active again?',
    alternatives: {
      activates: { does: 'the member is active again: the IdP is the source of truth' },
      staysSuspended: { does: 'the member stays suspended (the answer is still 200); only an admin activates it' },
    },
    default: 'activates',
    reason: 'Vendors that document it treat the identity provider as the source of truth while provisioning is on',
    sources: [
      'activates (another vendor): while provisioning is enabled "the identity provider is considered the source of truth" (1Password, research/nordpass.md S53)',
      'neither: NordPass documents nothing about it',
    ],
  },
  deletionCheckDefault: {
    side: 'entra',
    question: 'Is "Prevent accidental deletion" on for a new provisioning job, and at what threshold?',
    alternatives: {
      on: { does: 'on, with a threshold of 500 deletes (disables and deletes) a cycle' },
      off: { does: 'off until an admin turns it on' },
    },
    default: 'on',
    reason: "Graph's sample job shows QuarantineTooManyDeletesThreshold 500",
    sources: [
      'on: the sample job setting QuarantineTooManyDeletesThreshold: 500 (learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-configuration-api)',
      'neither: the accidental-deletions page describes the checkbox, not its default (accidental-deletions)',
    ],
  },
  filterUnsafeCharacters: {
    side: 'entra',
    question:
      'Which characters in a matching value make Entra unable to query for it (the user then fails to provision)?',
    alternatives: {
      none: { does: 'every value is queried' },
      quotes: { does: 'a value with a double quote or a backslash cannot be queried' },
      punctuation: { does: 'a value with any of \' " \\ # & + % , ; = cannot be queried' },
    },
    default: 'none',
    reason: 'The known issue names no characters; until a source does, nothing is refused',
    sources: [
      '"Microsoft Entra ID currently can\'t perform filter queries on values containing special characters" (learn.microsoft.com/entra/identity/app-provisioning/known-issues)',
    ],
  },
  scimRole: {
    side: 'nordpass',
    question:
      'Entra sends a role in `roles` (a role mapping with SingleAppRoleAssignment or AppRoleAssignmentsComplex): does NordPass make the member an Admin or a User by it?',
    alternatives: {
      ignored: { does: 'the roles are kept as attributes; the member keeps the role the Admin Panel gave' },
      mapped: {
        does: "a role value User or Admin (any case) makes the member a User or an Admin: the primary role, else Admin when any role is Admin, else User; any other value (Owner, or the stringified JSON of Entra's default role PATCH) changes nothing, and an Owner is never changed over SCIM",
      },
    },
    default: 'ignored',
    reason:
      'NordPass documents role changes only in the Admin Panel and says nothing of roles over SCIM; the inferred reading is that SCIM does not carry them',
    sources: [
      'ignored: "SCIM role mapping: NOT FOUND. INFERRED: SCIM does not carry roles, and provisioned members are created as User" (research/nordpass.md, Roles)',
      'ignored: role changes are made in the Admin Panel, More Options > Make Admin / Make User (support.nordpass.com/hc/en-us/articles/360012759657)',
      'mapped: Entra documents sending roles to SCIM apps (learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes, Provisioning a role to a SCIM app); whether NordPass reads them is not said',
    ],
  },
} as const satisfies Record<string, Variant>;

/** The characters each alternative of filterUnsafeCharacters cannot query (none for `none`). */
export const FILTER_UNSAFE_CHARACTERS: Record<Variants['filterUnsafeCharacters'], string> = {
  none: '',
  quotes: '"\\',
  punctuation: '\'"\\#&+%,;=',
};

/** Whether a matching value holds a character some alternative of filterUnsafeCharacters cannot query. */
export const mayBeFilterUnsafe = (value: string) =>
  [...FILTER_UNSAFE_CHARACTERS.punctuation].some((c) => value.includes(c));

export type VariantName = keyof typeof VARIANTS;
/** The alternative chosen for each variant. */
export type Variants = { [N in VariantName]: keyof (typeof VARIANTS)[N]['alternatives'] & string };

export const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];

export const DEFAULT_VARIANTS: Variants = Object.fromEntries(
  VARIANT_NAMES.map((name) => [name, VARIANTS[name].default]),
) as Variants;

export function alternativesOf(name: VariantName): string[] {
  return Object.keys(VARIANTS[name].alternatives);
}

export function isVariantName(name: string): name is VariantName {
  return Object.hasOwn(VARIANTS, name);
}

/** The defaults with some variants set; an unknown name or alternative is an error that lists the known ones. */
export function resolveVariants(chosen: Partial<Record<string, string>> = {}): Variants {
  const out: Record<string, string> = { ...DEFAULT_VARIANTS };
  for (const [name, alternative] of Object.entries(chosen)) {
    if (alternative === undefined) continue;
    if (!isVariantName(name)) throw new RangeError(`unknown variant ${name}; known: ${VARIANT_NAMES.join(', ')}`);
    if (!alternativesOf(name).includes(alternative))
      throw new RangeError(
        `variant ${name} has no alternative ${alternative}; it has ${alternativesOf(name).join(', ')}`,
      );
    out[name] = alternative;
  }
  return out as Variants;
}

/** Of some choices, those that are not the variant's default (an unknown name is kept: resolveVariants refuses it). */
export function changedVariants(chosen: Partial<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, alternative] of Object.entries(chosen))
    if (alternative !== undefined && (!isVariantName(name) || VARIANTS[name].default !== alternative))
      out[name] = alternative;
  return out;
}

/**
 * The variants as a model reads them, noting which it consulted. A run that never consulted a variant would have
 * gone the same way under any of its alternatives (the run is deterministic up to the first read), so
 * `--variants all` replays a scenario only under the variants its default run read.
 */
export class VariantChoices {
  readonly #chosen: Variants;
  readonly #consulted = new Set<VariantName>();

  constructor(chosen: Partial<Record<string, string>> | Variants = {}) {
    this.#chosen = resolveVariants(chosen);
  }

  /** The alternative in force; recorded as consulted. */
  get<N extends VariantName>(name: N): Variants[N] {
    this.#consulted.add(name);
    return this.#chosen[name];
  }

  /** The alternative in force, not recorded: for what only shows a choice (Graph's job settings, Why?). */
  peek<N extends VariantName>(name: N): Variants[N] {
    return this.#chosen[name];
  }

  /** Every choice, without marking any as consulted (for reports and persistence). */
  get all(): Variants {
    return { ...this.#chosen };
  }

  get consulted(): VariantName[] {
    return VARIANT_NAMES.filter((n) => this.#consulted.has(n));
  }
}
