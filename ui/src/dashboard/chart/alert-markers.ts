/**
 * Where alert rules fired (red) and resolved (green) on the requests chart:
 * a uPlot plugin that lays a vertical line per transition inside the chart's
 * time range over the plot, as DOM elements so each carries the rule's name
 * as a label, a tooltip and an accessible name. Placed again on every draw
 * (new data, a resize) and when the transitions change (redraw).
 */
import type uPlot from 'uplot';
import type { AlertTransition } from '../../shared/alert-types';
import { formatClock } from '../../shared/format';

/** markers with a visible name at most; the rest keep their tooltip */
const LABELLED = 6;
/** a name needs about this much room (CSS px): a marker closer to a named one stays unnamed */
const LABEL_ROOM = 80;

export function alertMarkers(read: () => readonly AlertTransition[], bucketSeconds: number): uPlot.Plugin {
  let layer: HTMLDivElement | null = null;
  return {
    hooks: {
      init: (u) => {
        layer = document.createElement('div');
        layer.className = 'alert-markers';
        u.over.appendChild(layer);
      },
      draw: (u) => {
        if (layer !== null) place(u, layer, read(), bucketSeconds);
      },
      destroy: () => {
        layer = null;
      },
    },
  };
}

function place(u: uPlot, layer: HTMLDivElement, transitions: readonly AlertTransition[], bucketSeconds: number) {
  const { min, max } = u.scales.x ?? {};
  layer.replaceChildren();
  if (min === undefined || max === undefined) return;
  // the newest bucket starts at max: a transition inside it still belongs on the chart
  const shown = transitions.filter(
    (t) => t.kind !== 'reminder' && t.at / 1000 >= min && t.at / 1000 < max + bucketSeconds,
  );
  const width = u.over.clientWidth;
  const named: number[] = [];
  for (const t of shown) {
    const name = t.rule_name ?? `rule ${t.rule_id}`;
    const text = `${name} ${t.kind} at ${formatClock(t.at)}`;
    const marker = document.createElement('div');
    marker.className = `alert-marker ${t.kind}`;
    const x = Math.min(width - 1, Math.max(0, u.valToPos(t.at / 1000, 'x')));
    marker.style.left = `${x}px`;
    marker.title = `${text}: ${t.message}`;
    marker.setAttribute('role', 'img');
    marker.setAttribute('aria-label', text);
    marker.dataset.testid = 'alert-marker';
    // transitions come newest first: the newest get the visible names, where they do not overlap
    if (named.length < LABELLED && named.every((other) => Math.abs(other - x) >= LABEL_ROOM)) {
      named.push(x);
      const label = document.createElement('span');
      // near the right edge the name goes on the line's left, inside the chart
      label.className = x > width - LABEL_ROOM ? 'alert-marker-label before' : 'alert-marker-label';
      label.textContent = name;
      marker.appendChild(label);
    }
    layer.appendChild(marker);
  }
}
