/** A running stage of `ira serve` (triage, agent, …): the composition root stops them in reverse order of start. */
export interface Stage {
  readonly name: string;
  stop(): Promise<void>;
}
