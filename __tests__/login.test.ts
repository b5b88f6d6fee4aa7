/**
 * Login mode's story and its post step, in-process: Domo faked with nock, the Domo CLI's login
 * files in a temporary HOME, every log line, output, variable, state value and summary row read
 * back as the runner reads them.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from './helpers/nock.js';
import { GITHUB_RUN, inProcess, START } from './helpers/inprocess.js';

const { run } = await import('../src/main.js');
const { cleanup } = await import('../src/stories/cleanup.js');

const h = inProcess({ env: GITHUB_RUN });
const INSTANCE = 'https://acme.domo.test';
const HOST = 'acme.domo.test';
const TOKENS = '/api/data/v1/accesstokens';
const ME = '/api/content/v2/users/me';
const NAME = 'github-actions octo-org/octo-repo run 4242.1 deploy 800000';
const loginFile = () => join(h.home, '.config', 'configstore', 'ryuu', `${HOST}.json`);
const lines = () => h.stdout.split('\n').filter((l) => l && !l.startsWith('::'));
const developer = { mode: 'login', instance: INSTANCE, 'developer-token': 'dev-SECRET-1' };
const session = { mode: 'login', instance: INSTANCE, 'session-token': 'sess-SECRET-2' };

/** Runs the post step with what the main step saved, as the runner hands it over. */
async function postStep(): Promise<void> {
  const state = h.state();
  h.reset();
  h.setInputs({}, state);
  await cleanup(h.deps);
}

