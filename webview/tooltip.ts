// One floating tooltip for every chart. Built from text nodes: words come from user data.

let element: HTMLDivElement | undefined;

function tooltipElement(): HTMLDivElement {
  if (!element) {
    element = document.createElement('div');
    element.className = 'tooltip';
    element.setAttribute('role', 'tooltip');
    document.body.appendChild(element);
  }
  return element;
}

/** Shows lines of text near the pointer (page coordinates), kept inside the window. */
export function showTooltip(pageX: number, pageY: number, lines: string[]): void {
  const el = tooltipElement();
  el.replaceChildren(
    ...lines.map((line, i) => {
      const div = document.createElement('div');
      if (i === 0) div.className = 'tooltip-title';
      div.textContent = line;
      return div;
    }),
  );
  el.hidden = false;
  const { width, height } = el.getBoundingClientRect();
  const x = pageX + 14 + width > window.scrollX + window.innerWidth ? pageX - 14 - width : pageX + 14;
  const y = pageY + 14 + height > window.scrollY + window.innerHeight ? pageY - 14 - height : pageY + 14;
  el.style.left = `${Math.max(0, x)}px`;
  el.style.top = `${Math.max(0, y)}px`;
}

export function hideTooltip(): void {
  if (element) element.hidden = true;
}
