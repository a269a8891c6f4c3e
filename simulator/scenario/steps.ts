/** What each scenario step does to the world. Expectations live in expect.ts. */
import { formatInstant } from '../time.ts';
import type { ScenarioStep } from './load.ts';
import type { StepArgs, StepName } from './schema.ts';
import { type MemberView, Refused } from './target.ts';
import type { AdminRole } from '../nordpass/members.ts';
import { idOf, mappingOf, memberOf, namedUserAttributes, type ScenarioState } from './world.ts';

/** A step that did not do what the scenario said it would; the run stops with this message. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly expected?: string,
    readonly actual?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

const list = (refs: string | string[]) => (Array.isArray(refs) ? refs : [refs]);
/** `assign: ada`, `assign: [ada, sales]` or `assign: {principals: ada, role: Admin}`. */
const assignmentOf = (arg: StepArgs['assign']) =>
  typeof arg === 'object' && !Array.isArray(arg) ? arg : { principals: arg, role: undefined };
/** Does `act` for each name of a one-or-many argument (`- deleteUser: ada` or `- deleteUser: [ada, bob]`), in turn. */
async function each(refs: string | string[], act: (name: string) => Promise<unknown>): Promise<void> {
  for (const name of list(refs)) await act(name);
}

type Handler<N extends StepName> = (
  world: ScenarioState,
  args: StepArgs[N],
  step: ScenarioStep<N>,
) => Promise<void> | void;

