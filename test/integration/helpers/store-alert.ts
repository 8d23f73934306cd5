/** A minimal alert document for store tests: valid for the shipped alerts mapping. */
export const storeAlert = (id: string, extra: Record<string, unknown> = {}) => ({
  '@timestamp': '2024-01-02T03:04:05.000Z',
  message: `alert ${id}`,
  event: { kind: 'alert', id, severity: 50, original: `{"raw":"${id}"}` },
  source: { ip: '10.0.0.1' },
  ira: { format: 'generic-json', alert_id: id },
  ...extra,
});
