import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stableHash } from '../../../src/core/hash';
import {
  NormalizedAlert,
  normalizeAlert,
  type AlertFormat,
  type AlertRejection,
} from '../../../src/core/alert';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'alerts');

export function readFixture(relative: string): string {
  return readFileSync(join(FIXTURES, relative), 'utf8');
}

/** The non-empty lines of a fixture, each without its line terminator: one message per line. */
export function fixtureLines(relative: string): string[] {
  return readFixture(relative)
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/** Normalises a message that must succeed, failing the test with the rejection otherwise. */
export function normalizeOk(raw: string, format?: AlertFormat): NormalizedAlert {
  const result = normalizeAlert(raw, format === undefined ? undefined : { format });
  if (!result.ok) throw new Error(`rejected (${result.error.reason}): ${result.error.message}`);
  return result.value;
}

export function normalizeRejected(raw: string, format?: AlertFormat): AlertRejection {
  const result = normalizeAlert(raw, format === undefined ? undefined : { format });
  if (result.ok) throw new Error(`expected a rejection, got a ${result.value.ira.format} alert`);
  return result.error;
}

/** What holds for every alert of every format: schema-valid, verbatim original, severity on 0–100, stable id. */
export function expectAlertInvariants(alert: NormalizedAlert, raw: string, format: AlertFormat): void {
  expect(NormalizedAlert.safeParse(alert).success).toBe(true);
  expect(alert.ira.format).toBe(format);
  expect(alert.event.kind).toBe('alert');
  expect(alert.event.original).toBe(raw);
  expect(alert.event.severity).toBeGreaterThanOrEqual(0);
  expect(alert.event.severity).toBeLessThanOrEqual(100);
  expect(alert.ira.alert_id).toBe(stableHash(`${format}\u0000${alert.event.id}`));
  expect(Number.isNaN(Date.parse(alert['@timestamp']))).toBe(false);
  for (const port of [alert.source.port, alert.destination.port]) {
    if (port !== undefined) expect(Number.isInteger(port) && port >= 0 && port <= 65535).toBe(true);
  }
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
