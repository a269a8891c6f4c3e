/**
 * Which users a cycle looks at. The initial cycle (no watermark) reads everyone in scope plus everyone
 * linked; an incremental one reads only what changed since the watermark (the directory's change feed and
 * the assignments'), plus escrows due for a retry: its cost follows the changes, not the tenant's size.
 */
import type { EnterpriseApplication } from '../app/application.ts';
import type { Directory } from '../directory/directory.ts';
import type { Link } from './plan.ts';

export function collectWork(
  directory: Directory,
  app: EnterpriseApplication,
  links: Map<string, Link>,
  watermark: { directorySeq: number; appSeq: number } | undefined,
  escrowsDue: string[],
  staged: Set<string> | undefined,
): Set<string> {
  const ids = new Set<string>();
  if (!watermark) {
    for (const id of app.scopedUserIds()) ids.add(id);
    for (const id of links.keys()) ids.add(id);
  } else {
    for (const change of directory.changesSince(watermark.directorySeq)) {
      if (change.kind === 'groupDeleted') {
        // The deleted group's members are no longer readable: every linked user is looked at again (rare).
        for (const id of links.keys()) ids.add(id);
      } else if (
        change.kind.startsWith('user') ||
        directory.user(change.objectId) ||
        directory.deletedUser(change.objectId) ||
        links.has(change.objectId)
      ) {
        ids.add(change.objectId);
      }
    }
    for (const change of app.changesSince(watermark.appSeq)) for (const id of change.userIds) ids.add(id);
  }
  for (const id of escrowsDue) ids.add(id);
  if (staged) for (const id of staged) ids.add(id);
  return ids;
}
