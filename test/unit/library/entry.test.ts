import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ira from '../../../src';

/** package.json's `main` is a real entry: the built path matches src/index.ts, and it exports what its doc promises. */
describe('library entry', () => {
  it('package.json main and types name the compiled src/index', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { main: string; types: string };
    expect(manifest.main).toBe('dist/src/index.js');
    expect(manifest.types).toBe('dist/src/index.d.ts');
  });

  it('exports the normalisers, triage, the agent step, the document builders and the typed errors', () => {
    for (const name of ['normalizeAlert', 'detectFormat', 'NormalizedAlert', 'triageBatch', 'createTriageState', 'runAgentStep', 'runDirectStep', 'alertDocument', 'recommendationDocument', 'conjectureDocument', 'recommendationId', 'indexNames', 'IraError', 'ErrorCodes']) {
      expect(ira).toHaveProperty(name);
    }
    expect(typeof ira.normalizeAlert).toBe('function');
    const result = ira.normalizeAlert('{"@timestamp":"2024-01-02T03:04:05Z","message":"x","event":{"kind":"alert"}}');
    expect(typeof result.ok).toBe('boolean');
  });
});
