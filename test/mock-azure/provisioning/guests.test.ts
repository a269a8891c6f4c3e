/**
 * B2B guests (how-provisioning-works, "B2B (guest) users"): a guest's userPrincipalName "alias_theirdomain#EXT#@
 * yourdomain" is read as "alias@theirdomain" for matching and provisioning; originalUserPrincipalName is the whole.
 */
import { describe, expect, it } from 'vitest';
import { MAPPING_PRESETS, provisioningUpn } from '../../../mock-azure/app/mappings.ts';
import { parseScenario } from '../../../simulator/scenario/load.ts';
import { runScenario } from '../../../simulator/scenario/run.ts';
import { byMethod, recordFrom, tenantWith } from '../../helpers/engine.ts';

const GUEST = 'ada_fabrikam.com#EXT#@contoso.onmicrosoft.com';

describe('B2B guests', () => {
  it('the #EXT# and the home domain are stripped; a member UPN is read as it is', () => {
    expect(provisioningUpn(GUEST)).toBe('ada@fabrikam.com');
    expect(provisioningUpn('first_last_x.co.uk#EXT#@contoso.com')).toBe('first_last@x.co.uk');
    expect(provisioningUpn('ada@contoso.com')).toBe('ada@contoso.com');
  });

  it('a guest is looked up and created as alias@theirdomain; originalUserPrincipalName sends the whole UPN', async () => {
    const mappings = [
      ...MAPPING_PRESETS.nordpass,
      { source: 'originalUserPrincipalName' as const, target: 'nickName' },
    ];
    const { w } = tenantWith([GUEST], { azure: { provisioning: { mappings } } });
    const sent = recordFrom(w);
    await w.connect();
    expect(sent().some((e) => e.path === '/Users?filter=userName+eq+"ada@fabrikam.com"')).toBe(true);
    expect(JSON.parse(byMethod(sent(), 'POST')[0]!.requestBody!)).toMatchObject({
      userName: 'ada@fabrikam.com',
      nickName: GUEST,
    });
    expect(w.memberStatus('ada@fabrikam.com')).toBe('pending');
  });

  it("in a scenario, a guest's member and SCIM checks use the name provisioning gives them", async () => {
    const result = await runScenario(
      parseScenario(`name: A guest
tenant:
  users:
    ada: { userPrincipalName: "${GUEST}" }
steps:
  - assign: ada
  - getCredentials
  - save
  - start
  - expect:
      members: { ada: pending }
      scim: { ada: { exists: true, attributes: { userName: ada@fabrikam.com } } }
      outbox: [{ to: ada, count: 0 }]
`),
    );
    expect(result.failure?.message ?? '').toBe('');
  });
});
