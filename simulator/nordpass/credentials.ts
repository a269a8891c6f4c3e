/** The SCIM secret token ("Get Credentials"): only its hash is kept, compared in constant time, rotated at once. */
import { hash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { VariantChoices } from '../variants.ts';
import type { NordPassStore } from './store.ts';

/** How long an old token keeps working under the oldTokenAfterRotation variant `gracePeriod` (a guess: 24 hours). */
export const TOKEN_GRACE_PERIOD_MS = 24 * 3_600_000;

const sha256 = (text: string) => hash('sha256', text, 'buffer');

// Digests of the last tokens presented: a client sends the same token on every request, and hashing it each time
// was a few percent of a request. The lookup is keyed by the caller's own string, so it tells nothing about the
// secret; the comparison with the stored digest stays constant-time.
const digests = new Map<string, Buffer>();
function digestOf(token: string): Buffer {
  let digest = digests.get(token);
  if (!digest) {
    if (digests.size >= 256) digests.clear();
    digest = sha256(token);
    digests.set(token, digest);
  }
  return digest;
}

export class Credentials {
  /**
   * The token before the last rotation and until when it still works (the gracePeriod variant). Kept in memory
   * only: a served world restarted from its data file ends the grace period.
   */
  #previous: { digest: Buffer; until: number } | undefined;

  constructor(
    private readonly store: NordPassStore,
    private readonly newToken: () => string,
    private readonly clock?: Clock,
    private readonly variants: VariantChoices = new VariantChoices(),
  ) {}

  /** Whether a SCIM token has been issued. */
  get issued(): boolean {
    return this.store.data.scimTokenSha256 !== undefined;
  }

  /** Issues a new secret token; the previous one stops working at once (or, gracePeriod variant, a day later). */
  rotate(token: string = this.newToken()): string {
    const before = this.store.data.scimTokenSha256;
    this.#previous =
      before !== undefined && this.clock
        ? { digest: Buffer.from(before, 'hex'), until: this.clock.now() + TOKEN_GRACE_PERIOD_MS }
        : undefined;
    this.store.data.scimTokenSha256 = sha256(token).toString('hex');
    return token;
  }

  // The stored hash as bytes, decoded once per token rather than on every request.
  #decoded: { hex: string; bytes: Buffer } | undefined;

  /** True when `token` is the current secret token. Hashing first makes the comparison length-independent. */
  verify(token: string): boolean {
    const stored = this.store.data.scimTokenSha256;
    if (!stored) return false;
    if (this.#decoded?.hex !== stored) this.#decoded = { hex: stored, bytes: Buffer.from(stored, 'hex') };
    if (timingSafeEqual(digestOf(token), this.#decoded.bytes)) return true;
    // The old token, within the day after a rotation: whether it still works is not public. Asked only when the old
    // token is presented, so a run that never uses it again does not depend on the answer.
    // variant: oldTokenAfterRotation (simulator/variants.ts).
    const previous = this.#previous;
    return (
      previous !== undefined &&
      this.clock!.now() < previous.until &&
      timingSafeEqual(digestOf(token), previous.digest) &&
      this.variants.get('oldTokenAfterRotation') === 'gracePeriod'
    );
  }
}

/** Constant-time equality of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(digestOf(a), digestOf(b));
}

/** The token in `Authorization: Bearer <token>`, or undefined when the header is missing or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
