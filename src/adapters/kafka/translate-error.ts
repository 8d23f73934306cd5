import { ErrorCodes, IraError } from '../../errors';

/** Node's codes for a broker certificate that the configured CA does not vouch for (or that names another host). */
const CERTIFICATE_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** What to tell the user when TLS refused the broker's certificate with `code`; undefined for any other failure. */
export function certificateRefusal(code: unknown): string | undefined {
  if (typeof code !== 'string' || !CERTIFICATE_CODES.has(code)) return undefined;
  return `Kafka TLS refused the broker certificate (${code}): check IRA_KAFKA_SSL_CA_FILE (the CA that signed the broker's certificate) and that IRA_KAFKA_BROKERS names a host the certificate covers`;
}

/** The error or any error in its `cause` chain named `name` (kafkajs wraps retried failures). */
function findInChain(error: unknown, name: string): Error | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 10; current = current.cause, depth++) {
    if (current.name === name) return current;
  }
  return undefined;
}

/**
 * kafkajs errors carry `retriable`; we keep that bit and our own code. A refused SASL login is the user's settings,
 * not an outage: it is final, and it names the settings to check (never their values).
 */
export function translateKafkaError(error: unknown, what: string): IraError {
  if (IraError.isInstance(error)) return error;
  const authentication = findInChain(error, 'KafkaJSSASLAuthenticationError');
  if (authentication) {
    return new IraError(
      ErrorCodes.configInvalid,
      `Kafka SASL authentication failed (${what}): check IRA_KAFKA_SASL_USERNAME/IRA_KAFKA_SASL_PASSWORD and IRA_KAFKA_SASL_MECHANISM; the broker said: ${authentication.message}`,
      { retryable: false, cause: error },
    );
  }
  const refusal = certificateRefusal((error as { code?: unknown } | undefined)?.code);
  if (refusal) return new IraError(ErrorCodes.configInvalid, `${refusal} (${what})`, { retryable: false, cause: error });
  const retriable = (error as { retriable?: unknown }).retriable;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new IraError(ErrorCodes.kafkaUnavailable, `kafka ${what} failed: ${message}`, {
    retryable: retriable !== false,
    cause: error,
  });
}
