import { createJsonLogger, redactSecrets, REDACTED } from '../../../src/logger';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = createJsonLogger({ level, write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>), now: () => new Date('2026-06-10T13:00:00.000Z') });
  return { lines, logger };
}

describe('ECS logger', () => {
  test('lines are ECS: @timestamp, log.level, message, ecs.version, service.name; child fields kept', () => {
    const { lines, logger } = capture();
    logger.child({ stage: 'triage' }).info('stage-started', { topic: 'ira.alerts' });
    expect(lines[0]).toMatchObject({ '@timestamp': '2026-06-10T13:00:00.000Z', 'log.level': 'info', message: 'stage-started', 'service.name': 'ira', stage: 'triage', topic: 'ira.alerts' });
    expect(lines[0]?.['ecs.version']).toEqual(expect.any(String));
  });

  test('levels below the configured one are dropped', () => {
    const { lines, logger } = capture('warn');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(lines.map((line) => line['log.level'])).toEqual(['warn', 'error']);
  });

  test('a string error becomes error.message (ECS keeps error an object)', () => {
    const { lines, logger } = capture();
    logger.error('write-failed', { error: 'IRA_STORE_UNAVAILABLE: down' });
    expect(lines[0]?.['error']).toEqual({ message: 'IRA_STORE_UNAVAILABLE: down' });
  });

  test('secrets never reach a line: passwords, API keys, tokens, SASL, authorization headers, in fields and bindings', () => {
    const { lines, logger } = capture();
    logger.child({ auth: { username: 'ira', password: 'child-secret' } }).warn('x', {
      config: { kafka: { sasl: { mechanism: 'plain', username: 'u', password: 'sasl-secret' } }, store: { auth: { apiKey: 'api-secret' } }, http: { token: 'token-secret' } },
      headers: { authorization: 'Bearer header-secret' },
      IRA_ES_PASSWORD: 'env-secret',
      promptTokens: 12,
    });
    const text = JSON.stringify(lines);
    for (const secret of ['child-secret', 'sasl-secret', 'api-secret', 'token-secret', 'header-secret', 'env-secret']) expect(text).not.toContain(secret);
    expect(text).toContain('"promptTokens":12');
    expect(text).toContain('"mechanism":"plain"');
  });

  test('redactSecrets keeps the shape and replaces only secret values', () => {
    expect(redactSecrets({ a: 1, list: [{ secret: 's' }], nested: { apiKey: 'k', unset: undefined } })).toEqual({ a: 1, list: [{ secret: REDACTED }], nested: { apiKey: REDACTED, unset: undefined } });
  });
});
