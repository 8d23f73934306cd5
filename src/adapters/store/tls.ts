import { readFileSync } from 'node:fs';
import { ErrorCodes, IraError } from '../../errors';
import type { StoreConnectionOptions } from './transport';

/** TLS options shared by both engine clients; the CA file is read once at startup so a bad path fails fast. */
export function storeTls(options: StoreConnectionOptions): { ca?: Buffer; rejectUnauthorized: boolean } {
  if (!options.caFile) return { rejectUnauthorized: options.rejectUnauthorized };
  try {
    return { ca: readFileSync(options.caFile), rejectUnauthorized: options.rejectUnauthorized };
  } catch (error) {
    throw new IraError(ErrorCodes.configInvalid, `IRA_ES_CA_FILE: cannot read ${options.caFile}`, { cause: error });
  }
}

/** Node's messages (the engine clients keep only the message) for a server certificate the CA does not vouch for. */
const CERTIFICATE_REFUSED =
  /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate has expired|does not match certificate's altnames|certificate signature failure/i;

/**
 * A TLS refusal of the engine's certificate is a setting to fix, not an outage to wait out: a final error that names
 * IRA_ES_CA_FILE. `undefined` for any other failure.
 */
export function certificateRefusal(error: unknown, flavor: string, what: string): IraError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!CERTIFICATE_REFUSED.test(message)) return undefined;
  return new IraError(
    ErrorCodes.configInvalid,
    `${flavor} ${what}: TLS refused the server certificate (${message}): check IRA_ES_CA_FILE (the CA that signed the node's certificate) and that IRA_ES_NODE names a host the certificate covers`,
    { retryable: false, cause: error },
  );
}
