/**
 * What an error says about itself when printed whole (String(err), as a debugger, a crash
 * report or an unexpected rethrow shows it): its class name, then its message.
 */
import { expect, test } from '@jest/globals';
import { ActionError, DomoError, InputError } from '../src/errors.js';

// Built inside each test, so that mutation testing sees which test covers which constructor.
test.each<[string, () => Error, string]>([
  [
    'ActionError',
    () => new ActionError('The runner did not provide GITHUB_OUTPUT.'),
    'The runner did not provide GITHUB_OUTPUT.',
  ],
  [
    'InputError',
    () => new InputError('retries', 'must be a whole number from 0 to 10.'),
    'Input `retries` must be a whole number from 0 to 10.',
  ],
  [
    'DomoError',
    () =>
      new DomoError({
        call: 'Domo token request',
        kind: 'http',
        status: 401,
        hint: 'Check `client-id`.',
      }),
    'Domo token request failed: HTTP 401. Check `client-id`.',
  ],
])('%s', (name, make, message) => {
  const err = make();
  expect(err.name).toBe(name);
  expect(err.message).toBe(message);
  expect(String(err)).toBe(`${name}: ${message}`);
});
