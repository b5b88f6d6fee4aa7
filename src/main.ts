/**
 * The story of one run: inputs → (session → new client) → token → outputs.
 * Every dependency on the outside world is a parameter, so tests can drive it directly.
 */
import {
  parseConfig,
  readInputs,
  secretInputValues,
  type CleanupState,
  type Config,
} from './config.js';
import { createClient, warnOfOrphan, type CreatedClient } from './domo/clients.js';
import { createWithDeveloperToken } from './domo/developerTokens.js';
import { explainRefusal } from './domo/refusal.js';
import { basicCredential, requestToken, type TokenMethod } from './domo/token.js';
import { currentUser } from './domo/users.js';
import type { DomoError } from './errors.js';
import { instanceCredential } from './credential.js';
import { knownSecrets } from './secrets.js';
import { sweep } from './sweep.js';
import { createTransport, withLog, type Transport } from './http.js';
import {
  debug,
  fail,
  info,
  mask,
  publishResult,
  requireRunnerFiles,
  saveCleanupState,
  warning,
} from './publish.js';
import {
  retryLine,
  systemClock,
  withRetry,
  type Clock,
  type Random,
  type Safety,
} from './retry.js';

export interface Deps {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  random: Random;
  transport: (timeoutMs: number) => Transport;
}

const defaultDeps: Omit<Deps, 'env'> = {
  clock: systemClock,
  random: Math.random,
  transport: (timeoutMs) => createTransport({ timeoutMs }),
};

export async function run(overrides: Partial<Deps> = {}): Promise<void> {
  const deps: Deps = { ...defaultDeps, env: process.env, ...overrides };
  let handover: CleanupState | undefined;
  try {
    const raw = readInputs(deps.env);
    mask(...secretInputValues(raw));
    const { config, warnings } = parseConfig(raw, deps.env, deps.random);
    for (const message of warnings) warning(message);
    requireRunnerFiles(config, deps.env);
    const transport = withLog(deps.transport(config.timeoutMs), debug, deps.clock.now);
    const retry = retryOptions(config, deps);

    if (config.sweep) return await sweep(config.sweep, transport, retry, config.summary);

    // Configuration holds a client in token mode; provision mode makes one.
    let credentials = config.client!;
    let client: CreatedClient | undefined;
    if (config.provision) {
      ({ client, handover } = await provisionClient(config, transport, retry));
      credentials = { id: client.clientId, secret: client.clientSecret };
    }

    const basic = basicCredential(credentials.id, credentials.secret);
    mask(basic);
    let method: TokenMethod = 'GET';
    const token = await withRetry(
      () =>
        requestToken(
          transport,
          { apiUrl: config.apiUrl, basicCredential: basic, scopes: config.scopes },
          method,
          (m) => {
            method = m;
            debug(
              'Domo answered 405 to GET /oauth/token; sending the token request as a form POST.',
            );
          },
        ),
      retry('idempotent'),
    );
    mask(token.accessToken);
    // To the second: 2026-11-24T13:40:00Z.
    const expiresAt = `${new Date(deps.clock.now() + token.expiresIn * 1000).toISOString().slice(0, 19)}Z`;
    await publishResult({ config, token, expiresAt, client });
  } catch (err) {
    fail(err);
  } finally {
    // The post step learns of every secret this step has seen by its end, a token it refused
    // included, whether the step succeeded or not.
    if (handover) saveCleanupState({ ...handover, secrets: knownSecrets() });
  }
}

function retryOptions(config: Config, deps: Deps) {
  return (safety: Safety) => ({
    retries: config.retries,
    safety,
    clock: deps.clock,
    random: deps.random,
    onRetry: (err: DomoError, waitMs: number, next: number) =>
      info(retryLine(err, waitMs, next, config.retries)),
  });
}

async function provisionClient(
  config: Config,
  transport: Transport,
  retry: ReturnType<typeof retryOptions>,
): Promise<{ client: CreatedClient; handover: CleanupState }> {
  const p = config.provision!;
  const { session } = p;
  const developer = session.kind === 'developer-token';
  // The sign-on comes first, outside the `try` below: its failures cannot have created a client.
  const credential = await instanceCredential(p, transport, retry);
  const request = { name: p.clientName, description: p.description, scopes: config.scopes };
  const how = developer ? ' (developer token)' : '';
  info(`Creating Domo API client "${p.clientName}" with scope "${config.scopes.join(' ')}"${how}.`);
  let client: CreatedClient;
  try {
    client = await withRetry(
      () =>
        developer
          ? createWithDeveloperToken(transport, p.instanceUrl, credential, request)
          : createClient(
              transport,
              config.apiUrl,
              { sessionToken: credential, customerDomain: p.customerDomain },
              request,
            ),
      retry('creates'),
    );
  } catch (err) {
    // A refused developer token: Domo is asked once who it belongs to, to say what was refused.
    if (developer)
      await explainRefusal(err, () => currentUser(transport, p.instanceUrl, credential));
    throw warnOfOrphan(err, p.clientName);
  }
  mask(client.clientSecret);
  const handover: CleanupState = {
    clientId: client.clientId,
    clientName: client.name,
    listId: client.listId,
    authKind: developer ? 'developer-token' : 'session',
    credential: p.deleteClient ? credential : '',
    instanceUrl: p.instanceUrl,
    deleteClient: p.deleteClient,
    retries: config.retries,
    timeoutMs: config.timeoutMs,
    secrets: knownSecrets(),
  };
  // Saved before anything else can fail, so that the post step revokes the client whatever happens next.
  saveCleanupState(handover);
  const listed = client.listId ? `, id ${client.listId}` : '';
  info(`Created Domo API client "${client.name}" (${client.clientId}${listed}).`);
  return { client, handover };
}
