/**
 * The post step against lists it cannot fully trust, end to end: the instance's list shows the
 * created client (by its client id or its name) under an id that is not a plain number, as a
 * changed or hostile list could. Nothing is deleted, and the warning says what the list showed.
 */
import { describe, expect, test } from '@jest/globals';
import { action, runStep } from '../../dev/runner.mjs';
import { expectNoLeaks, withSimulator } from './helpers.js';

describe('post step: the client listed under an id it cannot use', () => {
  test.each<[string, Record<string, unknown>, string]>([
    ['a string with /', { id: '7001/../7002' }, '"7001/../7002"'],
    ['..', { id: '..' }, '".."'],
    ['a negative number', { id: -7001 }, '-7001'],
    ['a float', { id: 7001.5 }, '7001.5'],
    ['no id', {}, 'none'],
  ])('%s', async (_, id, shown) => {
    await withSimulator({}, async (sim) => {
      const inputs = {
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        'session-token': 'sim-session-token',
      };
      const main = await runStep({ inputs });
      expect(main.exitCode).toBe(0);
      const client = sim.clients[0]!;
      for (const by of [{ clientId: client.client_id }, { name: client.name }]) {
        sim.fault('list-dev-tokens', { kind: 'body', body: [{ ...id, ...by, scopes: ['data'] }] });
        const before = sim.requests.length;
        const post = await runStep({ entry: action.runs.post, inputs, state: main.savedState });
        expect(post.exitCode).toBe(0);
        expect(sim.requests.slice(before).map((r) => `${r.method} ${r.route}`)).toEqual([
          'GET list-dev-tokens',
        ]);
        expect(post.warnings).toEqual([
          `Domo API client "${client.name}" (${client.client_id}) is still listed, but under an id that is not a plain number (${shown}); nothing was deleted. Revoke it by hand in ${sim.url}: Admin > Security > Access tokens (API clients), or Domo's developer portal (My Account > Clients).`,
        ]);
        expect(post.stdout).not.toContain('already gone');
        expect(client.deleted).toBe(false);
        expectNoLeaks(post, [client.client_secret, 'sim-session-token']);
      }
    });
  });
});
