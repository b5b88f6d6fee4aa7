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

describe('post step: a name taken again by someone else', () => {
  test("the job's client deleted by hand and its name reused: the other client is never revoked", async () => {
    await withSimulator({}, async (sim) => {
      const inputs = {
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        'session-token': 'sim-session-token',
        'client-name': 'ci deploy client',
      };
      const main = await runStep({ inputs });
      expect(main.exitCode).toBe(0);
      const ours = sim.clients[0]!;
      ours.deleted = true; // revoked by hand, mid-job
      const [theirs] = sim.addClients([{ name: 'ci deploy client' }]);
      const before = sim.requests.length;
      const post = await runStep({ entry: action.runs.post, inputs, state: main.savedState });
      expect(post.exitCode).toBe(0);
      expect(sim.requests.slice(before).map((r) => `${r.method} ${r.route}`)).toEqual([
        'GET list-dev-tokens',
      ]);
      expect(post.warnings).toEqual([]);
      expect(post.stdout).toContain(
        `Domo API client "ci deploy client" (${ours.client_id}) is already gone: ${sim.url} no longer lists it.`,
      );
      expect(sim.clients.find((c) => c.client_id === theirs!.client_id)!.deleted).toBe(false);
      expectNoLeaks(post, [ours.client_secret, 'sim-session-token']);
    });
  });

  test.each<[string, (id: string) => string]>([
    ['cut short', (id) => id.slice(0, 8)],
    ['cut short with …', (id) => `${id.slice(0, 8)}…`],
    ['cut short with ...', (id) => `${id.slice(0, 8)}...`],
  ])('a list that shows the client id %s still finds it by name', async (_, shorten) => {
    await withSimulator({}, async (sim) => {
      const inputs = {
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        'session-token': 'sim-session-token',
      };
      const main = await runStep({ inputs });
      const client = sim.clients[0]!;
      sim.fault('list-dev-tokens', {
        kind: 'body',
        body: [{ id: client.tokenId, name: client.name, clientId: shorten(client.client_id) }],
      });
      const post = await runStep({ entry: action.runs.post, inputs, state: main.savedState });
      expect(post.warnings).toEqual([]);
      expect(client.deleted).toBe(true);
      expect(post.stdout).toContain(`Revoked Domo API client "${client.name}"`);
    });
  });
});
