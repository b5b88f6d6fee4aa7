// @ts-check
// A live check of the committed bundles against a real Domo instance (or the local simulator),
// for anyone who wants to see the action work on their own instance before trusting it.
// It runs dist/ through the runner emulator as GitHub's runner would, then checks from the
// outside: each token works for one read-only call, the post step revoked the client it
// created, and the instance no longer lists that client. When a developer token created no
// client, it asks the instance who the token belongs to, to tell a refused token from a
// refused creation. Login mode: the developer token is checked and handed over, then a job
// token is minted with a lifetime of one hour, used once, revoked by the post step and looked
// for in the instance's list (whether Domo takes a lifetime in hours is what this shows). The
// Domo CLI's login goes to a temporary home folder, never yours. It touches nothing else.
//
// Configured by environment variables only (empty counts as unset):
//   DOMO_CLIENT_ID, DOMO_CLIENT_SECRET        token mode
//   DOMO_INSTANCE + DOMO_DEVELOPER_TOKEN      provision mode with a developer token
//   DOMO_INSTANCE + DOMO_USERNAME + DOMO_PASSWORD   provision mode with a password sign-on
//   DOMO_SCOPE (default "data"), DOMO_API_URL (default https://api.domo.com)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { action, findLeaks, runJob, runStep } from './runner.mjs';

/** @typedef {import('./runner.mjs').StepResult} StepResult */
/** @typedef {ReturnType<typeof settings>} Settings */
/** @typedef {{ plan: string, check: string, ok: boolean, detail: string }} Result */
/** @typedef {(planName: string, check: string, ok: unknown, detail?: string) => void} Recorder */
/** @typedef {(planName: string, steps: StepResult[], known: Array<string | undefined>) => void} LeakCheck */
/** @typedef {{ status: number | string, json?: any }} Answer a status that is text: no answer */

const TIMEOUT_MS = 30_000;
/**
 * One read-only call per scope, to prove a token works.
 * @type {Record<string, string>}
 */
const READ_ONLY = { data: '/v1/datasets?limit=1', user: '/v1/users?limit=1' };
const LIST_PATH = '/api/identity/v1/developer-tokens';
const USER_PATH = '/api/content/v2/users/me';
const TOKENS_PATH = '/api/data/v1/accesstokens';

/** The settings from `env`, with empty values as unset. */
export function settings(env = process.env) {
  const get = (/** @type {string} */ name) => (env[name] ?? '').trim() || undefined;
  const instance = get('DOMO_INSTANCE');
  return {
    clientId: get('DOMO_CLIENT_ID'),
    clientSecret: get('DOMO_CLIENT_SECRET'),
    instance,
    instanceUrl: instance && instanceUrl(instance),
    developerToken: get('DOMO_DEVELOPER_TOKEN'),
    username: get('DOMO_USERNAME'),
    password: env.DOMO_PASSWORD || undefined,
    scope: get('DOMO_SCOPE') ?? 'data',
    apiUrl: (get('DOMO_API_URL') ?? 'https://api.domo.com').replace(/\/+$/, ''),
  };
}

/**
 * As the action reads `instance`: a name, a host or a URL.
 * @param {string} value
 */
function instanceUrl(value) {
  if (value.includes('://')) return value.replace(/\/+$/, '');
  return /^[a-z0-9-]+$/i.test(value) ? `https://${value}.domo.com` : `https://${value}`;
}

/** @param {Settings} s */
export function plan(s) {
  const plans = [];
  if (s.clientId && s.clientSecret) plans.push('token');
  if (s.instance && s.developerToken) plans.push('developer-token');
  if (s.instance && s.username && s.password) plans.push('password');
  if (s.instance && s.developerToken) plans.push('login');
  return plans;
}

const EXPLAIN = `domo-auth live check: nothing to check, as no DOMO_* variable is set.

It runs the committed bundles (dist/) the way GitHub's runner does, against real Domo, and checks:
  token mode       a token is issued, works for one read-only call, and nothing secret is printed
  provision mode   a client is created, its token works, the post step revokes it, and the
                   instance no longer lists it; nothing secret is printed in either step;
                   a developer token that created no client: whether the instance accepts it
  login mode       the developer token is accepted (users/me) and handed over; a job token is
                   minted for one hour (whether Domo takes hours), works, is revoked by the
                   post step, and the instance no longer lists it
It touches nothing but the client and the job token it creates.

Set, for token mode:       DOMO_CLIENT_ID, DOMO_CLIENT_SECRET
    for provision mode:    DOMO_INSTANCE with DOMO_DEVELOPER_TOKEN (or DOMO_USERNAME + DOMO_PASSWORD)
    optional:              DOMO_SCOPE (default data), DOMO_API_URL (default https://api.domo.com)
Against the local simulator: start \`npm run simulator\`, then set DOMO_API_URL and DOMO_INSTANCE to
the URL it prints, with the credentials it lists.`;

