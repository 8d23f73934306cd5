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
