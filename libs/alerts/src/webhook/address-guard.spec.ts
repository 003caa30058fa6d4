import type { LookupAddress } from 'node:dns';
import { checkWebhookUrl, classifyAddress, guardedLookup, hostOf, refusalOf, type ResolveAll, WebhookAddressError } from './address-guard';

/** A resolver that answers every name with `addresses` (or fails with `code`), recording the names asked. */
function fakeResolver(addresses: LookupAddress[], code?: string): ResolveAll & { asked: string[] } {
  const asked: string[] = [];
  const resolve: ResolveAll = (hostname, _options, callback) => {
    asked.push(hostname);
    setImmediate(() => (code ? callback(Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code }), []) : callback(null, addresses)));
  };
  return Object.assign(resolve, { asked });
}

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['192.168.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fd12::1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::7f00:1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['172.32.0.1', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::808:808', 'public'],
    ['2606:4700::1111', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['ff02::1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2002:7f00:1::', 'reserved'],
  ])('%s is %s', (ip, expected) => {
    expect(classifyAddress(ip)).toBe(expected);
  });

  it('throws on what is not an IP address', () => {
    expect(() => classifyAddress('example.com')).toThrow();
  });
});

describe('refusalOf', () => {
  it('allows public addresses either way', () => {
    expect(refusalOf('8.8.8.8', false)).toBeNull();
    expect(refusalOf('2606:4700::1111', true)).toBeNull();
  });

  it('refuses loopback, private and link-local addresses unless private targets are allowed', () => {
    for (const ip of ['127.0.0.1', '::1', '10.1.2.3', 'fd12::1', '169.254.1.1', 'fe80::1', '::ffff:192.168.1.1']) {
      expect(refusalOf(ip, false)).toMatch(new RegExp(`^${ip.replace(/\./g, '\\.')} is a `));
      expect(refusalOf(ip, true)).toBeNull();
    }
    expect(refusalOf('127.0.0.1', false)).toBe('127.0.0.1 is a loopback address');
    expect(refusalOf('10.1.2.3', false)).toBe('10.1.2.3 is a private-network address');
    expect(refusalOf('169.254.1.1', false)).toBe('169.254.1.1 is a link-local address');
  });

  it('always refuses metadata addresses', () => {
    for (const allowPrivate of [false, true]) {
      expect(refusalOf('169.254.169.254', allowPrivate)).toBe('169.254.169.254 is a cloud metadata address');
      expect(refusalOf('fd00:ec2::254', allowPrivate)).toBe('fd00:ec2::254 is a cloud metadata address');
    }
  });

  it('always refuses unspecified, multicast, broadcast and reserved addresses', () => {
    expect(refusalOf('0.0.0.0', true)).toBe('0.0.0.0 is the unspecified address');
    expect(refusalOf('::', true)).toBe(':: is the unspecified address');
    for (const ip of ['224.0.0.1', '255.255.255.255', 'ff02::1', '240.0.0.1']) {
      expect(refusalOf(ip, true)).toBe(`${ip} is a reserved or non-unicast address`);
    }
  });

  it('refuses what is not an IP address', () => {
    expect(refusalOf('localhost', true)).toBe('localhost is not an IP address');
  });
});

