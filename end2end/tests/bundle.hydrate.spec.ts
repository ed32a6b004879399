import { test, expect, admin, waitForHydration } from "./fixtures";
import { Page, Response } from "@playwright/test";

/**
 * What a first visit costs and which code it brings (issue 12). Every page is a lazy route split
 * out of the main WebAssembly bundle (`app/src/public_routes.rs`, `app/src/staff_routes.rs`): a
 * citizen's first visit fetches the shared main module and its own page's code, never a staff
 * page's, and a staff page fetches its own and still hydrates.
 *
 * The byte budget is what the browser receives (encoded bodies, brotli where accepted) for the
 * HTML and everything it loads on a first visit with an empty cache. It is deterministic for a
 * given build, so it is a test. Issue 12's target is 200 KB; the main bundle is not there yet
 * (docs/benchmarks.md), so this budget holds the current level and is lowered as code leaves it.
 * Raised from 480 to 512 KiB at stop 21: the contest and import server functions' client halves
 * (their types' decoders) and ~230 new translation keys landed in the main module, taking
 * `/report/new` from 475,532 to 500,696 B. Moving server functions out of the main module
 * (`#[lazy]` server functions, issue 12) is what brings this back down.
 * Stop 24: the training and certificate areas (15 server functions, ~140 keys) took it to
 * 531,496 B; interim budget 544 KB until issue 12 moves server functions and texts out.
 * Stop 29: the WebAssembly is built without panic locations (D32): `/report/new` 555,852 ->
 * 542,983 B, the main module 332,727 -> 319,198 B; the budget follows it down to 532 KiB.
 * Then each page's read-only data left the main module (D33): `/report/new` 491,380 B, the main
 * module about 253 KB; budget 481 KiB. A jump of tens of KB over it on every page means wasm-split
 * fell back to keeping all data in the main module (see D33 for the check).
 * Stop 30: contests as training hours and the sign-in sheet (issue 15) added 945 B to
 * `/report/new` (492,325 B: main module +172 B, the split loader +197 B naming more chunks, the
 * stylesheet); budget 482 KiB.
 * Stop 31 (D36): no cookie code in the browser (the main module 253,070 -> 225,647 B) and no
 * custom sections in the chunks: `/report/new` 492,682 -> 440,293 B, `/` 299,707 -> 271,100 B;
 * budget 431 KiB.
 * Stop 33 (D38): the staff pages grouped by audience, so wasm-split makes 607 chunk files instead
 * of 1,127: `/report/new` 440,293 -> 423,336 B in 158 responses (was 212), `/` 271,100 ->
 * 260,547 B; budget 416 KiB (the fresh-clone run printed 424,380 B for the form). The number of
 * WebAssembly files a public page fetches is bounded too: `/quiz/contest/1` fetches 179 (was
 * 210); going back over 190 means the grouping was undone.
 * Stop 35 (D41): one route type, the main module 223,665 -> 217,188 B: `/report/new` 425,033 ->
 * 417,558 B, `/` 259,393 -> 252,968 B; budget 411 KiB (3.3 KB over the form: its HTML, compressed
 * per request around a fresh token, came to 5,711 B in one run and 6,691 B in another).
 * Stop 36 (D42): the header's user comes with the page, so the main module calls no server
 * function and the client side of server functions left it (217,188 -> 150,842 B), and the split
 * loader lost its comments (11,600 -> 6,191 B): `/` 252,968 -> 181,836 B, within issue 12's
 * 200 KB, which is now its own budget; `/report/new` 417,558 -> 396,791 B; budget 391 KiB. The
 * server-function code now sits in chunks shared by the pages that call server functions, so
 * `/quiz/contest/1` fetches 197 WebAssembly files (was 179): the file bound is 205.
 * Stop 37 (D44): each page's small chunks come in one pack: `/report/new` 391,466 -> 354,569 B in
 * 8 responses, `/` 181,789 -> 177,382 B; budget 350 KiB. A public page now fetches its pack and at
 * most a few large chunks besides the main module (`/quiz/contest/1`: 4 WebAssembly files): the
 * file bound is 6, and going over it means the packing step did not run.
 * Stop 38 (D45): component types erased on both sides: `/report/new` 354,590 -> 314,382 B,
 * `/quiz/contest/1` 337,633 -> 307,748 B, `/` 177,405 -> 170,470 B; budget 310 KiB. Then D46
 * (public forms without serde_qs's decoder): `/lookup` 255,626 -> 234,322 B, `/quiz/contest/1`
 * -> 285,212 B, each now the main module, its pack and the server-function chunk.
 */
