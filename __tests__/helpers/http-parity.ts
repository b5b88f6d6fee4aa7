/**
 * A local network for holding src/shims/http-client.ts to @actions/http-client: a server over
 * HTTP and one over HTTPS (throwaway certificates for 127.0.0.1 and, by SNI, api.domo.test),
 * and two CONNECT proxies, one plain and one over TLS, that record each CONNECT they are sent
 * and tunnel it to the server of the request's scheme. exchange() sends one request through
 * either module as src/http.ts sends it. Each test file that imports this gets its own.
 */
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import * as real from '@actions/http-client';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { selfSignedCertificate } from '../../dev/certificate.mjs';
import { bareIpv6Host } from '../../src/http.js';
import * as shim from '../../src/shims/http-client.js';

export type Module = typeof shim;
export const MODULES: Array<[string, Module]> = [
  ['the stand-in', shim],
  ['@actions/http-client', real as unknown as Module],
];

/** The certificates are made with openssl: without it, the tests over TLS are skipped. */
export const withTls = spawnSync('openssl', ['version']).status === 0;
export const TLS_SKIPPED = withTls ? '' : ' (skipped: no openssl on this machine)';

export const OPTIONS = {
  allowRedirects: false,
  allowRetries: false,
  keepAlive: false,
  socketTimeout: 300,
} as const;

/** What the servers saw of each request. */
const seen: Array<{ method?: string; url?: string; headers: string[]; body: string }> = [];
/** The CONNECT requests the proxies got, up to the blank line. */
const connects: string[] = [];
/** Requests left unanswered, to be ended with the test; and when each one's client hung up. */
const hanging = new Set<IncomingMessage>();
const hangUps: Array<Promise<unknown>> = [];
const sockets = new Set<net.Socket>();

export const ports = { http: 0, https: 0, proxy: 0, tlsProxy: 0 };
/** The CA list a request needs for the servers and the TLS proxy. */
let authorities: string[] = [];
const servers: net.Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'domo-auth-http-parity-'));

const answer: RequestListener = (req, res) => {
  let body = '';
  req.setEncoding('utf8').on('data', (d: string) => (body += d));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, headers: req.rawHeaders, body });
    if (req.url === '/hang') {
      hanging.add(req);
      hangUps.push(new Promise((resolve) => req.socket.once('end', resolve)));
      return;
    }
    const status = Number(/status=(\d+)/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(status, { 'x-answer': 'yes', location: '/elsewhere' }).end(`body ${status}`);
  });
};

/** Tunnels a CONNECT to the server that speaks its target's scheme (443 and 80 included). */
function tunnel(client: net.Socket): void {
  sockets.add(client);
  client.once('data', (head) => {
    const request = head.toString('latin1').split('\r\n\r\n')[0]!;
    connects.push(request);
    const target = Number(/^CONNECT \S+:(\d+) /.exec(request)?.[1]);
    const port = target === 443 || target === ports.https ? ports.https : ports.http;
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
}

const listen = async (server: net.Server): Promise<number> => {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

beforeAll(async () => {
  ports.http = await listen(createServer(answer));
  ports.proxy = await listen(net.createServer(tunnel));
  if (!withTls) return;
  const ip = selfSignedCertificate(mkdtempSync(join(dir, 'ip-')));
  const name = selfSignedCertificate(mkdtempSync(join(dir, 'name-')), 'api.domo.test');
  authorities = [ip.cert, name.cert];
  const byName = tls.createSecureContext(name);
  const SNICallback = (host: string, done: (e: Error | null, c?: tls.SecureContext) => void) =>
    done(null, host === 'api.domo.test' ? byName : undefined);
  ports.https = await listen(createHttpsServer({ ...ip, SNICallback }, answer));
  // `tunnel` checks a TLS proxy's certificate against the name of the server behind it.
  ports.tlsProxy = await listen(tls.createServer(name, tunnel));
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
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * Trusts the throwaway certificates for this request only: the agent hands its options to
 * every TLS connection it makes, to the server and (through a TLS proxy) to the proxy. The
 * package's own `ignoreSslError` reaches the agent the same way.
 */
export const trust: RequestHandler = {
  prepareRequest(options) {
    const agent = options.agent as unknown as {
      options: tls.ConnectionOptions;
      proxyOptions?: object;
    };
    agent.options.ca = authorities;
    if (agent.proxyOptions) Object.assign(agent.proxyOptions, { ca: authorities });
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('not asked')),
};

/** A handler's own header, to show that handlers prepare every request. */
const tag: RequestHandler = {
  prepareRequest: (options) => void ((options.headers as Record<string, string>)['x-by'] = 'h'),
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('not asked')),
};

export interface Exchange {
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
  userAgent?: string;
  /** Instead of trusting the throwaway certificates and tagging the request. */
  handlers?: RequestHandler[];
}

/** One request as src/http.ts makes it: what the caller got, and what servers and proxy saw. */
export async function exchange(module: Module, request: Exchange) {
  seen.length = 0;
  connects.length = 0;
  hangUps.length = 0;
  const handlers = request.handlers ?? [trust, tag];
  const client = new module.HttpClient(request.userAgent ?? 'domo-auth-test/1', handlers, OPTIONS);
  if (!module.getProxyUrl(request.url)) client.handlers.push(bareIpv6Host);
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
    got = { error: withoutPorts(e.message), code: e.code };
    // A request that timed out hangs up by itself, before the client is disposed of.
    if (e.message.startsWith('Request timeout')) await Promise.all(hangUps);
  } finally {
    client.dispose();
  }
  return {
    got,
    seen: seen.map((s) => ({ ...s, headers: s.headers.map(withoutPorts) })),
    connects: connects.map(withoutPorts),
  };
}

function withoutPorts(text: string): string {
  const local = Object.values(ports).filter(Boolean).join('|');
  return text.replace(new RegExp(`:(${local})\\b`, 'g'), ':PORT').replace(/:\d+$/, ':PORT');
}
