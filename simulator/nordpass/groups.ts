/** NordPass groups, for when group provisioning is on (NordPass Enterprise): records with members, no HTTP. */
import type { Clock } from '../clock.ts';
import type { Random } from '../random.ts';
import { LifecycleError } from './members.ts';
import type { GroupRecord } from './model.ts';
import type { NordPassStore } from './store.ts';

export class Groups {
  constructor(
    private readonly store: NordPassStore,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  get(id: string): GroupRecord {
    const group = this.store.groupById(id);
    if (!group) throw new LifecycleError('notFound', `no group with id ${id}`);
    return group;
  }

  all(): readonly GroupRecord[] {
    return this.store.allGroups();
  }

  // fidelity: member ids are kept as sent; NordPass only lists users it already has, which is not checked here.
  create(attributes: Record<string, unknown>): GroupRecord {
    this.#assertNameFree(String(attributes.displayName));
    const now = this.clock.now();
    const group: GroupRecord = {
      id: this.random.uuid(),
      displayName: String(attributes.displayName),
      createdAt: now,
      updatedAt: now,
      version: 1,
      attributes: withUniqueMembers(attributes),
    };
    this.store.addGroup(group);
    return group;
  }

  replace(group: GroupRecord, attributes: Record<string, unknown>): void {
    this.#assertNameFree(String(attributes.displayName), group.id);
    group.attributes = withUniqueMembers(attributes);
    group.displayName = String(attributes.displayName);
    group.updatedAt = this.clock.now();
    group.version++;
    this.store.groupChanged(group);
  }
  /**
   * "Groups must have uniqueness on the 'displayName' value" (Entra's SCIM-TUT; Entra looks groups up by it).
   * fidelity: whether NordPass refuses a second group of one name is not public (INFERRED): 409 uniqueness.
   */
  #assertNameFree(displayName: string, exceptId?: string): void {
    const lower = displayName.toLowerCase();
    const taken = this.store.allGroups().find((g) => g.id !== exceptId && g.displayName.toLowerCase() === lower);
    if (taken) throw new LifecycleError('conflict', `a group named "${displayName}" exists already (${taken.id})`);
  }

  delete(group: GroupRecord): void {
    this.store.removeGroup(group.id);
  }

  /** A deleted member leaves every group it was in. */
  removeMemberEverywhere(memberId: string): void {
    for (const group of this.store.allGroups()) {
      const list = group.attributes.members;
      if (!Array.isArray(list) || !list.some((m) => (m as { value?: unknown }).value === memberId)) continue;
      this.replace(group, {
        ...group.attributes,
        members: list.filter((m) => (m as { value?: unknown }).value !== memberId),
      });
    }
  }
}

function withUniqueMembers(attributes: Record<string, unknown>): Record<string, unknown> {
  const list = attributes.members;
  if (!Array.isArray(list)) return attributes;
  const seen = new Set<unknown>();
  const members = list.filter((m) => {
    const value = (m as { value?: unknown }).value;
    if (seen.has(value)) return false;
    seen.add(value);
    return true;
  });
  return { ...attributes, members };
}
