// nock patches node:http's CommonJS exports; ESM importers (such as @actions/http-client)
// read the ESM namespace, which only follows once syncBuiltinESMExports() copies them over.
import { afterAll } from '@jest/globals';
import { syncBuiltinESMExports } from 'node:module';
import nock from 'nock';

nock.disableNetConnect();
syncBuiltinESMExports();

// Each test file loads its own nock, but all of them patch the one node:http of the worker:
// a file's nock must step aside when it ends, or it refuses the next file's requests.
afterAll(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
  syncBuiltinESMExports();
});

export default nock;

/** A socket-level error as Node raises it (nock needs an Error instance, not a plain object). */
export function socketError(code: string, message = `${code} (simulated)`): Error {
  return Object.assign(new Error(message), { code });
}