const FIRST_VISIT_BUDGET = 310 * 1024;
/** Issue 12's target, met by the home page since stop 36; the other public pages are not there yet. */
const HOME_BUDGET = 200 * 1000;
const MAX_WASM_FILES = 6;
const PUBLIC_PAGES = ["/", "/report/new", "/lookup", "/quiz", "/quiz/practice", "/quiz/contest/1"];
/** The bundle's address for this build (D39): `/v/<build id>/pkg/`. */
const PKG = String.raw`\/v\/[0-9a-f]{16}\/pkg\/`;

async function recordTransfers(
  page: Page,
): Promise<() => Promise<{ url: string; bytes: number; cacheControl: string }[]>> {
  const responses: Response[] = [];
  page.on("response", (r) => responses.push(r));
  return async () =>
    Promise.all(
      responses.map(async (r) => {
        const sizes = await r.request().sizes();
        return { url: r.url(), bytes: sizes.responseBodySize, cacheControl: (await r.allHeaders())["cache-control"] ?? "" };
      }),
    );
}

test("a first visit to a public page stays within the budget and brings no staff code", async ({ browser, baseURL }) => {
  for (const path of PUBLIC_PAGES) {
    // A fresh context: empty cache, no cookies. Brotli is asked for explicitly, as every browser
    // does over HTTPS (Chromium leaves it out on plain-HTTP loopback).
    const ctx = await browser.newContext({ baseURL, extraHTTPHeaders: { "accept-encoding": "br, gzip" } });
    const page = await ctx.newPage();
    const transfers = await recordTransfers(page);
    await page.goto(path);
    await waitForHydration(page);
    await page.waitForLoadState("networkidle");
    const all = await transfers();
    const total = all.reduce((sum, t) => sum + t.bytes, 0);
    const wasm = all.filter((t) => t.url.endsWith(".wasm"));
    console.log(`first visit ${path}: ${all.length} responses, ${total} B (${all.map((t) => `${new URL(t.url).pathname} ${t.bytes}`).join(", ")})`);
    // The shared main module, this page's own split file and chunks of code it shares with other
    // pages; never a staff page's split file (those are named after the staff pages).
    const wasmPaths = wasm.map((t) => new URL(t.url).pathname);
    expect(wasmPaths.filter((p) => new RegExp(`^${PKG}safewhistle\\.wasm$`).test(p)).length, wasmPaths.join(", ")).toBe(1);
    // The page's own code comes in its pack (D44), with the small chunks it shares with others.
    expect(wasmPaths.filter((p) => new RegExp(`^${PKG}(split|pack)_`).test(p)), `one page pack: ${wasmPaths.join(", ")}`).toHaveLength(1);
    for (const p of wasmPaths) {
      expect(p, "a public page's code only").toMatch(new RegExp(`^${PKG}(safewhistle|(split|pack)___public_[a-z_]+_view_\\d+|chunk_\\d+)\\.wasm$`));
    }
    // Every script, module and style sheet comes from this build's address and is kept by the
    // browser without revalidation; the page itself is never kept.
    for (const t of all) {
      const p = new URL(t.url).pathname;
      if (/\.(js|wasm|css)$/.test(p)) {
        expect(p, "the bundle is fetched from the build's address").toMatch(new RegExp(`^${PKG}`));
        expect(t.cacheControl, p).toBe("public, max-age=31536000, immutable");
      } else if (p === path) {
        expect(t.cacheControl, p).toBe("no-store");
      }
    }
    expect(total, `first visit to ${path} in bytes`).toBeLessThanOrEqual(path === "/" ? HOME_BUDGET : FIRST_VISIT_BUDGET);
    expect(wasm.length, `WebAssembly files fetched by ${path}`).toBeLessThanOrEqual(MAX_WASM_FILES);
    await ctx.close();
  }
});

