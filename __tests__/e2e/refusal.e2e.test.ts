/**
 * A developer token that the instance will not create a client with (401 or 403), end to end:
 * the bundles, run as the runner runs them, against the simulator. The action then asks once
 * who the token belongs to, and its one error says which it is: the token itself is refused
 * (a new token), or the token works and only the creation was refused (a grant, or a session).
 * The creation is sent once, the question asked once, and the token never shows. `npm run
 * smoke` tells the same two cases apart.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runJob } from '../../dev/runner.mjs';
import type { FaultSpec, SimulatorOptions } from '../../dev/simulator.mjs';
import { expectFailure, expectNoLeaks, withSimulator, type Simulator } from './helpers.js';

const FAILED = 'Domo client creation (POST /api/identity/v1/developer-tokens) failed';
const TOKEN_REFUSED =
  'Domo refused the developer token itself: when asked who the token belongs to, the instance answered HTTP 401 too. The token has expired or been revoked, or it was made on another instance than `instance`. Make a new one in Admin > Security > Access tokens and update the secret.';
const CREATION_REFUSED = (user: number) =>
  `The developer token works (it acts as user ${user}), but this instance did not let it create an API client. Give that user's role the "Create API OAuth Clients" grant (Admin > Roles). If the role has it already, this instance does not let developer tokens create clients: use a session of a user with that grant instead (\`username\` + \`password\`, or \`session-token\`), which creates clients on Domo's documented route (POST /clients).`;
const EXPIRED = 'expired-dev-token-0123';

const routes = (sim: Simulator) => sim.requests.map((r) => `${r.method} ${r.route}`);

describe('a developer token refused when it creates a client', () => {
  test.each<[string, SimulatorOptions, FaultSpec | undefined, string, string]>([
    [
      'a token the instance does not know (expired, revoked, another instance)',
      {},
      undefined,
      EXPIRED,
      `${FAILED}: HTTP 401 (Full authentication is required to access this resource). ${TOKEN_REFUSED}`,
    ],
    [
      'a good token, on an instance that lets no developer token create a client',
      { developerTokenCreate: 'refused' },
      undefined,
      'sim-developer-token',
      `${FAILED}: HTTP 403 (Access is denied). ${CREATION_REFUSED(964382593)}`,
    ],
    [
      'a good token whose owner lacks the grant',
      {},
      undefined,
      'sim-grantless-token',
      `${FAILED}: HTTP 403 (Forbidden: the user lacks the "Create API OAuth Clients" grant). ${CREATION_REFUSED(1002)}`,
    ],
    [
      'a good token, and the question fails too (not asked again)',
      { developerTokenCreate: 'refused' },
      { kind: 'status', status: 503, times: Infinity },
      'sim-developer-token',
      `${FAILED}: HTTP 403 (Access is denied). Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too (Domo user check (GET /api/content/v2/users/me): HTTP 503 (Simulated Service Unavailable)). The developer token's owner may not create API clients: give that user the "Create API OAuth Clients" grant (Admin > Roles), or use a token of a user who has it.`,
    ],
  ])('%s: one error that says which', async (_, options, fault, token, error) => {
    await withSimulator(options, async (sim) => {
      if (fault) sim.fault('users-me', fault);
      const { main, post } = await runJob({
        inputs: {
          mode: 'provision',
          instance: sim.url,
          'api-url': sim.url,
          'developer-token': token,
          retries: '3',
        },
        debug: true,
      });
      expectFailure(main, error);
      expect(main.errors).toEqual([error]);
      // One creation, one question with the same token, and nothing else: no retry of either.
      expect(routes(sim)).toEqual(['POST create-dev-token', 'GET users-me']);
      expect(sim.requests[1]!.headers['x-domo-developer-token']).toBe(token);
      expect(sim.requests[1]!.headers['x-domo-authentication']).toBeUndefined();
      expect(sim.clients).toEqual([]);
      expect(main.savedState).toEqual({}); // nothing to revoke
      expect(main.masks).toContain(token);
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expectNoLeaks(main, [token]);
      expectNoLeaks(post, [token]);
    });
  });
});

const SMOKE = fileURLToPath(new URL('../../dev/smoke.mjs', import.meta.url));

/** `npm run smoke` for a developer token, against `sim`: its exit code and table. */
function smoke(sim: Simulator, token: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DOMO_API_URL: sim.url,
      DOMO_INSTANCE: sim.url,
      DOMO_DEVELOPER_TOKEN: token,
    };
    const child = spawn(process.execPath, [SMOKE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('npm run smoke with a developer token that created no client', () => {
  test.each<[string, SimulatorOptions, string, RegExp]>([
    [
      'the token itself is refused',
      {},
      EXPIRED,
      /^developer-token +developer token accepted +FAIL +GET \/api\/content\/v2\/users\/me: HTTP 401; the token itself is refused: expired, revoked, or made on another instance$/m,
    ],
    [
      'the token works, the creation was refused',
      { developerTokenCreate: 'refused' },
      'sim-developer-token',
      /^developer-token +developer token accepted +PASS +GET \/api\/content\/v2\/users\/me: user 964382593; only the creation was refused: the "Create API OAuth Clients" grant, or this instance lets no developer token create clients \(then a session does: DOMO_USERNAME \+ DOMO_PASSWORD\)$/m,
    ],
  ])('%s: the table says so, and the run fails', async (_, options, token, row) => {
    await withSimulator(options, async (sim) => {
      const { code, out } = await smoke(sim, token);
      expect(out).toMatch(
        /^developer-token +client created, token issued +FAIL +Domo client creation/m,
      );
      expect(out).toMatch(row);
      expect(out).toMatch(/^developer-token +nothing secret printed +PASS/m);
      expect(code).toBe(1);
      expect(out).not.toContain(token);
      expect(sim.clients).toEqual([]);
    });
  });
});
