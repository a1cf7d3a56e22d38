/**
 * Small helpers the browser tests share: locating by data-testid, waiting for text or a
 * condition, screenshots for the record, Beijing-time inputs and the ops-page login.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';
import type { BrowserHandle } from './harness';

export const byTestId = (page: Page, id: string): Locator => page.locator(`[data-testid="${id}"]`);

/** Taro's H5 Input/Textarea wrap the real form element; antd puts the test id on it directly. */
export const field = (page: Page, id: string): Locator =>
  page.locator(`[data-testid="${id}"] input, [data-testid="${id}"] textarea, input[data-testid="${id}"], textarea[data-testid="${id}"]`).first();

export async function typeInto(page: Page, id: string, value: string): Promise<void> {
  const el = field(page, id);
  await el.click();
  await el.fill(value);
}

/**
 * A screenshot writer into `dir` (created on first use). `settleMs` lets animations finish first:
 * antd's, and Taro's H5 page slide-in where a test shoots the mini-program.
 */
export function screenshots(dir: string, settleMs = 500): (page: Page, name: string) => Promise<void> {
  return async (page, name) => {
    fs.mkdirSync(dir, { recursive: true });
    await page.waitForTimeout(settleMs);
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
  };
}

/** Waits until the first element of `locator` shows `expected`; returns its text. */
export async function expectText(locator: Locator, expected: string | RegExp, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = (await locator.first().textContent({ timeout: 1000 })) ?? '';
      if (typeof expected === 'string' ? last.includes(expected) : expected.test(last)) return last;
    } catch {
      /* not there yet */
    }
    if (Date.now() > deadline) throw new Error(`expected ${locator} to show ${expected}, last saw "${last}"`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Waits until `locator` matches exactly `n` elements. */
export async function expectCount(locator: Locator, n: number, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while ((await locator.count()) !== n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} of ${locator}, found ${await locator.count()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `fn` every `intervalMs` until it returns something truthy (and returns that). */
export async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeout = 15_000, intervalMs = 300): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** "YYYY-MM-DDTHH:mm" in Beijing time, what the ops page's datetime inputs take. */
export function beijingInput(d: Date): string {
  const b = new Date(d.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${b.getUTCFullYear()}-${p(b.getUTCMonth() + 1)}-${p(b.getUTCDate())}T${p(b.getUTCHours())}:${p(b.getUTCMinutes())}`;
}

/** A desktop-sized page signed in to the ops page (the demo HQ admin unless told otherwise). */
export async function opsLogin(browser: BrowserHandle, baseUrl: string, username = 'admin', password = 'admin123'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${baseUrl}/admin/`);
  await byTestId(page, 'login-username').fill(username);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  return page;
}

/**
 * The member's token as the H5 build stored it (Taro keeps { data } JSON in localStorage).
 * Waits for it: the home page renders while the signed-in login is still in flight.
 */
export async function memberTokenOf(page: Page, timeout = 15_000): Promise<string> {
  return until(
    'the member token in the H5 page',
    async () => {
      const raw = await page.evaluate(() => window.localStorage.getItem('member_token'));
      return raw ? (JSON.parse(raw) as { data?: string }).data : undefined;
    },
    timeout,
    100,
  );
}

/**
 * A new member agrees to the privacy guide in the H5 build: back on the home page, and signed in
 * (the consented login has stored its token; the home page shows before it has). Returns the token.
 */
export async function agreeToPrivacy(page: Page): Promise<string> {
  await byTestId(page, 'consent-agree').click();
  await byTestId(page, 'page-home').waitFor();
  return memberTokenOf(page);
}
