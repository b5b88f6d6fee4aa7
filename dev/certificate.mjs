// @ts-check
// A throwaway self-signed certificate, made with openssl when needed so that no key is ever
// committed. Used by the benchmark (https like real runs) and the tests of TLS and proxies.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes key.pem and cert.pem into `dir` for `host` (an IP address or a DNS name) and returns
 * their text and the certificate's path (for NODE_EXTRA_CA_CERTS). Throws without openssl.
 * @param {string} dir
 * @param {string} [host]
 * @returns {{ key: string, cert: string, certFile: string }}
 */
export function selfSignedCertificate(dir, host = '127.0.0.1') {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  const san = /^[\d.]+$/.test(host) ? `IP:${host}` : `DNS:${host}`;
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', keyFile, '-out', certFile, '-days', '1'],
      ...['-subj', `/CN=${host}`, '-addext', `subjectAltName=${san}`],
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}
