/** The Domo CLI's login files (src/cliLogin.ts), in temporary folders. */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loginPaths,
  mtimeAfter,
  restoreLogins,
  secretsOf,
  writeLogins,
  type RestoreResult,
  type SavedLogin,
} from '../src/cliLogin.js';

const HOST = 'acme.domo.com';
const TOKEN = 'job-token-0123456789abcdef';
const LOGIN = `{\n\t"instance": "${HOST}",\n\t"refreshToken": "${TOKEN}",\n\t"devToken": true\n}`;
const EARLIER = JSON.stringify({
  instance: HOST,
  refreshToken: 'someone-elses-token',
  devToken: true,
});

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'domo-auth-cli-login-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const mtimeMs = (p: string) => fs.statSync(p).mtimeMs;
/** Sets a file's mtime, in ms. */
const touch = (p: string, ms: number) => fs.utimesSync(p, new Date(ms), new Date(ms));

/** The login the CLI takes: the newest `*.json` of the folder, as ryuu 4.4.14's getCurrentLogin. */
function cliCurrentLogin(dir: string): unknown {
  const files = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    .sort()
    .map((n) => join(dir, n));
  const newest = files.reduce((prev, next) =>
    fs.statSync(prev).mtime > fs.statSync(next).mtime ? prev : next,
  );
  return JSON.parse(fs.readFileSync(newest, 'utf8'));
}

describe('loginPaths', () => {
  const RYUU = '.config/configstore/ryuu';
  test.each<[string, NodeJS.Platform, Record<string, string | undefined>, string, string[]]>([
    ['HOME', 'linux', { HOME: '/home/runner' }, HOST, [`/home/runner/${RYUU}/${HOST}.json`]],
    [
      'a host with a port',
      'linux',
      { HOME: '/home/runner' },
      '127.0.0.1:8443',
      [`/home/runner/${RYUU}/127.0.0.1:8443.json`],
    ],
    [
      'an IPv6 host',
      'darwin',
      { HOME: '/Users/me' },
      '[::1]:8443',
      [`/Users/me/${RYUU}/[::1]:8443.json`],
    ],
    [
      'XDG_CONFIG_HOME, another folder: both',
      'linux',
      { HOME: '/home/runner', XDG_CONFIG_HOME: '/srv/config' },
      HOST,
      [`/home/runner/${RYUU}/${HOST}.json`, `/srv/config/configstore/ryuu/${HOST}.json`],
    ],
    [
      'XDG_CONFIG_HOME, the same folder spelt otherwise: one',
      'linux',
      { HOME: '/home/runner', XDG_CONFIG_HOME: '/home/runner/x/../.config/' },
      HOST,
      [`/home/runner/${RYUU}/${HOST}.json`],
    ],
    [
      'an empty XDG_CONFIG_HOME, which the CLI ignores',
      'linux',
      { HOME: '/home/runner', XDG_CONFIG_HOME: '' },
      HOST,
      [`/home/runner/${RYUU}/${HOST}.json`],
    ],
    [
      'Windows: USERPROFILE, not HOME',
      'win32',
      { HOME: '/home/x', USERPROFILE: 'C:\\Users\\me' },
      HOST,
      [`C:\\Users\\me\\.config\\configstore\\ryuu\\${HOST}.json`],
    ],
    [
      'Windows: XDG_CONFIG_HOME, the same folder in other case: one',
      'win32',
      { USERPROFILE: 'C:\\Users\\me', XDG_CONFIG_HOME: 'c:\\users\\ME\\.config' },
      HOST,
      [`C:\\Users\\me\\.config\\configstore\\ryuu\\${HOST}.json`],
    ],
    [
      'Windows: XDG_CONFIG_HOME, another folder: both',
      'win32',
      { USERPROFILE: 'C:\\Users\\me', XDG_CONFIG_HOME: 'D:\\cfg' },
      HOST,
      [
        `C:\\Users\\me\\.config\\configstore\\ryuu\\${HOST}.json`,
        `D:\\cfg\\configstore\\ryuu\\${HOST}.json`,
      ],
    ],
  ])('%s', (_, platform, env, host, paths) => {
    expect(loginPaths(env, platform, host)).toEqual(paths);
  });

  test.each<[string, NodeJS.Platform, Record<string, string | undefined>, string, string]>([
    ['no HOME', 'linux', { USERPROFILE: 'C:\\x' }, HOST, 'HOME is not set'],
    ['an empty HOME', 'linux', { HOME: '' }, HOST, 'HOME is not set'],
    ['Windows without USERPROFILE', 'win32', { HOME: '/h' }, HOST, 'USERPROFILE is not set'],
    ['Windows and a port', 'win32', { USERPROFILE: 'C:\\x' }, 'localhost:8443', 'on Windows'],
    ['a path', 'linux', { HOME: '/h' }, '../../etc/passwd', 'is not a host name'],
    ['a slash', 'linux', { HOME: '/h' }, 'a/b', 'is not a host name'],
    ['a dot file', 'linux', { HOME: '/h' }, '.acme', 'is not a host name'],
    ['a space', 'linux', { HOME: '/h' }, 'acme .com', 'is not a host name'],
    ['nothing', 'linux', { HOME: '/h' }, '', 'is not a host name'],
  ])('%s: refused', (_, platform, env, host, message) => {
    expect(() => loginPaths(env, platform, host)).toThrow(message);
  });
});

