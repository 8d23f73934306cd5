import { z } from 'zod';

/** The DLQ record as a consumer of `ira.alerts.dlq` must be able to read it (the contract, checked in tests). */
export const DeadLetter = z.strictObject({
  reason: z.enum(['unparseable', 'unknown-format', 'invalid', 'empty', 'store-rejected']),
  message: z.string(),
  issues: z.array(z.string()),
  format: z.string().nullable(),
  code: z.enum(['too-large', 'too-deep']).optional(),
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string().regex(/^\d+$/),
  timestamp: z.string().regex(/^\d+$/),
  original_base64: z.string(),
});
