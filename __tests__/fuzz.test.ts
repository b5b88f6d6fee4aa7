/**
 * Hostile input, property-based (fast-check): any string in every input, any answer Domo (or
 * something in front of it) could send, any Retry-After header. Whatever comes in, the action
 * ends in bounded time, with outputs or with exactly one clear `::error::`, and it never prints
 * a secret.
 *
 * Every property runs from a fixed seed (FUZZ_SEED below), so a failure replays as it is: it
 * prints fast-check's seed, path and shrunk counterexample; pass `{ seed, path }` to that
 * `fc.assert` to go straight to it. `FUZZ_SEED=<n> npm run test:jest -- __tests__/fuzz.test.ts`
 * explores other inputs.
 */
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { Readable } from 'node:stream';
// nock first: src (through @actions/http-client) must bind node:http after nock patched it.
import { gzipSync } from 'node:zlib';
import nock, { socketError } from './helpers/nock.js';
import { inProcess } from './helpers/inprocess.js';
import { findLeaks, type Command } from '../dev/runner.mjs';
import type { RawInputs } from '../src/config.js';
import type { HttpRequest, HttpResponse, Transport } from '../src/http.js';

const { run } = await import('../src/main.js');
const { cleanup } = await import('../src/stories/cleanup.js');
const { scrub } = await import('../src/secrets.js');
const { asText, createTransport, domoMessage, MAX_BODY_BYTES, TransportFailure } =
  await import('../src/http.js');
const { clean } = await import('../src/text.js');
const { INPUT_NAMES, parseConfig } = await import('../src/config.js');
const { ActionError, DomoError, InputError } = await import('../src/errors.js');
const retry = await import('../src/retry.js');
const { basicCredential, parseToken, TOKEN_CALL } = await import('../src/domo/token.js');
const { isLoopbackHost } = await import('../src/urls.js');

/** Fixed, so that every run of this file tries the same inputs and a failure replays. */
const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261123);
fc.configureGlobal({ seed: FUZZ_SEED });
/** Mutation runs set 0.1 (dev/stryker-setup.mjs): every mutant, a tenth of the inputs. */
const RUNS_SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * RUNS_SCALE));
/** How often a property must have met a kind of input; fewer runs meet each kind less evenly. */
const enough = (n: number): number => (RUNS_SCALE < 1 ? Math.floor(n * RUNS_SCALE * 0.5) : n);

const API = 'https://api.domo.test';
const INSTANCE = 'https://acme.domo.test';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

// ---------------------------------------------------------------------------------------------
// Values that break parsers
// ---------------------------------------------------------------------------------------------

/** Separators, escapes, line breaks of every kind, controls, non-ASCII, workflow commands. */
// prettier-ignore
const WEIRD_UNITS = [
  ' ', '  ', ',', ', ', '\n', '\r\n', '\r', '\t', '\v', '\f', '%', '%0A', '%25', '%3A', ':', '::',
  ':::', '\u0000', '\u001b', '\u007f', '\u0085', '\u009b', '\u00a0', '\u2028', '\u2029', '\ufeff',
  '\u200b', 'é', 'ß', 'İ', '😀', '中', '"', '`', "'", '\\', '=', '&', '<', '>', '/', '.', '-',
  '_', '*', '$', '{', '}', 'a', 'Z', '0', '9', '::error::x', '::add-mask::',
];
// prettier-ignore
const URL_HOSTS = [
  'api.domo.com', 'localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '127.1', '127.255.255.255',
  '127.0.0.256', '0x7f.1', '2130706433', '[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]',
  '10.0.0.1', '0.0.0.0', 'evil.com', 'ß.com', '%6c%6fcalhost', 'local host', '',
];
// prettier-ignore
const URL_TAILS = ['', '/', '//', '/api/', '/%2e%2e/', '?', '?q=1', '#', '#f', '/a b', '\\x', '/\n'];
// prettier-ignore
const INSTANCES = [
  'acmecompany', 'acme.domo.com', 'ACME', 'acme-', '-acme', 'a b', 'acme/x', 'acme@evil.com',
  'https://acme.domo.com/path', 'http://localhost:9', 'http://acme.domo.com', 'acme:443', '[::1]',
];
// prettier-ignore
const SCOPE_WORDS = ['data', 'user', 'audit', 'DATA', 'a:b', 'a.b', 'da-ta', 'dätä', 'd%20', 'x"y', 'a;b', ''];
// prettier-ignore
const SEPARATORS = [' ', ',', ', ', ',,', ' , ', '\n', '\r\n', '\t', '\u00a0', '\u2028'];
// prettier-ignore
const BOOLEANS = ['true', 'True', 'TRUE', 'false', 'FALSE', 'yes', '1', 'tRUE', ' true '];
// prettier-ignore
const MODES = ['token', 'provision', 'sweep', 'login', 'TOKEN', 'Provision', 'SWEEP', 'Login', ' token\n', 'tokens', 'İ'];
// prettier-ignore
const ENV_VARS = ['DOMO_ACCESS_TOKEN', '1ABC', 'GITHUB_TOKEN', 'github_x', 'PATH', 'Path', 'A-B', '_', 'ÄB', 'A B'];
// prettier-ignore
const RETRIES = ['3.0', '1e1', '0x5', ' 5', '٥', '00020', '021', '99999999999999999999999', '+3', '-0'];
// prettier-ignore
const TIMEOUTS = [
  '0', '0.0', '0.0001', '0.0004', '0.0005', '0.001', '600', '600.0', '600.0001', '601', '.5', '5.',
  '1e2', 'Infinity', 'NaN', '30s', '0x10', '１０',
];
// prettier-ignore
const RETRY_AFTERS = [
  '', ' ', '-1', '-0', '0', '1.5', ' 3 ', '1e9', '9'.repeat(400), 'Infinity', 'NaN', '0x10', '٣',
  'Wed, 21 Oct 2015 07:28:00 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'Sat, 01 Jan 2000 00:00:00 GMT',
  'garbage', 'Mon', 'a 1', '1 a', 'tomorrow', '2026-11-23T12:00:30Z', '2026-11-23', '275760-09-13',
];
/** Every wrong type a token field can have, and the right type with wrong values. */
// prettier-ignore
const FIELD_VALUES: unknown[] = [
  null, true, false, 0, -1, 1.5, -0, 2 ** 53, 2 ** 53 - 1, 1e21, NaN, Infinity, -Infinity,
  '', ' ', '3599', ' 3599 ', '3599.0', '-1', '1e3', '0x10', '99999999999999999999', 'never',
  '\u0000', 'tok en', 'tok\nen', 'tok\u2028en', 'tok\u0085en', 'tok\u00a0en', '\ufefftok', 'tök',
  [], ['data'], ['data', 7, null, 'user'], ['a\nb'], ['data\n::error::forged'], {}, { access_token: 'x' },
  '9007199254740991', 1e15, ['\r'],
];
// prettier-ignore
const STATUSES = [200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 405, 408, 418, 429, 500, 502, 503, 504];
// prettier-ignore
const SOCKET_ERRORS = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOTFOUND', 'EPROTO', 'HPE_INVALID_CONSTANT'];

const weirdUnit = fc.constantFrom(...WEIRD_UNITS);

/** Any string: built from WEIRD_UNITS, any code point (astral, controls), or printable. */
const anyString = (maxLength = 12): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: weirdUnit, maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ maxLength }),
  );

const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

/** A value as a failure message shows it: control characters and line breaks spelled out. */
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/** No lone surrogate (String.prototype.isWellFormed is ES2024, past this project's lib). */
const wellFormed = (text: string): boolean =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

/** A workflow-command line, as the runner recognises one. */
const isWorkflowCommand = (line: string): boolean => /^::[A-Za-z-]+( [^:]*)?::/.test(line);

/** A base URL that may carry credentials: https, or http to a loopback host; nothing extra. */
function expectSafeBaseUrl(text: string): void {
  const url = new URL(text);
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  expect(url.protocol === 'https:' || loopbackHttp).toBe(true);
  expect(url.username + url.password + url.search + url.hash).toBe('');
  expect(text.endsWith('/')).toBe(false);
}

// ---------------------------------------------------------------------------------------------
// Bugs these properties found, each kept as a minimal regression test.
// ---------------------------------------------------------------------------------------------

