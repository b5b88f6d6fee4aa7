/**
 * `npm run smoke`, the live check for a real Domo instance, run here as a person would run it
 * against the local simulator: with no variables it explains itself and exits 0; with them it
 * runs every check, prints a table and exits 0 only when all passed.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { withSimulator, type Simulator } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('../../dev/smoke.mjs', import.meta.url));

function smoke(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

const everything = (sim: Simulator) => ({
  DOMO_API_URL: sim.url,
  DOMO_INSTANCE: sim.url,
  DOMO_CLIENT_ID: 'sim-client-id',
  DOMO_CLIENT_SECRET: 'sim-client-secret',
  DOMO_DEVELOPER_TOKEN: 'sim-developer-token',
  DOMO_USERNAME: 'ci@acme.example',
  DOMO_PASSWORD: 'sim-password',
});

describe('npm run smoke', () => {
  test('with no variables (or empty ones) it says what it would check and which to set, and exits 0', async () => {
    const { code, out } = await smoke({ DOMO_CLIENT_ID: '', DOMO_INSTANCE: ' ' });
    expect(code).toBe(0);
    expect(out).toContain('nothing to check, as no DOMO_* variable is set');
    for (const name of [
      'DOMO_CLIENT_ID',
      'DOMO_CLIENT_SECRET',
      'DOMO_INSTANCE',
      'DOMO_DEVELOPER_TOKEN',
      'DOMO_USERNAME',
      'DOMO_PASSWORD',
      'DOMO_API_URL',
    ]) {
      expect(out).toContain(name);
    }
  });

  test('against the simulator: every check of every plan passes, and only its own clients are touched', async () => {
    await withSimulator({}, async (sim) => {
      const { code, out } = await smoke(everything(sim));
      expect(out).toMatch(
        /^domo-auth live check: token, developer-token, password, login against /,
      );
      for (const [plan, check] of [
        ['token', 'token issued'],
        ['token', 'token works'],
        ['developer-token', 'client created, token issued'],
        ['developer-token', 'post step revoked it'],
        ['developer-token', 'instance no longer lists it'],
        ['password', 'instance no longer lists it'],
        ['password', 'nothing secret printed'],
        ['login', 'developer token handed over'],
        ['login', 'job token minted for 1 h'],
        ['login', 'job token works'],
        ['login', 'post step revoked it'],
        ['login', 'instance no longer lists it'],
        ['login', 'nothing secret printed'],
      ]) {
        expect(out).toMatch(new RegExp(`^${plan} +${check} +PASS`, 'm'));
      }
      expect(out).toContain('\n19 passed, 0 failed\n');
      expect(sim.accessTokens.map((t) => t.deleted)).toEqual([true]);
      expect(code).toBe(0);
      expect(sim.clients).toHaveLength(2);
      expect(sim.clients.every((c) => c.deleted)).toBe(true);
      expect(sim.requests.filter((r) => r.route === 'api').map((r) => r.path)).toEqual([
        '/v1/datasets',
        '/v1/datasets',
        '/v1/datasets',
      ]);
      expect(out).not.toContain('sim-client-secret');
      expect(out).not.toContain('sim-developer-token');
    });
  });

  test('a client the post step could not revoke is a FAIL, and the exit code says so', async () => {
    await withSimulator({}, async (sim) => {
      // The DELETE "succeeds" but nothing is revoked: the fresh lists still show the client.
      sim.fault('delete-dev-token', { kind: 'status', status: 204, times: Infinity });
      const { DOMO_API_URL, DOMO_INSTANCE, DOMO_DEVELOPER_TOKEN } = everything(sim);
      const { code, out } = await smoke({ DOMO_API_URL, DOMO_INSTANCE, DOMO_DEVELOPER_TOKEN });
      expect(out).toMatch(
        /^developer-token +post step revoked it +FAIL +Domo API client .* is still listed/m,
      );
      expect(out).toMatch(
        /^developer-token +instance no longer lists it +FAIL +still listed as id \d+/m,
      );
      expect(out).toContain('\n9 passed, 2 failed\n');
      expect(code).toBe(1);
    });
  });
});
