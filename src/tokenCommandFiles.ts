/**
 * The files of the `domo-token` command (token-command: true): a folder of its own under
 * RUNNER_TEMP, readable by its owner only, that holds the command's settings (the client's
 * secret and the last token) and two launchers, one for POSIX shells and one for Windows shells,
 * that run the command's bundle with the Node.js that ran the action.
 */
import {
  appendFileSync,
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { ActionError } from './errors.js';
import { controlIn } from './text.js';
import { parseBaseUrl } from './urls.js';

/** The settings file, in the command's folder. */
export const SETTINGS_FILE = 'settings.json';
/** How the launchers tell the command where its settings are. */
export const SETTINGS_ENV = 'DOMO_TOKEN_SETTINGS';
export const FOLDER_PREFIX = 'domo-token-';

export interface TokenSettings {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  apiUrl: string;
  retries: number;
  timeoutMs: number;
  /** The last token handed out; '' for none. */
  accessToken: string;
  /** When it expires, in ms since the epoch (0 for none). */
  expiresAtMs: number;
}

/**
 * Whether a token can be printed on a line of its own: GitHub's runner would take a line that
 * starts with `::` or holds `##[` for a workflow command, on stdout as on stderr.
 */
export function tokenProblem(token: string): string | undefined {
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(token)) {
    return 'it contains spaces or control characters';
  }
  if (token.startsWith('::') || token.includes('##[')) {
    return "GitHub's runner would read it as a workflow command";
  }
  return undefined;
}

/** What is wrong with a settings object, or undefined when nothing is. */
function settingsProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'it is not an object';
  const s = value as Record<string, unknown>;
  const text = (key: string) => typeof s[key] === 'string' && s[key] !== '';
  const whole = (key: string, min: number, max: number) =>
    Number.isSafeInteger(s[key]) && (s[key] as number) >= min && (s[key] as number) <= max;
  if (!text('clientId')) return '`clientId` is not a non-empty string';
  if (!text('clientSecret')) return '`clientSecret` is not a non-empty string';
  const scopes = s.scopes;
  if (!Array.isArray(scopes) || !scopes.length || !scopes.every((x) => typeof x === 'string' && x))
    return '`scopes` is not a list of scopes';
  if (typeof s.apiUrl !== 'string') return '`apiUrl` is not a string';
  const url = parseBaseUrl(s.apiUrl);
  if ('problem' in url) return `\`apiUrl\` ${url.problem}`;
  if (!whole('retries', 0, 20)) return '`retries` is not a whole number from 0 to 20';
  if (!whole('timeoutMs', 1, 600_000)) return '`timeoutMs` is not a whole number from 1 to 600000';
  if (typeof s.accessToken !== 'string') return '`accessToken` is not a string';
  const token = s.accessToken && tokenProblem(s.accessToken);
  if (token) return `\`accessToken\` cannot be printed: ${token}`;
  if (!whole('expiresAtMs', 0, Number.MAX_SAFE_INTEGER))
    return '`expiresAtMs` is not a time in ms since 1970';
  return undefined;
}

const AGAIN = 'run the domo-auth step again with `token-command: true`';

/**
 * The settings, read whole. Neither the file's text nor a JSON parser's message (which quotes
 * the text) is ever repeated: the file holds the client's secret.
 */
