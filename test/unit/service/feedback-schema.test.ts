import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { analystFeedbackOf, FeedbackMessage } from '../../../src/core/documents/feedback';

describe('feedback message schema', () => {
  test('docs/feedback.schema.json is the JSON Schema of FeedbackMessage (regenerate it when the schema changes)', () => {
    const written: unknown = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'docs', 'feedback.schema.json'), 'utf8'));
    expect(written).toEqual(z.toJSONSchema(FeedbackMessage, { io: 'input' }));
  });

  test.each([
    [{ recommendation_id: 'inc-9f2a:3', status: 'executed' }, true],
    [{ recommendation_id: 'inc-9f2a:3', status: 'false-positive', comment: 'a pentest', actor: 'soc-1', feedback_id: 'x', reported_at: '2026-06-10T13:00:00Z' }, true],
    [{ recommendation_id: 'inc-9f2a', status: 'executed' }, false],
    [{ recommendation_id: 'inc-9f2a:3', status: 'done' }, false],
    [{ recommendation_id: 'inc-9f2a:3', status: 'rejected', comment: 'x'.repeat(2001) }, false],
    [{ recommendation_id: 'inc-9f2a:3', status: 'rejected', reported_at: 'yesterday' }, false],
  ])('%j valid: %s', (message, valid) => {
    expect(FeedbackMessage.safeParse(message).success).toBe(valid);
  });

  test.each([
    ['executed', { step: 2, outcome: 'executed', note: 'c' }],
    ['rejected', { step: 2, outcome: 'rejected', note: 'c' }],
    ['failed', { step: 2, outcome: 'failed', note: 'c' }],
    ['accepted', { step: 2, note: 'accepted by an analyst: c' }],
    ['false-positive', undefined],
  ] as const)('%s reaches the agent as %j', (status, expected) => {
    expect(analystFeedbackOf({ step: 2, status, comment: 'c' })).toEqual(expected);
  });
});