describe('guardedLookup', () => {
  /** Calls a lookup as net.connect does, and hands back what it called back with. */
  function callLookup(lookup: ReturnType<typeof guardedLookup>, hostname: string, all: boolean): Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }> {
    return new Promise((resolve) => lookup(hostname, { all }, (error, address, family) => resolve({ error, address, family })));
  }

  it('hands back the first address, like dns.lookup, when not all are asked for', async () => {
    const resolver = fakeResolver([{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::', family: 6 }]);
    expect(await callLookup(guardedLookup(false, resolver), 'example.com', false)).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    expect(resolver.asked).toEqual(['example.com']);
  });

  it('hands back every address when all are asked for', async () => {
    const addresses = [{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::', family: 6 }];
    const result = await callLookup(guardedLookup(false, fakeResolver(addresses)), 'example.com', true);
    expect(result.error).toBeNull();
    expect(result.address).toEqual(addresses);
  });

  it('refuses the name when any of its addresses is refused, even one it would not use', async () => {
    const resolver = fakeResolver([{ address: '93.184.216.34', family: 4 }, { address: '169.254.169.254', family: 4 }]);
    for (const all of [false, true]) {
      const { error } = await callLookup(guardedLookup(true, resolver), 'rebound.example', all);
      expect(error).toBeInstanceOf(WebhookAddressError);
      expect(error!.code).toBe('EWEBHOOKADDRESS');
      expect(error!.message).toBe('webhook address refused: rebound.example resolves to 169.254.169.254, a cloud metadata address');
    }
  });

  it('passes resolution errors through', async () => {
    const { error } = await callLookup(guardedLookup(true, fakeResolver([], 'ENOTFOUND')), 'nowhere.invalid', false);
    expect(error!.code).toBe('ENOTFOUND');
  });

  it('resolves with the real dns.lookup: localhost is refused unless private targets are allowed', async () => {
    const refused = await callLookup(guardedLookup(false), 'localhost', false);
    expect(refused.error!.code).toBe('EWEBHOOKADDRESS');
    expect(refused.error!.message).toMatch(/^webhook address refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);

    const allowed = await callLookup(guardedLookup(true), 'localhost', true);
    expect(allowed.error).toBeNull();
    expect((allowed.address as LookupAddress[]).map((a) => a.address)).toContain('127.0.0.1');
  });
});

describe('checkWebhookUrl', () => {
  it('accepts an https URL whose name resolves to public addresses only', async () => {
    const resolver = fakeResolver([{ address: '93.184.216.34', family: 4 }]);
    expect(await checkWebhookUrl('https://hooks.example.com/ledger?x=1', false, resolver)).toBeNull();
    expect(resolver.asked).toEqual(['hooks.example.com']);
  });

  it('refuses what is not a URL', async () => {
    expect(await checkWebhookUrl('hooks.example.com/ledger', true)).toBe('not a URL');
  });

  it('refuses schemes other than http and https', async () => {
    expect(await checkWebhookUrl('ftp://x', true)).toBe('the scheme must be http or https, not ftp');
    expect(await checkWebhookUrl('file:///etc/passwd', true)).toBe('the scheme must be http or https, not file');
  });

  it('refuses a username or password in the URL', async () => {
    expect(await checkWebhookUrl('http://user:pw@example.com', true)).toBe('the URL must not carry a username or password');
    expect(await checkWebhookUrl('http://user@example.com', true)).toBe('the URL must not carry a username or password');
  });

  it('refuses a private IP literal unless private targets are allowed', async () => {
    expect(await checkWebhookUrl('http://127.0.0.1:9/x', false)).toBe('127.0.0.1 is a loopback address');
    expect(await checkWebhookUrl('http://127.0.0.1:9/x', true)).toBeNull();
  });

  it('strips the brackets of an IPv6 literal', async () => {
    expect(await checkWebhookUrl('http://[::1]/', false)).toBe('::1 is a loopback address');
    expect(await checkWebhookUrl('http://[::1]/', true)).toBeNull();
    expect(await checkWebhookUrl('http://[2606:4700::1111]:8443/', false)).toBeNull();
  });

  it('refuses a metadata address even when private targets are allowed', async () => {
    expect(await checkWebhookUrl('http://169.254.169.254/', true)).toBe('169.254.169.254 is a cloud metadata address');
    expect(await checkWebhookUrl('http://[::ffff:a9fe:a9fe]/latest/meta-data/', true)).toBe('::ffff:a9fe:a9fe is a cloud metadata address');
  });

  it('checks the address an odd IPv4 spelling stands for', async () => {
    // The URL parser normalises 0x7f.1 to 127.0.0.1, which is what a connection would reach.
    expect(await checkWebhookUrl('http://0x7f.1/', false)).toBe('127.0.0.1 is a loopback address');
  });

  it('refuses localhost (it resolves to loopback) unless private targets are allowed', async () => {
    expect(await checkWebhookUrl('http://localhost:1/', false)).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/);
    expect(await checkWebhookUrl('http://localhost:1/', true)).toBeNull();
  });

  it('refuses a name with any refused address among public ones', async () => {
    const resolver = fakeResolver([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.5', family: 4 }]);
    expect(await checkWebhookUrl('https://hooks.example.com/', false, resolver)).toBe('hooks.example.com resolves to 10.0.0.5, a private-network address');
    expect(await checkWebhookUrl('https://hooks.example.com/', true, resolver)).toBeNull();
  });

  it('refuses a name that does not resolve', async () => {
    expect(await checkWebhookUrl('https://hooks.example.com/', true, fakeResolver([], 'ENOTFOUND'))).toBe('hooks.example.com does not resolve (ENOTFOUND)');
    expect(await checkWebhookUrl('https://hooks.example.com/', true, fakeResolver([]))).toBe('hooks.example.com does not resolve');
  });
});

describe('hostOf', () => {
  it('is the hostname, without the brackets of an IPv6 literal', () => {
    expect(hostOf(new URL('http://[fe80::1]:80/'))).toBe('fe80::1');
    expect(hostOf(new URL('https://Hooks.Example.com./x'))).toBe('hooks.example.com.');
  });
});
