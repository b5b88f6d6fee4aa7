/**
 * The one way out: every log line, annotation and summary cell is redacted and cleaned,
 * whoever wrote it; outputs and environment variables are refused rather than altered.
 */
import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommands, parseFileCommands, secretForms } from '../dev/runner.mjs';
import type { Config } from '../src/config.js';
import type { Context } from '../src/context.js';
import { ActionError } from '../src/errors.js';
import type { HttpRequest } from '../src/http.js';
import { runEntry, runPostEntry } from '../src/entry.js';
import { debug, fail, info, mask, MAX_LINE, resetMasks, warning } from '../src/log.js';
import { handOver, requireRunnerFiles } from '../src/outputs.js';
import { remember } from '../src/secrets.js';
import { token as tokenStory } from '../src/stories/token.js';

// One directory for the file: @actions/core's summary keeps the first path it writes to.
const dir = mkdtempSync(join(tmpdir(), 'domo-auth-publish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const files = {
  GITHUB_OUTPUT: join(dir, 'output'),
  GITHUB_ENV: join(dir, 'env'),
  GITHUB_STATE: join(dir, 'state'),
  GITHUB_STEP_SUMMARY: join(dir, 'summary'),
};
const read = (name: keyof typeof files) => readFileSync(files[name], 'utf8');

let stdout = '';
const saved = { ...process.env };
beforeEach(() => {
  for (const file of Object.values(files)) writeFileSync(file, '');
  Object.assign(process.env, files);
  delete process.env.RUNNER_DEBUG;
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  resetMasks();
  // The process's exit code is shared by every file in this process: start from none.
  process.exitCode = undefined;
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  process.exitCode = undefined;
});

const lines = () => stdout.split(/\r\n|\r|\n/).filter(Boolean);

const HOSTILE = 'Domo said: line one\n::error::forged\r::warning::two ##[error]three\u2028four';
const CLEANED = 'Domo said: line one : :error: :forged : :warning: :two # #[error]three four';

describe('log lines and annotations', () => {
  test.each<[string, (message: string) => void, string]>([
    ['info', info, CLEANED],
    ['debug', debug, `::debug::${CLEANED}`],
    ['warning', warning, `::warning::${CLEANED}`],
    ['fail', (m) => fail(new Error(m)), `::error::${CLEANED}`],
  ])('%s writes one clean line', (_, write, expected) => {
    write(HOSTILE);
    expect(lines()).toEqual([expected]);
    const commands = parseCommands(stdout);
    expect(commands.filter((c) => c.legacy)).toEqual([]);
    expect(commands.length).toBeLessThanOrEqual(1);
  });

  test.each<[string, (message: string) => void]>([
    ['info', info],
    ['debug', debug],
    ['warning', warning],
    ['fail', (m) => fail(new Error(m))],
  ])('%s redacts every form of a known secret', (_, write) => {
    const secret = 'pa ss"wörd&1';
    mask(secret);
    stdout = '';
    const b64 = Buffer.from(`user:${secret}`).toString('base64');
    write(
      `raw ${secret} json ${JSON.stringify(secret)} uri ${encodeURIComponent(secret)} b64 ${b64}`,
    );
    expect(lines()).toHaveLength(1);
    for (const form of secretForms(secret)) expect(stdout).not.toContain(form);
    expect(stdout).toContain('raw *** json "***" uri *** b64 dXNlcjp***');
  });

  test('a message is bounded, and never empty', () => {
    info('x'.repeat(MAX_LINE + 10));
    fail(new Error(''));
    expect(lines()).toEqual([
      `${'x'.repeat(MAX_LINE)}…`,
      '::error::domo-auth failed without a message.',
    ]);
    expect(process.exitCode).toBe(1);
  });

  test('with debug on, an unexpected error adds its stack, one clean debug line per frame', () => {
    process.env.RUNNER_DEBUG = '1';
    mask('stack-secret');
    stdout = '';
    const err = new TypeError('boom stack-secret');
    err.stack =
      'TypeError: boom stack-secret\n    at f (file.ts:1:2)\n  \n\r\n    at ::error::g (x.ts:3:4)';
    fail(err);
    expect(lines()).toEqual([
      '::debug::TypeError: boom ***',
      '::debug::at f (file.ts:1:2)',
      '::debug::at : :error: :g (x.ts:3:4)',
      '::error::boom ***',
    ]);
  });

  test('mask registers the value and each line of it (split at \\n, \\r\\n and \\r), once', () => {
    mask('first-line\nsecond-line\r\n  third-line \rfourth-line', '  ', undefined, 'first-line');
    expect(parseCommands(stdout).map((c) => [c.name, c.message])).toEqual([
      ['add-mask', 'first-line\nsecond-line\r\n  third-line \rfourth-line'],
      ['add-mask', 'first-line'],
      ['add-mask', 'second-line'],
      ['add-mask', 'third-line'],
      ['add-mask', 'fourth-line'],
    ]);
  });

  test('the runner is told a secret the redaction learnt first (a token read before its answer is accepted)', () => {
    remember('token-0123456789');
    mask('token-0123456789');
    mask('token-0123456789');
    expect(parseCommands(stdout).map((c) => c.message)).toEqual(['token-0123456789']);
  });

  test('a line of a few characters is no secret of its own: it would hide every word holding it', () => {
    // Six characters (MIN_FRAGMENT_LENGTH) make a line a secret of its own; five do not.
    mask('-\r\nab\nlong-enough-line\nsix-ch\nfive-', 'x');
    expect(parseCommands(stdout).map((c) => c.message)).toEqual([
      '-\r\nab\nlong-enough-line\nsix-ch\nfive-',
      'long-enough-line',
      'six-ch',
      'x',
    ]);
    stdout = '';
    info('Input `client-id` has ab, five-, six-ch and long-enough-line');
    expect(lines()).toEqual(['Input `client-id` has ab, five-, *** and ***']);
  });
});

describe('the hand-over', () => {
  const config = {
    mode: 'provision',
    scopes: ['data'],
    apiUrl: 'https://api.domo.test',
    exportEnv: true,
    envVar: 'DOMO_ACCESS_TOKEN',
    retries: 0,
    timeoutMs: 1000,
    summary: true,
    tokenCommand: false,
    provision: { deleteClient: true },
  } as unknown as Config;
  const answer = {
    access_token: 'tok-0123456789',
    token_type: 'bearer',
    expires_in: 3599,
    scope: 'data',
    customer: 'acme',
    userId: '7',
    role: 'Admin',
  };
  const client = { clientId: 'cid-1', clientSecret: 'csec-0123456789', name: 'ci bot', listId: '' };
  const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
  /** Token mode's story with Domo answering `body` to the token request. */
  const story = (body: Record<string, unknown>, c = client) => {
    const ctx = {
      env: {},
      clock: { now: () => NOW, sleep: async () => undefined },
      random: () => 0.5,
      transport: async (_: HttpRequest) => ({
        status: 200,
        headers: {},
        body: JSON.stringify(body),
      }),
      retry: () => ({
        retries: 0,
        safety: 'idempotent',
        clock: { now: () => NOW, sleep: async () => undefined },
        random: () => 0.5,
      }),
      entryDir: '',
    } as unknown as Context;
    return tokenStory(config, ctx, c);
  };

  test("Domo's words as they are in outputs; cleaned in the log; cleaned and escaped in the summary", async () => {
    const hostile = {
      ...answer,
      customer: 'acme ##[error]x ::warning::y',
      role: '<b>Admin</b> | `x` [l](https://e.test)',
      userId: '7 & 8',
    };
    mask(answer.access_token, client.clientSecret);
    await story(hostile, { ...client, name: 'bot ##[x]' });
    stdout = stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');

    expect(parseFileCommands(read('GITHUB_OUTPUT'))).toMatchObject({
      customer: 'acme ##[error]x ::warning::y',
      role: '<b>Admin</b> | `x` [l](https://e.test)',
      'user-id': '7 & 8',
      'client-id': 'cid-1',
    });
    expect(lines()).toEqual([
      'Domo access token ready for acme # #[error]x : :warning: :y: scope "data", expires 2026-11-23T12:59:59Z (in 3599 s).',
      'Outputs set; exported DOMO_ACCESS_TOKEN, DOMO_CLIENT_ID, DOMO_CLIENT_SECRET for later steps of this job.',
    ]);
    const summary = read('GITHUB_STEP_SUMMARY');
    expect(summary).toContain('<td>Customer</td><td>acme # #&#91;error&#93;x : :warning: :y</td>');
    expect(summary).toContain(
      '<td>Role</td><td>&#60;b&#62;Admin&#60;/b&#62; &#124; &#96;x&#96; &#91;l&#93;(https://e.test)</td>',
    );
    expect(summary).toContain('<td>User id</td><td>7 &#38; 8</td>');
    expect(summary).toContain('<td>API client</td><td>bot # #&#91;x&#93; (cid-1)</td>');
    expect(summary).toContain('<td>Expires at (UTC)</td><td>2026-11-23T12:59:59Z</td>');
    expect(summary).not.toMatch(/tok-0123456789|csec-0123456789/);
  });

  test('a secret echoed in a token field is redacted from the log and the summary, in any form', async () => {
    mask(client.clientSecret);
    stdout = '';
    const echoed = `${JSON.stringify(client.clientSecret)} ${Buffer.from(`x${client.clientSecret}`).toString('base64')}`;
    await story({ ...answer, customer: echoed, role: echoed });
    const shown = stdout
      .split('\n')
      .filter((l) => !l.startsWith('::add-mask::'))
      .join('\n');
    expect(shown).not.toMatch(/csec|Y3NlYy0wMTIzNDU2Nzg5|NzZWMtMDEyMzQ1Njc4O/);
    expect(read('GITHUB_STEP_SUMMARY')).not.toMatch(
      /csec|Y3NlYy0wMTIzNDU2Nzg5|NzZWMtMDEyMzQ1Njc4O/,
    );
  });

  test.each<[string, string, string]>([
    ['customer', 'acme\n::error::x', 'U+000A'],
    ['role', 'Admin\u2028', 'U+2028'],
    ['user-id', '7\t8', 'U+0009'],
    ['client-id', 'cid\r', 'U+000D'],
    ['client-secret', 'sec\u0085ret', 'U+0085'],
  ])('a control character in %s is an error naming it, and nothing is set', (name, value, code) => {
    const outputs = { 'access-token': 'tok', [name]: value };
    let err: unknown;
    try {
      handOver(outputs, { DOMO_ACCESS_TOKEN: 'tok' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ActionError);
    expect((err as Error).message).toMatch(
      `Output \`${name}\` would contain a line break or control character (${code})`,
    );
    expect(read('GITHUB_OUTPUT')).toBe('');
    expect(read('GITHUB_ENV')).toBe('');
  });

  test('an exported variable is checked as its output is', () => {
    expect(() => handOver({}, { DOMO_INSTANCE: 'a\nb' })).toThrow(
      'Variable `DOMO_INSTANCE` would contain a line break or control character (U+000A)',
    );
    expect(read('GITHUB_ENV')).toBe('');
  });
});

describe('entries', () => {
  type Handler = (err: unknown) => void;
  let handlers: Record<string, Handler>;
  let exits: Array<number | undefined>;
  beforeEach(() => {
    handlers = {};
    exits = [];
    // Handlers are captured, not installed, so that nothing outlives the test.
    jest.spyOn(process, 'on').mockImplementation(((event: string, handler: Handler) => {
      handlers[event] = handler;
      return process;
    }) as typeof process.on);
    jest.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      exits.push(code);
    }) as typeof process.exit);
  });
  const commandsOut = () => parseCommands(stdout).map((c) => [c.name, c.message]);

  test.each<[string, () => Promise<void>, Array<[string, string]>, number]>([
    ['a run that ends well exits 0', async () => undefined, [], 0],
    [
      'a run that throws: one ::error::, exit 1',
      async () => {
        throw new Error('boom');
      },
      [['error', 'boom']],
      1,
    ],
    [
      'a run that throws something not an Error',
      () => Promise.reject('plain ##[error]text'),
      [['error', 'plain # #[error]text']],
      1,
    ],
  ])('main: %s', async (_, entry, expected, code) => {
    await runEntry(entry);
    expect(commandsOut()).toEqual(expected);
    expect(exits).toEqual([code]);
  });

  test.each<[string, () => Promise<void>, Array<[string, string]>]>([
    ['a post step that ends well', async () => undefined, []],
    [
      'a post step that throws: a warning, never a failure',
      async () => {
        throw new Error('lost ::error::x');
      },
      [['warning', 'domo-auth post step: lost : :error: :x']],
    ],
    [
      'a post step that throws something not an Error',
      () => Promise.reject(42),
      [['warning', 'domo-auth post step: 42']],
    ],
  ])('post: %s exits 0', async (_, entry, expected) => {
    await runPostEntry(entry);
    expect(commandsOut()).toEqual(expected);
    expect(exits).toEqual([0]);
  });

  test.each<[string, 'uncaughtException' | 'unhandledRejection']>([
    ['an exception', 'uncaughtException'],
    ['a rejection', 'unhandledRejection'],
  ])('%s outside the story: reported once, and the process exits', async (_, event) => {
    // Entries that never end: only the handler can end the process.
    const never = () => new Promise<void>(() => undefined);
    void runEntry(never);
    handlers[event]!(new Error('stray'));
    expect(commandsOut()).toEqual([['error', 'stray']]);
    expect(exits).toEqual([1]);

    stdout = '';
    process.exitCode = undefined;
    void runPostEntry(never);
    handlers[event]!(new Error('stray'));
    expect(commandsOut()).toEqual([['warning', 'domo-auth post step: stray']]);
    expect(exits).toEqual([1, 0]);

    // A handler that reports nothing still ends a main step with a failing code.
    process.exitCode = undefined;
    void runEntry(never, () => undefined);
    handlers[event]!(new Error('stray'));
    expect(exits).toEqual([1, 0, 1]);
  });
});

describe('the runner files', () => {
  test.each<[string, NodeJS.ProcessEnv, string]>([
    ['missing', {}, 'The runner did not provide GITHUB_OUTPUT, GITHUB_STATE;'],
    [
      'gone',
      { GITHUB_OUTPUT: files.GITHUB_OUTPUT, GITHUB_STATE: join(dir, 'gone', 'state') },
      "The runner's GITHUB_STATE file cannot be written (ENOENT); domo-auth stops before it asks Domo for anything.",
    ],
  ])('%s: one error naming the file and its code, before any request', (_, env, message) => {
    expect(() => requireRunnerFiles(['GITHUB_OUTPUT', 'GITHUB_STATE'], env)).toThrow(message);
  });

  test('present and writable: nothing to say', () => {
    expect(() => requireRunnerFiles(['GITHUB_OUTPUT'], files)).not.toThrow();
  });
});
