/**
 * The bundle sends through src/shims/http-client.ts where the unit tests send through
 * @actions/http-client (tsconfig's `paths` applies to the bundler only). Here both make the
 * same requests, with the options src/http.ts gives, to local servers over HTTP and HTTPS:
 * the server sees the same request, the caller the same answer or error. Proxies are in
 * shims-http-proxy.test.ts.
 */
import { expect, test } from '@jest/globals';
import * as real from '@actions/http-client';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import net from 'node:net';
import * as shim from '../src/shims/http-client.js';
import {
  exchange,
  MODULES,
  OPTIONS,
  ports,
  TLS_SKIPPED,
  trust,
  withTls,
  type Exchange,
  type Module,
} from './helpers/http-parity.js';

const REAL = real as unknown as Module;

/** Both modules, the same request: the stand-in's exchange, once it matched the package's. */
async function same(request: Exchange) {
  const fromShim = await exchange(shim, request);
  expect(fromShim).toEqual(await exchange(REAL, request));
  return fromShim;
}

const requests: Array<[string, Omit<Exchange, 'url'> & { path: string }, NodeJS.ProcessEnv?]> = [
  ['a GET', { method: 'GET', path: '/oauth/token?grant_type=x&scope=data' }],
  ['a POST with a body', { method: 'POST', path: '/p', body: 'grant_type=x&é=1' }],
  ['a POST with an empty body', { method: 'POST', path: '/p', body: '' }],
  ['a DELETE', { method: 'DELETE', path: '/clients/7' }],
  ['an error status', { method: 'GET', path: '/?status=503' }],
  ['a 401 no handler answers', { method: 'GET', path: '/?status=401' }],
  ['a redirect, not followed', { method: 'GET', path: '/?status=302' }],
  ['no user agent', { method: 'GET', path: '/', userAgent: '' }],
  ['an orchestration id', { method: 'GET', path: '/' }, { ACTIONS_ORCHESTRATION_ID: 'Run 7/b' }],
  ['no answer in time', { method: 'GET', path: '/hang' }],
];

// A time limit of their own: a request that timed out and never hangs up stalls its test.
test.each(requests)(
  '%s over HTTP: as @actions/http-client sends it',
  async (_, r, env = {}) => {
    Object.assign(process.env, env);
    const { seen } = await same({ ...r, url: `http://127.0.0.1:${ports.http}${r.path}` });
    expect(seen).toHaveLength(1);
  },
  5_000,
);

// Every call to Domo is one of these.
(withTls ? test.each(requests) : test.skip.each(requests))(
  `%s over HTTPS: as @actions/http-client sends it${TLS_SKIPPED}`,
  async (_, r, env = {}) => {
    Object.assign(process.env, env);
    const { seen } = await same({ ...r, url: `https://127.0.0.1:${ports.https}${r.path}` });
    expect(seen).toHaveLength(1);
  },
  5_000,
);

(withTls ? test : test.skip)(
  `a certificate nobody trusts: refused, as @actions/http-client refuses it${TLS_SKIPPED}`,
  async () => {
    const url = `https://127.0.0.1:${ports.https}/`;
    const { got, seen } = await same({ method: 'GET', url, handlers: [] });
    expect(got).toEqual({ error: 'self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(seen).toEqual([]);
  },
);

test('a refused connection: the same error', async () => {
  const closed = net.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const free = (closed.address() as net.AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const { got } = await same({ method: 'GET', url: `http://127.0.0.1:${free}/` });
  expect(got).toMatchObject({ code: 'ECONNREFUSED' });
});

/** A handler that says it can answer a 401, as the package's auth handlers do. */
const answers: RequestHandler = {
  prepareRequest: () => undefined,
  canHandleAuthentication: () => true,
  handleAuthentication: () => Promise.reject(new Error('answered by the handler')),
};

test('a 401 a handler could answer: the package lets it answer, the stand-in refuses', async () => {
  const url = `http://127.0.0.1:${ports.http}/?status=401`;
  const handlers = [trust, answers];
  const fromShim = await exchange(shim, { method: 'GET', url, handlers });
  expect(fromShim.got).toEqual({
    error: 'answering an authentication challenge is not bundled with domo-auth',
  });
  const fromReal = await exchange(REAL, { method: 'GET', url, handlers });
  expect(fromReal.got).toEqual({ error: 'answered by the handler' });
});

test('any other status with such a handler: the answer, as @actions/http-client gives it', async () => {
  const url = `http://127.0.0.1:${ports.http}/?status=403`;
  const { got } = await same({ method: 'GET', url, handlers: [answers] });
  expect(got).toMatchObject({ statusCode: 403 });
});

test('getProxyUrl: the same proxy, or none', () => {
  process.env.https_proxy = 'http://u%20s:p@proxy.test:3128';
  process.env.no_proxy = 'skip.test';
  for (const url of ['https://api.domo.com/x', 'https://a.skip.test/', 'http://api.domo.com/']) {
    expect(shim.getProxyUrl(url)).toBe(real.getProxyUrl(url));
  }
  expect(shim.getProxyUrl('https://api.domo.com/x')).toBe('http://u%20s:p@proxy.test:3128/');
});

test.each(MODULES)('a disposed client refuses to send: %s', async (_, module) => {
  const client = new module.HttpClient('x', [], OPTIONS);
  client.dispose();
  await expect(client.request('GET', `http://127.0.0.1:${ports.http}/`, null, {})).rejects.toThrow(
    'Client has already been disposed.',
  );
});
