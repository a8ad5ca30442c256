// Width of chart text measured on a canvas: SVG's getComputedTextLength() would force a layout
// in the middle of drawing. Cached, as legend labels rarely change.

const cache = new Map<string, number>();
let context: CanvasRenderingContext2D | null | undefined;

export function textWidth(text: string, font: string): number {
  const key = `${font}\n${text}`;
  let width = cache.get(key);
  if (width === undefined) {
    context ??= document.createElement('canvas').getContext('2d');
    if (!context) return text.length * 6;
    context.font = font;
    width = context.measureText(text).width;
    cache.set(key, width);
  }
  return width;
}
