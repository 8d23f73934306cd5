/**
 * Alert score, 0–100, a weighted sum of three parts (weights sum to 100):
 *
 *   score = round( 0.5 · severity  +  30 · stage  +  20 · novelty )
 *
 * - severity: ira's 0–100 severity (`event.severity`), so it contributes 0–50.
 * - stage: kill-chain position of the alert's latest ATT&CK tactic, 0..1 (stage.ts); 0.4 when no tactic is known.
 * - novelty, relative to the incident the alert joins:
 *     1.0  the rule (name, else id) is new in the incident — new behaviour is the strongest signal of progress;
 *     0.4  the rule is already in the incident but this signature (rule + src + dst + host + user) is not a repeat;
 *     0.1  an exact repeat of a signature seen within the window — it adds little.
 *
 * The score is monotonic in severity and in stage (both weights positive) and never leaves 0–100.
 */
export type Novelty = 'new-rule' | 'known-rule' | 'repeat';

const NOVELTY: Record<Novelty, number> = { 'new-rule': 1, 'known-rule': 0.4, repeat: 0.1 };

export function alertScore(severity: number, stage: number, novelty: Novelty): number {
  const raw = 0.5 * clamp(severity, 0, 100) + 30 * clamp(stage, 0, 1) + 20 * NOVELTY[novelty];
  return Math.round(clamp(raw, 0, 100));
}

/**
 * Incident score, 0–100: the best alert score plus breadth — each distinct tactic beyond the first adds 4 (a
 * multi-stage story), and distinct rules add 2·log2(rules) (variety, damped so a noisy incident cannot buy its way
 * up). Never decreases as alerts are added.
 */
export function incidentScore(maxAlertScore: number, tacticCount: number, ruleCount: number): number {
  return Math.min(100, Math.round(maxAlertScore + breadth(tacticCount, ruleCount)));
}

export function breadth(tacticCount: number, ruleCount: number): number {
  return 4 * Math.max(0, tacticCount - 1) + 2 * Math.log2(Math.max(1, ruleCount));
}

/** Inverse of incidentScore for resuming from a stored incident (exact unless the score was capped at 100). */
export function maxAlertScoreFrom(score: number, tacticCount: number, ruleCount: number): number {
  return Math.max(0, score - breadth(tacticCount, ruleCount));
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