export const STEP_HANDLERS: { [N in Exclude<StepName, 'expect'>]: Handler<N> } = {
  assign: (w, arg) => {
    const { principals, role } = assignmentOf(arg);
    return each(principals, (r) => w.target.assign(idOf(w, r), role));
  },
  unassign: (w, arg) => {
    const { principals, role } = assignmentOf(arg);
    return each(principals, (r) => w.target.unassign(idOf(w, r), role));
  },

  getCredentials: async (w) => {
    // With --http the app's credentials come from the command line; the NordPass in this process is not the target.
    if (w.httpTarget) {
      w.issued = { ...w.httpTarget };
      w.entered = { tenantUrl: withFlag(w, w.httpTarget.tenantUrl), secretToken: w.httpTarget.secretToken };
      return;
    }
    w.issued = await w.target.getCredentials();
    w.entered = { tenantUrl: withFlag(w, w.issued.tenantUrl), secretToken: w.issued.secretToken };
  },
  enterCredentials: (w, args) => {
    const issuedUrl = w.issued ? withFlag(w, w.issued.tenantUrl) : undefined;
    w.entered = {
      tenantUrl: args.tenantUrl ?? issuedUrl ?? w.entered.tenantUrl,
      secretToken: args.secretToken ?? w.issued?.secretToken ?? w.entered.secretToken,
    };
  },
  testConnection: async (w, args) => {
    const { tenantUrl, secretToken } = requireEntered(w);
    w.lastTestConnection = await w.target.testConnection(tenantUrl, secretToken);
    if (args) {
      const got = w.lastTestConnection.ok ? 'success' : 'failure';
      if (got !== args.expect)
        throw new StepFailure(
          `Test Connection: expected ${args.expect}, got ${got}`,
          args.expect,
          `${got}${w.lastTestConnection.errorCode ? ` (${w.lastTestConnection.errorCode})` : ''}`,
        );
      if (args.errorCode && w.lastTestConnection.errorCode !== args.errorCode) {
        throw new StepFailure(
          'Test Connection: wrong error code',
          args.errorCode,
          w.lastTestConnection.errorCode ?? 'none',
        );
      }
    }
  },
  save: async (w, args) => {
    const { tenantUrl, secretToken } = requireEntered(w);
    try {
      await w.target.saveCredentials(tenantUrl, secretToken);
      if (args?.expect === 'refused')
        throw new StepFailure('Save: expected the credentials to be refused, but they were saved', 'refused', 'saved');
    } catch (error) {
      if (error instanceof StepFailure) throw error;
      if (args?.expect !== 'refused')
        throw new StepFailure(`Save refused: ${(error as Error).message}`, 'saved', 'refused');
    }
  },
  start: (w, args) => w.target.start({ wait: args?.wait === true }),
  stop: (w) => w.target.stop(),
  deleteJob: (w) => w.target.deleteJob(),
  restart: (w, args) => w.target.restart({ ...(args?.full ? { full: true } : {}), wait: args?.wait === true }),
  allowDeletes: (w, args) => w.target.allowDeletes({ wait: args?.wait === true }),
  provisionOnDemand: async (w, args) => {
    const name = typeof args === 'string' ? args : args.user;
    const expected = typeof args === 'string' ? 'done' : args.expect;
    try {
      await w.target.provisionOnDemand(idOf(w, name));
      if (expected === 'refused')
        throw new StepFailure(`Provision on demand of ${name} was expected to be refused`, 'refused', 'done');
    } catch (error) {
      if (error instanceof StepFailure || expected !== 'refused')
        throw error instanceof StepFailure
          ? error
          : new StepFailure(`Provision on demand of ${name} failed: ${(error as Error).message}`, 'done', 'refused');
    }
  },

  createUser: (w, { name, ...attributes }) => createNamedUser(w, name, attributes),
  createGroup: async (w, { name, members, ...attributes }) => {
    const group = await createNamedGroup(w, name, attributes);
    await each(members ?? [], (member) => w.target.addMember(group.id, idOf(w, member)));
  },
  editGroup: (w, args) => w.target.updateGroup(idOf(w, args.group), args.set),
  deleteGroup: (w, refs) => each(refs, (r) => w.target.deleteGroup(idOf(w, r))),
  configureProvisioning: (w, args) => w.target.configure(args),
  setScopingFilters: (w, filters) => w.target.configure({ scopingFilters: filters }),
  setManager: (w, { user, manager }) => w.target.setManager(idOf(w, user), idOf(w, manager)),
  removeManager: (w, refs) => each(refs, (r) => w.target.setManager(idOf(w, r), undefined)),
  setAttributeMappings: (w, mappings) => w.target.editMappings({ set: mappings.map(mappingOf), remove: [] }),
  deleteAttributeMappings: (w, targets) => w.target.editMappings({ set: [], remove: targets }),
  deleteUser: (w, refs) => each(refs, (r) => w.target.deleteUser(idOf(w, r))),
  restoreUser: (w, refs) => each(refs, (r) => w.target.restoreUser(idOf(w, r))),
  deletePermanently: (w, refs) => each(refs, (r) => w.target.deleteUserPermanently(idOf(w, r))),
  blockSignIn: (w, refs) => each(refs, (r) => w.target.blockSignIn(idOf(w, r))),
  unblockSignIn: (w, refs) => each(refs, (r) => w.target.unblockSignIn(idOf(w, r))),
  editUser: async (w, args) => {
    const user = await w.target.updateUser(idOf(w, args.user), args.set);
    w.upns.set(args.user, user.userPrincipalName);
  },
  addToGroup: (w, args) => each(args.members, (m) => w.target.addMember(idOf(w, args.group), idOf(w, m))),
  removeFromGroup: (w, args) => each(args.members, (m) => w.target.removeMember(idOf(w, args.group), idOf(w, m))),

  acceptInvitation: async (w, args) => {
    const one = typeof args === 'object' && !Array.isArray(args);
    const names = one ? [args.user] : list(args as string | string[]);
    const expected = one ? args.expect : 'accepted';
    for (const name of names) {
      const member = await requireMember(w, name);
      let outcome = 'accepted';
      let reason = '';
      try {
        await w.target.acceptInvitation(member.id);
      } catch (error) {
        outcome = 'refused';
        reason = (error as Error).message;
      }
      if (outcome !== expected)
        throw new StepFailure(
          `${name} accepting the invitation: expected ${expected}, got ${outcome}${reason ? ` (${reason})` : ''}`,
          expected,
          outcome,
        );
    }
  },
  restoreMember: (w, args) => adminAction(w, args, 'restoring', (id, as) => w.target.restoreMember(id, as)),
  suspendMember: (w, args) => adminAction(w, args, 'suspending', (id, as) => w.target.suspendMember(id, as)),
  activateMember: (w, args) => adminAction(w, args, 'activating', (id, as) => w.target.activateMember(id, as)),
  deleteMember: (w, args) => adminAction(w, args, 'deleting', (id, as) => w.target.deleteMember(id, as)),
  setRole: (w, { role, ...args }) =>
    adminAction(w, args, `making ${role} of`, (id, as) => w.target.setRole(id, role, as)),

  advance: (w, duration) => w.target.advance(duration),
  advanceTo: (w, instant) => w.target.advanceTo(instant),
  untilIdle: async (w, args) => {
    // Provisioning cycles repeat for ever, so "idle" means nothing else is scheduled.
    const limit = args?.limit ?? 100_000;
    for (let i = 0; ; i++) {
      const next = await w.target.nextTimerBesidesCycles();
      if (next === undefined) return;
      if (i >= limit)
        throw new StepFailure(`untilIdle: still busy after ${limit} steps (next timer at ${formatInstant(next)})`);
      // The loader checks the virtual-time limit on advance steps only; untilIdle used to run past it unchecked.
      if (next > w.virtualTimeLimit.at) {
        throw new StepFailure(
          `untilIdle: the next timer (${formatInstant(next)}) is past the scenario's virtual time limit of ${w.virtualTimeLimit.text} (limits.maxVirtualTime)`,
        );
      }
      await w.target.advanceTo(formatInstant(next));
    }
  },

  fault: (w, f) => w.target.injectFault(f),
  clearFault: (w, id) => w.target.clearFault(id ?? undefined),
};

