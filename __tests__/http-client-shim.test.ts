/**
 * The bundle sends through src/shims/http-client.ts where the unit tests send through
 * @actions/http-client (tsconfig's `paths` applies to the bundler only). Here both make the
 * same requests, with the options src/http.ts gives, to a local server and through a local
 * CONNECT proxy: the server sees the same request, the caller the same answer or error.
 */
import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import * as real from '@actions/http-client';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { bareIpv6Host } from '../src/http.js';
import * as shim from '../src/shims/http-client.js';

type Module = typeof shim;
const OPTIONS = {
  allowRedirects: false,
  allowRetries: false,
  keepAlive: false,
  socketTimeout: 300,
} as const;

/** What the server saw of each request, and what it answers: status, headers, body. */
const seen: Array<{ method?: string; url?: string; headers: string[]; body: string }> = [];
let server: Server;
let port: number;
/** Requests the server leaves unanswered, to be ended with the test. */
const hanging = new Set<IncomingMessage>();

/** Tunnels every CONNECT to the server; remembers the request line and proxy credentials. */
let proxy: net.Server;
let proxyPort: number;
const connects: string[] = [];
const sockets = new Set<net.Socket>();

const listen = (s: net.Server) =>
  new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
  );

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.rawHeaders, body });
      if (req.url === '/hang') return void hanging.add(req);
      const status = Number(/status=(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
      res.writeHead(status, { 'x-answer': 'yes', location: '/elsewhere' }).end(`body ${status}`);
    });
  });
  port = await listen(server);
  proxy = net.createServer((client) => {
    sockets.add(client);
    client.once('data', (head) => {
      connects.push(head.toString('latin1').split('\r\n\r\n')[0]!);
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  proxyPort = await listen(proxy);
});

const saved = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  for (const req of hanging) req.socket.destroy();
  hanging.clear();
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => proxy.close(resolve));
  await new Promise((resolve) => server.close(resolve));
});

/** One request as src/http.ts makes it: what the caller got, and what server and proxy saw. */
async function exchange(
  module: Module,
  request: { method: string; url: string; body?: string; headers?: Record<string, string> },
) {
  seen.length = 0;
  connects.length = 0;
  const client = new module.HttpClient('domo-auth-test/1', [], OPTIONS);
  if (!module.getProxyUrl(request.url)) client.handlers.push(bareIpv6Host);
  client.handlers.push({
    prepareRequest: (options) => void ((options.headers as Record<string, string>)['x-by'] = 'h'),
    canHandleAuthentication: () => false,
  });
  let got: unknown;
  try {
    const response = await client.request(
      request.method,
      request.url,
      request.body ?? null,
      request.headers ?? { Accept: 'application/json', 'X-Mixed-Case': 'v' },
    );
    let body = '';
    for await (const chunk of response.message) body += String(chunk);
    const { statusCode, headers } = response.message;
    got = { statusCode, body, answer: headers['x-answer'], location: headers.location };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    got = { error: e.message.replace(/:\d+$/, ':PORT'), code: e.code };
  } finally {
    client.dispose();
  }
  const withoutPort = (text: string) => text.replaceAll(String(port), 'PORT');
  return {
    got,
    seen: seen.map((s) => ({ ...s, headers: s.headers.map(withoutPort) })),
    connects: connects.map(withoutPort),
  };
}

test.each<[string, { method: string; path: string; body?: string }, NodeJS.ProcessEnv]>([
  ['a GET', { method: 'GET', path: '/oauth/token?grant_type=x&scope=data' }, {}],
  ['a POST with a body', { method: 'POST', path: '/p', body: 'grant_type=x&é=1' }, {}],
  ['a DELETE', { method: 'DELETE', path: '/clients/7' }, {}],
  ['an error status', { method: 'GET', path: '/?status=503' }, {}],
  ['a 401 no handler answers', { method: 'GET', path: '/?status=401' }, {}],
  ['a redirect, not followed', { method: 'GET', path: '/?status=302' }, {}],
  ['an orchestration id', { method: 'GET', path: '/' }, { ACTIONS_ORCHESTRATION_ID: 'Run 7/b' }],
  ['no answer in time', { method: 'GET', path: '/hang' }, {}],
])('%s: as @actions/http-client sends it', async (_, { method, path, body }, env) => {
  Object.assign(process.env, env);
  const request = { method, url: `http://127.0.0.1:${port}${path}`, body };
  const fromShim = await exchange(shim, request);
  const fromReal = await exchange(real as unknown as Module, request);
  expect(fromShim.seen.length + fromShim.connects.length).toBeGreaterThan(0);
  expect(fromShim).toEqual(fromReal);
});

test.each<[string, NodeJS.ProcessEnv, number]>([
  ['through http_proxy (CONNECT)', { http_proxy: 'http://127.0.0.1:PROXY' }, 1],
  [
    'through http_proxy with credentials',
    { http_proxy: 'http://us%40er:p%3Ass@127.0.0.1:PROXY' },
    1,
  ],
  [
    'past the proxy for a no_proxy host',
    { http_proxy: 'http://127.0.0.1:PROXY', no_proxy: '.test' },
    0,
  ],
])('%s: as @actions/http-client goes', async (_, env, tunnels) => {
  for (const [key, value] of Object.entries(env)) {
    process.env[key] = value!.replace('PROXY', String(proxyPort));
  }
  // A name only the proxy can reach: the client never resolves it when it tunnels.
  const request = { method: 'POST', url: `http://api.domo.test:${port}/p`, body: 'x=1' };
  const fromShim = await exchange(shim, request);
  const fromReal = await exchange(real as unknown as Module, request);
  expect(fromShim.connects).toHaveLength(tunnels);
  expect(fromShim).toEqual(fromReal);
});

test('to a proxy that does not speak TLS, given as https: the same failure', async () => {
  process.env.http_proxy = `https://127.0.0.1:${proxyPort}`;
  const request = { method: 'GET', url: `http://api.domo.test:${port}/` };
  const fromShim = await exchange(shim, request);
  expect(fromShim.got).toHaveProperty('code');
  expect(fromShim.got).toEqual((await exchange(real as unknown as Module, request)).got);
});

test('a refused connection: the same error', async () => {
  const closed = net.createServer();
  const free = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
  const request = { method: 'GET', url: `http://127.0.0.1:${free}/` };
  const fromShim = await exchange(shim, request);
  expect(fromShim.got).toMatchObject({ code: 'ECONNREFUSED' });
  expect(fromShim).toEqual(await exchange(real as unknown as Module, request));
});

test('getProxyUrl: the same proxy, or none', () => {
  process.env.https_proxy = 'http://u%20s:p@proxy.test:3128';
  process.env.no_proxy = 'skip.test';
  for (const url of ['https://api.domo.com/x', 'https://a.skip.test/', 'http://api.domo.com/']) {
    expect(shim.getProxyUrl(url)).toBe(real.getProxyUrl(url));
  }
  expect(shim.getProxyUrl('https://api.domo.com/x')).toBe('http://u%20s:p@proxy.test:3128/');
});

test('a disposed client refuses to send, as the real one does', async () => {
  const client = new shim.HttpClient('x', [], OPTIONS);
  client.dispose();
  await expect(client.request('GET', `http://127.0.0.1:${port}/`, null, {})).rejects.toThrow(
    'Client has already been disposed.',
  );
});