export function readSettings(file: string | undefined): TokenSettings {
  const gone = (why: string) =>
    new ActionError(
      `no settings (${why}): domo-token runs only in later steps of the job whose domo-auth step installed it (\`token-command: true\`), and that job's post step removes it, so nothing is left after the job.`,
    );
  if (!file) throw gone(`${SETTINGS_ENV} is not set`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    if (code === 'ENOENT') throw gone(`${file} does not exist`);
    throw new ActionError(`cannot read the settings file ${file} (${code}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ActionError(
      `the settings file ${file} is not valid JSON: something other than domo-auth changed it; ${AGAIN}.`,
    );
  }
  const problem = settingsProblem(json);
  if (problem) {
    throw new ActionError(
      `the settings file ${file} is not what domo-auth writes (${problem}); ${AGAIN}.`,
    );
  }
  return json as TokenSettings;
}

let written = 0;

/**
 * Replaces the settings file whole: written beside it under a name of this process's own, then
 * renamed over it, so that a `domo-token` reading at the same moment reads the old file or the
 * new one, never half of one. The new file is created readable by its owner only.
 */
export function writeSettings(file: string, settings: TokenSettings): void {
  const problem = settingsProblem(settings);
  if (problem) throw new ActionError(`the settings are not valid: ${problem}.`);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${++written}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(settings)}\n`, { mode: 0o600 });
    // The mode given at creation is narrowed by the umask only; say it exactly.
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (err) {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
    throw err;
  }
}

/** A path as one word of a POSIX shell: in single quotes, each `'` written as `'\''`. */
export function shQuote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

/**
 * A path as one word of a Windows batch file, or why it cannot be one: inside double quotes
 * every character is literal but `%` (written `%%`), and nothing can stand for a `"` or a line
 * break. (Delayed expansion, which would give `!` a meaning, is turned off by the script.)
 */
export function cmdQuote(path: string): { word: string } | { problem: string } {
  if (path.includes('"')) return { problem: `${path} holds a double quote (")` };
  const control = controlIn(path);
  if (control) return { problem: `${path} holds a line break or control character (${control})` };
  return { word: `"${path.replace(/%/g, '%%')}"` };
}

export function shScript(node: string, entry: string, settingsFile: string): string {
  return [
    '#!/bin/sh',
    '# domo-token: prints a Domo access token (see the domo-auth action, token-command).',
    `${SETTINGS_ENV}=${shQuote(settingsFile)}`,
    `export ${SETTINGS_ENV}`,
    `exec ${shQuote(node)} ${shQuote(entry)} "$@"`,
    '',
  ].join('\n');
}

export function cmdScript(
  node: string,
  entry: string,
  settingsFile: string,
): { text: string } | { problem: string } {
  const words = [node, entry, `${SETTINGS_ENV}=${settingsFile}`].map(cmdQuote);
  const problem = words.find((w) => 'problem' in w);
  if (problem) return problem as { problem: string };
  const [n, e, setting] = words.map((w) => (w as { word: string }).word);
  // setlocal: the variable stays out of the calling shell's session.
  const lines = ['@setlocal DisableDelayedExpansion', `@set ${setting}`, `@${n} ${e} %*`, ''];
  return { text: lines.join('\r\n') };
}

export interface InstallOptions {
  runnerTemp: string | undefined;
  githubPathFile: string | undefined;
  /** The Node.js binary that runs the action (process.execPath). */
  nodePath: string;
  /** The absolute path of the bundle's domo-token entry. */
  entry: string;
  settings: TokenSettings;
  platform: NodeJS.Platform;
}

/**
 * Installs `domo-token` for the later steps of the job and returns its folder. Everything is
 * checked before anything is written, so a refusal leaves nothing behind. Where `domo-token.cmd`
 * cannot be written (a path no batch file can quote), it is refused on Windows and left out
 * elsewhere, where no Windows shell would read it.
 */
export function installTokenCommand(options: InstallOptions): string {
  const { runnerTemp, githubPathFile, nodePath, entry, settings, platform } = options;
  const refuse = (why: string) =>
    new ActionError(`token-command: domo-token cannot be installed: ${why}.`);
  if (!runnerTemp || !isAbsolute(runnerTemp))
    throw refuse('the runner did not provide RUNNER_TEMP as an absolute path');
  if (!githubPathFile) throw refuse('the runner did not provide GITHUB_PATH');
  // The runner reads GITHUB_PATH a line at a time; the folder's name adds no line break.
  const control = controlIn(runnerTemp);
  if (control) throw refuse(`RUNNER_TEMP holds a line break or control character (${control})`);
  for (const [what, path] of [
    ['the Node.js binary', nodePath],
    ['the command entry', entry],
  ]) {
    if (!isAbsolute(path!)) throw refuse(`${what} (${path}) is not an absolute path`);
  }
  const problem = settingsProblem(settings);
  if (problem) throw refuse(`its settings are not valid (${problem})`);
  // What the folder's name will be, but for mkdtemp's six characters (letters and digits).
  const planned = join(runnerTemp, `${FOLDER_PREFIX}XXXXXX`, SETTINGS_FILE);
  const cmdPlan = cmdScript(nodePath, entry, planned);
  if ('problem' in cmdPlan && platform === 'win32') throw refuse(cmdPlan.problem);

  const folder = mkdtempSync(join(runnerTemp, FOLDER_PREFIX));
  try {
    chmodSync(folder, 0o700);
    const settingsFile = join(folder, SETTINGS_FILE);
    writeSettings(settingsFile, settings);
    const sh = join(folder, 'domo-token');
    writeFileSync(sh, shScript(nodePath, entry, settingsFile), { mode: 0o700 });
    chmodSync(sh, 0o700);
    const cmd = cmdScript(nodePath, entry, settingsFile);
    if ('text' in cmd) writeFileSync(join(folder, 'domo-token.cmd'), cmd.text, { mode: 0o600 });
    appendFileSync(githubPathFile, `${startsLine(githubPathFile)}${folder}\n`);
  } catch (err) {
    rmSync(folder, { recursive: true, force: true });
    throw err;
  }
  return folder;
}

/** '' when the file is empty or ends a line; else a line break, so the folder gets its own. */
function startsLine(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text === '' || text.endsWith('\n') ? '' : '\n';
  } catch {
    return '';
  }
}

