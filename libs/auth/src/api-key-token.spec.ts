import { issueToken, parseToken, secretMatches, sha256 } from './api-key-token';

describe('API key tokens', () => {
  it('issues a token whose secret matches the stored hash, and only it', () => {
    const issued = issueToken();
    const parsed = parseToken(issued.token);
    expect(parsed?.id).toBe(issued.id);
    expect(secretMatches(parsed!.secret, issued.secretHash)).toBe(true);
    expect(secretMatches(parsed!.secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), issued.secretHash)).toBe(false);
    expect(issued.secretHash.equals(sha256(parsed!.secret))).toBe(true);
    expect(issued.secretHash.toString('hex')).not.toContain(parsed!.secret);
  });

  it('issues distinct tokens', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => issueToken().token));
    expect(tokens.size).toBe(100);
  });

  it.each([[''], ['slk_'], ['slk_zz_abc'], ['Bearer x'], ['slk_0123456789abcdef_tooshort']])('does not parse %p', (token) => {
    expect(parseToken(token)).toBeNull();
  });

  it('compares secrets of any length without throwing', () => {
    const hash = sha256('secret');
    for (const presented of ['', 's', 'secret', 'x'.repeat(10_000)]) {
      expect(secretMatches(presented, hash)).toBe(presented === 'secret');
    }
  });
});
