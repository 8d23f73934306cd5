import { z } from 'zod';

/**
 * A response action is typed (a closed kind, the entities it touches, a short description) rather than free text as
 * in the papers, so that the entity guard can check its targets and a SOAR can route it. The kinds follow the ideal
 * order contain → assess → preserve → evict → harden → restore.
 */
export const ActionKinds = [
  'contain',
  'isolate-host',
  'block-ip',
  'disable-account',
  'analyse',
  'collect-forensics',
  'eradicate',
  'kill-process',
  'reset-credentials',
  'patch',
  'harden',
  'restore-service',
  'monitor',
] as const;
export const ActionKind = z.enum(ActionKinds);
export type ActionKind = z.infer<typeof ActionKind>;

/** Hard limits shared by the model-answer schema and the documents. */
// Bounded so an ActionAnswer's worst case fits maxTokens (500): see test/unit/agent/answer-bounds.test.ts.
export const ActionLimits = { targets: 4, targetChars: 64, descriptionChars: 300 } as const;

export const ResponseAction = z.object({
  kind: ActionKind,
  /** Hosts, IP addresses or user names the action touches; each must appear in the evidence (entity guard). */
  targets: z.array(z.string().min(1).max(ActionLimits.targetChars)).max(ActionLimits.targets),
  description: z.string().min(1).max(ActionLimits.descriptionChars),
});
export type ResponseAction = z.infer<typeof ResponseAction>;

/** Lower-case and collapse every run of non-alphanumerics to one space (digest §3.2). */
export function normaliseText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Two actions are the same when kind, target set and description agree after normalisation. */
export function actionKey(action: ResponseAction): string {
  const targets = [...new Set(action.targets.map((target) => target.trim().toLowerCase()))].sort();
  return `${action.kind}|${targets.join(',')}|${normaliseText(action.description)}`;
}

/** One line for prompts and rationales; the caller escapes it. */
export function formatAction(action: ResponseAction): string {
  const targets = action.targets.length > 0 ? ` on ${action.targets.join(', ')}` : '';
  return `${action.kind}${targets}: ${action.description}`;
}
