import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './signature';

const secret = 'whsec_test-secret';
const body = '{"event":"ALERT_FIRING","ruleId":"r-1","severity":"PAGE","note":"déjà vu"}';
const t = 1_767_225_600;

/** The expected signature, computed here straight from the definition. */
function hmacHex(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

describe('signWebhook', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    expect(signWebhook(secret, body, t)).toBe(`t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`);
  });

  it('matches a fixed vector', () => {
    // HMAC-SHA256("key", "1.{}") — from `printf '1.{}' | openssl dgst -sha256 -hmac key`.
    expect(signWebhook('key', '{}', 1)).toBe('t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224');
  });

  it('refuses a timestamp that is not whole seconds', () => {
    expect(() => signWebhook(secret, body, 1.5)).toThrow(RangeError);
    expect(() => signWebhook(secret, body, -1)).toThrow(RangeError);
  });
});

describe('verifyWebhook', () => {
  const header = signWebhook(secret, body, t);
  const at = { nowSeconds: t };

  it('accepts its own signature', () => {
    expect(verifyWebhook(secret, body, header, at)).toBe(true);
  });

  it('accepts a header computed independently, with spaces and an unknown scheme', () => {
    const independent = `t=${t}, v0=abc, v1=${hmacHex(secret, `${t}.${body}`)}`;
    expect(verifyWebhook(secret, body, independent, at)).toBe(true);
  });

  it('accepts when any of several v1 signatures matches (a secret in rotation)', () => {
    const two = `t=${t},v1=${hmacHex('old-secret', `${t}.${body}`)},v1=${hmacHex(secret, `${t}.${body}`)}`;
    expect(verifyWebhook(secret, body, two, at)).toBe(true);
    expect(verifyWebhook('third-secret', body, two, at)).toBe(false);
  });

  it('rejects a wrong secret', () => {
    expect(verifyWebhook('whsec_other', body, header, at)).toBe(false);
  });

  it('rejects a tampered body', () => {
    expect(verifyWebhook(secret, body.replace('PAGE', 'TICKET'), header, at)).toBe(false);
    expect(verifyWebhook(secret, `${body} `, header, at)).toBe(false);
  });

  it('rejects a tampered timestamp', () => {
    expect(verifyWebhook(secret, body, header.replace(`t=${t}`, `t=${t + 1}`), { nowSeconds: t })).toBe(false);
  });

  it('accepts up to the tolerance either way and rejects beyond it', () => {
    expect(verifyWebhook(secret, body, header, { nowSeconds: t + 300 })).toBe(true);
    expect(verifyWebhook(secret, body, header, { nowSeconds: t - 300 })).toBe(true);
    expect(verifyWebhook(secret, body, header, { nowSeconds: t + 301 })).toBe(false);
    expect(verifyWebhook(secret, body, header, { nowSeconds: t - 301 })).toBe(false);
    expect(verifyWebhook(secret, body, header, { nowSeconds: t + 301, toleranceSeconds: 301 })).toBe(true);
    expect(verifyWebhook(secret, body, header, { nowSeconds: t + 2, toleranceSeconds: 1 })).toBe(false);
  });

  it('rejects a stale timestamp against the real clock', () => {
    expect(verifyWebhook(secret, body, signWebhook(secret, body, Math.floor(Date.now() / 1000) - 3600))).toBe(false);
    expect(verifyWebhook(secret, body, signWebhook(secret, body, Math.floor(Date.now() / 1000)))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['no timestamp', `v1=${hmacHex(secret, `${t}.${body}`)}`],
    ['no v1', `t=${t}`],
    ['only other schemes', `t=${t},v0=${hmacHex(secret, `${t}.${body}`)}`],
    ['two timestamps', `t=${t},t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`],
    ['a timestamp that is not digits', `t=-${t},v1=${hmacHex(secret, `${t}.${body}`)}`],
    ['a part without =', `t=${t},v1`],
    ['a signature that is not hex', `t=${t},v1=${hmacHex(secret, `${t}.${body}`).replace(/^../, 'zz')}`],
    ['a truncated signature', `t=${t},v1=${hmacHex(secret, `${t}.${body}`).slice(0, 62)}`],
    ['garbage', ',,,==,'],
  ])('returns false, without throwing, for a malformed header: %s', (_, malformed) => {
    expect(verifyWebhook(secret, body, malformed, at)).toBe(false);
  });

  it('returns false for a header that is not a string at all', () => {
    expect(verifyWebhook(secret, body, undefined as unknown as string, at)).toBe(false);
  });
});