/**
 * The GITHUB_* variables of this run when there is one, so that the client's description is true.
 * @param {NodeJS.ProcessEnv} env
 */
function githubEnv(env) {
  return {
    GITHUB_SERVER_URL: env.GITHUB_SERVER_URL || 'https://github.com',
    GITHUB_REPOSITORY: env.GITHUB_REPOSITORY || 'domo-auth/smoke',
    GITHUB_RUN_ID: env.GITHUB_RUN_ID || String(Date.now()),
    GITHUB_RUN_ATTEMPT: env.GITHUB_RUN_ATTEMPT || '1',
    GITHUB_JOB: env.GITHUB_JOB || 'smoke',
  };
}

/**
 * @param {string} url
 * @param {RequestInit} [init]
 */
async function http(url, init = {}) {
  const response = await fetch(url, {
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
    ...init,
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

/**
 * Runs every check that the settings allow; each result is { plan, check, ok, detail }.
 * @param {Settings} s
 */
export async function smoke(s, env = process.env) {
  /** @type {Result[]} */
  const results = [];
  /**
   * @param {string} planName
   * @param {string} check
   * @param {unknown} ok
   */
  const record = (planName, check, ok, detail = '') =>
    results.push({ plan: planName, check, ok: Boolean(ok), detail });
  const common = { env: githubEnv(env), timeoutMs: 180_000 };
  const secrets = [s.clientSecret, s.developerToken, s.password].filter(Boolean);

  const tokenWorks = async (/** @type {string} */ planName, /** @type {string} */ token) => {
    const path =
      READ_ONLY[String(s.scope.split(/[\s,]+/).find((x) => Object.hasOwn(READ_ONLY, x)))];
    if (!path)
      return record(planName, 'token works', true, `skipped: no read-only call for "${s.scope}"`);
    try {
      const answer = await http(`${s.apiUrl}${path}`, {
        headers: { authorization: `bearer ${token}` },
      });
      record(
        planName,
        'token works',
        answer.status === 200,
        `GET ${path.split('?')[0]}: HTTP ${answer.status}`,
      );
    } catch (err) {
      const { message } = /** @type {Error} */ (err);
      record(planName, 'token works', false, `GET ${path.split('?')[0]}: ${message}`);
    }
  };
  /** @type {LeakCheck} */
  const noLeaks = (planName, steps, known) => {
    const leaks = steps.flatMap((step) => findLeaks(step, known));
    record(planName, 'nothing secret printed', leaks.length === 0, leaks.slice(0, 3).join('; '));
  };
  const failure = (/** @type {StepResult} */ step) =>
    step.errors[0] ?? `exit code ${step.exitCode}`;

  for (const planName of plan(s)) {
    if (planName === 'login') {
      await login(s, common, record, noLeaks, failure, secrets);
      continue;
    }
    const base = { scope: s.scope, 'api-url': s.apiUrl };
    if (planName === 'token') {
      // This plan has them both.
      const inputs = /** @type {Record<string, string>} */ ({
        ...base,
        'client-id': s.clientId,
        'client-secret': s.clientSecret,
      });
      const main = await runStep({ ...common, inputs });
      const token = main.outputs['access-token'];
      record(
        planName,
        'token issued',
        main.exitCode === 0 && token,
        main.exitCode === 0 ? `expires ${main.outputs['expires-at']}` : failure(main),
      );
      if (token) await tokenWorks(planName, token);
      noLeaks(planName, [main], [...secrets, token].filter(Boolean));
      continue;
    }
    /** @type {Record<string, string | undefined>} */
    const source =
      planName === 'developer-token'
        ? { 'developer-token': s.developerToken }
        : { username: s.username, password: s.password };
    // This plan has them all.
    const inputs = /** @type {Record<string, string>} */ ({
      ...base,
      mode: 'provision',
      instance: s.instance,
      ...source,
    });
    const { main, post } = await runJob({ ...common, inputs });
    const token = main.outputs['access-token'];
    const clientId = main.outputs['client-id'];
    const created = /Created Domo API client "([^"]+)"/.exec(main.stdout)?.[1];
    record(
      planName,
      'client created, token issued',
      main.exitCode === 0 && token && clientId,
      main.exitCode === 0 ? `client ${clientId}` : failure(main),
    );
    if (token) await tokenWorks(planName, token);
    if (planName === 'developer-token' && !clientId) record(planName, ...(await whoIsIt(s)));
    if (clientId) {
      const revoked = /Revoked Domo API client /.test(post.stdout) && post.warnings.length === 0;
      record(planName, 'post step revoked it', revoked, post.warnings[0] ?? '');
      record(
        planName,
        'instance no longer lists it',
        ...(await unlisted(s, planName, clientId, created)),
      );
    }
    noLeaks(
      planName,
      [main, post],
      [...secrets, token, main.outputs['client-secret']].filter(Boolean),
    );
  }
  return results;
}

/**
 * Login mode: the token handed over as it is, then a job token minted, used and revoked.
 * @param {Settings} s
 * @param {{ env: Record<string, string>, timeoutMs: number }} common
 * @param {Recorder} record
 * @param {LeakCheck} noLeaks
 * @param {(step: StepResult) => string} failure
 * @param {Array<string | undefined>} secrets
 */
async function login(s, common, record, noLeaks, failure, secrets) {
  const home = mkdtempSync(join(tmpdir(), 'domo-auth-smoke-home-'));
  try {
    const env = { ...common.env, HOME: home, XDG_CONFIG_HOME: undefined };
    // This plan has them both.
    const base = /** @type {Record<string, string>} */ ({
      mode: 'login',
      instance: s.instance,
      'developer-token': s.developerToken,
    });
    const handed = await runStep({ ...common, env, inputs: base });
    record(
      'login',
      'developer token handed over',
      handed.exitCode === 0 && handed.outputs['developer-token'] === s.developerToken,
      handed.exitCode === 0 ? `user ${handed.outputs['user-id']}` : failure(handed),
    );
    const asked = Date.now();
    const inputs = { ...base, 'job-token': 'true', 'job-token-hours': '1' };
    const main = await runStep({ ...common, env, inputs });
    const minted = main.outputs['developer-token'];
    const lifetime = (Date.parse(main.outputs['expires-at'] ?? '') - asked) / 3_600_000;
    record(
      'login',
      'job token minted for 1 h',
      main.exitCode === 0 && minted && Math.abs(lifetime - 1) < 0.1,
      main.exitCode === 0
        ? `expires ${main.outputs['expires-at']}: Domo took a lifetime in hours`
        : `${failure(main)}${/HTTP 400/.test(failure(main)) ? ' (Domo may take whole days only: try job-token-hours: 24)' : ''}`,
    );
    if (minted) {
      /** @type {Answer} */
      const works = await http(`${s.instanceUrl}${USER_PATH}`, {
        headers: { 'x-domo-developer-token': minted },
      }).catch((err) => ({ status: err.message }));
      record(
        'login',
        'job token works',
        works.status === 200,
        `GET ${USER_PATH}: HTTP ${works.status}`,
      );
    }
    const post = await runStep({ ...common, env, entry: action.runs.post, state: main.savedState });
    if (minted) {
      const revoked = /Revoked Domo access token /.test(post.stdout) && post.warnings.length === 0;
      record('login', 'post step revoked it', revoked, post.warnings[0] ?? '');
      /** @type {Answer} */
      const list = await http(`${s.instanceUrl}${TOKENS_PATH}`, {
        headers: { 'x-domo-developer-token': /** @type {string} */ (s.developerToken) },
      }).catch((err) => ({ status: err.message }));
      const name = /Minted Domo developer token "([^"]+)"/.exec(main.stdout)?.[1];
      const still = Array.isArray(list.json) && list.json.some((t) => t?.name === name);
      record(
        'login',
        'instance no longer lists it',
        list.status === 200 && Array.isArray(list.json) && !still,
        list.status === 200
          ? still
            ? 'still listed'
            : `${list.json?.length} other tokens listed`
          : `GET ${TOKENS_PATH}: HTTP ${list.status}`,
      );
    }
    noLeaks('login', [handed, main, post], [...secrets, minted].filter(Boolean));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * Whether the instance accepts the developer token at all, as the action asks when a creation
 * is refused: a refused token needs a new token, a refused creation a grant or a session.
 * @param {Settings} s
 * @returns {Promise<[check: string, ok: boolean, detail: string]>}
 */
async function whoIsIt(s) {
  const check = 'developer token accepted';
  const asked = `GET ${USER_PATH}`;
  try {
    const answer = await http(`${s.instanceUrl}${USER_PATH}`, {
      // Asked for the developer-token plan only, which has one.
      headers: { 'x-domo-developer-token': /** @type {string} */ (s.developerToken) },
    });
    const id = answer.json?.id ?? answer.json?.userId;
    if (answer.status >= 200 && answer.status < 300 && ['number', 'string'].includes(typeof id)) {
      // Printed on a runner too (the Live workflow): only an id that cannot be a command.
      const user = /^[\w.@-]{1,60}$/.test(String(id)) ? `user ${id}` : 'a user';
      return [
        check,
        true,
        `${asked}: ${user}; only the creation was refused: the "Create API OAuth Clients" grant, or this instance lets no developer token create clients (then a session does: DOMO_USERNAME + DOMO_PASSWORD)`,
      ];
    }
    if (answer.status === 401 || answer.status === 403) {
      return [
        check,
        false,
        `${asked}: HTTP ${answer.status}; the token itself is refused: expired, revoked, or made on another instance`,
      ];
    }
    return [check, false, `${asked}: HTTP ${answer.status}; could not tell what was refused`];
  } catch (err) {
    const { message } = /** @type {Error} */ (err);
    return [check, false, `${asked}: ${message}; could not tell what was refused`];
  }
}

/**
 * Asks the instance itself, with the same credential the action had.
 * @param {Settings} s
 * @param {string} planName
 * @param {string} clientId
 * @param {string | undefined} name
 * @returns {Promise<[ok: boolean, detail: string]>}
 */
async function unlisted(s, planName, clientId, name) {
  try {
    let headers;
    // Each plan that creates a client has an instance and the credential it signs on with.
    if (planName === 'developer-token') {
      headers = { 'x-domo-developer-token': /** @type {string} */ (s.developerToken) };
    } else {
      const signOn = await http(`${s.instanceUrl}/api/content/v2/authentication`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: /** @type {string} */ (s.instanceUrl),
        },
        body: JSON.stringify({
          method: 'password',
          emailAddress: s.username,
          password: s.password,
        }),
      });
      if (!signOn.json?.sessionToken)
        return [false, `sign-on to list clients: HTTP ${signOn.status}`];
      headers = { 'x-domo-authentication': signOn.json.sessionToken };
    }
    const list = await http(`${s.instanceUrl}${LIST_PATH}`, { headers });
    const entries = Array.isArray(list.json) ? list.json : list.json?.entries;
    if (list.status !== 200 || !Array.isArray(entries)) {
      return [false, `GET ${LIST_PATH}: HTTP ${list.status}, not a list`];
    }
    const still = entries.find((e) => e?.clientId === clientId || (name && e?.name === name));
    return still
      ? [false, `still listed as id ${still.id}`]
      : [true, `${entries.length} other clients listed`];
  } catch (err) {
    return [false, /** @type {Error} */ (err).message];
  }
}

