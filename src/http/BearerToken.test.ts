import { describe, expect, it } from 'vitest';
import { BearerToken } from './BearerToken.js';

describe('BearerToken', () => {
  it('accepts exactly `Bearer <token>` (the scheme in any case), and nothing else', () => {
    const token = new BearerToken('s3cret-token');
    expect(token.configured).toBe(true);
    expect(token.check(undefined)).toBe('absent');
    expect(token.check('Bearer s3cret-token')).toBe('valid');
    expect(token.check('bearer  s3cret-token ')).toBe('valid');
    for (const header of [
      '',
      'Bearer',
      'Bearer ',
      's3cret-token',
      'Bearer s3cret-tokens',
      'Bearer s3cret-toke',
      'Bearer s3cret-token extra',
      'Basic czNjcmV0LXRva2Vu',
      'Token s3cret-token',
    ]) {
      expect(token.check(header), JSON.stringify(header)).toBe('invalid');
    }
    expect(token.check(['Bearer s3cret-token', 'Bearer s3cret-token'])).toBe('invalid');
  });

  it('without a configured token proves nothing: every request is anonymous', () => {
    const none = new BearerToken(undefined);
    expect(none.configured).toBe(false);
    expect(none.check('Bearer anything')).toBe('absent');
  });
});
