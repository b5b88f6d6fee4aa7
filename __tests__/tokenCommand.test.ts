/**
 * `domo-token` as a later step runs it: settings in a file, Domo faked with nock, a fake clock
 * (no real waits), and what it writes on stdout and stderr read back in the order it wrote it.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from './helpers/nock.js';

const { needsNewToken, parseArgs, runTokenCommand, writer } =
  await import('../src/tokenCommand.js');
const { writeSettings } = await import('../src/tokenCommandFiles.js');
const { createTransport } = await import('../src/http.js');
const { forget } = await import('../src/secrets.js');

type Settings = import('../src/tokenCommandFiles.js').TokenSettings;

const API = 'https://api.domo.test';
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const SECRET = 'c$ecret/+%&"x1';
const BASIC = Buffer.from(`cid:${SECRET}`).toString('base64');
const answer = (token: string) => ({
  access_token: token,
  customer: 'acmecompany',
  expires_in: 3599,
  scope: 'data user',
  token_type: 'bearer',
  userId: 964382593,
});

let dir: string;
let file: string;
let now: number;
let sleeps: number[];
/** What the command wrote, stream by stream, in order. */
let events: Array<['stdout' | 'stderr', string]>;

const base: Settings = {
  clientId: 'cid',
  clientSecret: SECRET,
  scopes: ['data', 'user'],
  apiUrl: API,
  retries: 5,
  timeoutMs: 2000,
  accessToken: 'tok-cached-0001',
  expiresAtMs: NOW + 3_600_000,
};

function deps(settingsFile: string | undefined = file) {
  return {
    settingsFile,
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    random: () => 0.5,
    transport: (timeoutMs: number) => createTransport({ timeoutMs }),
    stdout: (text: string) => void events.push(['stdout', text]),
    stderr: (text: string) => void events.push(['stderr', text]),
  };
}

const out = (stream: 'stdout' | 'stderr') =>
  events
    .filter(([s]) => s === stream)
    .map(([, text]) => text)
    .join('');
const stderrLines = () => out('stderr').split('\n').filter(Boolean);
const saved = (): Settings => JSON.parse(readFileSync(file, 'utf8'));
const expired = (settings: Partial<Settings> = {}) =>
  writeSettings(file, { ...base, expiresAtMs: NOW - 1000, ...settings });
const tokenCall = () => nock(API).get('/oauth/token').query(true);

/** GitHub's runner takes such a line for a workflow command, on either stream. */
const isCommand = (line: string) => /^\s*::/.test(line) || line.includes('##[');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'domo-token-cmd-'));
  file = join(dir, 'settings.json');
  now = NOW;
  sleeps = [];
  events = [];
});

afterEach(() => {
  nock.cleanAll();
  forget();
  rmSync(dir, { recursive: true, force: true });
});

describe('when the cached token will do', () => {
  const at = (secondsLeft: number) => ({
    accessToken: 'tok',
    expiresAtMs: NOW + secondsLeft * 1000,
  });
  test.each<[string, { accessToken: string; expiresAtMs: number }, number, boolean]>([
    ['exactly min-seconds left', at(300), 300, false],
    ['a second less', at(299), 300, true],
    ['a millisecond less', at(299.999), 300, true],
    ['plenty left', at(3599), 300, false],
    ['expired', at(-1), 300, true],
    ['expired long ago, with min 0', at(-3600), 0, true],
    ['min 0, a millisecond left', at(0.001), 0, false],
    ['min 0, expiring this instant', at(0), 0, true],
    ['min 3000, exactly 3000 s left', at(3000), 3000, false],
    ['min 3000, 2999 s left', at(2999), 3000, true],
    ['no token yet', { accessToken: '', expiresAtMs: NOW + 3_600_000 }, 0, true],
  ])('%s', (_, settings, minSeconds, expected) => {
    expect(needsNewToken(settings, NOW, minSeconds)).toBe(expected);
  });
});

