/**
 * The credential for the instance's API, shared by provision, sweep and login mode: a developer token
 * as it is, a session token as it is, or the session a sign-on returns.
 */
import type { InstanceConfig } from './config.js';
import { signOn } from './domo/session.js';
import type { Transport } from './http.js';
import { info, mask } from './log.js';
import { withRetry, type RetryFor } from './retry.js';

export async function instanceCredential(
  access: InstanceConfig,
  transport: Transport,
  retry: RetryFor,
): Promise<string> {
  const { session, instanceUrl } = access;
  if (session.kind === 'developer-token' || session.kind === 'session-token') return session.token;
  const credentials =
    session.kind === 'password'
      ? { method: 'password' as const, emailAddress: session.username, password: session.password }
      : { method: 'exptoken' as const, cookie: session.cookie };
  const signedOn = await withRetry(
    () => signOn(transport, instanceUrl, credentials),
    retry('idempotent'),
  );
  mask(signedOn.sessionToken);
  info(`Signed on to ${instanceUrl}${signedOn.userId ? ` as user ${signedOn.userId}` : ''}.`);
  return signedOn.sessionToken;
}
