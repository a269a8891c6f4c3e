/** What each scenario step does to the world. Expectations live in expect.ts. */
import { formatInstant } from '../time.ts';
import { faultFrom } from './faults.ts';
import type { ScenarioStep } from './load.ts';
import type { StepArgs, StepName } from './schema.ts';
import { addNamedGroup, addNamedUser, idOf, memberOf, type World } from './world.ts';

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
/** Does `act` for each name of a one-or-many argument (`- deleteUser: ada` or `- deleteUser: [ada, bob]`). */
function each(refs: string | string[], act: (name: string) => unknown): void {
  for (const name of list(refs)) act(name);
}

type Handler<N extends StepName> = (world: World, args: StepArgs[N], step: ScenarioStep<N>) => Promise<void> | void;

export const STEP_HANDLERS: { [N in Exclude<StepName, 'expect'>]: Handler<N> } = {
  assign: (w, refs) => each(refs, (r) => w.azure.app.assign(idOf(w, r))),
  unassign: (w, refs) => each(refs, (r) => w.azure.app.unassign(idOf(w, r))),

  getCredentials: async (w) => {
    // With --http the app's credentials come from the command line; the NordPass in this process is not the target.
    if (w.httpTarget) {
      w.issued = { ...w.httpTarget };
      w.entered = { tenantUrl: withFlag(w, w.httpTarget.tenantUrl), secretToken: w.httpTarget.secretToken };
      return;
    }
    w.issued = await w.getCredentials();
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
    w.lastTestConnection = await w.azure.job.testConnection(tenantUrl, secretToken);
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
      await w.azure.job.saveCredentials(tenantUrl, secretToken);
      if (args?.expect === 'refused')
        throw new StepFailure('Save: expected the credentials to be refused, but they were saved', 'refused', 'saved');
    } catch (error) {
      if (error instanceof StepFailure) throw error;
      if (args?.expect !== 'refused')
        throw new StepFailure(`Save refused: ${(error as Error).message}`, 'saved', 'refused');
    }
  },
  start: (w) => w.azure.job.start(),
  stop: (w) => w.azure.job.stop(),
  restart: (w, args) => w.azure.job.restart({ ...(args?.full ? { full: true } : {}) }),
  allowDeletes: (w) => w.azure.job.allowDeletes(),
  provisionOnDemand: async (w, args) => {
    const name = typeof args === 'string' ? args : args.user;
    const expected = typeof args === 'string' ? 'done' : args.expect;
    try {
      await w.azure.job.provisionOnDemand(idOf(w, name));
      if (expected === 'refused')
        throw new StepFailure(`Provision on demand of ${name} was expected to be refused`, 'refused', 'done');
    } catch (error) {
      if (error instanceof StepFailure || expected !== 'refused')
        throw error instanceof StepFailure
          ? error
          : new StepFailure(`Provision on demand of ${name} failed: ${(error as Error).message}`, 'done', 'refused');
    }
  },

  createUser: (w, { name, ...attributes }) => {
    addNamedUser(w, name, attributes);
  },
  createGroup: (w, { name, members, ...attributes }) => {
    const group = addNamedGroup(w, name, attributes);
    for (const member of members ?? []) w.azure.directory.addMember(group.id, idOf(w, member));
  },
  editGroup: (w, args) => {
    w.azure.directory.updateGroup(idOf(w, args.group), args.set);
  },
  deleteGroup: (w, refs) => each(refs, (r) => w.azure.directory.deleteGroup(idOf(w, r))),
  configureProvisioning: (w, args) => w.azure.app.configure(args),
  deleteUser: (w, refs) => each(refs, (r) => w.azure.directory.deleteUser(idOf(w, r))),
  restoreUser: (w, refs) => each(refs, (r) => w.azure.directory.restoreUser(idOf(w, r))),
  deletePermanently: (w, refs) => each(refs, (r) => w.azure.directory.deleteUserPermanently(idOf(w, r))),
  blockSignIn: (w, refs) => each(refs, (r) => w.azure.directory.blockSignIn(idOf(w, r))),
  unblockSignIn: (w, refs) => each(refs, (r) => w.azure.directory.unblockSignIn(idOf(w, r))),
  editUser: (w, args) => {
    const user = w.azure.directory.updateUser(idOf(w, args.user), args.set);
    w.upns.set(args.user, user.userPrincipalName);
  },
  addToGroup: (w, args) => each(args.members, (m) => w.azure.directory.addMember(idOf(w, args.group), idOf(w, m))),
  removeFromGroup: (w, args) =>
    each(args.members, (m) => w.azure.directory.removeMember(idOf(w, args.group), idOf(w, m))),

  acceptInvitation: (w, args) => {
    const one = typeof args === 'object' && !Array.isArray(args);
    const names = one ? [args.user] : list(args as string | string[]);
    const expected = one ? args.expect : 'accepted';
    for (const name of names) {
      const member = requireMember(w, name);
      let outcome = 'accepted';
      let reason = '';
      try {
        w.nordpass.members.acceptInvitation(member.id);
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
  restoreMember: (w, refs) => each(refs, (r) => w.nordpass.members.restore(requireMember(w, r), 'admin')),
  deleteMember: (w, refs) => each(refs, (r) => w.nordpass.members.delete(requireMember(w, r), 'admin')),
  setRole: (w, args) => w.nordpass.members.setRole(requireMember(w, args.user), args.role, 'admin'),

  advance: async (w, duration) => void (await w.clock.advance(duration)),
  advanceTo: async (w, instant) => void (await w.clock.advanceTo(instant)),
  untilIdle: async (w, args) => {
    // Provisioning cycles repeat for ever, so "idle" means nothing else is scheduled.
    const limit = args?.limit ?? 100_000;
    for (let i = 0; ; i++) {
      const next = w.clock.nextDueAt((label) => label !== 'provisioning cycle');
      if (next === undefined) return;
      if (i >= limit)
        throw new StepFailure(`untilIdle: still busy after ${limit} steps (next timer at ${formatInstant(next)})`);
      // The loader checks the virtual-time limit on advance steps only; untilIdle used to run past it unchecked.
      if (next > w.virtualTimeLimit.at) {
        throw new StepFailure(
          `untilIdle: the next timer (${formatInstant(next)}) is past the scenario's virtual time limit of ${w.virtualTimeLimit.text} (limits.maxVirtualTime)`,
        );
      }
      await w.clock.advanceTo(next);
    }
  },

  fault: (w, f) => w.azure.faults.inject(faultFrom(f, w.clock.now(), () => w.nextId('fault'))),
  clearFault: (w, id) => w.azure.faults.clear(id ?? undefined),
};

/**
 * A step or check that looks inside NordPass, with --http: the runner reports the step as skipped with this
 * reason (or, with --strict, as failed). What anyone can see over SCIM is checked with `scim:` instead.
 */
export class NeedsNordPassInside extends StepFailure {
  override name = 'NeedsNordPassInside';
}

/** Steps and checks that look inside NordPass need the simulator in this process. */
export function requireLocalNordPass(w: World, what: string): void {
  if (w.httpTarget)
    throw new NeedsNordPassInside(
      `${what} looks inside NordPass, which is not possible with --http (the SCIM app is ${w.httpTarget.tenantUrl}); \`scim:\` checks what anyone can see over SCIM`,
    );
}

const withFlag = (w: World, url: string) => (w.aadOptscim062020 ? `${url}?aadOptscim062020` : url);

function requireEntered(w: World): { tenantUrl: string; secretToken: string } {
  const { tenantUrl, secretToken } = w.entered;
  if (!tenantUrl || !secretToken)
    throw new StepFailure('no admin credentials entered: run "getCredentials" (NordPass) first, or "enterCredentials"');
  return { tenantUrl, secretToken };
}

function requireMember(w: World, name: string) {
  requireLocalNordPass(w, 'this step');
  const member = memberOf(w, name);
  if (!member) throw new StepFailure(`${name} has no NordPass member yet (not provisioned)`);
  return member;
}
