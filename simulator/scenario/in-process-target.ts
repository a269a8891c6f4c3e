/**
 * A scenario's target in this process: each step calls the models of its own simulated world directly (what
 * `scimsim run` does, and what a served world does when it runs an opened scenario's steps).
 */
import type { MemberStatus } from '../nordpass/member-states.ts';
import type { Member } from '../nordpass/model.ts';
import type { NordPass } from '../nordpass/app.ts';
import type { World as SimulatedWorld } from '../world.ts';
import { exchangeMatches } from '../../mock-azure/scim-client/exchanges.ts';
import { faultFrom } from './faults.ts';
import { Refused, type ScenarioTarget } from './target.ts';
import { editedMappings } from '../../mock-azure/app/mappings.ts';
import { LifecycleError } from '../nordpass/members.ts';

/** The lifecycle's refusals, as the target reports them (a Refused); anything else is thrown as it is. */
function refusing(act: () => void): void {
  try {
    act();
  } catch (error) {
    if (error instanceof LifecycleError) throw new Refused(error.message);
    throw error;
  }
}

export function inProcessTarget(world: SimulatedWorld): ScenarioTarget {
  const { clock, nordpass, azure } = world;
  const { directory, app, job } = azure;
  const member = (id: string): Member => {
    const found = nordpass.members.find(id);
    if (!found) throw new Error(`no member with id ${id}`);
    return found;
  };
  return {
    now: async () => clock.now(),
    advance: async (duration) => void (await clock.advance(duration)),
    advanceTo: async (instant) => void (await clock.advanceTo(instant)),
    nextTimerBesidesCycles: async () => clock.nextDueAt((label) => label !== 'provisioning cycle'),

    addUser: async (attributes) => {
      const user = directory.addUser(attributes);
      return { id: user.id, userPrincipalName: user.userPrincipalName };
    },
    updateUser: async (id, set) => ({ userPrincipalName: directory.updateUser(id, set).userPrincipalName }),
    deleteUser: async (id) => directory.deleteUser(id),
    restoreUser: async (id) => void directory.restoreUser(id),
    deleteUserPermanently: async (id) => directory.deleteUserPermanently(id),
    blockSignIn: async (id) => directory.blockSignIn(id),
    unblockSignIn: async (id) => directory.unblockSignIn(id),
    addGroup: async (attributes) => ({ id: directory.addGroup(attributes).id }),
    updateGroup: async (id, set) => void directory.updateGroup(id, set),
    deleteGroup: async (id) => directory.deleteGroup(id),
    addMember: async (groupId, memberId) => directory.addMember(groupId, memberId),
    removeMember: async (groupId, memberId) => directory.removeMember(groupId, memberId),
    directoryPlace: async (id) =>
      directory.user(id) ? 'active' : directory.deletedUser(id) ? 'deleted' : 'permanentlyDeleted',
    recycleBinCount: async () => {
      let n = 0;
      for (const _ of directory.deletedUsers()) n++;
      return n;
    },

    setManager: async (id, managerId) => void directory.setManager(id, managerId),
    editMappings: async ({ set, remove }) =>
      app.configure({ mappings: editedMappings(app.settings.mappings, set, remove) }),
    assign: async (id, role) => void app.assign(id, role === undefined ? undefined : app.appRole(role)!.id),
    unassign: async (id, role) => void app.unassign(id, role === undefined ? undefined : app.appRole(role)!.id),
    configure: async ({ groupProvisioning, scopingFilters, ...settings }) => {
      app.configure(settings);
      if (groupProvisioning === undefined && scopingFilters === undefined) return;
      // The mappings page's settings live in the job's schema: the job is made when there is none.
      if (!job.exists) job.create();
      app.configure({
        ...(groupProvisioning !== undefined ? { groupProvisioning } : {}),
        ...(scopingFilters !== undefined ? { scopingFilters } : {}),
      });
    },
    testConnection: (tenantUrl, secretToken) => job.testConnection(tenantUrl, secretToken),
    saveCredentials: (tenantUrl, secretToken) => job.saveCredentials(tenantUrl, secretToken),
    start: (options) => job.start(options),
    stop: async () => job.stop(),
    deleteJob: () => job.remove(),
    restart: (options) => job.restart(options),
    allowDeletes: (options) => job.allowDeletes(options),
    provisionOnDemand: async (id) => void (await job.provisionOnDemand(id)),
    jobStatus: async () => {
      const status = job.status();
      return { code: status.code, quarantineReason: status.quarantine?.reason ?? null, escrows: status.escrows };
    },
    logCount: async (query) => azure.logs.query(query).length,
    latestLogs: async (sourceId, n) =>
      azure.logs
        .all()
        .filter((r) => sourceId === undefined || r.source.id === sourceId)
        .slice(-n)
        .map((r) => `${r.action}/${r.status}${r.errorCode ? `/${r.errorCode}` : ''}`),
    exchangeCount: async (q) => {
      let n = 0;
      // all() copies the record once it is full (up to 100,000 exchanges): read it once per check.
      for (const x of azure.exchanges.all()) if (exchangeMatches(x, q)) n++;
      return n;
    },
    exchangesTotal: async () => azure.exchanges.total,

    getCredentials: () => world.getCredentials(),
    memberByUserName: async (userName) => memberByUserName(nordpass, userName),
    memberCount: async (status: MemberStatus) => nordpass.members.countByStatus(status),
    outboxCount: async (to) => {
      const lower = to?.toLowerCase();
      return nordpass.store.data.outbox.filter((m) => lower === undefined || m.to.toLowerCase() === lower).length;
    },
    acceptInvitation: async (id) => void nordpass.members.acceptInvitation(id),
    restoreMember: async (id) => refusing(() => nordpass.members.restore(member(id), 'admin')),
    // Who acts changes only what a role change may do (setRole); the Owner rules for these hold for both.
    suspendMember: async (id) => refusing(() => nordpass.members.suspend(member(id))),
    activateMember: async (id) => refusing(() => nordpass.members.activate(member(id))),
    deleteMember: async (id) => refusing(() => nordpass.members.delete(member(id), 'admin')),
    setRole: async (id, role, as) => refusing(() => nordpass.members.setRole(member(id), role, 'admin', as)),
    scimEndpoint: () => ({ tenantUrl: nordpass.tenantUrl(), initialToken: nordpass.initialScimToken }),
    scimFetch: (request) => nordpass.fetch(request),

    injectFault: async (spec) => azure.faults.inject(faultFrom(spec, clock.now(), () => world.nextId('fault'))),
    clearFault: async (id) => azure.faults.clear(id),
  };
}

/** The member for a user name in this process: the live one, else the newest (deleted) one. */
export function memberByUserName(nordpass: NordPass, userName: string): Member | undefined {
  const live = nordpass.store.liveMemberByUserName(userName);
  if (live) return live;
  const lower = userName.toLowerCase();
  return nordpass.store.allMembers().findLast((m) => m.userName.toLowerCase() === lower);
}
