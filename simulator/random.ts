/** One seeded random source per simulation: the same seed gives the same ids, names and choices. */

/** A generator's position: its four 32-bit words of state. */
export type RandomPosition = [number, number, number, number];

/** A source and the forks made from it, known by their seeds, so their positions can be kept and restored. */
interface Family {
  members: Map<string, Random>;
  /** Positions restored before the fork they belong to was made. */
  pending: Map<string, RandomPosition>;
}

/** A small, fast, seedable generator (sfc32, seeded through splitmix32 from a string or number). */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  readonly #family: Family;

  constructor(
    readonly seed: string | number,
    family?: Family,
  ) {
    this.#family = family ?? { members: new Map(), pending: new Map() };
    let h = hashSeed(seed);
    const next = () => {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
    const key = String(seed);
    this.#family.members.set(key, this);
    const position = this.#family.pending.get(key);
    if (position) {
      this.#family.pending.delete(key);
      this.#set(position);
    }
  }

  /**
   * Where this source and the forks made from it stand, by seed: what a data file keeps so that after a restart
   * the same ids come next, not the first ones again.
   */
  positions(): Record<string, RandomPosition> {
    const own = String(this.seed);
    const out: Record<string, RandomPosition> = {};
    for (const [seed, random] of this.#family.members)
      if (seed === own || seed.startsWith(`${own}/`)) out[seed] = [random.#a, random.#b, random.#c, random.#d];
    return out;
  }

  /** Puts this source and its forks (those made later too) where `positions` says they stood. */
  restore(positions: Record<string, RandomPosition>): void {
    for (const [seed, position] of Object.entries(positions)) {
      const random = this.#family.members.get(seed);
      if (random) random.#set(position);
      else this.#family.pending.set(seed, position);
    }
  }

  #set([a, b, c, d]: RandomPosition): void {
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /**
   * A random version-4-shaped UUID drawn from this source: 32 hex digits from four draws, with digit 12 replaced
   * by the version 4 and digit 16 by the variant (8-b). Built from char codes in one go, so V8 keeps one flat
   * 36-character string (~56 bytes): slices glued with a template made a ~400-byte tree of pieces, and a
   * 100,000-user run keeps several ids per user (member ids, log record ids).
   */
  uuid(): string {
    const chars = UUID_CHARS;
    let digit = 0;
    for (let word = 0; word < 4; word++) {
      const value = this.nextUint32();
      for (let shift = 28; shift >= 0; shift -= 4, digit++)
        chars[UUID_POSITION[digit]!] = HEX_CODES[(value >>> shift) & 0xf]!;
    }
    chars[14] = 0x34; // '4', in place of digit 12
    chars[19] = HEX_CODES[(HEX_VALUE[chars[19]!]! & 0x3) | 0x8]!;
    return String.fromCharCode.apply(null, chars);
  }

  /** A URL-safe token of `bytes` random bytes, for secrets. */
  token(bytes = 32): string {
    let out = '';
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < Math.ceil((bytes * 4) / 3); i++) out += alphabet[this.nextUint32() & 63];
    return out;
  }

  /** A child source whose sequence depends only on this seed and the name, so adding draws elsewhere does not shift it. */
  fork(name: string): Random {
    return new Random(`${this.seed}/${name}`, this.#family);
  }
}

const HEX_CODES = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const HEX_VALUE: Record<number, number> = Object.fromEntries(HEX_CODES.map((code, value) => [code, value]));
// Where each of the 32 hex digits goes in `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` (digit 12's slot is then the 4).
const UUID_POSITION = Array.from(
  { length: 32 },
  (_, i) => i + (i >= 8 ? 1 : 0) + (i >= 12 ? 1 : 0) + (i >= 16 ? 1 : 0) + (i >= 20 ? 1 : 0),
);
// Reused for every uuid (JavaScript is single-threaded; fromCharCode copies it): the dashes never move.
const UUID_CHARS: number[] = Array.from({ length: 36 }, (_, i) => ([8, 13, 18, 23].includes(i) ? 0x2d : 0x30));

function hashSeed(seed: string | number): number {
  const text = String(seed);
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
