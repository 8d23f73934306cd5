/**
 * Where long operations (replay, eval) report how far they are. The CLI implements it on stderr (a redrawn bar on
 * a terminal, plain lines elsewhere); tests and services pass a silent one.
 */
export interface Progress {
  /** Sets the position (done of total) and what is happening now. */
  update(done: number, total: number, label: string): void;
  /** A message that must stay visible (printed above the bar on a terminal). */
  note(message: string): void;
  /** Clears the bar (a terminal) and stops the ticker. */
  end(): void;
}

export const silentProgress: Progress = { update: () => undefined, note: () => undefined, end: () => undefined };
