// Colour arithmetic for readable charts: WCAG contrast against the background, and colours moved
// in lightness (OKLCH, keeping their hue) until they reach a contrast. Pure, so unit tests can run
// it; the theme module feeds it the theme's actual colours.

export type Rgb = [number, number, number];
type Oklab = [number, number, number];

/** WCAG's minimum contrast for graphical objects (lines, markers) against their background. */
export const MIN_GRAPHIC_CONTRAST = 3;

/** Parses #rgb, #rrggbb(aa) and rgb()/rgba() as CSS and getComputedStyle write them; alpha is ignored. */
export function parseColour(text: string): Rgb | undefined {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,8})$/.exec(s)?.[1];
  if (hex && (hex.length === 3 || hex.length === 4)) return [0, 1, 2].map((i) => parseInt(hex[i] + hex[i], 16)) as Rgb;
  if (hex && (hex.length === 6 || hex.length === 8)) return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(s);
  return fn ? [Number(fn[1]), Number(fn[2]), Number(fn[3])] : undefined;
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

const toLinear = (v: number): number => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const fromLinear = (c: number): number => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

/** WCAG relative luminance. */
export function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map(toLinear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function toOklab(rgb: Rgb): Oklab {
  const [r, g, b] = rgb.map(toLinear);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** Linear sRGB of an Oklab colour; components outside 0…1 mean it is out of gamut. */
function oklabToLinear([L, a, b]: Oklab): Rgb {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  return [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ];
}

/** The sRGB colour of lightness L, chroma C and hue h (radians), with C reduced until it fits the gamut. */
function fromOklch(L: number, C: number, h: number): Rgb {
  let lo = 0;
  let hi = C;
  const inGamut = (c: number): boolean => oklabToLinear([L, c * Math.cos(h), c * Math.sin(h)]).every((v) => v >= -1e-4 && v <= 1 + 1e-4);
  if (!inGamut(hi)) {
    for (let k = 0; k < 20; k++) {
      const mid = (lo + hi) / 2;
      if (inGamut(mid)) lo = mid;
      else hi = mid;
    }
    hi = lo;
  }
  return oklabToLinear([L, hi * Math.cos(h), hi * Math.sin(h)]).map((v) => fromLinear(Math.min(1, Math.max(0, v)))) as Rgb;
}

function toOklch(rgb: Rgb): { L: number; C: number; h: number } {
  const [L, a, b] = toOklab(rgb);
  return { L, C: Math.hypot(a, b), h: Math.atan2(b, a) };
}

/** Perceptual distance (Oklab); about 0.02 is just noticeable, 0.1 clearly another colour. */
export function colourDistance(a: Rgb, b: Rgb): number {
  const [p, q] = [toOklab(a), toOklab(b)];
  return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

/**
 * `colour` if it already has `min` contrast against `background`; otherwise the same hue made
 * lighter (dark backgrounds) or darker (light ones), just as far as it takes.
 */
export function readableColour(colour: Rgb, background: Rgb, min = MIN_GRAPHIC_CONTRAST): Rgb {
  // Aim a little above the minimum so rounding to 8-bit channels cannot fall below it.
  const target = min + 0.05;
  if (contrastRatio(colour, background) >= target) return colour;
  const { L, C, h } = toOklch(colour);
  const lighter = luminance(background) < 0.18;
  let [near, far] = [L, lighter ? 1 : 0];
  if (contrastRatio(fromOklch(far, C, h), background) < target) return fromOklch(far, C, h);
  for (let k = 0; k < 24; k++) {
    const mid = (near + far) / 2;
    if (contrastRatio(fromOklch(mid, C, h), background) >= target) far = mid;
    else near = mid;
  }
  return fromOklch(far, C, h);
}

/** Hues (OKLCH, degrees) that fill the gaps between VS Code's six chart colours: cyan and pink. */
const EXTRA_HUES = [205, 350];
/** Colours closer than this (Oklab) count as one, so the palette never shows two alike. */
const MIN_DISTANCE = 0.09;
/** Least chroma of a palette colour: duller ones, once readable, all look alike (grey-brown). */
const MIN_CHROMA = 0.1;
/** Chroma of the hues that fill up a short palette. */
const VIVID = 0.13;
/** Fewer colours than this and hues around the circle fill the palette up. */
const MIN_COLOURS = 6;

/**
 * Colours for series and classes against `background`: the theme's own chart colours, then extra
 * hues at their median lightness and chroma, each made readable (≥ `min` contrast) and no duller
 * than MIN_CHROMA. A colour too close to one already chosen is left out; a theme of colours that
 * collapse into a few gets hues from around the circle.
 */
export function readablePalette(themeColours: Rgb[], background: Rgb, min = MIN_GRAPHIC_CONTRAST): Rgb[] {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0.6;
  const lch = themeColours.map(toOklch);
  const L = median(lch.map((c) => c.L));
  const C = Math.max(0.08, median(lch.map((c) => c.C)));
  const candidates = [...themeColours, ...EXTRA_HUES.map((deg) => fromOklch(L, C, (deg * Math.PI) / 180))];
  const palette: Rgb[] = [];
  const add = (c: Rgb, contrast = min): void => {
    const readable = readableColour(c, background, contrast);
    if (palette.every((p) => colourDistance(p, readable) >= MIN_DISTANCE)) palette.push(readable);
  };
  for (const candidate of candidates) {
    const { L: l, C: c, h } = toOklch(candidate);
    add(c < MIN_CHROMA ? fromOklch(l, MIN_CHROMA, h) : candidate);
  }
  // Near 3:1 the gamut leaves little chroma, so these go further from the background (4.5:1).
  for (let deg = 205; palette.length < MIN_COLOURS && deg < 205 + 360; deg += 30) add(fromOklch(L, VIVID, (deg * Math.PI) / 180), min + 1.5);
  return palette;
}