export type RemoveOutcome = 'removed' | 'absent' | 'refused';

export interface RemoveResult {
  outcome: RemoveOutcome;
  /** A sentence for the post step's log. */
  message: string;
}

/**
 * Deletes the folder installTokenCommand made, for the post step. Only a folder that is itself
 * (not a link to one) a direct child of RUNNER_TEMP named as installTokenCommand names them,
 * and that holds the settings file, is deleted: a state value gone wrong must never delete
 * anything else.
 */
export function removeTokenCommand(
  folder: string,
  runnerTemp: string | undefined = process.env.RUNNER_TEMP,
): RemoveResult {
  const refused = (why: string): RemoveResult => ({
    outcome: 'refused',
    message: `Left ${folder} alone: ${why}.`,
  });
  if (!runnerTemp || !isAbsolute(runnerTemp)) return refused('RUNNER_TEMP is not set');
  if (!isAbsolute(folder)) return refused('it is not an absolute path');
  let real: string;
  try {
    const stat = lstatSync(folder);
    if (!stat.isDirectory()) return refused('it is not a folder');
    real = realpathSync(folder);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return { outcome: 'absent', message: `The domo-token folder ${folder} is already gone.` };
    }
    return refused(`it cannot be read (${(err as NodeJS.ErrnoException).code})`);
  }
  let temp: string;
  try {
    temp = realpathSync(runnerTemp);
  } catch {
    return refused('RUNNER_TEMP cannot be read');
  }
  // A direct child's path relative to RUNNER_TEMP is its bare name (on Windows, whatever the case).
  if (relative(temp, real) !== basename(real)) {
    return refused(`it is not a folder of RUNNER_TEMP (${runnerTemp})`);
  }
  if (!basename(real).startsWith(FOLDER_PREFIX))
    return refused(`its name does not start with ${FOLDER_PREFIX}`);
  let holdsSettings = false;
  try {
    holdsSettings = lstatSync(join(real, SETTINGS_FILE)).isFile();
  } catch {
    // no such file
  }
  if (!holdsSettings) return refused(`it holds no ${SETTINGS_FILE}`);
  rmSync(real, { recursive: true, force: true });
  return { outcome: 'removed', message: `Removed the domo-token command (${folder}).` };
}
