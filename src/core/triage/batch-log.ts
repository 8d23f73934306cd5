import { snapshot, type IncidentRecord } from './incident-record';
import type { IncidentChange } from './types';

interface Touch {
  opened: boolean;
  mergedFrom: string[];
}

/** Which incidents a batch touched and how; turned into one IncidentChange per incident (final version) at the end. */
export class BatchLog {
  private readonly touched = new Map<IncidentRecord, Touch>();

  opened(record: IncidentRecord): void {
    this.entry(record).opened = true;
  }

  touch(record: IncidentRecord): void {
    this.entry(record);
  }

  merged(winner: IncidentRecord, loser: IncidentRecord): void {
    this.entry(winner).mergedFrom.push(loser.id);
    this.entry(loser);
  }

  changes(): IncidentChange[] {
    const out: IncidentChange[] = [];
    for (const [record, touch] of this.touched) {
      const kind = record.status === 'merged' ? 'merged' : touch.opened ? 'opened' : 'updated';
      const change: IncidentChange = { kind, incident: snapshot(record) };
      if (touch.mergedFrom.length > 0) change.mergedFrom = touch.mergedFrom;
      out.push(change);
    }
    return out;
  }

  private entry(record: IncidentRecord): Touch {
    let touch = this.touched.get(record);
    if (touch === undefined) {
      touch = { opened: false, mergedFrom: [] };
      this.touched.set(record, touch);
    }
    return touch;
  }
}