describe('writeLogins', () => {
  const file = (...parts: string[]) => join(root, ...parts, 'configstore', 'ryuu', `${HOST}.json`);

  test('creates the folders (0700) and the file (0600) the CLI reads', () => {
    const path = file('home', '.config');
    expect(writeLogins([path], HOST, TOKEN)).toEqual([
      { path, previous: null, previousMtimeMs: null },
    ]);
    expect(fs.readFileSync(path, 'utf8')).toBe(LOGIN);
    expect(mode(path)).toBe(0o600);
    for (const dir of ['home', 'home/.config', 'home/.config/configstore/ryuu']) {
      expect(mode(join(root, dir))).toBe(0o700);
    }
    // Nothing else is left in the folder (no temporary file).
    expect(fs.readdirSync(join(path, '..'))).toEqual([`${HOST}.json`]);
  });

  test('both paths, each with its own earlier content', () => {
    const [a, b] = [file('home', '.config'), file('xdg')];
    fs.mkdirSync(join(a, '..'), { recursive: true });
    fs.writeFileSync(a, EARLIER, { mode: 0o644 });
    touch(a, 1_600_000_000_000);
    expect(writeLogins([a, b], HOST, TOKEN)).toEqual([
      { path: a, previous: EARLIER, previousMtimeMs: 1_600_000_000_000 },
      { path: b, previous: null, previousMtimeMs: null },
    ]);
    for (const p of [a, b]) {
      expect(fs.readFileSync(p, 'utf8')).toBe(LOGIN);
      expect(mode(p)).toBe(0o600);
    }
  });

  test.each<[string, number]>([
    ['older files', -3_600_000],
    ['a file dated in the future', 3_600_000],
  ])('the newest file of its folder beside %s: the login the CLI takes', (_, offset) => {
    const path = file('home', '.config');
    const dir = join(path, '..');
    fs.mkdirSync(dir, { recursive: true });
    const others = ['aaa.domo.com.json', 'zzz.domo.com.json'].map((n) => join(dir, n));
    for (const other of others) {
      fs.writeFileSync(other, JSON.stringify({ instance: other, refreshToken: 'x' }));
      touch(other, Date.now() + offset);
    }
    writeLogins([path], HOST, TOKEN);
    expect(cliCurrentLogin(dir)).toEqual({ instance: HOST, refreshToken: TOKEN, devToken: true });
    for (const other of others) expect(Math.floor(mtimeMs(path))).toBeGreaterThan(mtimeMs(other));
  });

  test('mode 0600 whatever the umask', () => {
    const path = file('home', '.config');
    fs.mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    const umask = process.umask(0o377);
    try {
      writeLogins([path], HOST, TOKEN);
    } finally {
      process.umask(umask);
    }
    expect(mode(path)).toBe(0o600);
  });

  test('a symbolic link at the path: refused, its target untouched, earlier paths put back', () => {
    const [a, b] = [file('home', '.config'), file('xdg')];
    const target = join(root, 'target.txt');
    fs.writeFileSync(target, 'keep me');
    fs.mkdirSync(join(b, '..'), { recursive: true });
    fs.symlinkSync(target, b);
    expect(() => writeLogins([a, b], HOST, TOKEN)).toThrow(
      `Could not write the Domo CLI login ${b}: what is there is a symbolic link, not a login file: it is left as it is`,
    );
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    expect(fs.lstatSync(b).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(a)).toBe(false);
    expect(fs.readdirSync(join(b, '..'))).toEqual([`${HOST}.json`]);
  });

  test('a dangling symbolic link at the path: refused, nothing created through it', () => {
    const path = file('home', '.config');
    const target = join(root, 'planted.json');
    fs.mkdirSync(join(path, '..'), { recursive: true });
    fs.symlinkSync(target, path);
    expect(() => writeLogins([path], HOST, TOKEN)).toThrow('a symbolic link');
    expect(fs.existsSync(target)).toBe(false);
  });

  test.each<[string, (path: string) => void, string]>([
    ['a folder', (p) => fs.mkdirSync(p), 'not a file'],
    [
      'a large file',
      (p) => fs.writeFileSync(p, 'x'.repeat(64 * 1024 + 1)),
      'larger than 65536 bytes',
    ],
    [
      'bytes that are not UTF-8',
      (p) => fs.writeFileSync(p, Buffer.from([0xff, 0xfe])),
      'not UTF-8',
    ],
  ])('%s at the path: refused and left as it is', (_, plant, why) => {
    const path = file('home', '.config');
    fs.mkdirSync(join(path, '..'), { recursive: true });
    plant(path);
    const before = fs.statSync(path);
    expect(() => writeLogins([path], HOST, TOKEN)).toThrow(why);
    expect(fs.statSync(path).mtimeMs).toBe(before.mtimeMs);
  });

  test('one folder reached twice (through a link): one login, with the true earlier content', () => {
    const a = file('home', '.config');
    fs.mkdirSync(join(a, '..'), { recursive: true });
    fs.writeFileSync(a, EARLIER);
    fs.symlinkSync(join(root, 'home', '.config'), join(root, 'xdg'));
    const saved = writeLogins([a, file('xdg')], HOST, TOKEN);
    expect(saved.map((s) => [s.path, s.previous])).toEqual([[a, EARLIER]]);
  });
});

