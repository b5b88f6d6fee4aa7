/**
 * The committed bundle itself, which GitHub runs for the main and the post step alike: small
 * enough, free of the code kept out on purpose, telling its two steps apart, and still
 * reaching Domo through an https proxy (the reason undici could go: proxies are served by the
 * `tunnel` agent).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../dev/certificate.mjs';
import { root, runStep } from '../../dev/runner.mjs';
import { expectFailure, expectNoLeaks, withSimulator } from './helpers.js';

// Every job that uses the action downloads it. 1.0.0's two bundles made 117 KiB; one bundle,
// with small stand-ins for the parts of @actions/core and @actions/http-client it never runs,
// holds both steps and sweep mode in less. A new dependency, not a new feature, is what this
// limit is here to catch.
const LIMIT = 72 * 1024;
const BUNDLE = join(root, 'dist/index.js');

/** Every .js file under dist/, at any depth. */
const scripts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? scripts(join(dir, entry.name))
      : entry.name.endsWith('.js')
        ? [join(dir, entry.name)]
        : [],
  );

describe('the bundle', () => {
  test('is the only script in dist/, and within 72 KiB', () => {
    expect(scripts(join(root, 'dist'))).toEqual([BUNDLE]);
    expect(statSync(BUNDLE).size).toBeLessThanOrEqual(LIMIT);
  });

  test.each<[string, RegExp]>([
    ['undici', /llhttp|class Dispatcher|RetryAgent|ProxyAgent/],
    ['@actions/exec', /ToolRunner|_windowsQuoteCmdArg/],
    ["@actions/core's OIDC client and platform details", /OidcClient|ACTIONS_ID_TOKEN|getDetails/],
    ["@actions/http-client's JSON helpers and retries", /postJson|_performExponentialBackoff/],
  ])('leaves out %s', (_, marker) => {
    expect(readFileSync(BUNDLE, 'utf8')).not.toMatch(marker);
  });

  test('carries the tunnel agent that serves https_proxy', () => {
    expect(readFileSync(BUNDLE, 'utf8')).toContain('TunnelingAgent');
  });

  test('is CommonJS, which starts sooner on Node 24 than ESM, and imports nothing', () => {
    expect(JSON.parse(readFileSync(join(root, 'dist/package.json'), 'utf8'))).toEqual({
      type: 'commonjs',
    });
    // `import "node:http"` from ESM alone costs ~25 ms on Node 24; require() does not.
    expect(readFileSync(BUNDLE, 'utf8')).not.toMatch(/\bimport\s*[\s{*("]|\bimport\.meta\b/);
  });

  test("requires nothing but Node's own modules: nothing else ships with it", () => {
    const text = readFileSync(BUNDLE, 'utf8');
    const required = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((name) => !isBuiltin(name))).toEqual([]);
  });

  test('the main step marks its state first, even when it fails at once on its inputs', async () => {
    const step = await runStep({ inputs: {} });
    expectFailure(step, 'Input `client-id` is required in token mode.');
    expect(step.savedState).toEqual({ isPost: 'true' });
  });

  test('the post step of a main step that created nothing does nothing, successfully', async () => {
    const step = await runStep({ inputs: {}, state: { isPost: 'true' } });
    expect(step.exitCode).toBe(0);
    expect(step.commands.filter((c) => c.name !== 'debug')).toEqual([]);
    expect(step.outputs).toEqual({});
    expect(step.savedState).toEqual({});
  });

  test('without GITHUB_STATE (a runner before 2.297.0), the mark goes out as a command and a token run succeeds', async () => {
    await withSimulator({}, async (sim) => {
      const step = await runStep({
        inputs: {
          'client-id': 'sim-client-id',
          'client-secret': 'sim-client-secret',
          'api-url': sim.url,
        },
        env: { GITHUB_STATE: undefined },
      });
      expect(step.exitCode).toBe(0);
      expect(step.outputs['access-token']).toBeTruthy();
      const marks = step.commands.filter((c) => c.name === 'save-state');
      expect(marks.map((c) => c.line)).toEqual(['::save-state name=isPost::true']);
      expectNoLeaks(step);
    });
  });
});

describe('through an https proxy (CONNECT), with https_proxy and no_proxy', () => {
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'domo-auth-proxy-'));
    ({ cert, key } = selfSignedCertificate(dir, 'api.domo.test'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A CONNECT proxy that sends every tunnel to the simulator, and remembers what it was asked. */
  async function startProxy(targetPort: number) {
    const connects: string[] = [];
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      sockets.add(client);
      client.on('close', () => sockets.delete(client));
      client.once('data', (head) => {
        const line = head.toString('latin1').split('\r\n')[0] ?? '';
        connects.push(line);
        const upstream = net.connect(targetPort, '127.0.0.1', () => {
          sockets.add(upstream);
          upstream.on('close', () => sockets.delete(upstream));
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.pipe(client);
          client.pipe(upstream);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const close = () =>
      new Promise((resolve) => {
        server.close(resolve);
        for (const socket of sockets) socket.destroy();
      });
    return { port, connects, close };
  }

  test('https_proxy: the token request goes through the tunnel', async () => {
    await withSimulator({ tls: { key, cert } }, async (sim) => {
      const proxy = await startProxy(sim.port);
      try {
        const step = await runStep({
          inputs: {
            'client-id': 'sim-client-id',
            'client-secret': 'sim-client-secret',
            'api-url': 'https://api.domo.test',
            // A failure here should say why, well before jest's own timeout.
            retries: '1',
            'timeout-ms': '10000',
          },
          env: {
            https_proxy: `http://127.0.0.1:${proxy.port}`,
            NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
          },
        });
        expect(step.errors).toEqual([]);
        expect(step.exitCode).toBe(0);
        expect(step.outputs['customer']).toBe('acmecompany');
        expect(proxy.connects).toEqual(['CONNECT api.domo.test:443 HTTP/1.1']);
        expectNoLeaks(step);
      } finally {
        await proxy.close();
      }
    });
  });

  test('no_proxy: the proxy is bypassed (and api.domo.test does not resolve here)', async () => {
    await withSimulator({ tls: { key, cert } }, async (sim) => {
      const proxy = await startProxy(sim.port);
      try {
        const step = await runStep({
          inputs: {
            'client-id': 'sim-client-id',
            'client-secret': 'sim-client-secret',
            'api-url': 'https://api.domo.test',
            retries: '0',
          },
          env: {
            https_proxy: `http://127.0.0.1:${proxy.port}`,
            no_proxy: '.domo.test',
            NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem'),
          },
        });
        expectFailure(step, /Domo token request failed: host name api\.domo\.test not found/);
        expect(proxy.connects).toEqual([]);
      } finally {
        await proxy.close();
      }
    });
  });
});
