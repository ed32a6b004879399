import { test as base, expect, Browser, Page, BrowserContext } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import * as fs from "node:fs";
import * as path from "node:path";

/** The translations the app itself uses, so tests assert the real strings in both languages. */
export const zh: Record<string, string> = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../app/locales/zh-CN.json"), "utf8"),
);
export const en: Record<string, string> = JSON.parse(
  fs.readFileSync(path.join(__dirname, "../../app/locales/en.json"), "utf8"),
);

export const admin = {
  username: process.env.SW_E2E_ADMIN ?? "e2e.admin",
  password: process.env.SW_E2E_ADMIN_PASSWORD ?? "",
};

type Fixtures = {
  /** Navigate and run the accessibility check. */
  visit: (path: string) => Promise<void>;
  /** Run the accessibility check on the page as it is now. */
  checkA11y: () => Promise<void>;
  jsEnabled: boolean;
};

/** Fail on serious or critical axe violations. */
export async function axe(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    `accessibility violations on ${page.url()}`,
  ).toEqual([]);
}

/**
 * axe needs JavaScript in the page. For the JavaScript-off project the same URL is opened in a
 * second context with JavaScript on but the app's own scripts and WASM blocked, so axe checks
 * exactly the server-rendered page a no-JS visitor gets.
 */
export async function axeWithoutApp(context: BrowserContext, url: string): Promise<void> {
  const browser = context.browser();
  if (!browser) throw new Error("no browser");
  const state = await context.storageState();
  const ctx = await browser.newContext({ javaScriptEnabled: true, storageState: state, locale: "zh-CN" });
  try {
    await ctx.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    const page = await ctx.newPage();
    await page.goto(url);
    await axe(page);
  } finally {
    await ctx.close();
  }
}

export const test = base.extend<Fixtures>({
  jsEnabled: async ({ javaScriptEnabled }, use) => {
    await use(javaScriptEnabled !== false);
  },
  // Record every request; any request to another host fails the test (no third-party resources).
  page: async ({ page, baseURL }, use) => {
    const own = new URL(baseURL!).host;
    const foreign: string[] = [];
    page.on("request", (req) => {
      const u = new URL(req.url());
      if (u.protocol !== "data:" && u.protocol !== "blob:" && u.host !== own) foreign.push(req.url());
    });
    await use(page);
    expect(foreign, "requests to other hosts").toEqual([]);
  },
  checkA11y: async ({ page, context, jsEnabled }, use) => {
    await use(async () => {
      if (jsEnabled) {
        await axe(page);
      } else {
        await axeWithoutApp(context, page.url());
      }
    });
  },
  visit: async ({ page, checkA11y, jsEnabled }, use) => {
    await use(async (path: string) => {
      await page.goto(path);
      if (jsEnabled) await waitForHydration(page);
      await checkA11y();
    });
  },
});

/** Each page marks <body data-hydrated> once the WebAssembly app has hydrated it (`HydrationMarker`). */
export async function waitForHydration(page: Page): Promise<void> {
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1, { timeout: 30_000 });
}

/** Sign in as `who` in a new browser context; `landing` is where the login sends that role. */
export async function signIn(
  browser: Browser,
  baseURL: string,
  js: boolean,
  who: { username: string; password: string },
  landing: RegExp = /\/staff$/,
): Promise<Page> {
  const ctx = await browser.newContext({ baseURL, javaScriptEnabled: js, locale: "zh-CN" });
  const page = await ctx.newPage();
  await page.goto("/login");
  if (js) await waitForHydration(page);
  await page.fill("#username", who.username);
  await page.fill("#password", who.password);
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(landing);
  return page;
}

export { expect };
