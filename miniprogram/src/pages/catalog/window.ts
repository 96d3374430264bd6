/**
 * Windowed rendering of a paged list (the catalog): only the pages around the one in the middle
 * of the viewport are rendered; the pages before and after them collapse into one spacer each,
 * as tall as those pages measured when they were on screen. So the node count stays bounded
 * however far one scrolls, and the scroll height (and position) stay what they would be with
 * every card rendered. Pure arithmetic; the page measures heights and follows the scroll.
 */

/** Pages rendered on each side of the middle one. */
export const WINDOW_RADIUS = 1;

/** Measured page heights in px, by page index; missing or 0 means "not measured yet". */
export type PageHeights = readonly (number | undefined)[];

/** Height of page `i`: measured, else the mean of the measured pages, else `fallback`. */
export function pageHeight(heights: PageHeights, i: number, fallback: number): number {
  const h = heights[i];
  if (h !== undefined && h > 0) return h;
  let sum = 0;
  let n = 0;
  for (const x of heights) {
    if (x !== undefined && x > 0) {
      sum += x;
      n += 1;
    }
  }
  return n > 0 ? sum / n : fallback;
}

/** Index of the page at `offset` px below the list's top, clamped to the loaded pages. */
export function pageAt(offset: number, count: number, heights: PageHeights, fallback: number): number {
  if (count <= 0) return 0;
  let top = 0;
  for (let i = 0; i < count; i++) {
    top += pageHeight(heights, i, fallback);
    if (offset < top) return i;
  }
  return count - 1;
}

export interface PageWindow {
  /** First rendered page. */
  from: number;
  /** One past the last rendered page. */
  to: number;
  /** Height of the spacer standing for pages [0, from). */
  before: number;
  /** Height of the spacer standing for pages [to, count). */
  after: number;
}

/** The pages to render around `center` and the spacer heights standing for the others. */
export function windowAround(center: number, count: number, heights: PageHeights, fallback: number, radius = WINDOW_RADIUS): PageWindow {
  if (count <= 0) return { from: 0, to: 0, before: 0, after: 0 };
  const c = Math.min(Math.max(0, center), count - 1);
  const from = Math.max(0, c - radius);
  const to = Math.min(count, c + radius + 1);
  let before = 0;
  for (let i = 0; i < from; i++) before += pageHeight(heights, i, fallback);
  let after = 0;
  for (let i = to; i < count; i++) after += pageHeight(heights, i, fallback);
  return { from, to, before, after };
}
