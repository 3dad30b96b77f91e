import { createHash, timingSafeEqual } from 'node:crypto';

/** What a request's `Authorization` header proves. */
export type Credential = 'absent' | 'valid' | 'invalid';

/**
 * @internal The control token, and the check of a request's `Authorization: Bearer <token>` against
 * it in constant time: both sides are hashed first, so that the comparison takes the same time
 * whatever the length or the content of what was sent.
 */
export class BearerToken {
  readonly #digest: Buffer | undefined;

  /** @param token - The configured token, or `undefined` for none (control off). */
  constructor(token: string | undefined) {
    this.#digest = token === undefined ? undefined : digest(token);
  }

  /** Whether a token is configured (without one, control endpoints are off). */
  get configured(): boolean {
    return this.#digest !== undefined;
  }

  /**
   * @param header - The request's `Authorization` header.
   * @returns `absent` without a header (or without a configured token: nothing to prove), `valid`
   * for `Bearer <the token>`, `invalid` for anything else.
   */
  check(header: string | string[] | undefined): Credential {
    if (header === undefined || this.#digest === undefined) return 'absent';
    const match = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
    // Hashing a wrong or malformed header too keeps every answer equally slow.
    const given = digest(match?.[1] ?? '');
    return timingSafeEqual(given, this.#digest) && match !== null ? 'valid' : 'invalid';
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
