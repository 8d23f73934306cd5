import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAitAdsCsv } from '../../../src/core/sources/ait-csv';

export const AIT_CSV = join(__dirname, '..', '..', 'fixtures', 'ait-ads', 'russellmitchell_attack_window.csv');

/**
 * The AIT-ADS russellmitchell attack window (18,252 real alerts) as generic JSON messages, `replicas` times over;
 * each replica gets its own event ids, so every message is a distinct alert.
 */
export function aitMessages(replicas: number): string[] {
  const parsed = parseAitAdsCsv(readFileSync(AIT_CSV, 'utf8'));
  if (!parsed.ok) throw new Error(`AIT CSV line ${parsed.error.line}: ${parsed.error.message}`);
  const messages: string[] = [];
  for (let replica = 0; replica < replicas; replica++) {
    for (const alert of parsed.value.alerts) {
      messages.push(JSON.stringify(replica === 0 ? alert : { ...alert, event: { id: `${alert.event.id}-r${replica}` } }));
    }
  }
  return messages;
}
