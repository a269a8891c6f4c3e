/**
 * Realistic tenant people for `Directory.generateUsers`: faker names turned into first.last@domain UPNs,
 * unique against everything the directory already holds, with the HR attributes a scoping filter or an
 * attribute mapping might read (jobTitle, department, employeeId, mobilePhone).
 */
import { Faker, base, en } from '@faker-js/faker';
import type { Random } from '../../simulator/random.ts';
import type { DirectoryUser } from './directory.ts';

/** The attributes a generated person brings; the directory adds id, accountEnabled and createdDateTime. */
export type GeneratedPerson = Required<
  Pick<
    DirectoryUser,
    | 'userPrincipalName'
    | 'mail'
    | 'givenName'
    | 'surname'
    | 'displayName'
    | 'mailNickname'
    | 'jobTitle'
    | 'department'
    | 'employeeId'
    | 'mobilePhone'
  >
>;

// faker's commerce departments are shop aisles ("Grocery", "Toys"); a tenant has corporate ones.
const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Engineering',
  'Product',
  'Finance',
  'Human Resources',
  'Legal',
  'IT',
  'Operations',
  'Customer Support',
  'Security',
  'Procurement',
  'Research',
  'Facilities',
] as const;

// Numbered from here so every generated employeeId has the same width up to the 1,000,000 limit.
const FIRST_EMPLOYEE_NUMBER = 1_000_001;

/** Draws people from one seeded faker, so the same Random gives the same people in the same order. */
export class PeopleGenerator {
  readonly #faker: Faker;
  #generated = 0;
  // For a local part that has collided once: the next numeric suffix to try, so a common name does not
  // probe 2, 3, 4, ... again each time it comes up (that would turn 1,000,000 users quadratic).
  readonly #nextSuffix = new Map<string, number>();

  constructor(random: Random) {
    this.#faker = new Faker({ locale: [en, base] });
    this.#faker.seed(random.nextUint32());
  }

  /** The next person, with a UPN `isTaken` (given the lower-cased UPN) says is free. */
  next(domain: string, isTaken: (upnLower: string) => boolean): GeneratedPerson {
    const faker = this.#faker;
    const givenName = faker.person.firstName();
    const surname = faker.person.lastName();
    const base = `${asciiAlias(givenName)}.${asciiAlias(surname)}`;
    const mailNickname = flat(this.#freeAlias(base, domain, isTaken));
    const userPrincipalName = flat(`${mailNickname}@${domain}`);
    return {
      userPrincipalName,
      mail: userPrincipalName,
      givenName,
      surname,
      displayName: flat(`${givenName} ${surname}`),
      mailNickname,
      jobTitle: flat(faker.person.jobTitle()),
      department: faker.helpers.arrayElement(DEPARTMENTS),
      employeeId: String(FIRST_EMPLOYEE_NUMBER + this.#generated++),
      mobilePhone: flat(faker.phone.number({ style: 'international' })),
    };
  }

  #freeAlias(base: string, domain: string, isTaken: (upnLower: string) => boolean): string {
    if (!isTaken(`${base}@${domain}`)) return base;
    // Bounded: each step tries a new suffix, and at most every UPN the directory holds can be taken.
    for (let suffix = this.#nextSuffix.get(base) ?? 2; ; suffix++) {
      const alias = `${base}${suffix}`;
      if (!isTaken(`${alias}@${domain}`)) {
        this.#nextSuffix.set(base, suffix + 1);
        return alias;
      }
    }
  }
}

/**
 * The same text as one flat string. V8 keeps a string built by concatenation as a tree of its pieces (32 bytes
 * a node, plus the pieces); generated people live as long as the run, 100,000 of them at a time, and the trees
 * made up about a third of a generated user's memory. A JSON round trip is the cheapest exact copy (~1 µs).
 */
const flat = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

/** "José" -> "jose", "O'Keefe" -> "okeefe": the letters and digits a UPN local part can safely carry. */
export function asciiAlias(name: string): string {
  const alias = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  return alias === '' ? 'user' : alias;
}
