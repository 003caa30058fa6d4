import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = SecretBox.fromKeyText('a-key-of-thirty-two-characters-or-more');

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('whsec_abc', 'rule_1');
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain('whsec_abc');
    expect(box.open(sealed, 'rule_1')).toBe('whsec_abc');
    // Sealed twice, it differs (a fresh IV each time).
    expect(box.seal('whsec_abc', 'rule_1')).not.toBe(sealed);
  });

  it('refuses another key, another rule, and a tampered text', () => {
    const sealed = box.seal('whsec_abc', 'rule_1');
    expect(() => SecretBox.fromKeyText('another-key-of-thirty-two-characters').open(sealed, 'rule_1')).toThrow(/does not open with this ALERT_SECRETS_KEY/);
    expect(() => box.open(sealed, 'rule_2')).toThrow(/does not open/);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => box.open(`v1:${bytes.toString('base64')}`, 'rule_1')).toThrow(/does not open/);
  });

  it('makes its key file once, readable by its owner only, and reads it back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'secret-box-')), 'keys', 'alert-secrets.key');
    const sealed = SecretBox.fromKeyFile(path).seal('whsec_x', 'rule_1');
    const key = readFileSync(path, 'utf8');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(SecretBox.fromKeyFile(path).open(sealed, 'rule_1')).toBe('whsec_x');
    expect(readFileSync(path, 'utf8')).toBe(key);
  });

  it('touches no file until a secret is sealed or opened (a process that never does needs no writable folder)', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'secret-box-')), 'never', 'alert-secrets.key');
    SecretBox.fromKeyFile(path);
    expect(existsSync(path)).toBe(false);
  });
});
