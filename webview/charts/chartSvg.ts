// The SVG element every chart draws into, and the tracked size it is redrawn at.
import { ElementSize } from '../elementSize';

export function createChartSvg(container: HTMLElement, onResize: () => void): { svg: SVGSVGElement; size: ElementSize } {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.classList.add('chart');
  container.appendChild(svg);
  return { svg, size: new ElementSize(svg, onResize) };
}
