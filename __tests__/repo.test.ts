/**
 * The repository's promises that are not code: an action.yml GitHub accepts. The
 * documentation's promises are in docs.test.ts; the workflows', examples' and pins' in
 * workflows.test.ts.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ROOT,
  action,
  actionInputs,
  actionOutputs,
  mapping,
  nonEmptyString,
} from './helpers/repo.js';
const runs = mapping(action.runs);

// ---------------------------------------------------------------------------------------------
// action.yml

const GITHUB_BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
];

describe('action.yml', () => {
  test('has a name and a description', () => {
    expect(nonEmptyString(action.name)).toBe(true);
    expect(nonEmptyString(action.description)).toBe(true);
  });

  test('runs on node24, main and post step each from an entry of its own, the post step always run', () => {
    expect(runs.using).toBe('node24');
    // The post step is told apart by how it is started, never by the state it finds.
    expect(runs.main).toBe('dist/main.js');
    expect(runs.post).toBe('dist/post.js');
    expect(runs['post-if']).toBe('always()');
  });

  // dist/ is built separately (npm run build); once it exists, the bundle must.
  test('runs.main exists once dist/ is built', () => {
    if (!existsSync(path.join(ROOT, 'dist'))) return;
    expect(existsSync(path.join(ROOT, String(runs.main)))).toBe(true);
  });

  test('has branding with an icon and a color GitHub accepts', () => {
    const branding = mapping(action.branding);
    expect(nonEmptyString(branding.icon)).toBe(true);
    expect(GITHUB_BRANDING_COLORS).toContain(branding.color);
  });

  test.each(Object.keys(actionInputs))('input `%s` has a description', (name) => {
    expect(nonEmptyString(mapping(actionInputs[name]).description)).toBe(true);
  });

  test.each(Object.keys(actionOutputs))('output `%s` has a description', (name) => {
    expect(nonEmptyString(mapping(actionOutputs[name]).description)).toBe(true);
  });
});
