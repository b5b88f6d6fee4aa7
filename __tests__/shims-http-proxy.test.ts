/**
 * src/shims/http-client.ts behind a proxy, held to @actions/http-client: both read the same
 * variables (the package's own proxy rules), send the same CONNECT with the same
 * Proxy-Authorization, over the same kind of tunnel (to an HTTP or HTTPS server, through a
 * proxy spoken to over TCP or TLS), and the server at the end sees the same request.
 */
import { expect, test } from '@jest/globals';
import * as real from '@actions/http-client';
import * as shim from '../src/shims/http-client.js';
import { exchange, ports, TLS_SKIPPED, withTls, type Module } from './helpers/http-parity.js';

/**
 * One POST through both modules to `url` (HTTP and HTTPS stand for the local servers' ports),
 * with the proxy variables `env` (PROXY and TLS for the proxies' ports): the stand-in's
 * exchange, once it matched the package's. The servers' names resolve nowhere: only a proxy
 * reaches them.
 */
async function through(url: string, env: Record<string, string>) {
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value.replace('PROXY', `${ports.proxy}`).replace('TLS', `${ports.tlsProxy}`);
  }
  const target = url.replace('HTTPS', `${ports.https}`).replace('HTTP', `${ports.http}`);
  const request = { method: 'POST', url: target, body: 'x=1' };
  const fromShim = await exchange(shim, request);
  expect(fromShim).toEqual(await exchange(real as unknown as Module, request));
  return fromShim;
}

const PROXY = 'http://127.0.0.1:PROXY';
const TLS_PROXY = 'https://127.0.0.1:TLS';

type Tunnel = [string, string, Record<string, string>, string];

/** Each kind of tunnel; the CONNECT names the server's port, or the scheme's default. */
const overTcp: Tunnel[] = [
  ['HTTP through a proxy', 'http://api.domo.test:HTTP/p', { http_proxy: PROXY }, 'PORT'],
  ['HTTP, default port, through a proxy', 'http://api.domo.test/p', { http_proxy: PROXY }, '80'],
];
/** The tunnels that need the throwaway certificates: to the HTTPS server, or to the TLS proxy. */
const overTls: Tunnel[] = [
  ['HTTPS through a proxy', 'https://api.domo.test:HTTPS/p', { https_proxy: PROXY }, 'PORT'],
  [
    'HTTPS, default port, through a proxy',
    'https://api.domo.test/p',
    { https_proxy: PROXY },
    '443',
  ],
  ['HTTP through a TLS proxy', 'http://api.domo.test:HTTP/p', { http_proxy: TLS_PROXY }, 'PORT'],
  ['HTTPS through a TLS proxy', 'https://api.domo.test/p', { HTTPS_PROXY: TLS_PROXY }, '443'],
];

async function tunnelled(url: string, env: Record<string, string>, port: string) {
  const { got, seen, connects } = await through(url, env);
  expect(connects).toEqual([expect.stringMatching(`^CONNECT api.domo.test:${port} HTTP/1.1\r\n`)]);
  expect(seen).toMatchObject([{ method: 'POST', url: '/p', body: 'x=1' }]);
  expect(got).toMatchObject({ statusCode: 200, body: 'body 200' });
}

test.each(overTcp)('%s: as @actions/http-client goes', (_, url, env, port) =>
  tunnelled(url, env, port),
);

(withTls ? test.each(overTls) : test.skip.each(overTls))(
  `%s: as @actions/http-client goes${TLS_SKIPPED}`,
  (_, url, env, port) => tunnelled(url, env, port),
);

test.each<[string, string, string | undefined]>([
  ['a user and a password', 'http://us%40er:p%3Ass@127.0.0.1:PROXY', 'us@er:p:ss'],
  ['a user only', 'http://user@127.0.0.1:PROXY', 'user:'],
  ['a password only', 'http://:secret@127.0.0.1:PROXY', ':secret'],
  ['no credentials', 'http://127.0.0.1:PROXY', undefined],
])('a proxy URL with %s: the same Proxy-Authorization', async (_, proxy, credentials) => {
  const { connects } = await through('http://api.domo.test:HTTP/p', { http_proxy: proxy });
  const sent = /\r\nProxy-Authorization: (.*)(\r\n|$)/i.exec(connects[0] ?? '')?.[1];
  expect(sent).toBe(credentials && `Basic ${Buffer.from(credentials).toString('base64')}`);
});

test('a no_proxy host: past the proxy, as @actions/http-client goes', async () => {
  const env = { http_proxy: PROXY, no_proxy: '.test' };
  const { got, connects } = await through('http://api.domo.test:HTTP/p', env);
  expect(connects).toEqual([]);
  expect(got).toMatchObject({ code: 'ENOTFOUND' });
});

test('a proxy given as https that does not speak TLS: the same failure', async () => {
  process.env.http_proxy = `https://127.0.0.1:${ports.proxy}`;
  // What the proxy got is a TLS greeting, random bytes and all: only the failures compare.
  const request = { method: 'GET', url: `http://api.domo.test:${ports.http}/` };
  const { got } = await exchange(shim, request);
  expect(got).toMatchObject({ code: 'ECONNRESET' });
  expect(got).toEqual((await exchange(real as unknown as Module, request)).got);
});
