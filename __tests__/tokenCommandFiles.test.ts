/**
 * Installing and removing `domo-token`: a temporary folder stands for RUNNER_TEMP, and the
 * launcher is run for real, through a shell that finds it on the path as a later step would.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';

const { cmdQuote, cmdScript, installTokenCommand, removeTokenCommand, shQuote, SETTINGS_ENV } =
  await import('../src/tokenCommandFiles.js');

type Settings = import('../src/tokenCommandFiles.js').TokenSettings;

const settings: Settings = {
  clientId: 'cid',
  clientSecret: 'csecret-0001',
  scopes: ['data'],
  apiUrl: 'https://api.domo.test',
  retries: 5,
  timeoutMs: 30_000,
  accessToken: 'tok-0001',
  expiresAtMs: Date.UTC(2026, 11, 1, 13, 0, 0),
};

let root: string;
let runnerTemp: string;
let githubPath: string;
let entry: string;

/** A fake command entry: prints what it was given, as JSON. */
const ENTRY = `process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), settings: process.env.${SETTINGS_ENV} }));\n`;

function setUp(tempName: string, entryFolder = "it's the entry's folder"): void {
  runnerTemp = join(root, tempName);
  mkdirSync(runnerTemp);
  githubPath = join(root, 'github_path');
  writeFileSync(githubPath, '');
  mkdirSync(join(root, entryFolder));
  entry = join(root, entryFolder, 'domo-token.js');
  writeFileSync(entry, ENTRY);
}

const install = (overrides: Record<string, unknown> = {}) =>
  installTokenCommand({
    runnerTemp,
    githubPathFile: githubPath,
    nodePath: process.execPath,
    entry,
    settings,
    platform: 'linux',
    ...overrides,
  });

