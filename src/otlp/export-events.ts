/**
 * A decoded OTLP trace export → the events of its HTTP server spans, with
 * how many spans were ignored (not HTTP server spans) and rejected (server
 * spans that cannot become an event), and why the first one was rejected:
 * OTLP's partial success reports that much.
 */
import type { TsWindow } from '../collect/event.js';
import type { CollectedEvent } from '../collect/event.types.js';
import { resourceExtra, spanToEvent } from './span-event.js';
import type { TraceExport } from './trace-export.js';

export interface ExportEvents {
  events: CollectedEvent[];
  ignored: number;
  rejected: number;
  /** why the first rejected span was rejected, naming it; '' when none was */
  firstRejection: string;
}

export function exportEvents(traces: TraceExport, now: number, window: TsWindow): ExportEvents {
  const events: CollectedEvent[] = [];
  let ignored = 0;
  let rejected = 0;
  let firstRejection = '';
  for (const { resource: attributes, spans } of traces.resourceSpans) {
    const resource = resourceExtra(attributes);
    for (const span of spans) {
      const outcome = spanToEvent(span, resource, now, window);
      if (outcome.outcome === 'event') events.push(outcome.event);
      else if (outcome.outcome === 'ignored') ignored++;
      else {
        if (rejected === 0) firstRejection = `span ${span.spanId || '(no spanId)'}: ${outcome.reason}`;
        rejected++;
      }
    }
  }
  return { events, ignored, rejected, firstRejection };
}