describe('found by the properties below, fixed: minimal regression tests', () => {
  const tokenInputs = { 'client-id': 'cid', 'client-secret': 'csecret', 'api-url': API };

  test('timeout-seconds "0.0001" is at least 1 ms, never a limit of 0 (no limit)', () => {
    const raw = { 'client-id': 'c', 'client-secret': 's', 'timeout-seconds': '0.0001' };
    expect(parseConfig(raw, {}).config.timeoutMs).toBeGreaterThan(0);
  });

  test('clean("a:::b") leaves no "::" (it used to split colons pair by pair)', () => {
    expect(clean('a:::b')).not.toContain('::');
  });

  test('clean() never cuts a surrogate pair in half when it truncates', () => {
    expect(wellFormed(clean(`${'a'.repeat(299)}😀😀`))).toBe(true);
  });

  test('domoMessage() stays linear on an HTML body full of unclosed <title tags', () => {
    // 60 KB took about 0.5 s with a regex; at the 1 MiB body cap it blocked the event loop for
    // minutes, after the per-attempt timeout was cleared, and again on every retry of a 5xx.
    const body = `<html>${'<title'.repeat(10_000)}`;
    const started = performance.now();
    domoMessage(body);
    expect(performance.now() - started).toBeLessThan(100);
  });

  test('parseToken() refuses an access token with a C1 control character', () => {
    expect(() => parseToken({ access_token: 'abc\u0085def', expires_in: 60 })).toThrow(DomoError);
  });

  test('an array scope with a line break cannot forge a workflow command', async () => {
    setInputs({ ...tokenInputs, retries: '0' });
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(200, { access_token: 'tok', expires_in: 60, scope: ['data\n::error::forged'] });
    });
    // The log had `Domo access token ready: scope "data` and then `::error::forged" ...`. Now
    // the value is refused (outputs carry values as they are), and said so in one line.
    expect(outcome.errorLines).toHaveLength(1);
    expect(outcome.errors[0]).toMatch(
      /^Domo token request failed: .*`scope` contains a line break/,
    );
    expect(outcome.outputs).toEqual({});
  });

  test('expires_in 0 is refused: a token must live at least 1 s (seed -817331253)', async () => {
    setInputs({ ...tokenInputs, retries: '0' });
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(200, { access_token: 'tok', expires_in: '0' });
    });
    expect(outcome.errors).toEqual([
      "Domo token request failed: the answer is not a usable token: `expires_in` is 0: a token must live at least 1 s. Check that `api-url` points at Domo's public API (https://api.domo.com), not a proxy or an instance page.",
    ]);
  });

  test('a one-character token is redacted from every line, our own words too (seed -817331253)', async () => {
    setInputs({ ...tokenInputs, retries: '0' });
    const outcome = await runAction(() => {
      nock(API).get('/oauth/token').query(true).reply(200, { access_token: 'a', expires_in: 60 });
    });
    // The property looked for "Domo access token ready", which the redaction had made
    // "Domo ***ccess token re***dy": our own lines are found through the same redaction.
    expect(outcome.outputs['access-token']).toBe('a');
    expect(outcome.logLines).toContain(
      'Domo ***ccess token re***dy: scope "", expires 2026-11-23T12:01:00Z (in 60 s).',
    );
    const ready = outcome.logLines.findIndex((l) => l.startsWith(scrub('Domo access token ready')));
    expect(ready).toBeGreaterThan(0);
    // From the moment it exists: the debug line of the request that brought it came earlier.
    const shown = { stdout: outcome.logLines.slice(ready).join('\n'), summary: outcome.summary };
    expect(findLeaks(shown, ['a'])).toEqual([]);
  });

  test('a short line of a multi-line secret is not masked on its own (seed 1773570706)', async () => {
    // "-\r%SeCr3tMARK": the line "-" was masked, and the error read "Input `client***id` ...".
    setInputs({ ...tokenInputs, 'client-id': '% 中', 'client-secret': '-\r%SeCr3tMARK' });
    const outcome = await runAction(() => {});
    expect(outcome.errors).toEqual([
      'Input `client-id` must not contain a colon, spaces or control characters.',
    ]);
  });

  test('a sign-on userId with a line break cannot forge a workflow command (provision)', async () => {
    setInputs({
      mode: 'provision',
      'api-url': API,
      instance: INSTANCE,
      username: 'ci@acme.example',
      password: 'pw',
      retries: '0',
    });
    const outcome = await runAction(() => {
      nock(INSTANCE)
        .post('/api/content/v2/authentication')
        .reply(200, { success: true, sessionToken: 'sess', userId: '7\n::warning::forged' });
      nock(API).post('/clients').reply(401, { message: 'no' });
    });
    expect(outcome.commands.filter((c) => c.name === 'warning')).toEqual([]);
  });

  test('expires_in 9007199254740991 is a clear error, not "Invalid time value"', async () => {
    setInputs({ ...tokenInputs, retries: '0' });
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(200, { access_token: 'tok', expires_in: Number.MAX_SAFE_INTEGER });
    });
    // A token (with some capped expires-at), or an error that names the call and the field.
    if (outcome.exitCode === undefined) return;
    expect(outcome.errors[0]).toMatch(/^Domo token request failed.*expires_in/);
  });

  test('a secret echoed by Domo is redacted before the message is cleaned', async () => {
    const secret = 'abc\tSECRET::xyz';
    setInputs({ ...tokenInputs, 'client-secret': secret, retries: '0' });
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(401, { error_description: `bad ${secret}` });
    });
    // The error read `... HTTP 401 (bad abc SECRET: :xyz). ...`.
    expect(outcome.errors[0]).not.toContain('SECRET');
  });

  test('a secret echoed at the end of a long message is redacted before the cut', async () => {
    const secret = 'SECRETabcdefghijkl';
    setInputs({ ...tokenInputs, 'client-secret': secret, retries: '0' });
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(401, { error_description: `${'x'.repeat(290)} ${secret}` });
    });
    // The error had `xxx SECRETabc…)`: the first half of the secret.
    expect(outcome.errors[0]).not.toContain('SECRET');
  });

  test('a secret with & echoed in a token field is redacted before HTML escaping', async () => {
    const secret = 'abc&SECRET<xyz';
    setInputs({ ...tokenInputs, 'client-secret': secret, retries: '0' });
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(200, { access_token: 'tok', expires_in: 60, customer: secret });
    });
    // The summary had `<td>abc&amp;SECRET&lt;xyz</td>`, which renders as the secret.
    expect(outcome.summary).not.toContain('SECRET');
  });
});

// ---------------------------------------------------------------------------------------------
// 1. Inputs
// ---------------------------------------------------------------------------------------------

const separator = fc.constantFrom(...SEPARATORS);
const scopeInput = fc
  .array(fc.tuple(fc.constantFrom(...SCOPE_WORDS), separator), { maxLength: 5 })
  .map((parts) => parts.map(([word, sep]) => word + sep).join(''));
const urlInput = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(
      fc.constantFrom('https', 'http', 'HTTP', 'HtTpS', 'ftp', 'file', 'javascript', 'ws', ''),
      fc.constantFrom('://', ':', ':///', '//', ':\\\\'),
      fc.constantFrom('', '', 'user:pw@', 'user@', ':@'),
      fc.constantFrom(...URL_HOSTS),
      fc.constantFrom('', '', ':8080', ':0', ':99999', ':'),
      fc.constantFrom(...URL_TAILS),
    )
    .map((parts) => parts.join('')),
);
const instanceInput = fc.oneof(urlInput, fc.constantFrom(...INSTANCES));
const booleanInput = fc.constantFrom(...BOOLEANS);
const modeInput = fc.constantFrom(...MODES);
const envVarInput = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/),
  fc.constantFrom(...ENV_VARS),
);
const retriesInput = fc.oneof(
  fc.integer({ min: -5, max: 30 }).map(String),
  fc.constantFrom(...RETRIES),
);
const timeoutInput = fc.oneof(
  fc.double({ min: -1, max: 1000, noNaN: true }).map(String),
  fc.nat(700).map(String),
  fc.constantFrom(...TIMEOUTS),
);

/** Mostly `good`, sometimes `bad`. */
const often = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>, weight = 3): fc.Arbitrary<T> =>
  fc.oneof({ weight, arbitrary: good }, { weight: 1, arbitrary: bad });