describe('flags', () => {
  test.each<[string[], number]>([
    [[], 300],
    [['--min-seconds', '0'], 0],
    [['--min-seconds', '3000'], 3000],
    [['--min-seconds=120'], 120],
    [['--min-seconds', '0600'], 600],
  ])('%j: min-seconds %d', (argv, minSeconds) => {
    expect(parseArgs(argv)).toEqual({ minSeconds, help: false });
  });

  test.each<[string[], string]>([
    [['--min-seconds', '3001'], 'must be a whole number of seconds from 0 to 3000 (got "3001")'],
    [['--min-seconds', '-1'], '(got "-1")'],
    [['--min-seconds', '1.5'], '(got "1.5")'],
    [['--min-seconds', '1e3'], '(got "1e3")'],
    [['--min-seconds', ' 5'], '(got " 5")'],
    [['--min-seconds', '+5'], '(got "+5")'],
    [['--min-seconds', ''], '(got "")'],
    [['--min-seconds='], '(got "")'],
    [['--min-seconds', 'abc'], '(got "abc")'],
    [['--min-seconds'], 'needs a number'],
    [['--min-seconds', '5', '--min-seconds', '6'], 'is given twice'],
  ])('%j is a usage error naming the flag', async (argv, problem) => {
    writeSettings(file, base);
    const scope = tokenCall().reply(200, answer('tok-new-0001'));
    await expect(runTokenCommand(argv, deps())).resolves.toBe(2);
    expect(out('stdout')).toBe('');
    expect(stderrLines()).toHaveLength(1);
    expect(out('stderr')).toMatch(/^domo-token: `--min-seconds` /);
    expect(out('stderr')).toContain(problem);
    expect(scope.isDone()).toBe(false);
  });

  test.each([['--min'], ['300'], ['-m', '5'], ['--min-seconds=5', 'extra']])(
    '%j: an unknown argument is a usage error that shows the usage',
    async (...argv) => {
      writeSettings(file, base);
      await expect(runTokenCommand(argv, deps())).resolves.toBe(2);
      expect(out('stdout')).toBe('');
      expect(out('stderr')).toMatch(
        /^domo-token: unknown argument "[^"]+"; usage: domo-token \[--min-seconds N\]\n$/,
      );
    },
  );

  test('--help prints the usage on stdout, with no settings needed', async () => {
    await expect(runTokenCommand(['--help'], { ...deps(), settingsFile: undefined })).resolves.toBe(
      0,
    );
    expect(out('stdout')).toMatch(
      /^usage: domo-token \[--min-seconds N\]\n.*default 300, at most 3000/,
    );
    expect(out('stderr')).toBe('');
  });

  // The flag reaches the decision: the same file answers from the cache or asks Domo.
  test.each<[string[], number, boolean]>([
    [[], 300, false],
    [[], 299, true],
    [['--min-seconds', '0'], 1, false],
    [['--min-seconds', '0'], 0, true],
    [['--min-seconds', '3000'], 3000, false],
    [['--min-seconds', '3000'], 2999, true],
  ])('%j with %d s left: asks Domo %s', async (argv, secondsLeft, asks) => {
    writeSettings(file, { ...base, expiresAtMs: NOW + secondsLeft * 1000 });
    const scope = tokenCall().reply(200, answer('tok-new-0001'));
    await expect(runTokenCommand(argv, deps())).resolves.toBe(0);
    expect(scope.isDone()).toBe(asks);
    expect(out('stdout')).toBe(asks ? 'tok-new-0001\n' : 'tok-cached-0001\n');
  });
});

describe('the cached token', () => {
  test('is printed with a line break, nothing else, and nothing is sent or written', async () => {
    writeSettings(file, base);
    const before = readFileSync(file, 'utf8');
    const mtime = statSync(file).mtimeMs;
    const scope = nock(API).get(/.*/).reply(200, answer('tok-new-0001'));
    await expect(runTokenCommand([], deps())).resolves.toBe(0);
    expect(events).toEqual([['stdout', 'tok-cached-0001\n']]);
    expect(scope.isDone()).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
  });
});