/**
 * A step or check that looks inside NordPass, with --http: the runner reports the step as skipped with this
 * reason (or, with --strict, as failed). What anyone can see over SCIM is checked with `scim:` instead.
 */
export class NeedsNordPassInside extends StepFailure {
  override name = 'NeedsNordPassInside';
}

/** Steps and checks that look inside NordPass need the simulator in this process. */
export function requireLocalNordPass(w: ScenarioState, what: string): void {
  if (w.httpTarget)
    throw new NeedsNordPassInside(
      `${what} looks inside NordPass, which is not possible with --http (the SCIM app is ${w.httpTarget.tenantUrl}); \`scim:\` checks what anyone can see over SCIM`,
    );
}

const withFlag = (w: ScenarioState, url: string) => (w.aadOptscim062020 ? `${url}?aadOptscim062020` : url);

function requireEntered(w: ScenarioState): { tenantUrl: string; secretToken: string } {
  const { tenantUrl, secretToken } = w.entered;
  if (!tenantUrl || !secretToken)
    throw new StepFailure('no admin credentials entered: run "getCredentials" (NordPass) first, or "enterCredentials"');
  return { tenantUrl, secretToken };
}

async function requireMember(w: ScenarioState, name: string): Promise<MemberView> {
  requireLocalNordPass(w, 'this step');
  const member = await memberOf(w, name);
  if (!member) throw new StepFailure(`${name} has no NordPass member yet (not provisioned)`);
  return member;
}

/** A tenant user the scenario calls `name`, made through the target, and known by that name from now on. */
export async function createNamedUser(
  w: ScenarioState,
  name: string,
  attributes: Parameters<typeof namedUserAttributes>[2],
): Promise<void> {
  const user = await w.target.addUser(namedUserAttributes(w, name, attributes));
  w.users.set(name, user.id);
  w.upns.set(name, user.userPrincipalName);
}

/** A security group the scenario calls `name` (its display name unless given), made through the target. */
export async function createNamedGroup(
  w: ScenarioState,
  name: string,
  attributes: { displayName?: string | undefined; description?: string | undefined },
): Promise<{ id: string }> {
  const group = await w.target.addGroup({ ...attributes, displayName: attributes.displayName ?? name });
  w.groups.set(name, group.id);
  return group;
}

/**
 * An Admin Panel action on named members, by an Owner (default) or an Admin, done or (`expect: refused`) refused.
 * A refusal that was not expected fails the step with the Admin Panel's own words, and so does a success that was.
 */
async function adminAction(
  w: ScenarioState,
  args: string | string[] | { user: string; as?: AdminRole; expect?: 'done' | 'refused' },
  doing: string,
  act: (memberId: string, as: AdminRole) => Promise<void>,
): Promise<void> {
  const one = typeof args === 'object' && !Array.isArray(args);
  const names = one ? [args.user] : list(args);
  const as = (one && args.as) || 'owner';
  const expected = (one && args.expect) || 'done';
  for (const name of names) {
    const member = await requireMember(w, name);
    let outcome: 'done' | 'refused' = 'done';
    let reason = '';
    try {
      await act(member.id, as);
    } catch (error) {
      // Only the Admin Panel saying no is a refusal; anything else is an error of the step, whatever it expects.
      if (!(error instanceof Refused)) throw error;
      outcome = 'refused';
      reason = error.message;
    }
    if (outcome !== expected)
      throw new StepFailure(
        `${doing} ${name} in the Admin Panel as ${as === 'owner' ? 'an Owner' : 'an Admin'}: expected ${expected}, got ${outcome}${reason ? ` (${reason})` : ''}`,
        expected,
        reason ? `${outcome}: ${reason}` : outcome,
      );
  }
}
