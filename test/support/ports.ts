import { createServer } from 'node:net';

/** Ports this process has handed out already: never handed out twice, even once closed again. */
const handedOut = new Set<number>();

/** Resolves true when `port` can be bound on `host` now (false when in use; null when the host has no such address, e.g. no IPv6). */
function canListen(port: number, host: string): Promise<boolean | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT' ? null : false);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel picks as free on loopback (listen on port 0). */
function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A loopback port nothing listens on now, checked rather than guessed: the kernel picks it,
 * then it is bound once more on every loopback and wildcard address a server may use
 * (Postgres listens on `localhost`, i.e. 127.0.0.1 and ::1) to make sure none holds it, and
 * this process never hands the same port out twice. Servers that can listen on port 0 should
 * (the services do, and report their URL); this is for the few that need a port up front,
 * such as a Postgres cluster that is stopped and started again on the same port.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await kernelPort();
    if (port === 0 || handedOut.has(port)) continue;
    let free = true;
    // One after the other: binding the wildcard while 127.0.0.1 is bound would itself collide.
    for (const host of ['127.0.0.1', '0.0.0.0', '::1', '::']) free &&= (await canListen(port, host)) !== false;
    if (!free) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error('found no free loopback port in 50 attempts');
}