/** Each input: something meant for it, anything at all, or absent. Mostly input errors. */
const hostileInputs: fc.Arbitrary<Partial<RawInputs>> = fc.record(
  {
    'client-id': often(fc.constantFrom('cid', 'c:id', 'c id', 'cïd', 'c\nid'), anyString(), 1),
    'client-secret': anyString(),
    scope: often(scopeInput, anyString()),
    mode: often(modeInput, anyString()),
    instance: often(instanceInput, anyString(), 1),
    'session-token': often(fc.constantFrom('sess-1', '_dsidv1=x', 'a b'), anyString(), 1),
    username: anyString(),
    password: anyString(),
    'session-cookie': often(fc.constantFrom('_dsidv1=', '_dsidv1=abc', 'abc'), anyString(), 1),
    'developer-token': often(fc.constantFrom('dev-1', 'a b'), anyString(), 1),
    'client-name': anyString(20),
    'delete-client': often(booleanInput, anyString(), 1),
    'api-url': often(urlInput, anyString()),
    'export-env': often(booleanInput, anyString()),
    'env-var': often(envVarInput, anyString()),
    retries: often(retriesInput, anyString()),
    'timeout-seconds': often(timeoutInput, anyString()),
    summary: often(booleanInput, anyString()),
    'github-token': often(fc.constantFrom('ghs_abc', 'a b', ''), anyString(), 1),
    'dry-run': often(booleanInput, anyString()),
    'job-token': often(fc.constantFrom('auto', 'true', 'false', 'AUTO'), anyString(), 1),
    'job-token-hours': often(fc.constantFrom('1', '6', '720', '0', '721', '1.5'), anyString(), 1),
    'cli-login': often(booleanInput, anyString()),
    'token-command': often(booleanInput, anyString()),
  } satisfies Record<(typeof INPUT_NAMES)[number], fc.Arbitrary<string>>,
  { requiredKeys: [] },
);

/** Well-formed inputs with the odd bad one, so that configs come out too. */
const plausibleInputs: fc.Arbitrary<Partial<RawInputs>> = fc
  .record(
    {
      'client-id': often(fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/), anyString(), 12),
      'client-secret': often(fc.string({ minLength: 1 }), anyString(), 12),
      scope: often(
        fc
          .array(fc.constantFrom('data', 'user', 'audit', 'a.b', 'x:y'), {
            minLength: 1,
            maxLength: 4,
          })
          .chain((words) =>
            fc
              .array(separator, { minLength: words.length, maxLength: words.length })
              .map((seps) => words.map((word, i) => seps[i] + word).join('') + seps[0]),
          ),
        scopeInput,
        12,
      ),
      mode: often(fc.constantFrom('token', 'provision', 'Token', ' provision '), modeInput, 12),
      instance: often(
        fc.constantFrom(
          'acmecompany',
          'acme.domo.com',
          'https://acme.domo.com',
          'http://127.0.0.1:9',
        ),
        instanceInput,
        12,
      ),
      'session-token': often(fc.constantFrom('sess-1', 'a.b_c'), anyString(), 12),
      'client-name': often(fc.constantFrom('', 'ci bot', 'x::y'), anyString(20), 12),
      'delete-client': often(fc.constantFrom('true', 'false', 'False'), booleanInput, 12),
      'api-url': often(
        fc.constantFrom('https://api.domo.com/', 'http://localhost:8080', 'https://[::1]/v1'),
        urlInput,
        12,
      ),
      'export-env': often(fc.constantFrom('true', 'false'), booleanInput, 12),
      'env-var': often(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/), envVarInput, 12),
      retries: often(fc.integer({ min: 0, max: 20 }).map(String), retriesInput, 12),
      'timeout-seconds': often(
        fc.double({ min: 0.001, max: 600, noNaN: true }).map(String),
        timeoutInput,
        12,
      ),
      summary: often(fc.constantFrom('true', 'FALSE'), booleanInput, 12),
    },
    { requiredKeys: [] },
  )
  .chain((raw) =>
    // At most one session source (two are an input error, which hostileInputs covers).
    fc
      .constantFrom<Partial<RawInputs>>(
        {},
        { 'session-token': '', username: 'ci@acme.example', password: ' pass word\n' },
        { 'session-token': '', 'session-cookie': '_dsidv1=abc' },
      )
      .map((session) => ({ ...raw, ...session })),
  );

const runnerEnv = fc.record(
  { GITHUB_REPOSITORY: anyString(20), GITHUB_RUN_ID: anyString(8) },
  { requiredKeys: [] },
);

