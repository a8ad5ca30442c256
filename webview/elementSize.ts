// An element's size as last reported by a ResizeObserver. Reading it costs nothing, where
// getBoundingClientRect() in the middle of redrawing forces a layout per chart.

export class ElementSize {
  width = 0;
  height = 0;

  constructor(element: Element, onChange: () => void) {
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      if (width === this.width && height === this.height) return;
      this.width = width;
      this.height = height;
      onChange();
    }).observe(element);
  }
}