test("a staff page loads its split-off code and hydrates", async ({ browser, baseURL }) => {
  const login = await browser.newContext({ baseURL, locale: "zh-CN" });
  const loginPage = await login.newPage();
  await loginPage.goto("/login");
  await waitForHydration(loginPage);
  await loginPage.fill("#username", admin.username);
  await loginPage.fill("#password", admin.password);
  await loginPage.click("button[type=submit]");
  await expect(loginPage).toHaveURL(/\/staff$/);
  // The staff page is opened with the session but an empty cache, so every file it needs is
  // fetched and seen here (the login page's client-side move to /staff may already have loaded
  // and cached the staff code).
  const storageState = await login.storageState();
  await login.close();
  const ctx = await browser.newContext({ baseURL, locale: "zh-CN", storageState });
  const page = await ctx.newPage();
  const transfers = await recordTransfers(page);

  // A full load of a lazy staff page: server-rendered, then hydrated after its chunk arrived.
  await page.goto("/staff");
  await waitForHydration(page);
  const staffVisit = await transfers();
  const fetched = staffVisit.map((t) => new URL(t.url).pathname);
  // For docs/benchmarks.md: what a staff member's first page of the workflow group costs (D38).
  console.log(`first visit /staff (signed in): ${staffVisit.length} responses, ${staffVisit.reduce((sum, t) => sum + t.bytes, 0)} B`);
  expect(fetched.some((p) => new RegExp(`^${PKG}split___staff_view_.*\\.wasm$`).test(p)), `staff chunk fetched: ${fetched.join(", ")}`).toBe(true);

  // Hydrated means the page reacts in the browser: a client-side navigation (no full load, so
  // a marker set on the window survives) into another lazy page, which fetches its own chunk.
  await page.evaluate(() => ((window as unknown as { __swMarker: number }).__swMarker = 1));
  await page.locator('main a[href="/admin/audit"]').first().click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.locator("main h1")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __swMarker?: number }).__swMarker)).toBe(1);
  const afterAll = await transfers();
  const after = afterAll.map((t) => new URL(t.url).pathname);
  // For docs/benchmarks.md: what moving to a page of the same group costs (D44).
  const moved = afterAll.slice(staffVisit.length);
  console.log(`then /admin/audit: ${moved.length} responses, ${moved.reduce((sum, t) => sum + t.bytes, 0)} B (${moved.map((t) => `${new URL(t.url).pathname} ${t.bytes}`).join(", ")})`);
  expect(after.some((p) => new RegExp(`^${PKG}split_.*audit.*\\.wasm$`).test(p)), `audit chunk fetched: ${after.join(", ")}`).toBe(true);
  await ctx.close();
});

test("a return visit fetches the page and nothing of the bundle (D39)", async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ baseURL, extraHTTPHeaders: { "accept-encoding": "br, gzip" } });
  const page = await ctx.newPage();
  await page.goto("/report/new");
  await waitForHydration(page);
  await page.waitForLoadState("networkidle");
  // A new full load of the same page, as a citizen coming back later in the same browser.
  const seen: Response[] = [];
  page.on("response", (r) => seen.push(r));
  await page.goto("/report/new");
  await waitForHydration(page);
  await page.waitForLoadState("networkidle");
  const fromServer: string[] = [];
  for (const r of seen) {
    // The icon is outside the bundle and is revalidated (`no-cache`).
    if (new URL(r.url()).pathname === "/favicon.svg") continue;
    // Bytes on the wire: a copy taken from the cache has none; a revalidated one (reported as a
    // 200 with an empty body) still has the 304's headers.
    const s = await r.request().sizes();
    const onWire = s.responseHeadersSize + s.responseBodySize;
    if (onWire > 0) fromServer.push(`${new URL(r.url()).pathname} ${r.status()} ${onWire} B`);
  }
  console.log(`return visit /report/new: ${seen.length} responses, from the server: ${fromServer.join(", ")}`);
  expect(seen.length, "the bundle's files are still used").toBeGreaterThan(5);
  expect(fromServer, "only the page itself comes from the server").toEqual([expect.stringMatching(/^\/report\/new 200 \d+ B$/)]);

  // A revalidated file (the icon, outside the bundle) keeps its policy: the `304` repeats it
  // rather than telling the browser not to store its copy.
  const policies: string[] = [];
  for (let i = 0; i < 2; i++) {
    const [resp] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === "/favicon.svg"),
      page.evaluate(() => fetch("/favicon.svg").then((r) => r.text())),
    ]);
    policies.push((await resp.allHeaders())["cache-control"] ?? "");
  }
  expect(policies).toEqual(["no-cache", "no-cache"]);
  await ctx.close();
});
