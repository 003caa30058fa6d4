import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '@ledger/domain';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals the webhook signing secrets at rest with AES-256-GCM. The service must sign with the
 * secret itself, so a hash (as for API keys) will not do; sealed, a copy of the database (a
 * backup, a replica) does not give the secrets away without the key, which lives outside it
 * (ALERT_SECRETS_KEY, or a key file beside the embedded database). The rule's id is the
 * additional data: a sealed secret moved to another rule does not open.
 */
export class SecretBox {
  private resolved: Buffer | null = null;

  private constructor(private readonly loadKey: () => Buffer) {}

  /** A box whose key is SHA-256 of `keyText` (ALERT_SECRETS_KEY: any string of 32 characters or more). */
  static fromKeyText(keyText: string): SecretBox {
    return new SecretBox(() => createHash('sha256').update(keyText, 'utf8').digest());
  }

  /**
   * A box whose key is read from `path`, created there (readable by its owner only) when missing
   * — on first use, so that a process that never seals or opens a secret needs no writable folder.
   */
  static fromKeyFile(path: string): SecretBox {
    return new SecretBox(() => {
      if (!existsSync(path)) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      }
      chmodSync(path, 0o600);
      return createHash('sha256').update(readFileSync(path, 'utf8').trim(), 'utf8').digest();
    });
  }

  private get key(): Buffer {
    return (this.resolved ??= this.loadKey());
  }

  seal(secret: string, ruleId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(ruleId, 'utf8'));
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64')}`;
  }

  /** The secret; an InputError (an operator's to act on) when the key (or the rule) is not the one it was sealed with. */
  open(sealed: string, ruleId: string): string {
    const [version, payload] = sealed.split(':');
    if (version !== VERSION || payload === undefined) throw new InputError(`rule ${ruleId}: its secret is sealed in an unknown format`);
    const bytes = Buffer.from(payload, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(ruleId, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new InputError(`rule ${ruleId}: its secret does not open with this ALERT_SECRETS_KEY (was the key changed?)`);
    }
  }
}
