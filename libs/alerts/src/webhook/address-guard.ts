import { lookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What kind of destination an IP address is, for deciding whether a webhook may be sent to it. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'reserved';

/**
 * Cloud instance-metadata endpoints: AWS IMDS (IPv4 and IPv6; also Azure's and GCP's), the ECS
 * task and EKS Pod Identity credential endpoints, Alibaba Cloud's. They hand out credentials to
 * whatever on the machine asks.
 */
const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', '169.254.170.23', '100.100.100.200', 'fd00:ec2::254', 'fd00:ec2::23'].map((a) => ipaddr.parse(a));

/** The NAT64 well-known prefix (RFC 6052): 64:ff9b::/96 holds an IPv4 address in its last 32 bits. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/** IPv4-compatible IPv6 addresses (::a.b.c.d, deprecated): not a range of ipaddr.js, which would call them unicast. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** ipaddr.js range names, by what they mean for a webhook. Anything not listed (tunnels, translation, documentation, benchmarking…) is 'reserved'. */
const CLASS_OF_RANGE: Record<string, AddressClass> = {
  unicast: 'public',
  // Anycast services that are globally reachable (RFC 7534/7535, RFC 7450).
  as112: 'public',
  as112v6: 'public',
  amt: 'public',
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private',
  carrierGradeNat: 'private',
  deprecatedSiteLocal: 'private',
  linkLocal: 'link-local',
  unspecified: 'unspecified',
};

/**
 * What kind of destination `ip` is. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) and addresses
 * of the NAT64 well-known prefix are classified by the IPv4 address they reach. Metadata
 * endpoints are 'metadata' though they are link-local or private, because they are refused even
 * where private targets are allowed. Multicast, broadcast and special-purpose ranges are
 * 'reserved'. Throws on a string that is not an IP address.
 */
export function classifyAddress(ip: string): AddressClass {
  let address = ipaddr.process(ip);
  if (address.kind() === 'ipv6' && address.match(NAT64_WELL_KNOWN)) {
    address = ipaddr.fromByteArray(address.toByteArray().slice(12));
  }
  if (METADATA_ADDRESSES.some((m) => m.kind() === address.kind() && address.match(m, m.kind() === 'ipv4' ? 32 : 128))) return 'metadata';
  const range = address.range();
  // :: and ::1 are in ::/96 too, and have their own ranges.
  if (range === 'unicast' && address.kind() === 'ipv6' && address.match(IPV4_COMPATIBLE)) return 'reserved';
  return CLASS_OF_RANGE[range] ?? 'reserved';
}

/** What the reason for a refusal says each kind of address is. */
const DESCRIPTION: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'a loopback address',
  private: 'a private-network address',
  'link-local': 'a link-local address',
  metadata: 'a cloud metadata address',
  unspecified: 'the unspecified address',
  reserved: 'a reserved or non-unicast address',
};

/** Allowed with allowPrivate (a self-hosted ledger posting to receivers on its own network). */
const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'link-local']);

/**
 * Null when a webhook may be sent to `ip`; otherwise why not, e.g. "169.254.169.254 is a cloud
 * metadata address". Public addresses are always allowed; loopback, private and link-local
 * ones only with `allowPrivate`. Metadata addresses are always refused, since a webhook must
 * never be able to read instance credentials; so are the unspecified address (0.0.0.0 reaches
 * the local host), multicast, broadcast and reserved ranges.
 */
export function refusalOf(ip: string, allowPrivate: boolean): string | null {
  const why = whyRefused(ip, allowPrivate);
  return why === null ? null : `${ip} is ${why}`;
}

/** refusalOf's reason without the address: "a loopback address". */
function whyRefused(ip: string, allowPrivate: boolean): string | null {
  if (!ipaddr.isValid(ip)) return 'not an IP address';
  const kind = classifyAddress(ip);
  if (kind === 'public' || (allowPrivate && PRIVATE_CLASSES.has(kind))) return null;
  return DESCRIPTION[kind];
}

/** The first of a name's addresses that is refused, and why, as "<name> resolves to <address>, <why>"; null when none is. */
function refusalOfResolved(hostname: string, addresses: readonly LookupAddress[], allowPrivate: boolean): string | null {
  for (const { address } of addresses) {
    const why = whyRefused(address, allowPrivate);
    if (why !== null) return `${hostname} resolves to ${address}, ${why}`;
  }
  return null;
}

/** The error a guarded lookup fails a connection with: `reason` says which address was refused, and why. */
export class WebhookAddressError extends Error {
  readonly code = 'EWEBHOOKADDRESS';

  constructor(readonly reason: string) {
    super(`webhook address refused: ${reason}`);
    this.name = 'WebhookAddressError';
  }
}

/** dns.lookup with `all: true`; a parameter so that tests can resolve names to any addresses. */
export type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * A `lookup` for http.request / net.connect that resolves like dns.lookup and then fails the
 * connection with a WebhookAddressError (code EWEBHOOKADDRESS) when any resolved address is
 * refused. The check runs on the very addresses the socket connects to, so a name that resolves
 * to a public address when a rule is checked and to a private one when it is delivered (DNS
 * rebinding) gets nowhere. Node does not call `lookup` for an IP literal host: check those with
 * refusalOf before connecting.
 */
export function guardedLookup(allowPrivate: boolean, resolveAll: ResolveAll = lookup): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    // Always all of them: every address must pass, even when one is used.
    resolveAll(hostname, { ...options, all: true }, (error, addresses) => {
      if (error === null && addresses.length === 0) error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      if (error !== null) return callback(error, options.all ? [] : '');
      const refusal = refusalOfResolved(hostname, addresses, allowPrivate);
      if (refusal !== null) return callback(new WebhookAddressError(refusal), options.all ? [] : '');
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

/**
 * For creating a rule: null when `url` is a webhook target the ledger may post to now, otherwise
 * the problem. The URL must be http or https, without a username or password (the delivery is
 * signed instead, and credentials in URLs end up in logs), and its host must be, or resolve only
 * to, addresses refusalOf allows. Delivery checks again at connect time (guardedLookup): names
 * can change what they resolve to.
 */
export async function checkWebhookUrl(url: string, allowPrivate: boolean, resolveAll: ResolveAll = lookup): Promise<string | null> {
  const parsed = parseWebhookUrl(url);
  if (typeof parsed === 'string') return parsed;
  if (parsed.username !== '' || parsed.password !== '') return 'the URL must not carry a username or password';
  const host = hostOf(parsed);
  if (isIP(host) !== 0) return refusalOf(host, allowPrivate);
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise<LookupAddress[]>((resolve, reject) => resolveAll(host, { all: true }, (error, found) => (error ? reject(error) : resolve(found))));
  } catch (error) {
    return `${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (addresses.length === 0) return `${host} does not resolve`;
  return refusalOfResolved(host, addresses, allowPrivate);
}

/** A webhook URL parsed, or why it is not one: not a URL, or not http(s). */
export function parseWebhookUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `the scheme must be http or https, not ${parsed.protocol.slice(0, -1)}`;
  return parsed;
}

/** The host of a URL as an address or a name: URL.hostname keeps an IPv6 literal's brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
}
