// Places word labels beside their markers without overlaps: labels in priority order try the
// right, left, top and bottom of their marker and take the first spot that is inside the view and
// free of other labels and markers; a label with no free spot is not shown. Zooming in spreads the markers, so more fit.

export interface LabelRequest {
  /** Marker centre (px). */
  x: number;
  y: number;
  /** Label size (px). */
  width: number;
  height: number;
}

export type LabelSide = 'right' | 'left' | 'top' | 'bottom';

export interface LabelBox {
  side: LabelSide;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Gap between a marker's centre and its label. */
const GAP = 5;
/** Half the size of a marker, which labels keep clear of. */
const MARKER_RADIUS = 3;
/** Free space kept between neighbouring labels. */
const PADDING = 1;
const CELL = 48;
const SIDES: LabelSide[] = ['right', 'left', 'top', 'bottom'];

/** The box of a label on `side` of its marker. */
export function labelBox(r: LabelRequest, side: LabelSide): LabelBox {
  const [w, h] = [r.width, r.height];
  switch (side) {
    case 'right':
      return { side, left: r.x + GAP, top: r.y - h / 2, right: r.x + GAP + w, bottom: r.y + h / 2 };
    case 'left':
      return { side, left: r.x - GAP - w, top: r.y - h / 2, right: r.x - GAP, bottom: r.y + h / 2 };
    case 'top':
      return { side, left: r.x - w / 2, top: r.y - GAP - h, right: r.x + w / 2, bottom: r.y - GAP };
    case 'bottom':
      return { side, left: r.x - w / 2, top: r.y + GAP, right: r.x + w / 2, bottom: r.y + GAP + h };
  }
}

const overlaps = (a: LabelBox, b: LabelBox): boolean =>
  a.left < b.right + PADDING && b.left < a.right + PADDING && a.top < b.bottom + PADDING && b.top < a.bottom + PADDING;

/**
 * Boxes for the labels of `requests`, taken in `order` (most important first); undefined for a
 * label that does not fit in the `width` × `height` view beside the ones placed before it. The
 * label `always` (the word under the pointer) is shown even where markers crowd it.
 */
export function placeLabels(
  requests: LabelRequest[],
  order: readonly number[],
  width: number,
  height: number,
  always?: number,
): (LabelBox | undefined)[] {
  const placed: (LabelBox | undefined)[] = new Array(requests.length).fill(undefined);
  // Placed boxes by grid cell, so each candidate is checked only against labels nearby.
  const grid = new Map<number, LabelBox[]>();
  const cells = (b: LabelBox): number[] => {
    const keys: number[] = [];
    for (let cx = Math.floor(b.left / CELL); cx <= Math.floor(b.right / CELL); cx++) {
      for (let cy = Math.floor(b.top / CELL); cy <= Math.floor(b.bottom / CELL); cy++) keys.push(cx * 100_003 + cy);
    }
    return keys;
  };
  const occupy = (box: LabelBox): void => {
    for (const k of cells(box)) {
      const list = grid.get(k);
      if (list) list.push(box);
      else grid.set(k, [box]);
    }
  };
  const inView = (r: LabelRequest): boolean => r.x >= 0 && r.x <= width && r.y >= 0 && r.y <= height;
  for (const r of requests) {
    if (inView(r)) occupy({ side: 'right', left: r.x - MARKER_RADIUS, top: r.y - MARKER_RADIUS, right: r.x + MARKER_RADIUS, bottom: r.y + MARKER_RADIUS });
  }
  for (const i of order) {
    const r = requests[i];
    if (!inView(r)) continue;
    for (const side of SIDES) {
      const box = labelBox(r, side);
      if (box.left < 0 || box.top < 0 || box.right > width || box.bottom > height) continue;
      if (cells(box).some((k) => grid.get(k)?.some((other) => overlaps(box, other)))) continue;
      occupy(box);
      placed[i] = box;
      break;
    }
    if (i === always && !placed[i]) {
      const box = SIDES.map((side) => labelBox(r, side)).find((b) => b.left >= 0 && b.right <= width) ?? labelBox(r, 'right');
      occupy(box);
      placed[i] = box;
    }
  }
  return placed;
}