describe('1. parseConfig on arbitrary inputs', () => {
  test('a config that keeps the contract, or an InputError naming an input; nothing else', () => {
    const seen = { config: 0, inputError: 0 };
    fc.assert(
      fc.property(fc.oneof(hostileInputs, plausibleInputs), runnerEnv, (raw, env) => {
        let parsed: ReturnType<typeof parseConfig>;
        try {
          parsed = parseConfig(raw, env);
        } catch (err) {
          // Sweep mode also refuses a runner that does not say which run this is.
          if (err instanceof ActionError && /^Sweep mode runs only in /.test(err.message)) return;
          if (!(err instanceof InputError))
            throw new Error(`not an InputError: ${show(String(err))}`);
          const named = /^Input `([a-z-]+)` /.exec(err.message)?.[1];
          expect(INPUT_NAMES).toContain(named);
          expect(err.input).toBe(named);
          seen.inputError++;
          return;
        }
        seen.config++;
        const { config, warnings } = parsed;
        expect(['token', 'provision', 'sweep', 'login']).toContain(config.mode);
        if (config.mode === 'login') {
          const l = config.login!;
          expect(l.hours).toBeGreaterThanOrEqual(1);
          expect(l.hours).toBeLessThanOrEqual(720);
          // Never asked to hand over a credential that is not a developer token.
          if (!l.mint) expect(l.session.kind).toBe('developer-token');
          expect(l.host).toBe(new URL(l.instanceUrl).host);
          expect(config.scopes).toEqual([]);
          return;
        }
        if (config.mode === 'sweep') {
          expect(config.sweep?.githubToken).toMatch(/^[\x21-\x7e]+$/);
          expect(config.scopes).toEqual([]);
          return;
        }

        expect(config.scopes.length).toBeGreaterThan(0);
        expect(new Set(config.scopes).size).toBe(config.scopes.length);
        for (const scope of config.scopes) expect(scope).toMatch(/^[^\s,]+$/);

        expect(Number.isInteger(config.retries)).toBe(true);
        expect(config.retries).toBeGreaterThanOrEqual(0);
        expect(config.retries).toBeLessThanOrEqual(20);

        expect(Number.isFinite(config.timeoutMs)).toBe(true);
        expect(config.timeoutMs).toBeLessThanOrEqual(600_000);
        expect(config.timeoutMs).toBeGreaterThan(0);

        expectSafeBaseUrl(config.apiUrl);
        expect(config.envVar).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        expect(typeof config.exportEnv).toBe('boolean');
        expect(typeof config.summary).toBe('boolean');
        for (const warning of warnings) {
          expect(warning).toMatch(
            /^Input `[a-z-]+` (applies only to|does not apply to) mode: (token|provision|sweep|login); /,
          );
        }

        if (config.mode === 'token') {
          expect(config.provision).toBeUndefined();
          expect(config.client?.id).toMatch(/^[^:\s\u0000-\u001f\u007f]+$/);
          expect(config.client?.secret).not.toBe('');
          expect(config.client?.secret.trim()).toBe(config.client?.secret);
        } else {
          const p = config.provision!;
          expect(config.client).toBeUndefined();
          expectSafeBaseUrl(p.instanceUrl);
          expect(p.customerDomain).toBe(new URL(p.instanceUrl).hostname.replace(/^\[|\]$/g, ''));
          expect(p.clientName).not.toBe('');
          expect(p.clientName).not.toMatch(/[\u0000-\u001f\u007f]/);
          expect(typeof p.deleteClient).toBe('boolean');
          if (p.session.kind === 'session-token') expect(p.session.token).toMatch(/^[\x21-\x7e]+$/);
          if (p.session.kind === 'session-cookie')
            expect(p.session.cookie).toMatch(/^[\x21-\x7e]+$/);
          if (p.session.kind === 'password') {
            expect(p.session.username.trim()).not.toBe('');
            expect(p.session.password.trim()).not.toBe('');
          }
        }
      }),
      { numRuns: runs(2000) },
    );
    // Both outcomes are reached, and often.
    expect(seen.config).toBeGreaterThan(enough(300));
    expect(seen.inputError).toBeGreaterThan(enough(300));
  });

  test('one input at a time, anything in it: a config or an InputError naming an input', () => {
    const valid: Partial<RawInputs> = { 'client-id': 'cid', 'client-secret': 'csecret' };
    fc.assert(
      fc.property(fc.constantFrom(...INPUT_NAMES), anyString(40), (name, value) => {
        try {
          parseConfig({ ...valid, [name]: value }, {});
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
          // Not always `name` (mode: provision makes `instance` missing), but always an input.
          expect(INPUT_NAMES).toContain((err as InstanceType<typeof InputError>).input);
        }
      }),
      { numRuns: runs(1000) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 2. Retry-After and the waits
// ---------------------------------------------------------------------------------------------

const retryAfterHeader: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.integer({ min: -1_000, max: 10_000_000 }).map(String),
  fc.double().map(String),
  fc.constantFrom(...RETRY_AFTERS),
  fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
  fc.string({ unit: printableAscii, maxLength: 30 }),
  anyString(30),
);

/** A random source in [0, 1): a few draws, cycled. */
const randoms = fc
  .array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
    minLength: 1,
    maxLength: 4,
  })
  .map((draws) => {
    let i = 0;
    return () => draws[i++ % draws.length]!;
  });

const MAX_WAIT_MS = retry.RETRY_AFTER_CAP_MS + retry.RETRY_AFTER_JITTER_MS;

describe('2. parseRetryAfter and retryDelayMs', () => {
  test('Retry-After: undefined, or a whole number of ms in [0, 60000]', () => {
    fc.assert(
      fc.property(
        retryAfterHeader,
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (header, now) => {
          const ms = retry.parseRetryAfter(header, now);
          if (ms === undefined) return;
          expect(Number.isInteger(ms)).toBe(true);
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(retry.RETRY_AFTER_CAP_MS);
        },
      ),
      { numRuns: runs(3000) },
    );
  });

  test('negative, empty or garbage Retry-After is ignored; huge is capped; past is now', () => {
    for (const header of ['-1', '-0', '', ' ', 'NaN', 'Infinity', '0x10', '1e9', 'garbage']) {
      expect(retry.parseRetryAfter(header, NOW)).toBeUndefined();
    }
    expect(retry.parseRetryAfter('9'.repeat(400), NOW)).toBe(60_000);
    expect(retry.parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', NOW)).toBe(60_000);
    expect(retry.parseRetryAfter('Sat, 01 Jan 2000 00:00:00 GMT', NOW)).toBe(0);
  });

  test('every wait: finite, ≥ 0, ≤ 30 s without Retry-After, ≥ it and ≤ 61 s with it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        retryAfterHeader,
        randoms,
        (n, header, random) => {
          const retryAfterMs = retry.parseRetryAfter(header, NOW);
          const wait = retry.retryDelayMs(n, retryAfterMs, random);
          expect(Number.isFinite(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(0);
          if (retryAfterMs === undefined) {
            expect(wait).toBeLessThanOrEqual(retry.BACKOFF_CAP_MS);
          } else {
            expect(wait).toBeGreaterThanOrEqual(retryAfterMs);
            expect(wait).toBeLessThanOrEqual(MAX_WAIT_MS);
          }
        },
      ),
      { numRuns: runs(2000) },
    );
  });

  test('withRetry: exactly retries + 1 attempts, waits adding up to at most retries × 61 s', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 20 }),
        fc.array(fc.tuple(fc.constantFrom(408, 429, 500, 502, 503, 504), retryAfterHeader), {
          minLength: 1,
          maxLength: 25,
        }),
        randoms,
        async (retries, failures, random) => {
          let attempts = 0;
          let slept = 0;
          const clock = { now: () => NOW + slept, sleep: async (ms: number) => void (slept += ms) };
          const err = await retry
            .withRetry(
              async () => {
                const [status, header] = failures[attempts++ % failures.length]!;
                throw new DomoError({ call: TOKEN_CALL, kind: 'http', status, retryAfter: header });
              },
              { retries, safety: 'idempotent', clock, random },
            )
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(DomoError);
          expect(attempts).toBe(retries + 1);
          expect(slept).toBeLessThanOrEqual(retries * MAX_WAIT_MS);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 3. Domo's words in a log line
// ---------------------------------------------------------------------------------------------

const HTML_BEFORE = 'an HTML page titled "';
const HTML_AFTER = '", not JSON: a proxy or gateway answered instead of Domo\'s API';
/** domoMessage()'s real bound: a cleaned <title> (≤ 300 + '…') inside the HTML sentence: 384. */
const DOMO_MESSAGE_MAX = HTML_BEFORE.length + 301 + HTML_AFTER.length;

const bodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: anyString(60) },
  // Long: a repeated piece (up to a few hundred KB), or a long string of weird pieces.
  {
    weight: 1,
    arbitrary: fc
      .tuple(anyString(8), fc.integer({ min: 1, max: 40_000 }))
      .map(([piece, n]) => piece.repeat(n)),
  },
  { weight: 1, arbitrary: fc.string({ unit: weirdUnit, minLength: 250, maxLength: 800 }) },
  // JSON with Domo's message keys, holding anything.
  {
    weight: 3,
    arbitrary: fc
      .record(
        {
          error_description: fc.oneof(anyString(40), fc.anything()),
          message: fc.oneof(anyString(400), fc.anything()),
          reason: anyString(),
          statusReason: anyString(),
          error: fc.oneof(anyString(), fc.integer()),
        },
        { requiredKeys: [] },
      )
      .map((o) => JSON.stringify(o)),
  },
  // HTML, titled with anything.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('<!DOCTYPE html>', '<html>', '<HTML lang=en>', '<?xml?>', 'x'),
        anyString(40),
        anyString(400),
      )
      .map(
        ([open, title, rest]) =>
          `${open}<head><title a=1>${title}</title></head><body>${rest}</body></html>`,
      ),
  },
  // Truncated JSON.
  {
    weight: 1,
    arbitrary: fc.tuple(fc.json(), fc.nat()).map(([j, n]) => j.slice(0, n % (j.length + 1))),
  },
);

function expectOneCleanLine(text: string, input: string, max: number): void {
  expect(text).not.toMatch(/[\r\n\u2028\u2029]/);
  expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(text).not.toContain('::');
  expect(text.length).toBeLessThanOrEqual(max);
  if (wellFormed(input)) expect(wellFormed(text)).toBe(true);
}

describe('3. domoMessage and clean', () => {
  test('clean(): one trimmed line, no control characters, no "::", at most max + 1 long', () => {
    fc.assert(
      fc.property(
        bodyText,
        fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
        (text, max) => {
          const out = clean(text, max);
          expectOneCleanLine(out, text, (max ?? 300) + 1);
          expect(out).toBe(out.trim());
        },
      ),
      { numRuns: runs(1500) },
    );
  });

  test(`domoMessage(): undefined, or one clean line of at most ${DOMO_MESSAGE_MAX} characters`, () => {
    fc.assert(
      fc.property(bodyText, (body) => {
        const out = domoMessage(body);
        if (out === undefined) return;
        expect(out).not.toBe('');
        expectOneCleanLine(out, body, DOMO_MESSAGE_MAX);
        // Each shape's own bound: a quoted excerpt of non-JSON ≤ 203, Domo's JSON message ≤ 301.
        if (out.startsWith('"')) expect(out.length).toBeLessThanOrEqual(203);
        else if (!out.startsWith('an HTML page')) expect(out.length).toBeLessThanOrEqual(301);
      }),
      { numRuns: runs(1500) },
    );
  });

  test('domoMessage() is fast on 1 MiB bodies, unclosed <title tags included', () => {
    for (const body of [
      'x'.repeat(MAX_BODY_BYTES),
      `<html>${'<title'.repeat(MAX_BODY_BYTES / 6)}`,
      `<html><title>${'<title>'.repeat(MAX_BODY_BYTES / 7 - 2)}`,
      `{"error_description":"${'a:: \\n'.repeat(MAX_BODY_BYTES / 6)}"}`,
      `<html><title>${'t'.repeat(MAX_BODY_BYTES - 30)}</title>`,
      `<html>${'<b>'.repeat(MAX_BODY_BYTES / 3)}`,
      ':'.repeat(MAX_BODY_BYTES),
    ]) {
      const started = performance.now();
      const out = domoMessage(body);
      expect(performance.now() - started).toBeLessThan(3000);
      expect(out === undefined || out.length <= DOMO_MESSAGE_MAX).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 4. parseToken on anything
// ---------------------------------------------------------------------------------------------

const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...FIELD_VALUES),
  anyString(30),
  fc.integer(),
  fc.double(),
  fc.array(fc.oneof(anyString(10), fc.integer(), fc.constant(null)), { maxLength: 4 }),
  fc.anything({ maxDepth: 2 }),
);
const TOKEN_FIELDS = [
  'access_token',
  'expires_in',
  'token_type',
  'scope',
  'customer',
  'userId',
  'user_id',
  'role',
];
/** A token answer with every field of any type, or missing. */
const wrongTypedToken = fc.record(
  Object.fromEntries(TOKEN_FIELDS.map((key) => [key, fieldValue])) as Record<
    string,
    fc.Arbitrary<unknown>
  >,
  { requiredKeys: [] },
);
/** A token answer that is nearly right. */
const plausibleToken = fc.record({
  access_token: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._~+/=-]{1,40}$/), anyString(20)),
  expires_in: fc.oneof(fc.nat(100_000), fc.nat(100_000).map(String), fieldValue),
  token_type: fc.constantFrom('bearer', 'Bearer', ''),
  scope: fc.oneof(fc.constantFrom('data', 'data user'), fieldValue),
  customer: fieldValue,
  userId: fieldValue,
  role: fieldValue,
});

describe('4. parseToken on any JSON', () => {
  test('a Token with a clean access token and whole expires_in, or a DomoError of kind response', () => {
    const seen = { token: 0, error: 0 };
    fc.assert(
      fc.property(
        fc.oneof(
          wrongTypedToken,
          plausibleToken,
          fc.object(),
          fc.array(fc.anything()),
          // As JSON.parse hands it over.
          wrongTypedToken.map((o) => JSON.parse(JSON.stringify(o)) as unknown),
        ),
        (json) => {
          let token: ReturnType<typeof parseToken>;
          try {
            token = parseToken(json as Record<string, unknown>);
          } catch (err) {
            if (!(err instanceof DomoError))
              throw new Error(`not a DomoError: ${show(String(err))}`);
            expect(err.kind).toBe('response');
            expect(err.call).toBe(TOKEN_CALL);
            expect(err.message).not.toMatch(/[\r\n]/);
            seen.error++;
            return;
          }
          seen.token++;
          expect(typeof token.accessToken).toBe('string');
          expect(token.accessToken.trim()).not.toBe('');
          expect(token.accessToken).not.toMatch(/[\s\u0000-\u001f\u007f]/);
          expect(token.accessToken).not.toMatch(/[\u0080-\u009f]/);
          expect(Number.isSafeInteger(token.expiresIn)).toBe(true);
          expect(token.expiresIn).toBeGreaterThanOrEqual(0);
          expect(token.tokenType).not.toBe('');
          for (const field of ['tokenType', 'scope', 'customer', 'userId', 'role'] as const) {
            expect(typeof token[field]).toBe('string');
            expect(token[field]).not.toMatch(/[\u0000-\u001f\u007f]/);
          }
        },
      ),
      { numRuns: runs(2000) },
    );
    expect(seen.token).toBeGreaterThan(enough(100));
    expect(seen.error).toBeGreaterThan(enough(100));
  });
});

// ---------------------------------------------------------------------------------------------
// 5 and 6. The whole run, in-process, against hostile answers
// ---------------------------------------------------------------------------------------------

interface Outcome {
  stdout: string;
  /** Always empty in-process (for findLeaks). */
  stderr: string;
  /** stdout lines other than ::add-mask:: (where no secret may ever appear). */
  logLines: string[];
  commands: Command[];
  /** Raw `::error` lines, and the decoded messages of the error commands. */
  errorLines: string[];
  errors: string[];
  outputs: Record<string, string>;
  env: Record<string, string>;
  summary: string;
  /** What the step saved for the post step (GITHUB_STATE). */
  state: Record<string, string>;
  exitCode: number | string | undefined;
  elapsedMs: number;
  sleeps: number[];
}

interface RunOptions {
  /** Real-time limit for the run. */
  limitMs?: number;
  /** RUNNER_DEBUG=1: debug lines are printed. */
  debug?: boolean;
  /** Instead of the real transport over nock. */
  transport?: Transport;
  /** The post step (cleanup), with this state as STATE_* variables; else the main step. */
  post?: Record<string, string>;
}

const h = inProcess();
const { setInputs } = h;

/**
 * One run of the action as main.test.ts drives it (the runner's files emptied, stdout
 * captured, masks forgotten, a fake clock: backoff waits cost nothing), with the real
 * transport over nock (or `options.transport`). Rejects if the run has not ended after
 * `limitMs` of real time.
 */
async function runAction(arrange: () => void, options: RunOptions | number = {}): Promise<Outcome> {
  const {
    limitMs = 10_000,
    debug = false,
    transport,
    post,
  } = typeof options === 'number' ? { limitMs: options } : options;
  h.reset();
  if (debug) process.env.RUNNER_DEBUG = '1';
  for (const [name, value] of Object.entries(post ?? {})) process.env[`STATE_${name}`] = value;
  nock.cleanAll();
  arrange();
  const deps = {
    ...h.deps,
    transport: (timeoutMs: number) => transport ?? createTransport({ timeoutMs }),
  };
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let exitCode: Outcome['exitCode'];
  try {
    await Promise.race([
      post ? cleanup(deps) : run(deps),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the run had not ended after ${limitMs} ms`)),
          limitMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    exitCode = process.exitCode;
    process.exitCode = undefined;
    // Also clears nock's timers of delayed answers that nobody waits for any more.
    nock.abortPendingRequests();
    nock.cleanAll();
    for (const key of Object.keys(process.env))
      if (key.startsWith('STATE_')) delete process.env[key];
  }
  const { stdout } = h;
  const commands = h.commands();
  return {
    stdout,
    stderr: '',
    logLines: stdout.split('\n').filter((line) => !line.startsWith('::add-mask::')),
    commands,
    errorLines: stdout.split('\n').filter((line) => line.startsWith('::error')),
    errors: commands.filter((c) => c.name === 'error').map((c) => c.message),
    outputs: h.outputs(),
    env: h.env(),
    summary: h.summary(),
    state: h.state(),
    exitCode,
    elapsedMs: performance.now() - started,
    sleeps: [...h.sleeps],
  };
}

/** What the fake Domo does with one request. */
type Answer =
  | { kind: 'reply'; status: number; body: string; retryAfter: string | undefined; json?: unknown }
  | { kind: 'socket'; code: string };

/** Serves `answers` in order to GET and POST /oauth/token (the last one repeats); counts them. */
function serve(answers: Answer[]): { count: () => number } {
  let n = 0;
  const reply = async (): Promise<nock.ReplyFnResult> => {
    const a = answers[Math.min(n++, answers.length - 1)]!;
    if (a.kind === 'socket') throw socketError(a.code);
    return [a.status, a.body, a.retryAfter === undefined ? {} : { 'retry-after': a.retryAfter }];
  };
  nock(API).get('/oauth/token').query(true).times(50).reply(reply);
  nock(API).post('/oauth/token').times(50).reply(reply);
  return { count: () => n };
}

const TOKEN_MARK = 'tOk3nMARK';
/** A token that parseToken accepts, with the characters a real one has and a few more. */
const goodToken = fc
  .string({
    unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', '~', '+', '/', '=', '%', 'é', '😀', ':'),
    maxLength: 30,
  })
  .map((s) => `${TOKEN_MARK}${s}`);
const validTokenJson = fc.record({
  access_token: goodToken,
  expires_in: fc.oneof(fc.nat(1_000_000), fc.nat(1_000_000).map(String)),
  token_type: fc.constantFrom('bearer', 'Bearer'),
  scope: fc.constantFrom('data', 'data user', ''),
  customer: fc.constantFrom('acmecompany', ''),
  userId: fc.oneof(fc.nat(), fc.constant('x')),
  role: fc.constantFrom('Admin', 'Privileged'),
});

/** Over the transport's cap: a valid token answer with a 1 MiB access token. */
const HUGE_BODY = JSON.stringify({ access_token: 'h'.repeat(MAX_BODY_BYTES), expires_in: 60 });
/** Just under the cap: Domo's message, almost 1 MiB of it. */
const BIG_BODY = JSON.stringify({
  error_description: 'slow down :: '.repeat((MAX_BODY_BYTES - 100) / 13),
});

/** A good token answer with one field of the wrong type, or missing. */
const oneWrongField = fc
  .tuple(
    validTokenJson,
    // Mostly the fields with logic behind them.
    fc.oneof(
      fc.constantFrom('scope', 'expires_in', 'access_token'),
      fc.constantFrom(...TOKEN_FIELDS),
    ),
    fc.option(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...FIELD_VALUES) }, fieldValue), {
      nil: undefined,
    }),
  )
  .map(([json, key, value]) => ({ ...json, [key]: value }));

const answerBody: fc.Arbitrary<{ body: string; json?: unknown }> = fc.oneof(
  { weight: 4, arbitrary: validTokenJson.map((json) => ({ body: JSON.stringify(json), json })) },
  { weight: 3, arbitrary: oneWrongField.map((json) => ({ body: JSON.stringify(json), json })) },
  { weight: 3, arbitrary: wrongTypedToken.map((json) => ({ body: JSON.stringify(json), json })) },
  { weight: 2, arbitrary: plausibleToken.map((json) => ({ body: JSON.stringify(json), json })) },
  // Truncated token answers.
  {
    weight: 2,
    arbitrary: validTokenJson
      .map((json) => JSON.stringify(json))
      .chain((text) => fc.nat(text.length - 1).map((n) => ({ body: text.slice(0, n) }))),
  },
  { weight: 2, arbitrary: bodyText.filter((b) => b.length < 20_000).map((body) => ({ body })) },
  { weight: 1, arbitrary: fc.constantFrom({ body: '' }, { body: HUGE_BODY }, { body: BIG_BODY }) },
);

const retryAfterValue = fc.option(
  fc.oneof(
    fc.string({ unit: printableAscii, maxLength: 20 }),
    fc.integer({ min: -100, max: 10_000_000 }).map(String),
    fc.constantFrom('-1', '1e9', '9'.repeat(100), 'Infinity', 'Fri, 31 Dec 9999 23:59:59 GMT'),
  ),
  { nil: undefined },
);

const answer: fc.Arbitrary<Answer> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(fc.constantFrom(...STATUSES), answerBody, retryAfterValue)
      .map(([status, { body, json }, retryAfter]): Answer => ({
        kind: 'reply',
        status,
        body,
        retryAfter,
        json,
      })),
  },
  // A success with one field wrong.
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(200, 201), oneWrongField).map(([status, json]): Answer => ({
      kind: 'reply',
      status,
      body: JSON.stringify(json),
      retryAfter: undefined,
      json,
    })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...SOCKET_ERRORS).map((code): Answer => ({ kind: 'socket', code })),
  },
);

/** The two ways a run may end: outputs, or exactly one clear ::error:: and exit code 1. */
function expectOneEnding(outcome: Outcome): 'ok' | 'failed' {
  // No line forges a workflow command: masks, the error, warnings and debug lines only.
  for (const line of outcome.stdout.split('\n')) {
    if (isWorkflowCommand(line)) expect(line).toMatch(/^::(add-mask|error|warning|debug)::/);
  }
  if (outcome.exitCode === undefined) {
    expect(outcome.errorLines).toEqual([]);
    expect(outcome.outputs['access-token']).toBeTruthy();
    expect(outcome.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    return 'ok';
  }
  expect(outcome.exitCode).toBe(1);
  expect(outcome.errorLines).toHaveLength(1);
  // Clear: it names the call (or the input) that failed.
  expect(outcome.errors[0]).toMatch(/^(Domo token request failed|Input `[a-z-]+` )/);
  expect(outcome.outputs).toEqual({});
  return 'failed';
}

describe('5. the whole run against hostile token answers', () => {
  test('always ends, with outputs or one ::error:: naming the call; no more requests than allowed', async () => {
    const seen = { ok: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(
        // Hostile answers, often followed by a good one (reached when the retries allow it).
        fc
          .tuple(
            fc.array(answer, { minLength: 1, maxLength: 3 }),
            fc.option(validTokenJson, { freq: 2, nil: undefined }),
          )
          .map(([hostile, json]): Answer[] =>
            json === undefined
              ? hostile
              : [
                  ...hostile,
                  {
                    kind: 'reply',
                    status: 200,
                    body: JSON.stringify(json),
                    retryAfter: undefined,
                    json,
                  },
                ],
          ),
        fc.integer({ min: 0, max: 3 }),
        async (answers, retries) => {
          setInputs({
            'client-id': 'cid',
            'client-secret': 'csecret',
            'api-url': API,
            retries: String(retries),
          });
          let served: { count: () => number } | undefined;
          const outcome = await runAction(() => (served = serve(answers)));
          // One GET, maybe one POST after a 405, then one request per retry.
          expect(served!.count()).toBeLessThanOrEqual(retries + 2);
          expect(outcome.sleeps.length).toBeLessThanOrEqual(retries);
          for (const ms of outcome.sleeps) expect(ms).toBeLessThanOrEqual(MAX_WAIT_MS);
          expect(outcome.elapsedMs).toBeLessThan(5_000);
          seen[expectOneEnding(outcome)]++;
          expect(outcome.logLines.join('\n')).not.toContain('csecret');
          if (outcome.exitCode === undefined) {
            const token = outcome.outputs['access-token']!;
            expect(outcome.env.DOMO_ACCESS_TOKEN).toBe(token);
            // From the moment it exists (an earlier attempt's body may hold the same string).
            // Our own words are redacted too (a token "a" is in "ready"), so they are looked
            // for through the same redaction.
            const ready = outcome.logLines.findIndex((l) =>
              l.startsWith(scrub('Domo access token ready')),
            );
            expect(ready).toBeGreaterThanOrEqual(0);
            // Whatever its length, in what a reader sees: decoded messages, the summary's text
            // (only a token of asterisks would be "found" in the *** that replaces it).
            if (/^\*+$/.test(token)) return;
            const shown = {
              stdout: outcome.logLines.slice(ready).join('\n'),
              summary: outcome.summary,
            };
            expect(findLeaks(shown, [token])).toEqual([]);
          }
        },
      ),
      { numRuns: runs(200) },
    );
    expect(seen.ok).toBeGreaterThan(enough(15));
    expect(seen.failed).toBeGreaterThan(enough(20));
  });

  test('a streamed 3 MiB answer is cut at the 1 MiB cap', async () => {
    // Bounded on purpose: nock reads a reply stream to its end whatever the client does, so an
    // endless one would only fill this process's memory.
    setInputs({ 'client-id': 'cid', 'client-secret': 'csecret', 'api-url': API, retries: '0' });
    const chunks = Array.from({ length: 48 }, () => Buffer.alloc(64 * 1024, 'x'));
    const outcome = await runAction(() => {
      nock(API)
        .get('/oauth/token')
        .query(true)
        .reply(200, () => Readable.from(chunks) as unknown as string);
    });
    expect(expectOneEnding(outcome)).toBe('failed');
    expect(outcome.errors[0]).toMatch(/the answer is larger than 1048576 bytes/);
  });

  const MARK = 'SeCr3tMARK';
  /** One line of a secret: the marker amid %, :, spaces, tabs, non-ASCII, stray controls. */
  const secretLine = fc
    .tuple(
      fc.string({ unit: weirdUnit, maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.string({ unit: weirdUnit, maxLength: 6 }),
    )
    .map(([a, b, c]) => `${a}${b}${MARK}${c}`.replace(/[\n\u0000]/g, '%'));
  /** A secret of one to three such lines (NUL cannot pass through an environment variable). */
  const secret = fc
    .tuple(
      secretLine,
      fc.array(fc.tuple(fc.constantFrom('\n', '\r\n', '\n\n'), secretLine), { maxLength: 2 }),
    )
    .map(([first, rest]) => first + rest.map(([sep, line]) => sep + line).join(''))
    .filter((s) => s.split(/\r?\n/).every((line) => line.trim().includes(MARK)));
  const clientId = often(
    fc.stringMatching(/^[A-Za-z0-9-]{1,12}$/),
    fc.string({ unit: weirdUnit, minLength: 1, maxLength: 6 }).map((s) => s.replace(/\u0000/g, '')),
    4,
  );
  /** How Domo echoes the secret back in its error message: whole, inside a sentence, one line. */
  const echo = (text: string, how: number): string =>
    [text, `invalid client secret ${text}`, `${text.split(/\r?\n/)[0]} is wrong`][how]!;

  test('no secret, Basic credential or token is ever printed or put in the summary', async () => {
    await fc.assert(
      fc.asyncProperty(
        clientId,
        secret,
        goodToken,
        fc.array(
          fc.oneof(
            fc
              .constantFrom(200, 400, 401, 403, 429, 500, 503)
              .map((status) => ({ status, how: -1 })),
            fc
              .tuple(fc.constantFrom(400, 401, 403, 503), fc.nat(2))
              .map(([status, how]) => ({ status, how })),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        fc.integer({ min: 0, max: 2 }),
        async (id, clientSecret, token, script, retries) => {
          setInputs({
            'client-id': id,
            'client-secret': clientSecret,
            'api-url': API,
            retries: String(retries),
          });
          const answers = script.map(({ status, how }): Answer => {
            if (status === 200) {
              const json = {
                access_token: token,
                expires_in: 3599,
                customer: 'acme',
                scope: 'data',
              };
              return { kind: 'reply', status, body: JSON.stringify(json), retryAfter: undefined };
            }
            const said = how < 0 ? `status ${status}` : echo(clientSecret, how);
            return {
              kind: 'reply',
              status,
              body: JSON.stringify({ error_description: said }),
              retryAfter: '1',
            };
          });
          const outcome = await runAction(() => serve(answers));
          expectOneEnding(outcome);

          const basic = basicCredential(id.trim(), clientSecret.trim());
          const secretLines = clientSecret.split(/\r?\n/).map((line) => line.trim());
          const forbidden = [clientSecret, clientSecret.trim(), ...secretLines, basic, token];
          // Raw stdout lines, decoded command messages (which may span lines), the summary.
          const texts = [
            ...outcome.logLines,
            ...outcome.commands.filter((c) => c.name !== 'add-mask').map((c) => c.message),
            outcome.summary,
          ];
          for (const text of texts)
            for (const value of forbidden) expect(text).not.toContain(value);
          // Not even a piece of the secret: Domo's echo is redacted before it is cleaned or cut.
          for (const text of texts) expect(text).not.toContain(MARK);
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe('6. time bound: a slow Domo is a timeout, not a hang', () => {
  test('a head or body slower than timeout-seconds: the run ends in time and says timeout', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('0.1', '0.2', '0.3'),
        fc.integer({ min: 0, max: 1 }),
        fc.constantFrom('slow head', 'trickling body', 'endless trickle'),
        fc.integer({ min: 1_000, max: 5_000 }),
        async (timeout, retries, how, lateMs) => {
          setInputs({
            'client-id': 'cid',
            'client-secret': 'csecret',
            'api-url': API,
            retries: String(retries),
            'timeout-seconds': timeout,
          });
          const limitMs = Number(timeout) * 1000;
          const timers: NodeJS.Timeout[] = [];
          // A byte every 20 ms: the socket never idles, the answer is complete late or never.
          const trickle = (): Readable => {
            const stream = new Readable({ read() {} });
            stream.push('{"access_token":"tok",');
            timers.push(setInterval(() => stream.push(' '), 20));
            if (how === 'trickling body') {
              timers.push(
                setTimeout(
                  () => stream.push('"expires_in":60}') && stream.push(null),
                  limitMs + lateMs,
                ),
              );
            }
            return stream;
          };
          try {
            const outcome = await runAction(() => {
              const interceptor = nock(API)
                .get('/oauth/token')
                .query(true)
                .times(retries + 1);
              if (how === 'slow head') {
                interceptor
                  .delay(limitMs + lateMs)
                  .reply(200, { access_token: 'tok', expires_in: 60 });
              } else {
                interceptor.reply(200, () => trickle() as unknown as string);
              }
            });
            expect(expectOneEnding(outcome)).toBe('failed');
            expect(outcome.errors[0]).toContain(`no complete answer within ${timeout} s`);
            expect(outcome.errors[0]).toMatch(/Raise `timeout-seconds`/);
            if (retries > 0) expect(outcome.errors[0]).toContain(`after ${retries + 1} attempts`);
            // Each attempt ends at its limit (the fake clock makes the backoff free), long
            // before the answer would have come.
            expect(outcome.elapsedMs).toBeLessThan((retries + 1) * limitMs + 800);
          } finally {
            for (const timer of timers) clearInterval(timer);
          }
        },
      ),
      { numRuns: runs(8) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// 7 and 8. A whole job (main and post step) against a hostile Domo, and hostile inputs: nothing
// forged, at most one ::error::, no secret in any form, debug logging on and off.
// ---------------------------------------------------------------------------------------------

/** Secrets the inputs carry: distinctive, with characters that every encoding changes. */
const INPUT_SECRETS = {
  'client-secret': 'in&put "SECRET"/é+7a2f=',
  password: ' pass&word<SECRET> é:1 ',
  'session-token': 'sess%SECRET&<tok>"9d',
  'session-cookie': 'cookie%SECRET&<ck>3e',
  'developer-token': 'dev%SECRET&<tok>"5b',
} as const;
/** Secrets the fake Domo hands out, once it has. */
const SESSION = 'sessTOKEN-4f1c2a9e/+=';
const CLIENT_SECRET = 'clientSECRET-0d9b7e31&"';
const ACCESS = 'accessTOKEN.eyJ4IjoxfQ.c2lnbmF0dXJl';
const CLIENT_ID = 'cid-0d9b7e31';

/** The ways a message may carry a secret it echoes. */
const ECHOES: Array<(secret: string) => string> = [
  (s) => s,
  (s) => JSON.stringify(s),
  (s) => encodeURIComponent(s),
  (s) => new URLSearchParams({ s }).toString(),
  (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
  (s) => Buffer.from(s).toString('base64'),
  (s) => Buffer.from(`u:${s}`).toString('base64'),
  (s) => Buffer.from(`:${s}!`).toString('base64url'),
  (s) => `"${s}"`,
  (s) => [...s].map((c, i) => (i % 2 ? encodeURIComponent(c) : c)).join(''),
];

/** Text that would forge a command, break a line or a summary cell. */
// prettier-ignore
const INJECTIONS = [
  '\n::error::forged', '\r::warning::forged', '\r\n::add-mask::x', '::error::forged',
  '  ::ERROR title=x::forged', '##[error]forged', 'x ##[set-output name=a]b', '##[group]g',
  '\u2028::error::forged', '\u0085::debug::x', '%0A::error::forged', '::stop-commands::tok',
  '<img src=x onerror=alert(1)>', '| a | b |', '`code`', '[link](https://evil.test)', ':::', '#',
  'acme', 'Admin', '', ' ', 'é😀',
];

/** A piece of hostile text: an injection, or an echo of a secret known at the time. */
type Piece = { text: string } | { echo: number; how: number };
const piece: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS).map((text) => ({ text })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.nat(20), fc.nat(ECHOES.length - 1))
      .map(([echo, how]) => ({ echo, how })),
  },
  { weight: 1, arbitrary: anyString(8).map((text) => ({ text })) },
);
const hostileText = fc.array(piece, { minLength: 1, maxLength: 3 });
type HostileText = Piece[];

/** One answer of the fake Domo, whatever the call. */
type Reply =
  | { kind: 'ok'; fields: HostileText[]; clientId?: HostileText }
  | {
      kind: 'error';
      status: number;
      shape: 'error_description' | 'message' | 'reason' | 'html' | 'text' | 'gzip' | 'binary';
      text: HostileText;
    }
  | { kind: 'redirect'; text: HostileText }
  | { kind: 'socket'; failure: 'refused' | 'reset' | 'timeout' };

const reply: fc.Arbitrary<Reply> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        kind: fc.constant('ok' as const),
        fields: fc.array(hostileText, { minLength: 4, maxLength: 4 }),
        clientId: hostileText,
      },
      { requiredKeys: ['kind', 'fields'] },
    ),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('error' as const),
      status: fc.constantFrom(200, 400, 401, 403, 404, 409, 429, 500, 503),
      shape: fc.constantFrom(
        'error_description',
        'message',
        'reason',
        'html',
        'text',
        'gzip',
        'binary',
      ),
      text: hostileText,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('redirect' as const), text: hostileText }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('socket' as const),
      failure: fc.constantFrom('refused', 'reset', 'timeout'),
    }),
  },
);

const basicOf = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');

/**
 * A Domo that answers each call in turn from `script` (then as a good Domo would), with hostile
 * text in every field it sends. It echoes only secrets the action has been given by then: the
 * inputs', and each one Domo itself handed out in an earlier answer.
 */
function fakeDomo(
  script: Reply[],
  known: string[],
): { transport: Transport; requests: () => number } {
  let n = 0;
  const say = (text: HostileText): string =>
    text
      .map((p) => ('text' in p ? p.text : ECHOES[p.how]!(known[p.echo % known.length]!)))
      .join('');
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
    const bytes = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return { status, headers, ...asText(bytes, headers) } satisfies HttpResponse;
  };
  const transport: Transport = async (request: HttpRequest) => {
    const r: Reply = script[n++] ?? { kind: 'ok', fields: [[], [], [], []] };
    if (r.kind === 'socket') {
      throw new TransportFailure(r.failure, `simulated ${r.failure}`);
    }
    if (r.kind === 'redirect') {
      return answer(302, '', { location: `https://evil.test/${say(r.text)}` });
    }
    if (r.kind === 'error') {
      const text = say(r.text);
      if (r.shape === 'html') return answer(r.status, `<html><title>${text}</title></html>`);
      if (r.shape === 'text') return answer(r.status, text);
      if (r.shape === 'reason') return answer(r.status, { success: false, reason: text });
      if (r.shape === 'gzip') {
        const headers = { 'content-encoding': 'gzip' };
        const bytes = gzipSync(JSON.stringify({ message: text }));
        return { status: r.status, headers, ...asText(bytes, headers) };
      }
      if (r.shape === 'binary') {
        const bytes = Buffer.concat([Buffer.from([0, 1, 2, 0x1b]), Buffer.from(text)]);
        return { status: r.status, headers: {}, ...asText(bytes, {}) };
      }
      return answer(r.status, { [r.shape]: text });
    }
    const [a = '', b = '', c = '', d = ''] = r.fields.map(say);
    const clientId = r.clientId ? say(r.clientId) : CLIENT_ID;
    const { pathname } = new URL(request.url);
    if (pathname.endsWith('/api/content/v2/authentication')) {
      known.push(SESSION);
      return answer(200, { success: true, sessionToken: SESSION, userId: a });
    }
    if (pathname.endsWith('/oauth/token')) {
      known.push(ACCESS);
      return answer(200, {
        access_token: ACCESS,
        expires_in: 3600,
        token_type: 'bearer',
        customer: a,
        role: b,
        scope: c,
        userId: d,
      });
    }
    if (request.method === 'POST') {
      known.push(CLIENT_SECRET, basicOf(clientId, CLIENT_SECRET));
      return answer(200, {
        client_id: clientId,
        client_secret: CLIENT_SECRET,
        clientId,
        clientSecret: CLIENT_SECRET,
        id: 42,
        name: a,
      });
    }
    if (request.method === 'GET') {
      const entries = [
        { id: 42, clientId, name: a },
        { id: b, clientId: c, name: d },
      ];
      return answer(200, n % 2 ? entries : { entries });
    }
    return answer(204, '');
  };
  return { transport, requests: () => n };
}

const ALLOWED_COMMANDS = new Set(['add-mask', 'debug', 'warning', 'error']);

/** Nothing forged: only the commands @actions/core writes for us, at most one ::error::. */
function expectNothingForged(outcome: Outcome): void {
  expect(outcome.stdout).not.toContain('##[');
  for (const command of outcome.commands) {
    expect(command.legacy).toBe(false);
    expect(ALLOWED_COMMANDS.has(command.name)).toBe(true);
  }
  expect(outcome.errors.length).toBeLessThanOrEqual(1);
  // Every line is one @actions/core wrote: a command it issued, or an info line without one.
  for (const line of outcome.stdout.split(/\r\n|\r|\n/)) {
    if (line.trimStart().startsWith('::'))
      expect(line).toMatch(/^::(add-mask|debug|warning|error)::/);
  }
}

/** Session sources, with the inputs that choose them (one provision mode each). */
const SOURCES: Array<Partial<RawInputs>> = [
  { username: 'ci@acme.example', password: INPUT_SECRETS.password },
  { 'session-token': INPUT_SECRETS['session-token'] },
  { 'session-cookie': INPUT_SECRETS['session-cookie'] },
  { 'developer-token': INPUT_SECRETS['developer-token'] },
];

describe('7. a whole job against a hostile Domo, debug logging on and off', () => {
  test('main and post: nothing forged, one ::error:: at most, no secret in any form', async () => {
    const seen = { ok: 0, failed: 0, post: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(undefined), fc.nat(SOURCES.length - 1)),
        fc.array(reply, { maxLength: 5 }),
        fc.array(reply, { maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 }),
        async (source, mainScript, postScript, debug, retries) => {
          const inputs: Record<string, string> =
            source === undefined
              ? { 'client-id': 'cid-input', 'client-secret': INPUT_SECRETS['client-secret'] }
              : { mode: 'provision', instance: INSTANCE, ...SOURCES[source] };
          setInputs({ ...inputs, 'api-url': API, retries: String(retries), scope: 'data user' });
          // What the action is given before any answer: the secret inputs, and in token mode
          // the Basic credential it sends.
          const known: string[] = Object.values(INPUT_SECRETS).filter((s) =>
            Object.values(inputs).includes(s),
          );
          if (source === undefined)
            known.push(basicOf('cid-input', INPUT_SECRETS['client-secret']));
          const domo = fakeDomo(mainScript, known);
          const main = await runAction(() => {}, { debug, transport: domo.transport });

          expectNothingForged(main);
          if (main.exitCode === undefined) {
            expect(main.errors).toEqual([]);
            expect(main.outputs['access-token']).toBe(ACCESS);
            seen.ok++;
          } else {
            expect(main.exitCode).toBe(1);
            expect(main.errors).toHaveLength(1);
            expect(main.outputs).toEqual({});
            seen.failed++;
          }
          expect(findLeaks(main, known)).toEqual([]);

          if (Object.keys(main.state).length === 0) return;
          // The post step knows what the main step masked, and answers may echo any of it.
          seen.post++;
          const masked = main.commands.filter((c) => c.name === 'add-mask').map((c) => c.message);
          const postKnown = [...new Set([...masked, ...known.filter((s) => masked.includes(s))])];
          const postDomo = fakeDomo(postScript, postKnown);
          const post = await runAction(() => {}, {
            debug,
            transport: postDomo.transport,
            post: main.state,
          });
          expectNothingForged(post);
          // The post step never fails the job: a warning at most.
          expect(post.errors).toEqual([]);
          expect(post.exitCode).toBeUndefined();
          expect(findLeaks(post, postKnown)).toEqual([]);
        },
      ),
      { numRuns: runs(250) },
    );
    expect(seen.ok).toBeGreaterThan(enough(20));
    expect(seen.failed).toBeGreaterThan(enough(50));
    expect(seen.post).toBeGreaterThan(enough(20));
  });
});

