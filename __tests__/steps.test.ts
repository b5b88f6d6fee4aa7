/**
 * One bundle runs both steps: the main step saves a mark first of all, and the post step (to
 * which GitHub hands the main step's state as STATE_* variables) knows itself by it.
 */
import { afterAll, afterEach, beforeEach, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommands, parseFileCommands } from '../dev/runner.mjs';
import { isPostStep, POST_MARK } from '../src/config.js';
import { markMainStep } from '../src/publish.js';

const dir = mkdtempSync(join(tmpdir(), 'domo-auth-steps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const stateFile = join(dir, 'state');

let stdout = '';
const saved = { ...process.env };
beforeEach(() => {
  writeFileSync(stateFile, '');
  process.env.GITHUB_STATE = stateFile;
  delete process.env[`STATE_${POST_MARK}`];
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

test('the main step saves the mark in the runner state file, and prints nothing', () => {
  markMainStep();
  expect(parseFileCommands(readFileSync(stateFile, 'utf8'))).toEqual({ isPost: 'true' });
  expect(stdout).toBe('');
});

test('without GITHUB_STATE, the mark goes out as the save-state command older runners read', () => {
  delete process.env.GITHUB_STATE;
  markMainStep();
  expect(parseCommands(stdout).map((c) => [c.name, c.properties, c.message])).toEqual([
    ['save-state', { name: 'isPost' }, 'true'],
  ]);
});

test.each<[string | undefined, boolean]>([
  ['true', true],
  [undefined, false],
  ['', false],
  ['false', false],
  ['TRUE', false],
])('STATE_isPost %j: the post step is %s', (value, post) => {
  if (value !== undefined) process.env[`STATE_${POST_MARK}`] = value;
  expect(isPostStep()).toBe(post);
});