describe('mtimeAfter: the mtime that makes a login the newest', () => {
  test.each<[string, number, number[], number | undefined]>([
    ['alone', 1_000.5, [], undefined],
    ['after the others', 5_001, [5_000.9, 10], undefined],
    ['the same millisecond as another: the next second', 5_000.7, [5_000.2], 6_000],
    ['the same time as another', 5_000, [5_000], 6_000],
    ['before another', 5_000, [7_250.5], 8_000],
    ['a second before another dated on a whole second', 5_000, [7_000], 8_000],
  ])('%s', (_, own, others, mtime) => {
    expect(mtimeAfter(own, others)).toBe(mtime);
  });
});

describe('restoreLogins', () => {
  const path = () => join(root, `${HOST}.json`);
  type Case = [string, SavedLogin['previous'], (p: string) => void, RestoreResult, string | null];
  // [case, what was there before, what is there now, outcome, content afterwards (null: none)]
  test.each<Case>([
    ['our login, nothing before', null, (p) => fs.writeFileSync(p, LOGIN), 'removed', null],
    ['our login, a login before', EARLIER, (p) => fs.writeFileSync(p, LOGIN), 'restored', EARLIER],
    [
      'our token, written otherwise',
      null,
      (p) => fs.writeFileSync(p, `{"refreshToken":"${TOKEN}"}`),
      'removed',
      null,
    ],
    ['another token since', null, (p) => fs.writeFileSync(p, EARLIER), 'changed, left', EARLIER],
    [
      'another token since, a login before',
      EARLIER,
      (p) => fs.writeFileSync(p, '{"refreshToken":"new"}'),
      'changed, left',
      '{"refreshToken":"new"}',
    ],
    [
      'a logout since (no token)',
      null,
      (p) => fs.writeFileSync(p, '{"instance":"x"}'),
      'changed, left',
      '{"instance":"x"}',
    ],
    ['not JSON', null, (p) => fs.writeFileSync(p, TOKEN), 'changed, left', TOKEN],
    ['JSON that is no object', null, (p) => fs.writeFileSync(p, 'null'), 'changed, left', 'null'],
    ['nothing', EARLIER, () => {}, 'gone', null],
  ])('%s: %s', (_, previous, now, result, after) => {
    const p = path();
    now(p);
    expect(restoreLogins([{ path: p, previous, previousMtimeMs: null }], TOKEN)).toEqual([
      { path: p, result },
    ]);
    expect(fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : null).toBe(after);
  });

  test('what was there before comes back with mode 0600 and its own mtime', () => {
    const p = path();
    fs.writeFileSync(p, LOGIN, { mode: 0o644 });
    restoreLogins([{ path: p, previous: EARLIER, previousMtimeMs: 1_600_000_000_000 }], TOKEN);
    expect(fs.readFileSync(p, 'utf8')).toBe(EARLIER);
    expect(mode(p)).toBe(0o600);
    expect(mtimeMs(p)).toBe(1_600_000_000_000);
  });

  test('a symbolic link there now: left, and so is its target', () => {
    const p = path();
    const target = join(root, 'target.json');
    fs.writeFileSync(target, LOGIN);
    fs.symlinkSync(target, p);
    expect(restoreLogins([{ path: p, previous: null, previousMtimeMs: null }], TOKEN)).toEqual([
      { path: p, result: 'changed, left' },
    ]);
    expect(fs.lstatSync(p).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, 'utf8')).toBe(LOGIN);
  });

  test('a path that cannot be read: failed, with why, and the others still done', () => {
    const blocked = join(root, 'a-file', `${HOST}.json`);
    fs.writeFileSync(join(root, 'a-file'), '');
    const p = path();
    fs.writeFileSync(p, LOGIN);
    const outcomes = restoreLogins(
      [
        { path: blocked, previous: null, previousMtimeMs: null },
        { path: p, previous: null, previousMtimeMs: null },
      ],
      TOKEN,
    );
    expect(outcomes).toEqual([
      { path: blocked, result: 'failed', error: expect.stringContaining('ENOTDIR') },
      { path: p, result: 'removed' },
    ]);
  });

  test('written, then restored: as it was before the job', () => {
    const [a, b] = [join(root, 'home', `${HOST}.json`), join(root, 'xdg', `${HOST}.json`)];
    fs.mkdirSync(join(root, 'home'));
    fs.writeFileSync(a, EARLIER, { mode: 0o600 });
    touch(a, 1_600_000_000_000);
    const saved = writeLogins([a, b], HOST, TOKEN);
    expect(restoreLogins(saved, TOKEN).map((o) => o.result)).toEqual(['restored', 'removed']);
    expect([fs.readFileSync(a, 'utf8'), mtimeMs(a), fs.existsSync(b)]).toEqual([
      EARLIER,
      1_600_000_000_000,
      false,
    ]);
  });
});

describe('secretsOf', () => {
  test.each<[string, string | null, string[]]>([
    ['no earlier file', null, []],
    ['an empty file', ' \n', []],
    ['a login', EARLIER, ['someone-elses-token']],
    ['a login without a token', '{"instance":"x","devToken":false}', []],
    ['a token that is no string', '{"refreshToken":12345678}', []],
    ['an empty token', '{"refreshToken":""}', []],
    ['JSON that is no object', '[1]', []],
    // No telling which part is secret: all of it is.
    ['not JSON', 'refreshToken=abc\n', ['refreshToken=abc\n']],
  ])('%s', (_, previous, secrets) => {
    expect(secretsOf(previous)).toEqual(secrets);
  });
});
