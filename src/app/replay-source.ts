import { elasticsearchSource } from '../adapters/sources/elasticsearch-source';
import { fileSource } from '../adapters/sources/file-source';
import { kafkaSource, parseKafkaPosition } from '../adapters/sources/kafka-source';
import type { Config } from '../config';
import type { AlertSource } from '../core/ports/alert-source';
import type { Logger } from '../logger';

/** Where a replay reads its alerts from, as the CLI parsed it; positions and times stay text until the adapter reads them. */
export type ReplaySourceSpec =
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'elasticsearch'; readonly index: string; readonly timeField: string; readonly from?: string; readonly to?: string; readonly query?: string }
  | { readonly kind: 'kafka'; readonly topic: string; readonly from?: string; readonly to?: string };

export function openReplaySource(spec: ReplaySourceSpec, config: Config, logger: Logger): AlertSource {
  switch (spec.kind) {
    case 'path':
      return fileSource(spec.path);
    case 'elasticsearch':
      return elasticsearchSource(config.store, {
        index: spec.index,
        timeField: spec.timeField,
        maxAlerts: config.replay.maxAlerts,
        ...(spec.from === undefined ? {} : { from: spec.from }),
        ...(spec.to === undefined ? {} : { to: spec.to }),
        ...(spec.query === undefined ? {} : { query: spec.query }),
      });
    case 'kafka':
      return kafkaSource(
        config.kafka,
        {
          topic: spec.topic,
          maxAlerts: config.replay.maxAlerts,
          ...(spec.from === undefined ? {} : { from: parseKafkaPosition(spec.from) }),
          ...(spec.to === undefined ? {} : { to: parseKafkaPosition(spec.to) }),
        },
        logger,
      );
  }
}