describe('login mode: a developer token handed over', () => {
  test('outputs, variables, the CLI login, the log and the summary, exactly', async () => {
    h.setInputs(developer);
    nock(INSTANCE, { reqheaders: { 'x-domo-developer-token': 'dev-SECRET-1' } })
      .get(ME)
      .reply(200, { id: 964382593, displayName: 'CI Robot' });
    await run(h.deps);

    expect(h.named('error')).toEqual([]);
    expect(h.outputs()).toEqual({
      'developer-token': 'dev-SECRET-1',
      instance: HOST,
      'user-id': '964382593',
      'user-name': 'CI Robot',
      'expires-at': '',
    });
    expect(h.env()).toEqual({ DOMO_INSTANCE: HOST, DOMO_DEVELOPER_TOKEN: 'dev-SECRET-1' });
    // The runner fills in no github-token here: the developer token is the one secret.
    expect(h.named('add-mask')).toEqual(['dev-SECRET-1']);
    expect(JSON.parse(readFileSync(loginFile(), 'utf8'))).toEqual({
      instance: HOST,
      refreshToken: 'dev-SECRET-1',
      devToken: true,
    });
    expect(statSync(loginFile()).mode & 0o777).toBe(0o600);
    expect(lines()).toEqual([
      `${INSTANCE} knows the credential: user 964382593 (CI Robot).`,
      `Domo developer token ready for ${HOST} (handed over as it is); exported DOMO_INSTANCE, DOMO_DEVELOPER_TOKEN.`,
      `Logged the Domo CLI in to ${HOST}: ${loginFile()}.`,
    ]);
    const summary = h.summary();
    for (const row of [
      '<h3>Domo developer token</h3>',
      '<th>Field</th><th>Value</th>',
      '<td>Mode</td><td>login</td>',
      `<td>Instance</td><td>${HOST}</td>`,
      '<td>User</td><td>CI Robot (964382593)</td>',
      '<td>Developer token</td><td>handed over as it is</td>',
      '<td>Expires at (UTC)</td><td>—</td>',
      '<td>Environment</td><td>DOMO_INSTANCE, DOMO_DEVELOPER_TOKEN</td>',
      '<td>Domo CLI</td><td>logged in (1 login file(s))</td>',
      '<td>Revocation</td><td>none (a token handed over is never revoked)</td>',
    ])
      expect(summary).toContain(row);
    expect(summary).not.toContain('dev-SECRET-1');
    // The state holds the login it wrote, and nothing to revoke.
    const state = h.state();
    expect(Object.keys(state).sort()).toEqual(['login-token', 'logins', 'secrets']);
    expect(JSON.parse(state.logins!)).toEqual([
      { path: loginFile(), previous: null, previousMtimeMs: null },
    ]);

    await postStep();
    expect(h.named('warning')).toEqual([]);
    expect(lines()).toEqual([`Domo CLI login ${loginFile()}: removed.`]);
    expect(existsSync(loginFile())).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  test('an earlier login is put back, and a login changed during the job is left alone', async () => {
    mkdirSync(join(loginFile(), '..'), { recursive: true });
    const earlier = JSON.stringify({
      instance: HOST,
      refreshToken: 'earlier-SECRET-3',
      devToken: true,
    });
    writeFileSync(loginFile(), earlier);
    h.setInputs({ ...developer, summary: 'false' });
    nock(INSTANCE).get(ME).reply(200, { id: 7 });
    await run(h.deps);
    expect(h.named('add-mask')).toContain('earlier-SECRET-3');
    expect(lines()).toContain(
      `Logged the Domo CLI in to ${HOST}: ${loginFile()} (an earlier login there is put back by the post step).`,
    );
    expect(lines()).toContain(`${INSTANCE} knows the credential: user 7.`);
    const state = h.state();

    await postStep();
    expect(lines()).toEqual([`Domo CLI login ${loginFile()}: the earlier login put back.`]);
    expect(readFileSync(loginFile(), 'utf8')).toBe(earlier);

    // The same state again, once someone else has logged in meanwhile: their login stays.
    const theirs = JSON.stringify({
      instance: HOST,
      refreshToken: 'theirs-SECRET-4',
      devToken: true,
    });
    writeFileSync(loginFile(), theirs);
    h.reset();
    h.setInputs({}, state);
    await cleanup(h.deps);
    expect(lines()).toEqual([
      `Domo CLI login ${loginFile()}: left as it is (it no longer holds the token this job wrote).`,
    ]);
    expect(readFileSync(loginFile(), 'utf8')).toBe(theirs);
  });

  test('a folder where the login file was is never removed: it is no longer the login this job wrote', async () => {
    h.setInputs({ ...developer, summary: 'false' });
    nock(INSTANCE).get(ME).reply(200, { id: 7 });
    await run(h.deps);
    const state = h.state();
    // A folder where the login file was (something else put it there during the job).
    const file = loginFile();
    rmSync(file);
    mkdirSync(join(file, 'x'), { recursive: true });
    h.reset();
    h.setInputs({}, state);
    await cleanup(h.deps);
    expect(process.exitCode).toBeUndefined();
    expect(h.named('warning')).toEqual([]);
    expect(lines()).toEqual([
      `Domo CLI login ${file}: left as it is (it no longer holds the token this job wrote).`,
    ]);
    expect(existsSync(join(file, 'x'))).toBe(true);
  });
});

describe('login mode: a token minted for the job', () => {
  test('minted with the default name and lifetime, handed over, revoked and confirmed', async () => {
    h.setInputs(session);
    const auth = { reqheaders: { 'x-domo-authentication': 'sess-SECRET-2' } };
    nock(INSTANCE, auth).get(ME).reply(200, { id: 964382593, displayName: 'CI Robot' });
    nock(INSTANCE, auth)
      .post(TOKENS, { name: NAME, ownerId: 964382593, expires: START + 6 * 3_600_000 })
      .reply(200, { id: 55, name: NAME, token: 'minted-SECRET-5', expires: START + 6 * 3_600_000 });
    await run(h.deps);

    expect(h.named('error')).toEqual([]);
    expect(h.outputs()).toMatchObject({
      'developer-token': 'minted-SECRET-5',
      'expires-at': '2026-11-23T18:00:00Z',
    });
    expect(h.env().DOMO_DEVELOPER_TOKEN).toBe('minted-SECRET-5');
    expect(h.named('add-mask')).toEqual(['sess-SECRET-2', 'minted-SECRET-5']);
    expect(lines()).toEqual([
      `${INSTANCE} knows the credential: user 964382593 (CI Robot).`,
      `Minting Domo developer token "${NAME}" for this job (6 h).`,
      `Minted Domo developer token "${NAME}" (id 55); the post step revokes it.`,
      `Domo developer token ready for ${HOST} (minted for this job, expires 2026-11-23T18:00:00Z); exported DOMO_INSTANCE, DOMO_DEVELOPER_TOKEN.`,
      `Logged the Domo CLI in to ${HOST}: ${loginFile()}.`,
    ]);
    expect(h.summary()).toContain(
      `<td>Developer token</td><td>minted for this job: &#34;${NAME}&#34; (id 55)</td>`,
    );
    expect(h.summary()).toContain('<td>Revocation</td><td>in the post step</td>');
    expect(h.state()).toMatchObject({
      'instance-url': INSTANCE,
      'auth-kind': 'session',
      credential: 'sess-SECRET-2',
      'access-token-id': '55',
      'access-token-name': NAME,
    });

    nock(INSTANCE, auth)
      .delete(`${TOKENS}/55`)
      .reply(204)
      .get(TOKENS)
      .reply(200, [{ id: 56, name: 'other' }]);
    await postStep();
    expect(h.named('warning')).toEqual([]);
    expect(lines()).toEqual([
      `Domo CLI login ${loginFile()}: removed.`,
      `Revoked Domo access token "${NAME}" (id 55): ${INSTANCE} no longer lists it.`,
    ]);
    expect(nock.isDone()).toBe(true);
  });

  test.each<[string, () => void, string]>([
    [
      'still listed after the DELETE',
      () =>
        nock(INSTANCE)
          .delete(`${TOKENS}/55`)
          .reply(204)
          .get(TOKENS)
          .reply(200, [{ id: 55 }]),
      `Domo access token "${NAME}" (id 55) is still listed after the DELETE. Revoke it by hand in ${INSTANCE}: Admin > Security > Access tokens.`,
    ],
    [
      'the DELETE refused',
      () => nock(INSTANCE).delete(`${TOKENS}/55`).reply(403, { message: 'no' }),
      `Could not revoke Domo access token "${NAME}" (id 55): Domo access token revocation (DELETE /api/data/v1/accesstokens/{id}) failed: HTTP 403 (no).`,
    ],
  ])(
    'the revocation %s: one warning naming the token; the job is not failed',
    async (_, arrange, warning) => {
      h.setInputs({ ...session, 'cli-login': 'false', summary: 'false' });
      nock(INSTANCE).get(ME).reply(200, { id: 7 });
      nock(INSTANCE).post(TOKENS).reply(201, { id: 55, token: 'minted-SECRET-5' });
      await run(h.deps);
      arrange();
      await postStep();
      expect(h.named('warning')).toEqual([expect.stringContaining(warning)]);
      expect(process.exitCode).toBeUndefined();
      expect(h.stdout).not.toMatch(/Revoked/);
    },
  );

  test('a state without the credential that minted it: a warning, and no request', async () => {
    h.setInputs(
      {},
      {
        'access-token-id': '55',
        'access-token-name': NAME,
        'instance-url': INSTANCE,
        credential: '',
      },
    );
    await cleanup(h.deps);
    expect(h.named('warning')).toEqual([
      `Could not revoke Domo access token "${NAME}" (id 55): the credential that minted it was not kept. Revoke it by hand in ${INSTANCE}: Admin > Security > Access tokens.`,
    ]);
  });

  test('a minted token whose lifetime, expiry and name reach the state masked first', async () => {
    h.setInputs({ ...session, 'job-token-hours': '1', 'cli-login': 'false' });
    nock(INSTANCE).get(ME).reply(200, { id: 7 });
    nock(INSTANCE)
      .post(TOKENS, (body) => body.expires === START + 3_600_000)
      .reply(201, { id: 9, token: 'minted-SECRET-6' });
    await run(h.deps);
    expect(h.outputs()['expires-at']).toBe('2026-11-23T13:00:00Z');
    const masks = h.named('add-mask');
    for (const value of Object.values(h.state()))
      for (const secret of ['sess-SECRET-2', 'minted-SECRET-6'])
        if (value.includes(secret)) expect(masks).toContain(secret);
  });
});

describe('login mode: what else the main step says', () => {
  test('export-env: false and cli-login: false: nothing exported, no CLI login, said so', async () => {
    h.setInputs({ ...developer, 'export-env': 'false', 'cli-login': 'false' });
    nock(INSTANCE).get(ME).reply(200, { id: 7, displayName: 'CI' });
    await run(h.deps);
    expect(h.env()).toEqual({});
    expect(lines()).toEqual([
      `${INSTANCE} knows the credential: user 7 (CI).`,
      `Domo developer token ready for ${HOST} (handed over as it is); nothing exported (export-env: false).`,
    ]);
    expect(h.summary()).toContain('<td>Environment</td><td>—</td>');
    expect(h.summary()).toContain('<td>Domo CLI</td><td>not logged in</td>');
    expect(h.state()).toEqual({});
  });

  test.each<[string, Record<string, string>, RegExp, RegExp | undefined]>([
    [
      'a session token',
      session,
      /`developer-token` \(made in Admin > Security > Access tokens\) with `job-token: false`/,
      undefined,
    ],
    [
      'a developer token',
      { ...developer, 'job-token': 'true' },
      /or set `job-token: false` to hand `developer-token` to later steps as it is/,
      /made in Admin > Security > Access tokens\) with/,
    ],
  ])('minting refused with %s: the advice fits the source', async (_, inputs, says, never) => {
    h.setInputs({ ...inputs, 'cli-login': 'false' });
    nock(INSTANCE).get(ME).reply(200, { id: 7 });
    nock(INSTANCE).post(TOKENS).reply(403, { message: 'Forbidden' });
    await run(h.deps);
    const [error] = h.named('error');
    expect(error).toMatch(says);
    if (never) expect(error).not.toMatch(never);
    expect(h.state()).toEqual({});
  });

  test('a minted token in an answer the action refuses is masked before it is judged', async () => {
    h.setInputs({ ...session, 'cli-login': 'false' });
    nock(INSTANCE).get(ME).reply(200, { id: 7 });
    nock(INSTANCE).post(TOKENS).reply(200, { token: 'minted-SECRET-8' });
    await run(h.deps);
    expect(h.named('error')).toEqual([
      expect.stringContaining('may have created the access token'),
    ]);
    expect(h.named('add-mask')).toContain('minted-SECRET-8');
    expect(h.named('error')[0]).not.toContain('minted-SECRET-8');
  });
});
