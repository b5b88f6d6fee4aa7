/**
 * The story of one run: inputs → (session → new client) → token → outputs.
 * Every dependency on the outside world is a parameter, so tests can drive it directly.
 */
import { parseConfig, readInputs, secretInputValues, type Config } from './config.js';
import { createClient, warnOfOrphan, type CreatedClient } from './domo/clients.js';
import { signOn } from './domo/session.js';
import { basicCredential, requestToken, type TokenMethod } from './domo/token.js';
import type { DomoError } from './errors.js';
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
  try {
    const raw = readInputs(deps.env);
    mask(...secretInputValues(raw));
    const { config, warnings } = parseConfig(raw, deps.env);
    for (const message of warnings) warning(message);
    requireRunnerFiles(config, deps.env);
    const transport = withLog(deps.transport(config.timeoutMs), debug, deps.clock.now);
    const retry = retryOptions(config, deps);

    let credentials = config.client;
    let client: CreatedClient | undefined;
    if (config.provision) {
      client = await provisionClient(config, transport, retry);
      credentials = { id: client.clientId, secret: client.clientSecret };
    }
    if (!credentials) throw new Error('no client credentials');

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
    const expiresAt = new Date(deps.clock.now() + token.expiresIn * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    await publishResult({ config, token, expiresAt, client });
  } catch (err) {
    fail(err);
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
): Promise<CreatedClient> {
  const p = config.provision!;
  let sessionToken: string;
  if (p.session.kind === 'session-token') {
    sessionToken = p.session.token;
  } else {
    const credentials =
      p.session.kind === 'password'
        ? {
            method: 'password' as const,
            emailAddress: p.session.username,
            password: p.session.password,
          }
        : { method: 'exptoken' as const, cookie: p.session.cookie };
    const session = await withRetry(
      () => signOn(transport, p.instanceUrl, credentials),
      retry('idempotent'),
    );
    mask(session.sessionToken);
    sessionToken = session.sessionToken;
    info(`Signed on to ${p.instanceUrl}${session.userId ? ` as user ${session.userId}` : ''}.`);
  }

  info(`Creating Domo API client "${p.clientName}" with scope "${config.scopes.join(' ')}".`);
  const headers = { sessionToken, customerDomain: p.customerDomain };
  let client: CreatedClient;
  try {
    client = await withRetry(
      () =>
        createClient(transport, config.apiUrl, headers, {
          name: p.clientName,
          scopes: config.scopes,
        }),
      retry('creates'),
    );
  } catch (err) {
    throw warnOfOrphan(err, p.clientName);
  }
  mask(client.clientSecret);
  // Saved before anything else can fail, so that the post step revokes the client whatever happens next.
  saveCleanupState({
    clientId: client.clientId,
    clientName: client.name,
    sessionToken: p.deleteClient ? sessionToken : '',
    apiUrl: config.apiUrl,
    instanceUrl: p.instanceUrl,
    customerDomain: p.customerDomain,
    deleteClient: p.deleteClient,
    retries: config.retries,
    timeoutMs: config.timeoutMs,
  });
  info(`Created Domo API client "${client.name}" (${client.clientId}).`);
  return client;
}
