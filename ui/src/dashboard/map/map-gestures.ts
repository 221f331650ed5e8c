/**
 * Pointer, wheel and keyboard input for the map: drag to pan, wheel or pinch
 * to zoom around the pointer, double-click to zoom in, arrows / + / - / 0
 * from the keyboard. Hovering (no button down) asks for the tooltip.
 */
import type { MapController } from './map-controller';

const KEY_PAN_PX = 80;

export function attachGestures(surface: HTMLElement, map: MapController): () => void {
  const pointers = new Map<number, { x: number; y: number }>();
  let pinchDistance = 0;

  const local = (e: { clientX: number; clientY: number }) => {
    const rect = surface.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const down = (e: PointerEvent) => {
    surface.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, local(e));
    if (pointers.size === 2) pinchDistance = spread(pointers);
  };
  const move = (e: PointerEvent) => {
    const p = local(e);
    const previous = pointers.get(e.pointerId);
    if (previous === undefined) {
      if (e.pointerType === 'mouse') map.hoverAt(p.x, p.y);
      return;
    }
    pointers.set(e.pointerId, p);
    if (pointers.size === 1) {
      map.pan(p.x - previous.x, p.y - previous.y);
    } else if (pointers.size === 2) {
      const distance = spread(pointers);
      const mid = midpoint(pointers);
      if (pinchDistance > 0) map.zoom(distance / pinchDistance, mid.x, mid.y);
      pinchDistance = distance;
    }
  };
  const up = (e: PointerEvent) => {
    const p = pointers.get(e.pointerId);
    pointers.delete(e.pointerId);
    pinchDistance = pointers.size === 2 ? spread(pointers) : 0;
    // a tap on a touch screen shows the tooltip, as hovering would
    if (p !== undefined && e.pointerType !== 'mouse') map.hoverAt(p.x, p.y);
  };
  const leave = (e: PointerEvent) => {
    if (e.pointerType === 'mouse' && pointers.size === 0) map.hoverAt(-1e6, -1e6);
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    const p = local(e);
    // deltaMode 1 = lines (Firefox); a notch is then ~3 lines instead of ~100 px
    const delta = e.deltaY * (e.deltaMode === 1 ? 33 : 1);
    map.zoom(Math.exp(-delta * 0.002), p.x, p.y);
  };
  const dblclick = (e: MouseEvent) => {
    const p = local(e);
    map.zoom(e.shiftKey ? 0.5 : 2, p.x, p.y);
  };
  const key = (e: KeyboardEvent) => {
    const actions: Record<string, () => void> = {
      ArrowLeft: () => map.pan(KEY_PAN_PX, 0),
      ArrowRight: () => map.pan(-KEY_PAN_PX, 0),
      ArrowUp: () => map.pan(0, KEY_PAN_PX),
      ArrowDown: () => map.pan(0, -KEY_PAN_PX),
      '+': () => map.zoom(1.5),
      '=': () => map.zoom(1.5),
      '-': () => map.zoom(1 / 1.5),
      '0': () => map.reset(),
    };
    const action = actions[e.key];
    if (action === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    action();
  };

  surface.addEventListener('pointerdown', down);
  surface.addEventListener('pointermove', move);
  surface.addEventListener('pointerup', up);
  surface.addEventListener('pointercancel', up);
  surface.addEventListener('pointerleave', leave);
  surface.addEventListener('wheel', wheel, { passive: false });
  surface.addEventListener('dblclick', dblclick);
  surface.addEventListener('keydown', key);
  return () => {
    surface.removeEventListener('pointerdown', down);
    surface.removeEventListener('pointermove', move);
    surface.removeEventListener('pointerup', up);
    surface.removeEventListener('pointercancel', up);
    surface.removeEventListener('pointerleave', leave);
    surface.removeEventListener('wheel', wheel);
    surface.removeEventListener('dblclick', dblclick);
    surface.removeEventListener('keydown', key);
  };
}

function spread(pointers: Map<number, { x: number; y: number }>): number {
  const [a, b] = [...pointers.values()];
  return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
}

function midpoint(pointers: Map<number, { x: number; y: number }>): { x: number; y: number } {
  const [a, b] = [...pointers.values()];
  return a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : { x: 0, y: 0 };
}
