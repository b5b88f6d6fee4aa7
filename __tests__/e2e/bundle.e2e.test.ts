/**
 * The committed bundle itself, which the main step, the post step and domo-token each start
 * through an entry of their own: small enough, free of the code kept out on purpose, and still
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
import { action, root, runStep } from '../../dev/runner.mjs';
import { expectFailure, expectNoLeaks, SOURCES, withSimulator } from './helpers.js';

// Every job that uses the action downloads it. 1.0.0's two bundles made 117 KiB; one bundle,
// with small stand-ins for the parts of @actions/core and @actions/http-client it never runs,
// holds both steps, every mode and the domo-token command in less (94 KB with login mode and
// token-command; gzipped, what a job downloads stays far under 50 KB). A new dependency, not a
// new feature, is what this limit is here to catch.
const LIMIT = 100 * 1024;
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
  test('is the only script in dist/ but the entries that call it, and within 100 KiB', () => {
    const entries = ['domo-token.js', 'main.js', 'post.js'].map((f) => join(root, 'dist', f));
    expect(scripts(join(root, 'dist')).sort()).toEqual([...entries, BUNDLE].sort());
    for (const entry of entries) {
      expect(readFileSync(entry, 'utf8')).toMatch(
        /^'use strict';\nrequire\('\.\/index\.js'\)\.\w+\(\);\n$/,
      );
    }
    expect([action.runs.main, action.runs.post]).toEqual(['dist/main.js', 'dist/post.js']);
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

  test('a main step that fails on its inputs saves nothing for its post step', async () => {
    const step = await runStep({ inputs: {} });
    expectFailure(step, 'Input `client-id` is required in token mode.');
    expect(step.savedState).toEqual({});
  });

  test.each<[string, Record<string, string>]>([
    ['token', { 'client-id': 'sim-client-id', 'client-secret': 'sim-client-secret' }],
    ['provision', { mode: 'provision', ...SOURCES.password, 'token-command': 'true' }],
    ['login', { mode: 'login', ...SOURCES['session-token'], 'job-token': 'true' }],
    ['sweep', { mode: 'sweep', ...SOURCES['developer-token'] }],
  ])(
    'a %s post step that finds no state does nothing: no request, no file, exit 0',
    async (_, inputs) => {
      await withSimulator({}, async (sim) => {
        const home = mkdtempSync(join(tmpdir(), 'domo-auth-home-'));
        try {
          const step = await runStep({
            entry: action.runs.post,
            inputs: { ...inputs, instance: sim.url, 'api-url': sim.url },
            env: { HOME: home },
          });
          expect(step.exitCode).toBe(0);
          expect(step.commands.filter((c) => c.name !== 'debug')).toEqual([]);
          expect(step.stdout.split('\n').filter((l) => l && !l.startsWith('::debug::'))).toEqual(
            [],
          );
          expect([step.outputs, step.exportedEnv, step.savedState, step.summary]).toEqual([
            {},
            {},
            {},
            '',
          ]);
          expect(sim.requests).toEqual([]);
          expect(readdirSync(home)).toEqual([]);
        } finally {
          rmSync(home, { recursive: true, force: true });
        }
      });
    },
  );

  test('without GITHUB_STATE (a runner before 2.297.0), token mode needs none and saves none', async () => {
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
      expect(step.commands.filter((c) => c.name === 'save-state')).toEqual([]);
      expectNoLeaks(step);
    });
  });

  test.each<[string, Record<string, string | undefined>, string]>([
    ['missing', { GITHUB_STATE: undefined }, 'The runner did not provide GITHUB_STATE'],
    [
      'gone',
      { GITHUB_STATE: '/nonexistent/domo-auth/state' },
      "The runner's GITHUB_STATE file cannot be written (ENOENT)",
    ],
  ])(
    'with GITHUB_STATE %s, provision and login mode fail before any request, without a stack trace',
    async (_, env, message) => {
      await withSimulator({}, async (sim) => {
        for (const mode of ['provision', 'login']) {
          const step = await runStep({
            inputs: { mode, instance: sim.url, 'api-url': sim.url, ...SOURCES['developer-token'] },
            env,
          });
          expectFailure(step, message);
          expect(step.stderr).toBe('');
          expect(sim.requests).toEqual([]);
        }
      });
    },
  );
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

describe('inputs far too long', () => {
  test.each<[string, Record<string, string>]>([
    ['client-secret', { 'client-id': 'sim-client-id', 'client-secret': 'a'.repeat(120_000) }],
    [
      'client-name',
      { mode: 'provision', ...SOURCES['developer-token'], 'client-name': 'a'.repeat(120_000) },
    ],
    ['developer-token', { mode: 'login', 'developer-token': 'a'.repeat(120_000) }],
  ])(
    'a 120 KB %s: one error naming it, without its value, before any request',
    async (name, inputs) => {
      await withSimulator({}, async (sim) => {
        const step = await runStep({
          inputs: { instance: sim.url, 'api-url': sim.url, ...inputs },
        });
        expectFailure(
          step,
          `Input \`${name}\` is 120000 characters long; domo-auth takes at most 8192`,
        );
        // Masked first, as every secret input is; shown nowhere else.
        const shown = (step.stdout + step.stderr)
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'));
        expect(shown.some((line) => line.includes('a'.repeat(100)))).toBe(false);
        expect(sim.requests).toEqual([]);
      });
    },
  );
});