/** A URL input with a password in it: the password may never be printed, registered or not. */
const URL_PASSWORD = 'urlPASS-5e&"x';
const urlWithPassword = fc
  .tuple(
    fc.constantFrom('https://', 'http://', 'HTTPS://', 'https:', ''),
    fc.constantFrom(
      `u:${URL_PASSWORD}@`,
      `:${URL_PASSWORD}@`,
      `u:${encodeURIComponent(URL_PASSWORD)}@`,
    ),
    fc.constantFrom('api.domo.com', '[::1]:8080', 'acme.domo.com', 'exa mple', '[::1', ''),
    fc.constantFrom('', '/', '/v1', '/a@b', '?q=1', '#f', '/\n::error::x', ' ##[error]x'),
  )
  .map((parts) => parts.join(''));
const injectionInput = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.tuple(anyString(6), fc.constantFrom(...INJECTIONS), anyString(6)).map((p) => p.join('')),
);

describe('8. hostile inputs, in a whole run', () => {
  test('an input is quoted in one clean line, never with a secret or a URL password', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            mode: fc.oneof(modeInput, injectionInput),
            scope: fc.oneof(scopeInput, injectionInput),
            'api-url': fc.oneof(urlWithPassword, injectionInput, fc.constant(API)),
            instance: fc.oneof(urlWithPassword, injectionInput, fc.constant(INSTANCE)),
            'env-var': fc.oneof(envVarInput, injectionInput),
            retries: fc.oneof(retriesInput, injectionInput),
            'timeout-seconds': fc.oneof(timeoutInput, injectionInput),
            'client-name': injectionInput,
            'delete-client': fc.oneof(booleanInput, injectionInput),
            'export-env': fc.oneof(booleanInput, injectionInput),
            summary: fc.oneof(booleanInput, injectionInput),
            'client-id': fc.oneof(fc.constant('cid-input'), injectionInput),
          },
          { requiredKeys: [] },
        ),
        fc.nat(SOURCES.length),
        fc.boolean(),
        async (hostile, source, debug) => {
          const secrets =
            source === SOURCES.length
              ? { 'client-secret': INPUT_SECRETS['client-secret'] }
              : SOURCES[source]!;
          setInputs({ ...secrets, ...hostile } as Record<string, string>);
          const domo = fakeDomo([], []);
          const outcome = await runAction(() => {}, { debug, transport: domo.transport });
          expectNothingForged(outcome);
          expect(outcome.errors.length).toBe(outcome.exitCode === undefined ? 0 : 1);
          const given = Object.values(secrets).filter((s) => s !== 'ci@acme.example');
          expect(findLeaks(outcome, [...given, URL_PASSWORD])).toEqual([]);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
