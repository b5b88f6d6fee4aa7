/**
 * Why an instance refused (401 or 403) to create a client for a developer token. Two causes
 * need opposite fixes: the token itself is refused (a new token), or the token is good and
 * only the creation was refused (a grant, or a session instead of the token). Asking Domo who
 * the token belongs to tells them apart.
 *
 * That question is asked once, never retried: the job fails either way, and the answer only
 * sharpens the advice, so it costs at most one `timeout-seconds`. When it gets no clear answer,
 * the advice says so and keeps what the status alone suggests.
 */
import { describe, DomoError } from '../errors.js';
import type { DomoUser } from './users.js';

/** A creation that Domo refused with 401 or 403: the only failures worth asking about. */
export function isRefusal(err: unknown): err is DomoError {
  return err instanceof DomoError && err.kind === 'http' && [401, 403].includes(err.status ?? 0);
}

/**
 * The advice for a refused creation (`creation`, whose hint is what its status alone
 * suggests), given what Domo said when asked who the token belongs to (`check`: the user, or
 * how asking failed). Undefined when `creation` is no refusal.
 */
export function refusalHint(creation: DomoError, check: DomoUser | Error): string | undefined {
  if (!isRefusal(creation)) return undefined;
  if (!(check instanceof Error)) {
    return `The developer token works (it acts as user ${check.id}), but this instance did not let it create an API client. Give that user's role the "Create API OAuth Clients" grant (Admin > Roles). If the role has it already, this instance does not let developer tokens create clients: use a session of a user with that grant instead (\`username\` + \`password\`, or \`session-token\`), which creates clients on Domo's documented route (POST /clients).`;
  }
  if (isRefusal(check)) {
    return `Domo refused the developer token itself: when asked who the token belongs to, the instance answered HTTP ${check.status} too. The token has expired or been revoked, or it was made on another instance than \`instance\`. Make a new one in Admin > Security > Access tokens and update the secret.`;
  }
  const said = check instanceof DomoError ? check.summary : describe(check);
  const also = creation.hint ? ` ${creation.hint}` : '';
  return `Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too (${said}).${also}`;
}

/**
 * After a refused creation, asks `whoIsIt` once and puts the advice that follows in the error.
 * Any other failure is returned as it is, and nothing is asked.
 */
export async function explainRefusal(
  err: unknown,
  whoIsIt: () => Promise<DomoUser>,
): Promise<unknown> {
  if (!isRefusal(err)) return err;
  let check: DomoUser | Error;
  try {
    check = await whoIsIt();
  } catch (failure) {
    // Whatever went wrong in asking, the creation's own failure is what the user must see.
    check = failure instanceof Error ? failure : new Error(String(failure));
  }
  return err.update({ hint: refusalHint(err, check) });
}
