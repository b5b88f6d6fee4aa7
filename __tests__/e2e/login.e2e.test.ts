/**
 * Login mode, end to end: the committed bundle's main and post step, run as GitHub's runner
 * runs them, against the simulator. What a deploy step after it gets (outputs, DOMO_INSTANCE
 * and DOMO_DEVELOPER_TOKEN, the Domo CLI's login file), what the post step leaves (nothing),
 * and every refusal before it.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { action, runStep, type StepResult } from '../../dev/runner.mjs';
import {
  expectFailure,
  expectNoLeaks,
  SOURCES,
  withSimulator,
  type Simulator,
  type Source,
} from './helpers.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'domo-auth-login-home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const host = (sim: Simulator) => new URL(sim.url).host;
const loginFile = (sim: Simulator, base = join(home, '.config')) =>
  join(base, 'configstore', 'ryuu', `${host(sim)}.json`);
const inputs = (sim: Simulator, source: Source, more: Record<string, string> = {}) => ({
  mode: 'login',
  instance: sim.url,
  ...SOURCES[source],
  ...more,
});
const run = (sim: Simulator, source: Source, more: Record<string, string> = {}, env = {}) =>
  runStep({ inputs: inputs(sim, source, more), env: { HOME: home, ...env } });
const post = (main: StepResult, env = {}) =>
  runStep({ entry: action.runs.post, state: main.savedState, env: { HOME: home, ...env } });
const routes = (sim: Simulator, from = 0) =>
  sim.requests.slice(from).map((r) => `${r.method} ${r.route}`);
const live = (sim: Simulator) => sim.accessTokens.filter((t) => !t.deleted);

describe('login mode: a developer token handed over as it is', () => {
  test('outputs, environment and the Domo CLI login; the post step removes the login and revokes nothing', async () => {
    await withSimulator({}, async (sim) => {
      const main = await run(sim, 'developer-token');
      expect(main.exitCode).toBe(0);
      expect(main.warnings).toEqual([]);
      expect(main.outputs).toEqual({
        'developer-token': 'sim-developer-token',
        instance: host(sim),
        'user-id': '964382593',
        'user-name': 'CI Robot',
        'expires-at': '',
      });
      expect(main.exportedEnv).toEqual({
        DOMO_INSTANCE: host(sim),
        DOMO_DEVELOPER_TOKEN: 'sim-developer-token',
      });
      expect(main.masks).toContain('sim-developer-token');
      expect(routes(sim)).toEqual(['GET users-me']);
      const file = loginFile(sim);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
        instance: host(sim),
        refreshToken: 'sim-developer-token',
        devToken: true,
      });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(main.summary).toContain('<td>Developer token</td><td>handed over as it is</td>');
      expectNoLeaks(main);

      const after = await post(main);
      expect(after.exitCode).toBe(0);
      expect(after.warnings).toEqual([]);
      expect(existsSync(file)).toBe(false);
      expect(routes(sim)).toEqual(['GET users-me']);
      expect(after.stdout).toContain(`Domo CLI login ${file}: removed.`);
      expectNoLeaks(after, ['sim-developer-token']);
    });
  });

  test.each<[string, Record<string, string>, (main: StepResult) => void]>([
    [
      'export-env: false exports nothing',
      { 'export-env': 'false' },
      (main) => expect(main.exportedEnv).toEqual({}),
    ],
    [
      'cli-login: false writes no login file and leaves the post step nothing to do',
      { 'cli-login': 'false' },
      (main) => expect(main.savedState).toEqual({}),
    ],
  ])('%s', async (_, more, check) => {
    await withSimulator({}, async (sim) => {
      const main = await run(sim, 'developer-token', more);
      expect(main.exitCode).toBe(0);
      check(main);
      if (more['cli-login'] === 'false') expect(readdirSync(home)).toEqual([]);
      expectNoLeaks(main);
    });
  });
});

describe('login mode: a token minted for the job', () => {
  test.each<[Source, Record<string, string>]>([
    ['password', {}],
    ['session-token', {}],
    ['session-cookie', {}],
    ['developer-token', { 'job-token': 'true' }],
  ])(
    'from %s: minted, handed over, revoked by the post step and confirmed',
    async (source, more) => {
      await withSimulator({}, async (sim) => {
        const main = await run(sim, source, { 'job-token-hours': '2', ...more });
        expect(main.exitCode).toBe(0);
        const [minted] = live(sim);
        expect(minted).toBeDefined();
        expect(minted!.name).toMatch(
          /^github-actions octo-org\/octo-repo run 4242\.1 build [0-9a-f]{6}$/,
        );
        expect(minted!.ownerId).toBe(964382593);
        const requested = sim.requests.find((r) => r.route === 'create-access-token')!;
        const lifetime = (requested.json as { expires: number }).expires - requested.at;
        expect(Math.abs(lifetime - 2 * 3600_000)).toBeLessThan(60_000);
        expect(main.outputs['developer-token']).toBe(minted!.token);
        expect(main.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(main.exportedEnv.DOMO_DEVELOPER_TOKEN).toBe(minted!.token);
        // The long-lived credential it replaces is never handed on.
        for (const value of [...Object.values(main.outputs), ...Object.values(main.exportedEnv)])
          expect(value).not.toBe('sim-developer-token');
        expect(JSON.parse(readFileSync(loginFile(sim), 'utf8')).refreshToken).toBe(minted!.token);
        expect(main.masks).toContain(minted!.token);
        expectNoLeaks(main, [minted!.token]);

        const before = sim.requests.length;
        const after = await post(main);
        expect(after.exitCode).toBe(0);
        expect(after.warnings).toEqual([]);
        expect(routes(sim, before)).toEqual([
          'DELETE delete-access-token',
          'GET list-access-tokens',
        ]);
        expect(live(sim)).toEqual([]);
        expect(existsSync(loginFile(sim))).toBe(false);
        expect(after.stdout).toContain(
          `Revoked Domo access token "${minted!.name}" (id ${minted!.id}): ${sim.url} no longer lists it.`,
        );
        expectNoLeaks(after, [minted!.token]);
      });
    },
  );

  test('an ambiguous failure while minting is not retried, and names the token that may exist', async () => {
    await withSimulator({}, async (sim) => {
      sim.fault('create-access-token', { kind: 'act-then-fail', status: 500 });
      const main = await run(sim, 'session-token');
      expectFailure(main, /may have created|may exist/);
      expect(sim.requests.filter((r) => r.route === 'create-access-token')).toHaveLength(1);
      expect(main.errors[0]).toContain('github-actions octo-org/octo-repo run 4242.1 build');
      expectNoLeaks(main);
    });
  });
});

describe('login mode: refusals', () => {
  test.each<[string, Source, Record<string, unknown>, RegExp]>([
    ['an unknown developer token', 'developer-token', { developerTokens: {} }, /`developer-token`/],
    ['an unknown session token', 'session-token', { sessions: [] }, /`session-token`/],
  ])(
    '%s: refused by users/me, naming its input; nothing else is sent',
    async (_, source, options, named) => {
      await withSimulator(options, async (sim) => {
        const main = await run(sim, source);
        expectFailure(
          main,
          /Domo user check \(GET \/api\/content\/v2\/users\/me\) failed: HTTP 401/,
        );
        expect(main.errors[0]).toMatch(named);
        expect(routes(sim)).toEqual(['GET users-me']);
        expect(main.savedState).toEqual({});
        expect(readdirSync(home)).toEqual([]);
      });
    },
  );

  test.each<[Source, RegExp]>([
    ['session-token', /`developer-token`.* with `job-token: false`/],
    ['developer-token', /Manage all access tokens/],
  ])('minting refused (%s): the grant, and the way without it', async (source, advice) => {
    await withSimulator({ accessTokenCreate: 'refused' }, async (sim) => {
      const main = await run(sim, source, { 'job-token': 'true' });
      expectFailure(main, /Manage all access tokens/);
      expect(main.errors[0]).toMatch(advice);
      expect(live(sim)).toEqual([]);
      expect(readdirSync(home)).toEqual([]);
    });
  });

  test.each<[string, Record<string, string>, string]>([
    [
      'job-token: false with a session',
      { ...SOURCES['session-token'], 'job-token': 'false' },
      'Input `job-token` is false',
    ],
    [
      'job-token: maybe',
      { ...SOURCES['developer-token'], 'job-token': 'maybe' },
      'Input `job-token` must be auto, true or false (got "maybe").',
    ],
    [
      'job-token-hours: 0',
      { ...SOURCES['developer-token'], 'job-token-hours': '0' },
      'Input `job-token-hours` must be a whole number of hours from 1 to 720 (got "0").',
    ],
    [
      'job-token-hours: 721',
      { ...SOURCES['developer-token'], 'job-token-hours': '721' },
      'Input `job-token-hours` must be a whole number of hours from 1 to 720 (got "721").',
    ],
    [
      'job-token-hours: 1.5',
      { ...SOURCES['developer-token'], 'job-token-hours': '1.5' },
      'Input `job-token-hours` must be a whole number of hours from 1 to 720 (got "1.5").',
    ],
    [
      'no session source',
      {},
      'Input `developer-token` is missing: login mode needs exactly one Domo session source',
    ],
  ])('%s: an input error before any request', async (_, given, message) => {
    await withSimulator({}, async (sim) => {
      const main = await runStep({
        inputs: { mode: 'login', instance: sim.url, ...given },
        env: { HOME: home },
      });
      expectFailure(main, message);
      expect(sim.requests).toEqual([]);
    });
  });

  test('inputs of other modes are warnings', async () => {
    await withSimulator({}, async (sim) => {
      const main = await run(sim, 'developer-token', {
        'client-id': 'x',
        'client-name': 'y',
        'api-url': 'https://api.example.test',
        'token-command': 'true',
        scope: 'data user',
      });
      expect(main.exitCode).toBe(0);
      expect(main.warnings).toEqual([
        'Input `client-id` applies only to mode: token; it is ignored.',
        'Input `scope` does not apply to mode: login; it is ignored.',
        'Input `client-name` applies only to mode: provision; it is ignored.',
        'Input `api-url` does not apply to mode: login; it is ignored.',
        'Input `token-command` does not apply to mode: login; it is ignored.',
      ]);
    });
  });
});

describe('login mode: the Domo CLI login files', () => {
  test('an earlier login for the host (a self-hosted runner) is replaced, then put back', async () => {
    await withSimulator({}, async (sim) => {
      const file = loginFile(sim);
      mkdirSync(join(file, '..'), { recursive: true });
      const earlier = JSON.stringify({
        instance: host(sim),
        refreshToken: 'earlier-token-0123456789',
        devToken: true,
      });
      writeFileSync(file, earlier, { mode: 0o600 });
      const main = await run(sim, 'developer-token');
      expect(main.exitCode).toBe(0);
      expect(main.masks).toContain('earlier-token-0123456789');
      expect(JSON.parse(readFileSync(file, 'utf8')).refreshToken).toBe('sim-developer-token');
      const after = await post(main);
      expect(readFileSync(file, 'utf8')).toBe(earlier);
      expect(after.stdout).toContain(`Domo CLI login ${file}: the earlier login put back.`);
      expectNoLeaks(main, ['earlier-token-0123456789']);
      expectNoLeaks(after, ['earlier-token-0123456789']);
    });
  });

  test('with XDG_CONFIG_HOME elsewhere, both folders get the login, and both lose it', async () => {
    await withSimulator({}, async (sim) => {
      const xdg = join(home, 'xdg');
      const main = await run(sim, 'developer-token', {}, { XDG_CONFIG_HOME: xdg });
      const files = [loginFile(sim), loginFile(sim, xdg)];
      for (const file of files)
        expect(JSON.parse(readFileSync(file, 'utf8')).refreshToken).toBe('sim-developer-token');
      await post(main, { XDG_CONFIG_HOME: xdg });
      for (const file of files) expect(existsSync(file)).toBe(false);
    });
  });

  test('a login file changed during the job is left as it is', async () => {
    await withSimulator({}, async (sim) => {
      const main = await run(sim, 'developer-token');
      const theirs = JSON.stringify({
        instance: host(sim),
        refreshToken: 'someone-elses-0123456789',
        devToken: true,
      });
      writeFileSync(loginFile(sim), theirs);
      const after = await post(main);
      expect(after.exitCode).toBe(0);
      expect(readFileSync(loginFile(sim), 'utf8')).toBe(theirs);
      expect(after.stdout).toContain('left as it is');
    });
  });
});
