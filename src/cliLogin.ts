/**
 * The Domo CLI's login files (npm package `ryuu`, command `domo`), as its 4.4.x source reads and
 * writes them:
 * - `domo token add` writes `{"instance", "refreshToken", "devToken": true}` through the
 *   `configstore` package, to `configstore/ryuu/<host>.json` under `$XDG_CONFIG_HOME`, else
 *   under `<home>/.config`, with mode 0600 in folders of mode 0700;
 * - every command picks its instance from the newest file (by mtime) of
 *   `<home>/.config/configstore/ryuu/*.json`, `<home>` being HOME (USERPROFILE on Windows),
 *   whatever XDG_CONFIG_HOME says, and then reads that instance's file through configstore.
 * So a login is written in both places when they differ, and made the newest file there.
 *
 * A file is never written through a symbolic link: one at the login's path is refused, and the
 * content goes to a new file (created exclusively, mode 0600) that is then renamed over the
 * path, which replaces whatever link was planted there since instead of following it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ActionError } from './errors.js';

/** A login file written, and what it held before (to put back). */
export interface SavedLogin {
  path: string;
  /** The earlier content; null when there was no file. */
  previous: string | null;
  /** The earlier file's mtime, to put back with it: the CLI takes the newest file. */
  previousMtimeMs: number | null;
}

export type RestoreResult = 'removed' | 'restored' | 'changed, left' | 'gone' | 'failed';

export interface RestoreOutcome {
  path: string;
  result: RestoreResult;
  /** Why, when it failed. */
  error?: string;
}

/** A login file is a few hundred bytes; anything this large is something else, left alone. */
const MAX_LOGIN_BYTES = 64 * 1024;
// Windows has no O_NOFOLLOW (the lstat check stands alone there).
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const HOST = /^(?:[a-z0-9-]+\.)*[a-z0-9-]+(?::\d{1,5})?$|^\[[0-9a-f:.]+\](?::\d{1,5})?$/i;

/** Where the CLI looks for the login of `host` (a host name, with its port if any). */
export function loginPaths(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform,
  host: string,
): string[] {
  if (!HOST.test(host)) throw new ActionError(`"${host}" is not a host name for a login file.`);
  // NTFS takes `name:port.json` for a stream of the file `name`: the CLI would never list it.
  if (platform === 'win32' && host.includes(':')) {
    throw new ActionError(
      `The Domo CLI cannot keep a login for ${host} on Windows: a file name cannot hold ":".`,
    );
  }
  const p = platform === 'win32' ? path.win32 : path.posix;
  const homeVar = platform === 'win32' ? 'USERPROFILE' : 'HOME';
  const home = env[homeVar];
  if (!home) {
    throw new ActionError(
      `${homeVar} is not set: the Domo CLI reads its logins from ${homeVar}/.config/configstore.`,
    );
  }
  const file = `${host}.json`;
  const config = p.resolve(home, '.config');
  const paths = [p.join(config, 'configstore', 'ryuu', file)];
  const xdg = env.XDG_CONFIG_HOME;
  // Windows folders differ in more than case, or not at all.
  const same = (a: string, b: string) =>
    platform === 'win32' ? a.toLowerCase() === b.toLowerCase() : a === b;
  if (xdg && !same(p.resolve(xdg), config)) {
    paths.push(p.join(p.resolve(xdg), 'configstore', 'ryuu', file));
  }
  return paths;
}

/**
 * Writes the login of `host` with `token` at each path (a folder reached twice, through a link
 * or another spelling, once). On any failure the files already written are put back, and the
 * error says which path failed.
 */
export function writeLogins(paths: string[], host: string, token: string): SavedLogin[] {
  // As configstore writes it, keys in the order the CLI sets them.
  const content = JSON.stringify(
    { instance: host, refreshToken: token, devToken: true },
    null,
    '\t',
  );
  const saved: SavedLogin[] = [];
  const folders = new Set<string>();
  for (const file of paths) {
    try {
      const dir = path.dirname(file);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const { dev, ino } = fs.statSync(dir, { bigint: true });
      if (ino !== 0n && folders.has(`${dev}:${ino}`)) continue;
      folders.add(`${dev}:${ino}`);
      const before = readLogin(file);
      if (before && 'other' in before) {
        throw new Error(`what is there is ${before.other}, not a login file: it is left as it is`);
      }
      writeWhole(file, content, null);
      saved.push({
        path: file,
        previous: before?.content ?? null,
        previousMtimeMs: before?.mtimeMs ?? null,
      });
    } catch (err) {
      restoreLogins(saved, token);
      const why = err instanceof Error ? err.message : String(err);
      throw new ActionError(`Could not write the Domo CLI login ${file}: ${why}`);
    }
  }
  return saved;
}

