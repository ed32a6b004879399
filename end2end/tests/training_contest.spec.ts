import { test, expect, zh, waitForHydration, signIn, axe, axeWithoutApp } from "./fixtures";
import { Page } from "@playwright/test";

// Runs after training.spec.ts (file order), where each project's safety manager links an employee
// record to this account.
const staff1 = { username: process.env.SW_E2E_STAFF1 ?? "e2e.staff1", password: process.env.SW_E2E_STAFF1_PASSWORD ?? "" };
const staff2 = { username: process.env.SW_E2E_STAFF2 ?? "e2e.staff2", password: process.env.SW_E2E_STAFF2_PASSWORD ?? "" };
const trainer = { username: process.env.SW_E2E_TRAINER ?? "e2e.trainer", password: process.env.SW_E2E_TRAINER_PASSWORD ?? "" };

async function open(page: Page, path: string, js: boolean): Promise<void> {
  await page.goto(path);
  if (js) await waitForHydration(page);
}

/** `minutes` from now, in China time, as a datetime-local input takes it. */
function chinaMinute(minutes: number): string {
  return new Date(Date.now() + 8 * 3600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

test("a contest that counts as training: a valid result adds the hours and a certificate of participation to the employee's record", async ({ browser, baseURL, jsEnabled }) => {
  test.setTimeout(120_000);
  const staff = jsEnabled ? staff1 : staff2;
  const own = await signIn(browser, baseURL!, jsEnabled, staff, /\/account$/);
  await open(own, "/training/me", jsEnabled);
  // (A retry finds the first try's contest there already.)
  const listed = await own.locator("#my-contests li").count();
  const before = Number((await own.locator("#my-done").textContent()) ?? "NaN");
  expect(before).not.toBeNaN();

  // The training administrator sets up an employees' contest whose valid results count 45
  // minutes (one 学时); every handed-in paper is valid (0 %). 481 minutes is refused.
  const admin = await signIn(browser, baseURL!, jsEnabled, trainer, /\/staff$/);
  await open(admin, "/staff/contests", jsEnabled);
  const title = `${jsEnabled ? "计入学时的竞赛（JS）" : "计入学时的竞赛"} ${Date.now() % 100000}`;
  const fill = async (credit: string) => {
    await admin.fill("#c-new-title", title);
    await admin.fill("#c-new-opens", chinaMinute(-60));
    await admin.fill("#c-new-closes", chinaMinute(60));
    await admin.fill("#c-new-limit", "10");
    await admin.fill("#c-new-per-day", "1");
    await admin.fill("#c-new-total", "1");
    await admin.fill("#c-new-valid", "0");
    await admin.fill("#c-new-credit", credit);
    await admin.selectOption("#c-new-audience", "employees");
    await admin.selectOption("#c-new-pool0-kind", "single");
    await admin.fill("#c-new-pool0-count", "1");
    await admin.fill("#c-new-pool0-points", "5");
    // The browser's own range check would stop 481 before the server sees it.
    await admin.locator("#c-new-credit").evaluate((e) => e.removeAttribute("max"));
    await admin.click(".contest-new button[type=submit]");
  };
  await fill("481");
  await expect(admin.locator("#credit_minutes-errors")).toHaveText(zh.err_out_of_range);
  if (jsEnabled) await waitForHydration(admin);
  await fill("45");
  const item = admin.locator("#contest-admin-list li", { hasText: title });
  await expect(item).toBeVisible();
  const id = await item.getAttribute("data-id");
  await admin.context().close();

  // The employee takes it: the contest says what it counts for; one question, handed in.
  await open(own, `/quiz/contest/${id}`, jsEnabled);
  await expect(own.locator("#contest-credit")).toHaveText(`45 ${zh.qc_minutes}`);
  await own.click("#join-form button[type=submit]");
  await expect(own.locator("#start-attempt")).toBeVisible();
  if (jsEnabled) await waitForHydration(own);
  await own.click("#start-attempt");
  await expect(own).toHaveURL(/\/quiz\/attempt\/[0-9a-f]{32}$/);
  if (jsEnabled) await waitForHydration(own);
  if ((await own.locator("#pick-text").count()) > 0) await own.fill("#pick-text", "通风");
  else await own.locator('#answer-form input[name^="picks"]').first().check();
  await own.click("#go-submit");
  await expect(own).toHaveURL(/\/result$/);

  // The record: the contest is listed with its hours, and they count this year.
  await open(own, "/training/me", jsEnabled);
  await expect(own.locator("#my-contests li")).toHaveCount(listed + 1);
  const line = own.locator("#my-contests li", { hasText: title });
  await expect(line).toContainText(`1 ${zh.cert_hours_unit}`);
  await expect(own.locator("#my-done")).toHaveText(String(before + 1));
  if (jsEnabled) await axe(own);
  else await axeWithoutApp(own.context(), own.url());

  // With it, a certificate of participation: printable by the employee, checked by anyone.
  await own.locator("#my-certificates li", { hasText: title }).locator("a").click();
  await expect(own).toHaveURL(/\/certificates\/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  if (jsEnabled) await waitForHydration(own);
  await expect(own.locator("#cert-title")).toContainText(title);
  const verifyUrl = (await own.locator("#verify-url").textContent()) ?? "";
  expect(verifyUrl).toMatch(/\/verify\?code=[A-Z0-9-]{19}$/);
  await own.context().close();
  const publicCtx = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled, locale: "zh-CN" });
  const visitor = await publicCtx.newPage();
  await open(visitor, verifyUrl, jsEnabled);
  await expect(visitor.locator("#cert-standing")).toContainText(zh.cert_valid);
  await expect(visitor.locator("#cert-title")).toContainText(title);
  await publicCtx.close();
});
