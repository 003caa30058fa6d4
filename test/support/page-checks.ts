import type { Page } from 'playwright-core';

/** How far the document, and each key table's scroll box, are wider than the viewport or their box (≤ 0: they fit). */
export async function horizontalOverflow(page: Page): Promise<{ document: number; keyTables: number[] }> {
  return page.evaluate(() => ({
    document: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    keyTables: [...document.querySelectorAll('table.key')].map((t) => t.scrollWidth - (t.parentElement as HTMLElement).clientWidth),
  }));
}

/**
 * Every visible text whose colour against its background (the nearest ancestor with an opaque
 * background colour) is below `minimum` (WCAG's contrast ratio), from the rendered styles.
 */
export async function lowContrastTexts(page: Page, minimum = 4.5): Promise<string[]> {
  return page.evaluate((min) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const channel = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    const luminance = ([r, g, b]: number[]) => 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    const background = (element: Element | null): number[] => {
      for (let e = element; e !== null; e = e.parentElement) {
        const [r, g, b, a = 1] = rgb(getComputedStyle(e).backgroundColor);
        if (a >= 1) return [r!, g!, b!];
      }
      return rgb(getComputedStyle(document.body).backgroundColor);
    };
    const failures: string[] = [];
    const seen = new Set<Element>();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const element = node.parentElement;
      if (element === null || seen.has(element) || (node.textContent ?? '').trim() === '') continue;
      seen.add(element);
      if (element.closest('script, style, title, noscript') !== null || element.getClientRects().length === 0) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const fg = luminance(rgb(style.color));
      const bg = luminance(background(element));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < min) failures.push(`${ratio.toFixed(2)}:1 "${(node.textContent ?? '').trim().slice(0, 40)}" (${style.color} on ${getComputedStyle(element).backgroundColor}, <${element.tagName.toLowerCase()} class="${element.className}">)`);
    }
    return failures;
  }, minimum);
}