/**
 * For the post step: each file that still holds `token` gets its earlier content back, or is
 * removed if there was none; a file that holds anything else (the CLI or a later step logged in
 * again) is left as it is.
 */
export function restoreLogins(saved: SavedLogin[], token: string): RestoreOutcome[] {
  return saved.map(({ path: file, previous, previousMtimeMs }): RestoreOutcome => {
    try {
      const now = readLogin(file);
      if (now === null) return { path: file, result: 'gone' };
      if ('other' in now || refreshTokenOf(now.content) !== token) {
        return { path: file, result: 'changed, left' };
      }
      if (previous === null) {
        fs.unlinkSync(file);
        return { path: file, result: 'removed' };
      }
      writeWhole(file, previous, previousMtimeMs ?? null);
      return { path: file, result: 'restored' };
    } catch (err) {
      return {
        path: file,
        result: 'failed',
        error: err instanceof Error ? err.message : String(err),
      };
    }
  });
}

/** The secrets in an earlier login file, to mask before its content is kept anywhere. */
export function secretsOf(previous: string | null): string[] {
  if (previous === null || !previous.trim()) return [];
  try {
    JSON.parse(previous);
  } catch {
    // Not the CLI's JSON: there is no telling which part is secret, so all of it is.
    return [previous];
  }
  const token = refreshTokenOf(previous);
  return token ? [token] : [];
}

function refreshTokenOf(content: string): string | undefined {
  try {
    const value: unknown = Object(JSON.parse(content)).refreshToken;
    return typeof value === 'string' && value ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Login {
  content: string;
  mtimeMs: number;
}

/** Why what is at a login's path is not a login file this module may touch. */
interface Other {
  other: string;
}

/** The file at `file`, never read through a link; null when there is none. */
function readLogin(file: string): Login | Other | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (stat.isSymbolicLink()) return { other: 'a symbolic link' };
  if (!stat.isFile()) return { other: 'not a file' };
  const fd = fs.openSync(file, fs.constants.O_RDONLY | NOFOLLOW);
  try {
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) return { other: 'not a file' };
    if (opened.size > MAX_LOGIN_BYTES) return { other: `larger than ${MAX_LOGIN_BYTES} bytes` };
    const bytes = fs.readFileSync(fd);
    try {
      return { content: UTF8.decode(bytes), mtimeMs: opened.mtimeMs };
    } catch {
      return { other: 'not UTF-8 text' };
    }
  } finally {
    fs.closeSync(fd);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Writes `content` to `file` whole (a new file renamed over it), mode 0600, with `mtimeMs`
 * as its mtime, or, when null, newer than every other login file in its folder.
 */
function writeWhole(file: string, content: string, mtimeMs: number | null): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(
    temp,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW,
    0o600,
  );
  try {
    try {
      fs.writeFileSync(fd, content);
      // The mode asked for at creation is cut by the umask; this one is not.
      fs.fchmodSync(fd, 0o600);
      const mtime =
        mtimeMs ?? mtimeAfter(fs.fstatSync(fd).mtimeMs, othersMtimes(dir, path.basename(file)));
      if (mtime !== undefined) fs.futimesSync(fd, new Date(), new Date(mtime));
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

/** The mtime of every other `*.json` in `dir`, as the CLI sees them: through links. */
function othersMtimes(dir: string, own: string): number[] {
  const times: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    // The CLI's glob skips dot files.
    if (name === own || name.startsWith('.') || !name.endsWith('.json')) continue;
    try {
      times.push(fs.statSync(path.join(dir, name)).mtimeMs);
    } catch {
      // A dangling link: nothing the CLI could take either.
    }
  }
  return times;
}

/**
 * The mtime that makes a file of mtime `ownMs` newer than files of `othersMs`: undefined when
 * it is already, else the next whole second after them (every file system keeps seconds).
 * The CLI compares Dates, which keep whole milliseconds, and on a tie it may take the other.
 */
export function mtimeAfter(ownMs: number, othersMs: number[]): number | undefined {
  const newest = Math.max(-Infinity, ...othersMs.map(Math.floor));
  return Math.floor(ownMs) > newest ? undefined : (Math.floor(newest / 1000) + 1) * 1000;
}
