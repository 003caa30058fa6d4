import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a signature's timestamp may be from the receiver's clock, by default: 5 minutes. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The v1 scheme: hex HMAC-SHA256, keyed with the secret, of "<t>.<body>". */
function v1Signature(secret: string, timestamp: string, body: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.${body}`, 'utf8').digest();
}

/**
 * The signature header of a webhook delivery: `t=<unixSeconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`. The timestamp is signed with the body so that a captured delivery cannot be
 * replayed later than the receiver's tolerance.
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  if (!Number.isSafeInteger(unixSeconds) || unixSeconds < 0) throw new RangeError(`unixSeconds must be a whole number of seconds, not ${unixSeconds}`);
  return `t=${unixSeconds},v1=${v1Signature(secret, String(unixSeconds), body).toString('hex')}`;
}

export interface VerifyWebhookOptions {
  /** The receiver's clock, in Unix seconds; the current time by default. */
  nowSeconds?: number;
  /** How far the signed timestamp may be from `nowSeconds`, either way; 300 by default. */
  toleranceSeconds?: number;
}

/**
 * Whether `header` signs `body` with `secret` at a time within the tolerance of now. The header
 * holds one `t=` and one or more `v1=` parts, comma separated (several during a secret's
 * rotation); parts of other schemes are ignored, so that a scheme can be added without breaking
 * receivers. False, never an exception, for a malformed header.
 */
export function verifyWebhook(secret: string, body: string, header: string, options: VerifyWebhookOptions = {}): boolean {
  const parsed = parseSignatureHeader(header);
  if (parsed === null) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS;
  if (!(Math.abs(now - Number(parsed.timestamp)) <= tolerance)) return false;
  // Signed over the timestamp exactly as sent, digits and all.
  const expected = v1Signature(secret, parsed.timestamp, body);
  // Every candidate is compared (no early exit), each in constant time.
  let matched = false;
  for (const candidate of parsed.signatures) {
    if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
  }
  return matched;
}

/** The timestamp digits and the decoded v1 signatures of a header, or null when it is malformed. */
function parseSignatureHeader(header: string): { timestamp: string; signatures: Buffer[] } | null {
  if (typeof header !== 'string') return null;
  let timestamp: string | null = null;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) return null;
    const scheme = part.slice(0, equals).trim();
    const value = part.slice(equals + 1).trim();
    if (scheme === 't') {
      if (timestamp !== null || !/^\d{1,15}$/.test(value)) return null;
      timestamp = value;
    } else if (scheme === 'v1') {
      // Buffer.from(…, 'hex') silently drops what is not hex: check first.
      if (!/^(?:[0-9a-fA-F]{2})+$/.test(value)) return null;
      signatures.push(Buffer.from(value, 'hex'));
    }
  }
  return timestamp !== null && signatures.length > 0 ? { timestamp, signatures } : null;
}