const mode = (path: string) => statSync(path).mode & 0o777;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'domo-token-files-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('installTokenCommand', () => {
  test('a folder of its own under RUNNER_TEMP, readable by its owner only', () => {
    setUp("runner's temp");
    const folder = install();
    expect(folder.startsWith(join(runnerTemp, 'domo-token-'))).toBe(true);
    expect(readdirSync(runnerTemp)).toHaveLength(1);
    expect(readdirSync(folder).sort()).toEqual(['domo-token', 'domo-token.cmd', 'settings.json']);
    expect(mode(folder)).toBe(0o700);
    expect(mode(join(folder, 'settings.json'))).toBe(0o600);
    expect(mode(join(folder, 'domo-token'))).toBe(0o700);
    expect(mode(join(folder, 'domo-token.cmd'))).toBe(0o600);
    expect(JSON.parse(readFileSync(join(folder, 'settings.json'), 'utf8'))).toEqual(settings);
  });

  test.each<[string, string, string]>([
    ['an empty file', '', ''],
    ['a file that ends its last line', '/opt/tool/bin\n', '/opt/tool/bin\n'],
    ['a file whose last line is not ended', '/opt/tool/bin', '/opt/tool/bin\n'],
  ])('GITHUB_PATH, %s: the folder on a line of its own', (_, before, kept) => {
    setUp('temp');
    writeFileSync(githubPath, before);
    const folder = install();
    expect(readFileSync(githubPath, 'utf8')).toBe(`${kept}${folder}\n`);
  });

  test('the launcher runs the entry with that Node.js, every argument as it was given', () => {
    setUp("run ner's temp", 'it\'s an "entry" $HOME `x` \\');
    // A Node.js under a path with a space and quotes, as the launcher must quote it too.
    const nodeDir = join(root, 'no de\'s "bin"');
    mkdirSync(nodeDir);
    const nodePath = join(nodeDir, 'node');
    symlinkSync(process.execPath, nodePath);
    const folder = install({ nodePath });
    const argv = ['--min-seconds', '5', 'a b', "c'd", '$HOME', '`id`', '"q"', ''];
    // As a later step runs it: a shell that finds it through the path the runner built.
    const run = spawnSync('/bin/sh', ['-c', 'domo-token "$@"', 'sh', ...argv], {
      env: { PATH: `${folder}${delimiter}${process.env.PATH}` },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ argv, settings: join(folder, 'settings.json') });
  });

  test('the launcher keeps the exit code of the command', () => {
    setUp('temp');
    writeFileSync(entry, 'process.exitCode = 3;\n');
    const folder = install();
    expect(spawnSync(join(folder, 'domo-token'), [], { encoding: 'utf8' }).status).toBe(3);
  });

  test('domo-token.cmd: delayed expansion off, the settings path, Node.js and the entry quoted', () => {
    setUp('temp 100%');
    const folder = install();
    const settingsFile = join(folder, 'settings.json').replace(/%/g, '%%');
    expect(readFileSync(join(folder, 'domo-token.cmd'), 'utf8')).toBe(
      `@setlocal DisableDelayedExpansion\r\n@set "${SETTINGS_ENV}=${settingsFile}"\r\n@"${process.execPath}" "${entry}" %*\r\n`,
    );
  });

  test('cmdScript as Windows paths give it', () => {
    expect(
      cmdScript(
        'C:\\hostedtoolcache\\windows\\node\\24.1.0\\x64\\node.exe',
        'D:\\a\\_actions\\domo-auth\\domo-auth\\v1 (50%)\\dist\\domo-token.js',
        'D:\\a\\_temp\\domo-token-Ab12Cd\\settings.json',
      ),
    ).toEqual({
      text: [
        '@setlocal DisableDelayedExpansion',
        `@set "${SETTINGS_ENV}=D:\\a\\_temp\\domo-token-Ab12Cd\\settings.json"`,
        '@"C:\\hostedtoolcache\\windows\\node\\24.1.0\\x64\\node.exe" "D:\\a\\_actions\\domo-auth\\domo-auth\\v1 (50%%)\\dist\\domo-token.js" %*',
        '',
      ].join('\r\n'),
    });
  });

  test.each<[string, string]>([
    ['C:\\a "b"\\node.exe', 'holds a double quote (")'],
    ['C:\\a\nb\\node.exe', 'holds a line break or control character (U+000A)'],
    ['C:\\a\rb\\node.exe', 'holds a line break or control character (U+000D)'],
  ])('a batch file cannot quote %j', (path, problem) => {
    expect(cmdQuote(path)).toEqual({ problem: `${path} ${problem}` });
  });

  test.each<[string, string]>([
    ['/a/b', "'/a/b'"],
    ["/a/it's", "'/a/it'\\''s'"],
    ['/a/$x `y` "z" \\', '\'/a/$x `y` "z" \\\''],
  ])('shQuote(%j)', (path, quoted) => {
    expect(shQuote(path)).toBe(quoted);
  });

  test('a path with a double quote, outside Windows: the POSIX launcher only', () => {
    setUp('temp "quoted"');
    const folder = install();
    expect(readdirSync(folder).sort()).toEqual(['domo-token', 'settings.json']);
    const run = spawnSync(join(folder, 'domo-token'), ['x'], { encoding: 'utf8' });
    expect(JSON.parse(run.stdout).argv).toEqual(['x']);
  });

  test.each<[string, string, Record<string, unknown>, string]>([
    ['no RUNNER_TEMP', 'temp', { runnerTemp: undefined }, 'the runner did not provide RUNNER_TEMP'],
    ['a relative RUNNER_TEMP', 'temp', { runnerTemp: 'temp' }, 'RUNNER_TEMP as an absolute path'],
    ['no GITHUB_PATH', 'temp', { githubPathFile: '' }, 'the runner did not provide GITHUB_PATH'],
    [
      'a RUNNER_TEMP with a line break',
      'te\nmp',
      {},
      'RUNNER_TEMP holds a line break or control character (U+000A)',
    ],
    ['a relative entry', 'temp', { entry: 'dist/domo-token.js' }, 'is not an absolute path'],
    [
      'settings without a secret',
      'temp',
      { settings: { ...settings, clientSecret: '' } },
      'its settings are not valid (`clientSecret` is not a non-empty string)',
    ],
    ['a double quote, on Windows', 'temp "q"', { platform: 'win32' }, 'holds a double quote (")'],
  ])('%s: refused, and nothing is written', (_, tempName, overrides, why) => {
    setUp(tempName);
    let message = '';
    try {
      install(overrides);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^token-command: domo-token cannot be installed: .*\.$/);
    expect(message).toContain(why);
    expect(readdirSync(runnerTemp)).toEqual([]);
    expect(readFileSync(githubPath, 'utf8')).toBe('');
  });
});