describe('a new token', () => {
  test('masked on stderr before it is printed on stdout, and kept in the file, whole', async () => {
    expired();
    const scope = nock(API, { reqheaders: { authorization: `Basic ${BASIC}` } })
      .get('/oauth/token')
      .query({ grant_type: 'client_credentials', scope: 'data user' })
      .reply(200, answer('tok-new-0001'));
    await expect(runTokenCommand([], deps())).resolves.toBe(0);
    scope.done();
    const escaped = SECRET.replace(/%/g, '%25');
    expect(events).toEqual([
      ['stderr', `::add-mask::${escaped}\n::add-mask::${BASIC}\n`],
      ['stderr', '::add-mask::tok-new-0001\n'],
      ['stdout', 'tok-new-0001\n'],
    ]);
    expect(saved()).toEqual({ ...base, accessToken: 'tok-new-0001', expiresAtMs: NOW + 3_599_000 });
    expect(readFileSync(file, 'utf8')).toMatch(/^\{.*\}\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });

  test('a multi-line secret is masked whole (escaped into one line) and line by line', async () => {
    expired({ clientSecret: 'first-line\nsecond-line\r\nok' });
    tokenCall().reply(200, answer('tok-new-0001'));
    await expect(runTokenCommand([], deps())).resolves.toBe(0);
    expect(stderrLines().slice(0, 3)).toEqual([
      '::add-mask::first-line%0Asecond-line%0D%0Aok',
      '::add-mask::first-line',
      '::add-mask::second-line',
    ]);
  });

  test('a 405 to GET is sent again as a form POST, and retries POST directly', async () => {
    expired();
    nock(API).get('/oauth/token').query(true).reply(405, { error: 'method_not_allowed' });
    const post = nock(API, { reqheaders: { authorization: `Basic ${BASIC}` } })
      .post('/oauth/token', 'grant_type=client_credentials&scope=data+user')
      .reply(503, { message: 'busy' })
      .post('/oauth/token', 'grant_type=client_credentials&scope=data+user')
      .reply(200, answer('tok-post-0001'));
    await expect(runTokenCommand([], deps())).resolves.toBe(0);
    post.done();
    expect(out('stdout')).toBe('tok-post-0001\n');
    expect(saved().accessToken).toBe('tok-post-0001');
  });

  test('retries as the main step does: lines on stderr, waits on the clock, expiry from the attempt that won', async () => {
    expired();
    // A 502 is retried only because asking for a token again does no harm (idempotent).
    tokenCall().reply(502, { message: 'Bad Gateway' });
    tokenCall().reply(429, '', { 'retry-after': '7' });
    tokenCall().reply(200, answer('tok-new-0002'));
    await expect(runTokenCommand([], deps())).resolves.toBe(0);
    // random 0.5: backoff 1 s, then 2 s against Retry-After 7 s plus half a second of jitter.
    expect(sleeps).toEqual([1000, 7500]);
    expect(stderrLines().filter((line) => !line.startsWith('::add-mask::'))).toEqual([
      'domo-token: Domo token request: HTTP 502 (Bad Gateway). Retrying in 1.0 s (attempt 2 of 6).',
      'domo-token: Domo token request: HTTP 429. Retrying in 7.5 s (attempt 3 of 6).',
    ]);
    expect(out('stdout')).toBe('tok-new-0002\n');
    expect(saved().expiresAtMs).toBe(NOW + 8500 + 3_599_000);
  });

  test('retries spent: non-zero, the error on stderr, the file as it was', async () => {
    expired({ retries: 1 });
    const before = readFileSync(file, 'utf8');
    tokenCall().times(2).reply(503, { message: 'Service Unavailable' });
    await expect(runTokenCommand([], deps())).resolves.toBe(1);
    expect(out('stdout')).toBe('');
    expect(stderrLines().at(-1)).toBe(
      'domo-token: Domo token request failed after 2 attempts: HTTP 503 (Service Unavailable). Domo (or a gateway in front of it) had a server error: re-run the job later.',
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  test('a folder removed during the request: the token is printed all the same, with a warning', async () => {
    expired();
    tokenCall().reply(() => {
      rmSync(dir, { recursive: true, force: true });
      return [200, answer('tok-new-0003')];
    });
    await expect(runTokenCommand([], deps())).resolves.toBe(0);
    expect(out('stdout')).toBe('tok-new-0003\n');
    expect(stderrLines().at(-1)).toBe(
      `domo-token: could not keep the new token in ${file} (ENOENT); the next call will request another.`,
    );
    // Masked before the warning, and the warning before the token.
    expect(events.findIndex(([, t]) => t.includes('::add-mask::tok-new-0003'))).toBeLessThan(
      events.findIndex(([, t]) => t.startsWith('domo-token: could not keep')),
    );
  });

  test.each([['::warning::pwned-by-the-answer'], ['tok##[error]pwned']])(
    'a token %s, which the runner would read as a command, is never printed',
    async (token) => {
      expired();
      tokenCall().reply(200, answer(token));
      await expect(runTokenCommand([], deps())).resolves.toBe(1);
      expect(out('stdout')).toBe('');
      expect(stderrLines().at(-1)).toBe(
        "domo-token: Domo token request failed: the answer is not a token domo-token can print: GitHub's runner would read it as a workflow command.",
      );
      expect(
        stderrLines().filter((line) => isCommand(line) && !line.startsWith('::add-mask::')),
      ).toEqual([]);
      expect(saved().accessToken).toBe(base.accessToken);
    },
  );
});

describe('Domo refuses the client', () => {
  test('401: non-zero, the message on stderr, no secret in any form, no command but add-mask', async () => {
    expired();
    const echoed = [
      SECRET,
      encodeURIComponent(SECRET),
      JSON.stringify(SECRET).slice(1, -1),
      BASIC,
      Buffer.from(SECRET).toString('base64'),
    ];
    tokenCall().reply(401, {
      error: 'unauthorized',
      error_description: `Bad credentials (${echoed.join(' ')})\n::error::forged ##[warning]also`,
    });
    await expect(runTokenCommand([], deps())).resolves.toBe(1);
    expect(out('stdout')).toBe('');
    const lines = stderrLines();
    const masks = lines.filter((line) => line.startsWith('::add-mask::'));
    const messages = lines.filter((line) => !line.startsWith('::add-mask::'));
    expect(masks).toHaveLength(2);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(
      /^domo-token: Domo token request failed: HTTP 401 \(Bad credentials \(\*\*\* \*\*\* \*\*\* \*\*\* .*\) : :error: :forged # #\[warning\]also\)\. Check `client-id` and `client-secret`/,
    );
    for (const form of echoed) expect(messages[0]).not.toContain(form);
    expect(messages.filter(isCommand)).toEqual([]);
    expect(saved().accessToken).toBe(base.accessToken);
  });
});

describe('the settings file', () => {
  test.each<[string, string | undefined]>([
    ['not set', undefined],
    ['missing', 'missing.json'],
  ])('%s: non-zero, saying where domo-token runs; nothing on stdout', async (_, name) => {
    const settingsFile = name && join(dir, name);
    await expect(runTokenCommand([], { ...deps(), settingsFile })).resolves.toBe(1);
    expect(out('stdout')).toBe('');
    expect(stderrLines()).toHaveLength(1);
    expect(out('stderr')).toMatch(
      /^domo-token: no settings \(.*\): domo-token runs only in later steps of the job whose domo-auth step installed it \(`token-command: true`\), and that job's post step removes it, so nothing is left after the job\.\n$/,
    );
  });

  const valid = JSON.stringify(base);
  test.each<[string, string, string]>([
    ['cut off', valid.slice(0, valid.indexOf(SECRET) + 8), 'is not valid JSON'],
    ['empty', '', 'is not valid JSON'],
    ['a list', '[]', '(it is not an object)'],
    ['without the secret', JSON.stringify({ ...base, clientSecret: undefined }), '`clientSecret`'],
    ['retries as text', JSON.stringify({ ...base, retries: '5' }), '`retries`'],
    ['no scopes', JSON.stringify({ ...base, scopes: [] }), '`scopes`'],
    ['a timeout of 0', JSON.stringify({ ...base, timeoutMs: 0 }), '`timeoutMs`'],
    ['an expiry as text', JSON.stringify({ ...base, expiresAtMs: '1' }), '`expiresAtMs`'],
    [
      'http to a host that is not loopback',
      JSON.stringify({ ...base, apiUrl: 'http://api.domo.test' }),
      '`apiUrl` must use https',
    ],
    [
      'a token that would be a workflow command',
      JSON.stringify({ ...base, accessToken: '::stop-commands::x' }),
      "`accessToken` cannot be printed: GitHub's runner would read it as a workflow command",
    ],
  ])(
    '%s: non-zero, naming the file and the problem, never its content',
    async (_, text, problem) => {
      writeFileSync(file, text);
      const scope = nock(API).get(/.*/).reply(200, answer('tok-new-0001'));
      await expect(runTokenCommand([], deps())).resolves.toBe(1);
      expect(out('stdout')).toBe('');
      expect(stderrLines()).toHaveLength(1);
      expect(out('stderr')).toContain(`domo-token: the settings file ${file} `);
      expect(out('stderr')).toContain(problem);
      expect(out('stderr')).toContain('run the domo-auth step again with `token-command: true`');
      expect(out('stderr')).not.toContain(SECRET.slice(0, 6));
      expect(scope.isDone()).toBe(false);
    },
  );

  test('a folder where the file should be: it cannot be read', async () => {
    await expect(runTokenCommand([], deps(dir))).resolves.toBe(1);
    expect(out('stderr')).toBe(`domo-token: cannot read the settings file ${dir} (EISDIR).\n`);
  });
});

describe('several domo-token at once on one file', () => {
  /**
   * A second process that reads and parses the file as fast as it can while the calls run: a
   * file written in place (truncated, then filled) would show it an empty or partial file.
   */
  function startReader(path: string) {
    const script = `
      const fs = require('node:fs');
      let reads = 0, bad = 0, done = false;
      process.stdin.on('end', () => (done = true)).resume();
      (function loop() {
        for (let i = 0; i < 100; i++) {
          try { JSON.parse(fs.readFileSync(process.env.FILE, 'utf8')); reads++; } catch { bad++; }
        }
        if (done) process.stdout.write(JSON.stringify({ reads, bad }));
        else setImmediate(loop);
      })();
      process.stderr.write('ready');`;
    const child = spawn(process.execPath, ['-e', script], { env: { FILE: path } });
    let report = '';
    child.stdout.on('data', (d) => (report += d));
    const ready = new Promise((resolve) => child.stderr.once('data', resolve));
    const finish = () =>
      new Promise<{ reads: number; bad: number }>((resolve, reject) => {
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(report)) : reject(code)));
        child.stdin.end();
      });
    return { ready, finish };
  }

  test('each prints a valid token of its own, and the file is valid JSON throughout', async () => {
    expired();
    const issued = new Set<string>();
    nock(API)
      .get('/oauth/token')
      .query(true)
      .times(80)
      .reply(() => {
        const token = `tok-parallel-${String(issued.size).padStart(4, '0')}`;
        issued.add(token);
        return [200, answer(token)];
      });
    const reader = startReader(file);
    await reader.ready;
    const printed: string[] = [];
    for (let round = 0; round < 10; round++) {
      // Every round finds the file's token expired.
      now = NOW + round * 3_600_000;
      const runs = Array.from({ length: 8 }, async () => {
        const mine: string[] = [];
        const d = { ...deps(), stdout: (text: string) => void mine.push(text), stderr: () => {} };
        const code = await runTokenCommand([], d);
        return { code, stdout: mine.join('') };
      });
      for (const { code, stdout } of await Promise.all(runs)) {
        expect(code).toBe(0);
        expect(stdout).toMatch(/^tok-parallel-\d{4}\n$/);
        printed.push(stdout.trim());
      }
    }
    const { reads, bad } = await reader.finish();
    expect(bad).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(new Set(printed).size).toBe(80);
    expect(printed.every((token) => issued.has(token))).toBe(true);
    expect(issued.has(saved().accessToken)).toBe(true);
    expect(readdirSync(dir)).toEqual(['settings.json']);
  });
});

describe('writer', () => {
  test('writes all of the text to the descriptor', () => {
    const path = join(dir, 'out.txt');
    const fd = openSync(path, 'w');
    try {
      writer(fd, () => process.stdout)('tok-é-0001\n');
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, 'utf8')).toBe('tok-é-0001\n');
  });

  test('a descriptor that cannot be written is an error, not a silent loss', () => {
    const path = join(dir, 'ro.txt');
    writeFileSync(path, '');
    const fd = openSync(path, 'r');
    try {
      expect(() => writer(fd, () => process.stdout)('x')).toThrow(/EBADF/);
    } finally {
      closeSync(fd);
    }
  });
});
