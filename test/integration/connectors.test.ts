// jest 29 ignores a per-project testTimeout (jest.config.js), so the budget is set here.
jest.setTimeout(300_000);

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConnectorsDir, loadConnectors } from '../../src/adapters/kafka/connectors';
import { normalizeAlert } from '../../src/core/alert/normalize';
import { fixtureMessages } from './helpers/fixtures';

describe('connectors/', () => {
  const dir = defaultConnectorsDir();

  test('every connector file is valid, and together they cover every source format that has real fixtures', () => {
    const connectors = loadConnectors(dir);
    expect(connectors.length).toBeGreaterThanOrEqual(8);
    const covered = new Set(connectors.flatMap((connector) => connector.formats));
    const seen = new Set(
      fixtureMessages().flatMap((message) => {
        const result = normalizeAlert(message.raw);
        return result.ok && result.value.ira.format !== 'generic-json' ? [result.value.ira.format] : [];
      }),
    );
    for (const format of seen) expect(covered).toContain(format);
  });

  test('a connector with a bad field is refused with the file and the field named', () => {
    const bad = mkdtempSync(join(tmpdir(), 'ira-connectors-'));
    const good = JSON.parse(readFileSync(join(dir, 'wazuh-filebeat.json'), 'utf8'));
    writeFileSync(join(bad, 'wazuh-filebeat.json'), JSON.stringify({ ...good, formats: ['splunk'] }));
    expect(() => loadConnectors(bad)).toThrow(/wazuh-filebeat\.json: formats\.0/);
  });
});
