/**
 * The committed bundles themselves: small enough, free of the code kept out on purpose, and
 * still reaching Domo through an https proxy (the reason undici could go: proxies are served
 * by @actions/http-client's tunnel agent).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../../dev/certificate.mjs';
import { root, runStep } from '../../dev/runner.mjs';
import { expectFailure, expectNoLeaks, withSimulator } from './helpers.js';

// 1.0.0 fitted in 64 KiB; provision mode's instance API and the redaction of every encoded form
// of a secret took it past. Still a fourteenth of a plain ncc build (about 1 MB): a new
// dependency, not a new feature, is what this limit is here to catch.
const LIMIT = 80 * 1024;

describe('the bundles', () => {
  test.each(['dist/index.js', 'dist/post/index.js'])('%s stays within 80 KiB', (file) => {
    expect(statSync(join(root, file)).size).toBeLessThanOrEqual(LIMIT);
  });

  test.each(['dist/index.js', 'dist/post/index.js'])(
    '%s carries neither undici nor @actions/exec',
    (file) => {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text).not.toMatch(/llhttp|class Dispatcher|RetryAgent/);
      expect(text).not.toMatch(/ToolRunner|_windowsQuoteCmdArg/);
      expect(text).toContain('TunnelingAgent');
    },
  );

  test.each(['dist/index.js', 'dist/post/index.js'])(
    '%s imports no built-in as ESM but `module` (import "node:http" costs ~25 ms on Node 24)',
    (file) => {
      const text = readFileSync(join(root, file), 'utf8');
      const imported = [...text.matchAll(/\bimport\s*(?:[\w*{}\s,]+from\s*)?"([^"]+)"/g)].map(
        (m) => m[1],
      );
      expect(imported).toEqual(['module']);
    },
  );

  test('dist/ is ESM, as ncc built it', () => {
    expect(JSON.parse(readFileSync(join(root, 'dist/package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
  });

  test('the bundle runs with nothing set and fails with one clear error', async () => {
    const step = await runStep({ inputs: {} });
    expectFailure(step, 'Input `client-id` is required in token mode.');
  });

  test('the post bundle with no state does nothing, successfully', async () => {
    const step = await runStep({ entry: 'dist/post/index.js' });
    expect(step.exitCode).toBe(0);
    expect(step.warnings).toEqual([]);
    expect(step.errors).toEqual([]);
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
