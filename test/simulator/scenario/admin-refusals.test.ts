/**
 * `expect: refused` on an Admin Panel step counts only the Admin Panel saying no (the target's Refused): an error
 * of any other kind (a 500, a broken connection, a bug) fails the step as that error, whatever the step expects.
 */
import { describe, expect, it } from 'vitest';
import { STEP_HANDLERS, StepFailure } from '../../../simulator/scenario/steps.ts';
import { Refused, type ScenarioTarget } from '../../../simulator/scenario/target.ts';
import type { ScenarioState } from '../../../simulator/scenario/world.ts';

function stateWith(suspend: () => Promise<void>): ScenarioState {
  const target = {
    memberByUserName: async () => ({ id: 'm1', userName: 'ada@contoso.com', status: 'active', history: [] }),
    suspendMember: suspend,
  } as unknown as ScenarioTarget;
  return { target, upns: new Map([['ada', 'ada@contoso.com']]), strict: false } as unknown as ScenarioState;
}

const suspend = (state: ScenarioState, args: unknown) =>
  (STEP_HANDLERS.suspendMember as (w: ScenarioState, a: unknown) => Promise<void>)(state, args);

describe('Admin Panel steps and refusals', () => {
  it('a Refused is a refusal: expected, the step passes; not expected, it fails saying why', async () => {
    const refused = stateWith(async () => {
      throw new Refused('ada@contoso.com is an Owner and cannot be suspended');
    });
    await expect(suspend(refused, { user: 'ada', expect: 'refused' })).resolves.toBeUndefined();
    await expect(suspend(refused, 'ada')).rejects.toThrow(
      /suspending ada in the Admin Panel as an Owner: expected done, got refused \(ada@contoso.com is an Owner/,
    );
  });

  it('any other error is not a refusal: it fails the step as itself, even where a refusal was expected', async () => {
    const broken = stateWith(async () => {
      throw new TypeError('fetch failed');
    });
    const failed = suspend(broken, { user: 'ada', expect: 'refused' });
    await expect(failed).rejects.toThrow(TypeError);
    await expect(failed).rejects.not.toBeInstanceOf(StepFailure);
  });
});
