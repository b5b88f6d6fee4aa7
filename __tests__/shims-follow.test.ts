/**
 * Each stand-in in src/shims/ is written from one release of the package it stands in for, and
 * the unit tests that hold it to the package run whatever release is installed. A bump
 * (Dependabot's, say) fails here until someone has read what changed and brought the stand-in
 * along: the tests alone would not see a change in a call the action makes rarely, or a new
 * default.
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { FOLLOWS as CORE } from '../src/shims/core.js';
import { FOLLOWS as HTTP_CLIENT } from '../src/shims/http-client.js';

const json = (file: string) =>
  JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as {
    version?: string;
    dependencies?: Record<string, string>;
    packages?: Record<string, { version?: string }>;
  };

test.each([
  [
    '@actions/core',
    CORE,
    'src/shims/core.ts',
    'lib/core.js, command.js, file-command.js, summary.js',
  ],
  ['@actions/http-client', HTTP_CLIENT, 'src/shims/http-client.ts', 'lib/index.js and proxy.js'],
])('%s: installed and locked at the release its stand-in follows', (name, follows, shim, read) => {
  const found = {
    'package.json': json('package.json').dependencies?.[name],
    'package-lock.json': json('package-lock.json').packages?.[`node_modules/${name}`]?.version,
    [`node_modules/${name}/package.json`]: json(`node_modules/${name}/package.json`).version,
  };
  const moved = Object.entries(found)
    .filter(([, version]) => version !== follows)
    .map(
      ([where, version]) =>
        `${where} has ${name} ${version}, but ${shim} follows ${follows}: read the package's ` +
        `changes since ${follows} (${read}) for every call the stand-in makes, bring it and ` +
        `its tests along, then set its FOLLOWS to ${version}.`,
    );
  expect(moved).toEqual([]);
});