describe('removeTokenCommand', () => {
  test('removes the folder it installed; then says it is gone', () => {
    setUp('temp');
    const folder = install();
    expect(removeTokenCommand(folder, runnerTemp)).toEqual({
      outcome: 'removed',
      message: `Removed the domo-token command (${folder}).`,
    });
    expect(existsSync(folder)).toBe(false);
    expect(removeTokenCommand(folder, runnerTemp)).toEqual({
      outcome: 'absent',
      message: `The domo-token folder ${folder} is already gone.`,
    });
  });

  /** A folder that looks like the command's, with a settings file and a file to lose. */
  function decoy(path: string): string {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'settings.json'), '{}');
    writeFileSync(join(path, 'precious'), 'keep me');
    return path;
  }

  test.each<[string, () => { folder: string; temp?: string; kept: string }, string]>([
    [
      'a folder outside RUNNER_TEMP',
      () => ({ folder: decoy(join(root, 'elsewhere', 'domo-token-abc123')), kept: 'precious' }),
      'it is not a folder of RUNNER_TEMP',
    ],
    [
      'a folder deeper inside RUNNER_TEMP',
      () => ({ folder: decoy(join(runnerTemp, 'a', 'domo-token-abc123')), kept: 'precious' }),
      'it is not a folder of RUNNER_TEMP',
    ],
    [
      'RUNNER_TEMP itself',
      () => {
        decoy(runnerTemp);
        return { folder: runnerTemp, kept: 'precious' };
      },
      'it is not a folder of RUNNER_TEMP',
    ],
    [
      'a way out through ..',
      () => {
        decoy(join(root, 'domo-token-out'));
        return { folder: join(runnerTemp, '..', 'domo-token-out'), kept: 'precious' };
      },
      'it is not a folder of RUNNER_TEMP',
    ],
    [
      'a link in RUNNER_TEMP to a folder elsewhere',
      () => {
        const target = decoy(join(root, 'target'));
        symlinkSync(target, join(runnerTemp, 'domo-token-link'));
        return { folder: join(runnerTemp, 'domo-token-link'), kept: join(target, 'precious') };
      },
      'it is not a folder',
    ],
    [
      'a folder of another name',
      () => ({ folder: decoy(join(runnerTemp, 'tool-cache')), kept: 'precious' }),
      'its name does not start with domo-token-',
    ],
    [
      'a folder without the settings file',
      () => {
        const folder = join(runnerTemp, 'domo-token-abc123');
        mkdirSync(folder);
        writeFileSync(join(folder, 'precious'), 'keep me');
        return { folder, kept: 'precious' };
      },
      'it holds no settings.json',
    ],
    [
      'a settings file that is a link',
      () => {
        const folder = join(runnerTemp, 'domo-token-abc123');
        mkdirSync(folder);
        writeFileSync(join(folder, 'precious'), 'keep me');
        writeFileSync(join(root, 'real.json'), '{}');
        symlinkSync(join(root, 'real.json'), join(folder, 'settings.json'));
        return { folder, kept: 'precious' };
      },
      'it holds no settings.json',
    ],
    [
      'a file',
      () => {
        writeFileSync(join(runnerTemp, 'domo-token-file'), 'keep me');
        return { folder: join(runnerTemp, 'domo-token-file'), kept: '' };
      },
      'it is not a folder',
    ],
    [
      'a relative path',
      () => {
        const folder = decoy(join(runnerTemp, 'domo-token-abc123'));
        return { folder: relative(process.cwd(), folder), kept: join(folder, 'precious') };
      },
      'it is not an absolute path',
    ],
    [
      'no RUNNER_TEMP',
      () => ({ folder: decoy(join(runnerTemp, 'domo-token-abc123')), temp: '', kept: 'precious' }),
      'RUNNER_TEMP is not set',
    ],
  ])('%s: refused, and nothing is deleted', (_, make, why) => {
    setUp('temp');
    const { folder, temp = runnerTemp, kept } = make();
    const keptPath = kept === 'precious' ? join(folder, kept) : kept || folder;
    expect(removeTokenCommand(folder, temp)).toEqual({
      outcome: 'refused',
      message: `Left ${folder} alone: ${why}${why.endsWith('RUNNER_TEMP') ? ` (${temp})` : ''}.`,
    });
    expect(existsSync(keptPath)).toBe(true);
  });
});