/** @param {Result[]} results */
export function table(results) {
  /** @typedef {[string, string, string, string]} Row */
  /** @type {[Row, ...Row[]]} */
  const rows = [
    ['plan', 'check', 'result', 'detail'],
    ...results.map((r) => /** @type {Row} */ ([r.plan, r.check, r.ok ? 'PASS' : 'FAIL', r.detail])),
  ];
  const widths = /** @type {const} */ ([0, 1, 2]).map((i) =>
    Math.max(...rows.map((row) => row[i].length)),
  );
  const line = (/** @type {Row} */ row) =>
    row
      .map((cell, i) => (i < 3 ? cell.padEnd(/** @type {number} */ (widths[i])) : cell))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  ') + '  ------',
    ...rows.slice(1).map(line),
  ].join('\n');
}

async function main() {
  const s = settings();
  const plans = plan(s);
  if (plans.length === 0) {
    console.log(EXPLAIN);
    return 0;
  }
  console.log(
    `domo-auth live check: ${plans.join(', ')} against ${s.apiUrl}${s.instanceUrl ? ` and ${s.instanceUrl}` : ''}\n`,
  );
  const results = await smoke(s);
  console.log(table(results));
  const failed = results.filter((r) => !r.ok).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`domo-auth live check: ${err.message}`);
      process.exit(2);
    },
  );
}
