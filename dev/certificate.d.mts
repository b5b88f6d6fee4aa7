export function selfSignedCertificate(
  dir: string,
  host?: string,
): { key: string; cert: string; certFile: string };
