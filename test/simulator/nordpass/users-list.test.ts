/** GET /Users lists over HTTP: ListResponse shape, pagination, filters, projections, .search, and the queries real clients send. */
import { describe, expect, it } from 'vitest';
import { SCIM_TOKEN, USER_SCHEMA, harness, type Harness } from '../../helpers/nordpass.ts';

const LIST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const q = (filter: string) => `filter=${encodeURIComponent(filter)}`;

async function list(h: Harness, query: string): Promise<any> {
  const res = await h.scim('GET', `/Users?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  return res.json();
}

const names = (body: any): string[] => body.Resources.map((r: any) => r.userName);

/** Seven members created one minute apart; returns them in creation order. */
async function seven(h: Harness): Promise<Array<Record<string, any>>> {
  const out: Array<Record<string, any>> = [];
  // Names deliberately not in alphabetical order, so creation order is distinguishable from sorting.
  for (const name of ['mia', 'al', 'zoe', 'bea', 'kai', 'cy', 'ed']) {
    out.push(await h.createUser(`${name}@example.com`));
    await h.clock.advance('1m');
  }
  return out;
}

const CREATION_ORDER = ['mia', 'al', 'zoe', 'bea', 'kai', 'cy', 'ed'].map((n) => `${n}@example.com`);

describe('ListResponse shape and pagination', () => {
  it('is a ListResponse with integer totalResults, startIndex and itemsPerPage, in creation order', async () => {
    const h = harness();
    await seven(h);
    const body = await list(h, '');
    expect(body.schemas).toEqual([LIST_SCHEMA]);
    for (const key of ['totalResults', 'startIndex', 'itemsPerPage'])
      expect(Number.isInteger(body[key]), key).toBe(true);
    expect(body).toMatchObject({ totalResults: 7, startIndex: 1, itemsPerPage: 7 });
    expect(names(body)).toEqual(CREATION_ORDER);
  });

  it('an empty store is an empty ListResponse, not a 404', async () => {
    const body = await list(harness(), '');
    expect(body).toEqual({ schemas: [LIST_SCHEMA], totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
  });

  it('pages are stable slices of creation order, unchanged by updates in between', async () => {
    const h = harness();
    const users = await seven(h);
    const p1 = await list(h, 'startIndex=1&count=3');
    // An update moves lastModified but must not move the member in the listing.
    await h.patch(users[0]!.id, [{ op: 'replace', path: 'displayName', value: 'Mia' }]);
    await h.patch(users[1]!.id, [{ op: 'replace', path: 'active', value: false }]);
    const p2 = await list(h, 'startIndex=4&count=3');
    const p3 = await list(h, 'startIndex=7&count=3');
    expect([p1, p2, p3].map((p) => [p.startIndex, p.itemsPerPage, p.totalResults])).toEqual([
      [1, 3, 7],
      [4, 3, 7],
      [7, 1, 7],
    ]);
    expect([...names(p1), ...names(p2), ...names(p3)]).toEqual(CREATION_ORDER);
    expect(names(await list(h, 'startIndex=1&count=3'))).toEqual(names(p1));
  });

  it('startIndex 0 or negative is read as 1', async () => {
    const h = harness();
    await seven(h);
    for (const start of ['0', '-1', '-100']) {
      const body = await list(h, `startIndex=${start}&count=2`);
      expect(body.startIndex, start).toBe(1);
      expect(names(body), start).toEqual(CREATION_ORDER.slice(0, 2));
    }
  });

  it('count=0 gives totalResults only; a negative count is read as 0', async () => {
    const h = harness();
    await seven(h);
    for (const count of ['0', '-1', '-50']) {
      const body = await list(h, `count=${count}`);
      expect(body, count).toMatchObject({ totalResults: 7, itemsPerPage: 0, Resources: [] });
    }
  });

  it('a count over the maximum is clamped to the advertised filter.maxResults; no count gives at most that many', async () => {
    const h = harness({ maxResults: 5 });
    await seven(h);
    const spc = await (await h.scim('GET', '/ServiceProviderConfig')).json();
    expect(spc.filter.maxResults).toBe(5);
    const body = await list(h, 'count=100');
    expect(body).toMatchObject({ totalResults: 7, itemsPerPage: 5 });
    expect(names(body)).toEqual(CREATION_ORDER.slice(0, 5));
    expect((await list(h, '')).itemsPerPage).toBe(5);
    const rest = await list(h, 'startIndex=6&count=100');
    expect(names(rest)).toEqual(CREATION_ORDER.slice(5));
  });

  it('huge startIndex and count are answered, not refused', async () => {
    const h = harness();
    await seven(h);
    const far = await list(h, 'startIndex=99999999999999999999&count=2');
    expect(far.totalResults).toBe(7);
    expect(far.Resources).toEqual([]);
    expect(Number.isInteger(far.startIndex)).toBe(true);
    const all = await list(h, 'count=99999999999999999999');
    expect(all.itemsPerPage).toBe(7);
    const start = await list(h, 'startIndex=7&count=9007199254740991');
    expect(names(start)).toEqual(['ed@example.com']);
  });

  it('pagination applies to a filtered list', async () => {
    const h = harness();
    await seven(h);
    const body = await list(h, `${q('userName ew "example.com" and not (userName sw "z")')}&startIndex=2&count=2`);
    expect(body).toMatchObject({ totalResults: 6, startIndex: 2, itemsPerPage: 2 });
    expect(names(body)).toEqual(['al@example.com', 'bea@example.com']);
  });

  it('query parameter names are matched ignoring case (startindex, COUNT, Filter)', async () => {
    const h = harness();
    await seven(h);
    const body = await list(h, `startindex=2&COUNT=1&Filter=${encodeURIComponent('userName ne "x"')}`);
    expect(body).toMatchObject({ totalResults: 7, startIndex: 2, itemsPerPage: 1 });
    expect(names(body)).toEqual(['al@example.com']);
  });
});

describe('filters over HTTP', () => {
  async function people(h: Harness) {
    const ada = await h.createUser('Ada@Example.com', {
      displayName: 'Ada Lovelace',
      title: 'Engineer',
      externalId: 'E-1',
      emails: [
        { value: 'ada@work.example', type: 'work', primary: true },
        { value: 'ada@home.example', type: 'home' },
      ],
      [ENTERPRISE]: { department: 'R&D', employeeNumber: '100' },
    });
    await h.clock.advance('1h');
    const bob = await h.createUser('bob@example.org', {
      displayName: 'Bob Babbage',
      title: 'Manager',
      externalId: '123',
      emails: [{ value: 'bob@home.example', type: 'home' }],
      [ENTERPRISE]: { department: 'Sales' },
    });
    await h.clock.advance('1h');
    const cy = await h.createUser('cy@example.com', { nickName: 'cyborg' });
    return { ada, bob, cy };
  }

  const cases: Array<[string, string[]]> = [
    ['userName eq "ada@example.com"', ['Ada@Example.com']],
    ['userName eq "ADA@EXAMPLE.COM"', ['Ada@Example.com']],
    ['USERNAME Eq "ada@example.com"', ['Ada@Example.com']],
    ['userName ne "ada@example.com"', ['bob@example.org', 'cy@example.com']],
    ['displayName co "lace"', ['Ada@Example.com']],
    ['userName sw "B"', ['bob@example.org']],
    ['userName ew ".com"', ['Ada@Example.com', 'cy@example.com']],
    ['title pr', ['Ada@Example.com', 'bob@example.org']],
    ['not (title pr)', ['cy@example.com']],
    ['nickName pr and userName sw "c"', ['cy@example.com']],
    ['title eq "Engineer" or title eq "Manager"', ['Ada@Example.com', 'bob@example.org']],
    ['(title eq "Engineer" or nickName pr) and userName ew ".com"', ['Ada@Example.com', 'cy@example.com']],
    ['title eq "Engineer" or (title eq "Manager" and displayName sw "X")', ['Ada@Example.com']],
    ['userName gt "b"', ['bob@example.org', 'cy@example.com']],
    ['userName ge "bob@example.org"', ['bob@example.org', 'cy@example.com']],
    ['userName lt "b"', ['Ada@Example.com']],
    ['userName le "bob@example.org"', ['Ada@Example.com', 'bob@example.org']],
    ['emails[type eq "work"].value eq "ada@work.example"', ['Ada@Example.com']],
    ['emails[type eq "home"]', ['Ada@Example.com', 'bob@example.org']],
    ['emails[type eq "home" and value sw "bob"]', ['bob@example.org']],
    ['emails.value co "home.example"', ['Ada@Example.com', 'bob@example.org']],
    ['emails co "@work"', ['Ada@Example.com']],
    ['title eq Manager', ['bob@example.org']],
    ['externalId eq 123', ['bob@example.org']],
    ['externalId eq "e-1"', []], // externalId is caseExact
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "cy@example.com"', ['cy@example.com']],
    [`${ENTERPRISE}:department eq "sales"`, ['bob@example.org']],
    [`${ENTERPRISE}:employeeNumber pr`, ['Ada@Example.com']],
    ['meta.created gt "2026-01-01T09:00:00Z"', ['bob@example.org', 'cy@example.com']],
    ['meta.created ge "2026-01-01T09:00:00Z"', ['Ada@Example.com', 'bob@example.org', 'cy@example.com']],
    ['meta.created lt "2026-01-01T10:00:00.000Z"', ['Ada@Example.com']],
    ['meta.created le "2026-01-01T11:00:00+01:00"', ['Ada@Example.com', 'bob@example.org']],
    ['meta.lastModified gt "2026-01-01T10:30:00Z"', ['cy@example.com']],
    ['favouriteColour eq "blue"', []],
  ];

  it.each(cases)('%s', async (filter, expected) => {
    const h = harness();
    await people(h);
    const body = await list(h, q(filter));
    expect(names(body)).toEqual(expected);
    expect(body.totalResults).toBe(expected.length);
  });

  it('meta.lastModified follows virtual time: an update moves a member past a cut-off', async () => {
    const h = harness();
    const { ada } = await people(h);
    const cutoff = '2026-01-01T11:30:00Z';
    expect(names(await list(h, q(`meta.lastModified gt "${cutoff}"`)))).toEqual([]);
    await h.clock.advance('1h');
    await h.patch(ada.id, [{ op: 'replace', path: 'title', value: 'Lead' }]);
    expect(names(await list(h, q(`meta.lastModified gt "${cutoff}"`)))).toEqual(['Ada@Example.com']);
    // created does not move
    expect(names(await list(h, q(`meta.created gt "${cutoff}"`)))).toEqual([]);
  });

  it('soft-deleted members are listed with active false; deleted members never', async () => {
    const h = harness();
    const { ada, bob, cy } = await people(h);
    await h.patch(ada.id, [{ op: 'Replace', path: 'active', value: 'False' }]);
    expect((await h.scim('DELETE', `/Users/${bob.id}`)).status).toBe(204);
    const all = await list(h, '');
    expect(all.Resources.map((r: any) => [r.id, r.active])).toEqual([
      [ada.id, false],
      [cy.id, true],
    ]);
    expect(names(await list(h, q('active eq false')))).toEqual(['Ada@Example.com']);
    expect(names(await list(h, q('active eq true')))).toEqual(['cy@example.com']);
    // the deleted member is not found even by its exact userName (the indexed path) nor by a scan
    expect((await list(h, q('userName eq "bob@example.org"'))).totalResults).toBe(0);
    expect((await list(h, q('userName sw "bob"'))).totalResults).toBe(0);
    expect((await list(h, q(`id eq "${bob.id}"`))).totalResults).toBe(0);
    // still listed after the purge? no: the purge deletes
    await h.clock.advance('30d');
    expect(names(await list(h, ''))).toEqual(['cy@example.com']);
  });

  it('a deleted userName provisioned again lists only the new member', async () => {
    const h = harness();
    const first = await h.createUser('again@example.com');
    await h.scim('DELETE', `/Users/${first.id}`);
    const second = await h.createUser('AGAIN@example.com');
    const body = await list(h, q('userName eq "again@example.com"'));
    expect(body.Resources.map((r: any) => r.id)).toEqual([second.id]);
  });

  it('a malformed filter is 400 invalidFilter, a type error too', async () => {
    const h = harness();
    await people(h);
    for (const bad of ['userName eq', 'active gt true', 'meta.created gt "soon"', '(userName pr', 'userName pr and']) {
      const res = await h.scim('GET', `/Users?${q(bad)}`);
      expect(res.status, bad).toBe(400);
      expect((await res.json()).scimType, bad).toBe('invalidFilter');
    }
  });
});

describe('attributes and excludedAttributes', () => {
  async function one(h: Harness) {
    return h.createUser('proj@example.com', {
      displayName: 'Pro J',
      name: { givenName: 'Pro', familyName: 'J' },
      emails: [
        { value: 'w@example.com', type: 'work' },
        { value: 'h@example.com', type: 'home' },
      ],
      [ENTERPRISE]: { department: 'Ops', costCenter: 'C1' },
    });
  }

  it('attributes= returns only those (plus id and schemas) on lists and single GETs', async () => {
    const h = harness();
    const user = await one(h);
    const body = await list(h, 'attributes=userName,name.givenName');
    expect(Object.keys(body.Resources[0]).sort()).toEqual(['id', 'name', 'schemas', 'userName']);
    expect(body.Resources[0]).toEqual({
      schemas: expect.arrayContaining([USER_SCHEMA]),
      id: user.id,
      userName: 'proj@example.com',
      name: { givenName: 'Pro' },
    });
    const single = await (await h.scim('GET', `/Users/${user.id}?attributes=displayName`)).json();
    expect(Object.keys(single).sort()).toEqual(['displayName', 'id', 'schemas']);
  });

  it('attributes= takes value filters, extension URNs and ignores name case', async () => {
    const h = harness();
    await one(h);
    const work = (await list(h, `attributes=${encodeURIComponent('emails[type eq "work"].value')}`)).Resources[0];
    expect(work.emails).toEqual([{ value: 'w@example.com' }]);
    const ext = (await list(h, `attributes=${encodeURIComponent(`${ENTERPRISE}:department`)}`)).Resources[0];
    expect(ext[ENTERPRISE]).toEqual({ department: 'Ops' });
    const cased = (await list(h, 'attributes=USERNAME,DisplayName')).Resources[0];
    expect(cased).toMatchObject({ userName: 'proj@example.com', displayName: 'Pro J' });
    expect(cased.emails).toBeUndefined();
  });

  it('excludedAttributes= drops those but never id or schemas', async () => {
    const h = harness();
    const user = await one(h);
    const body = (await list(h, `excludedAttributes=emails,meta,id,schemas,${encodeURIComponent(ENTERPRISE)}`))
      .Resources[0];
    expect(body.id).toBe(user.id);
    expect(body.schemas).toContain(USER_SCHEMA);
    expect(body.emails).toBeUndefined();
    expect(body.meta).toBeUndefined();
    expect(body[ENTERPRISE]).toBeUndefined();
    expect(body).toMatchObject({
      userName: 'proj@example.com',
      displayName: 'Pro J',
      name: { givenName: 'Pro', familyName: 'J' },
    });
    const single = await (await h.scim('GET', `/Users/${user.id}?excludedAttributes=name.givenName`)).json();
    expect(single.name).toEqual({ familyName: 'J' });
  });

  it('a projection does not change what the filter sees', async () => {
    const h = harness();
    await one(h);
    const body = await list(h, `${q('emails[type eq "home"]')}&attributes=userName`);
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0].emails).toBeUndefined();
  });
});

describe('POST /Users/.search', () => {
  it('takes filter, startIndex, count, attributes in the body', async () => {
    const h = harness();
    await seven(h);
    const res = await h.scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName ew "@example.com" and not (userName eq "al@example.com")',
      startIndex: 2,
      count: 3,
      attributes: ['userName'],
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ schemas: [LIST_SCHEMA], totalResults: 6, startIndex: 2, itemsPerPage: 3 });
    expect(names(body)).toEqual(['zoe@example.com', 'bea@example.com', 'kai@example.com']);
    expect(Object.keys(body.Resources[0]).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('an empty search lists everything; a bad one is a 400 and no member is created', async () => {
    const h = harness();
    await seven(h);
    const all = await (
      await h.scim('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'] })
    ).json();
    expect(all.totalResults).toBe(7);
    const bad = await h.scim('POST', '/Users/.search', { filter: 'userName eq' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).scimType).toBe('invalidFilter');
    const badCount = await h.scim('POST', '/Users/.search', { count: '3' });
    expect(badCount.status).toBe(400);
    expect(h.np.store.allMembers()).toHaveLength(7);
  });
});

describe('paths and real clients', () => {
  it('resource paths are case-insensitive and a trailing slash is the collection', async () => {
    const h = harness();
    const user = await h.createUser('case@example.com');
    const lower = await h.scim('GET', '/users');
    expect(lower.status).toBe(200);
    expect((await lower.json()).totalResults).toBe(1);
    const upper = await h.scim('GET', `/USERS/${user.id}`);
    expect(upper.status).toBe(200);
    expect((await upper.json()).id).toBe(user.id);
    const slash = await h.scim('GET', `/Users/?${q('userName eq "case@example.com"')}`);
    expect(slash.status).toBe(200);
    expect((await slash.json()).Resources.map((r: any) => r.id)).toEqual([user.id]);
    const prefix = await h.np.fetch(
      new Request(`http://127.0.0.1:8080/SCIM/V2/users/${user.id}`, {
        headers: { Authorization: `Bearer ${SCIM_TOKEN}` },
      }),
    );
    expect(prefix.status).toBe(200);
    // ids keep their case: an id in another case is another (unknown) resource
    expect(user.id).toMatch(/[a-f]/);
    expect((await h.scim('GET', `/Users/${user.id.toUpperCase()}`)).status).toBe(404);
    // POST to the lower-case collection creates
    const created = await h.scim('POST', '/users', { schemas: [USER_SCHEMA], userName: 'lower@example.com' });
    expect(created.status).toBe(201);
  });

  it("Entra's Test Connection query (plus-encoded spaces, raw quotes) is a 200 with an empty ListResponse", async () => {
    const h = harness();
    await h.createUser('someone@example.com');
    const guid = '8a6b1f59-3c1d-4c8e-9d7e-0f3b2f1f2a11';
    const res = await h.np.fetch(
      new Request(`http://127.0.0.1:8080/scim/v2/Users?filter=userName+eq+"${guid}"`, {
        headers: { Authorization: `Bearer ${SCIM_TOKEN}`, Accept: 'application/scim+json' },
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      schemas: [LIST_SCHEMA],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
    // and the same query shape finds a member that exists
    const hit = await (await h.scim('GET', '/Users?filter=userName+eq+"SOMEONE@example.com"')).json();
    expect(hit.totalResults).toBe(1);
    // a literal plus in a userName arrives percent-encoded (%2B) and is not read as a space
    await h.createUser('a+b@example.com');
    const plus = await (await h.scim('GET', '/Users?filter=userName+eq+%22a%2Bb@example.com%22')).json();
    expect(plus.Resources.map((r: any) => r.userName)).toEqual(['a+b@example.com']);
  });

  it("Okta's import (startIndex=1&count=2) and lookup (userName eq ... &startIndex=1&count=100)", async () => {
    const h = harness();
    await seven(h);
    const page = await list(h, 'startIndex=1&count=2');
    expect(page).toMatchObject({ totalResults: 7, startIndex: 1, itemsPerPage: 2 });
    expect(names(page)).toEqual(CREATION_ORDER.slice(0, 2));
    const res = await h.np.fetch(
      new Request('http://127.0.0.1:8080/scim/v2/Users?filter=userName eq "kai@example.com"&startIndex=1&count=100', {
        headers: { Authorization: `Bearer ${SCIM_TOKEN}` },
      }),
    );
    expect(res.status).toBe(200);
    const found = await res.json();
    expect(found).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(found.Resources[0]).toMatchObject({ userName: 'kai@example.com', active: true });
    const missing = await list(h, `${q('userName eq "nobody@example.com"')}&startIndex=1&count=100`);
    expect(missing).toMatchObject({ totalResults: 0, itemsPerPage: 0, Resources: [] });
  });
});
