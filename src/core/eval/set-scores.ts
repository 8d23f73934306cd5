/**
 * Precision and recall of a predicted label set against a labelled one, under a match relation.
 * precision = predicted items that match some labelled item / |predicted|; recall = labelled items matched by some
 * predicted item / |labelled|. Edge cases are fixed so that means over runs stay defined: nothing predicted scores
 * precision 1 only when nothing was labelled either (0 otherwise); nothing labelled scores recall 1.
 */
export interface SetScore {
  readonly precision: number;
  readonly recall: number;
}

export function setScore<T>(
  predicted: readonly T[],
  labelled: readonly T[],
  match: (predicted: T, labelled: T) => boolean = (a, b) => a === b,
): SetScore {
  const precision = predicted.length === 0
    ? (labelled.length === 0 ? 1 : 0)
    : predicted.filter((item) => labelled.some((label) => match(item, label))).length / predicted.length;
  const recall = labelled.length === 0
    ? 1
    : labelled.filter((label) => predicted.some((item) => match(item, label))).length / labelled.length;
  return { precision, recall };
}

export function uniqueDefined<T>(values: ReadonlyArray<T | undefined>): T[] {
  return [...new Set(values.filter((value): value is T => value !== undefined))];
}
