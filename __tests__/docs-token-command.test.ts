/**
 * docs/TROUBLESHOOTING.md explains every message domo-token prints, and has no domo-token
 * heading that it no longer prints: each failure below is run through the command itself.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runTokenCommand } from '../src/tokenCommand.js';
import { read } from './helpers/repo.js';

const TROUBLESHOOTING = 'docs/TROUBLESHOOTING.md';
const dir = mkdtempSync(path.join(tmpdir(), 'domo-auth-docs-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (extra: Record<string, unknown> = {}) => ({
  clientId: 'cid',
  clientSecret: 'csecret-SECRET',
  scopes: ['data'],
  apiUrl: 'https://api.domo.test',
  retries: 0,
  timeoutMs: 1000,
  accessToken: '',
  expiresAtMs: 0,
  ...extra,
});
const file = (name: string, text: string): string => {
  const at = path.join(dir, name);
  writeFileSync(at, text, { mode: 0o600 });
  return at;
};

/** What domo-token prints on stderr for `argv` with this settings file and this Domo. */
async function messages(argv: string[], settingsFile: string | undefined, status = 200) {
  let stderr = '';
  const code = await runTokenCommand(argv, {
    settingsFile,
    clock: { now: () => 0, sleep: async () => undefined },
    random: () => 0.5,
    transport: () => async () => ({ status, headers: {}, body: '{"message":"Bad credentials"}' }),
    stdout: () => undefined,
    stderr: (text) => (stderr += text),
  });
  expect(code).not.toBe(0);
  return stderr.split('\n').filter((line) => line && !line.startsWith('::'));
}

const scenarios: Array<[string, () => Promise<string[]>]> = [
  ['no settings (after the job)', () => messages([], undefined)],
  ['a settings file that is gone', () => messages([], path.join(dir, 'gone.json'))],
  ['a settings file that is not JSON', () => messages([], file('bad.json', '{'))],
  ['settings of another shape', () => messages([], file('shape.json', '{"clientId":1}'))],
  ['--min-seconds 5000', () => messages(['--min-seconds', '5000'], undefined)],
  ['an unknown argument', () => messages(['--fresh'], undefined)],
  [
    'Domo refusing the client',
    () => messages([], file('ok.json', JSON.stringify(settings())), 401),
  ],
];

const headings = read(TROUBLESHOOTING)
  .split('\n')
  .filter((line) => line.startsWith('### domo-token'))
  .map((line) => line.slice(4).trim());
const pattern = (heading: string) =>
  new RegExp(
    `^${heading
      .split('…')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}`,
  );

describe(`${TROUBLESHOOTING}: domo-token`, () => {
  test.each(scenarios)('explains what domo-token prints for %s', async (_, run) => {
    const printed = await run();
    expect(printed.length).toBeGreaterThan(0);
    for (const message of printed) {
      expect([message, headings.some((h) => pattern(h).test(message))]).toEqual([message, true]);
      expect(message).not.toContain('csecret-SECRET');
    }
  });

  test('every domo-token heading is a message it prints', async () => {
    const printed = (await Promise.all(scenarios.map(([, run]) => run()))).flat();
    const stale = headings.filter((h) => !printed.some((m) => pattern(h).test(m)));
    expect(stale).toEqual([]);
  });
});
