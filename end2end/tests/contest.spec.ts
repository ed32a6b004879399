import { test, expect, zh, waitForHydration, signIn } from "./fixtures";
import { Page } from "@playwright/test";

const trainer = {
  username: process.env.SW_E2E_TRAINER ?? "e2e.trainer",
  password: process.env.SW_E2E_TRAINER_PASSWORD ?? "",
};
const worker = {
  username: process.env.SW_E2E_WORKER ?? "e2e.worker",
  password: process.env.SW_E2E_WORKER_PASSWORD ?? "",
};


/** Give some answer to the question on screen (the first option, or a text). */
async function answerShown(page: Page): Promise<void> {
  // After a move the address changes before the new question is drawn: wait for the form of the
  // question the address names (the first one without `?q=`).
  const shown = new URL(page.url()).searchParams.get("q") ?? "1";
  await expect(page.locator("#answer-form")).toHaveAttribute("data-position", shown);
  if ((await page.locator("#pick-text").count()) > 0) {
    await page.fill("#pick-text", "通风");
    await page.locator("#pick-text").press("Tab");
  } else {
    await page.locator('#answer-form input[name^="picks"]').first().check();
  }
}

function navButton(page: Page, n: number) {
  return page.locator(".paper-nav button", { hasText: new RegExp(`^${n}$`) });
}

/** A late or repeated answer, posted as the form would post it: refused. */
async function lateAnswer(page: Page, token: string): Promise<void> {
  const resp = await page.request.post("/api/save_answer", {
    form: { token, position: "1", "picks[0]": "A", go: "stay" },
    headers: { accept: "application/json" },
  });
  expect(resp.status()).toBe(400);
  expect(await resp.text()).toContain("attempt_closed");
}

test("the public takes a contest: join, a reload and a second tab mid-way, hand in, result", async ({ page, context, browser, baseURL, jsEnabled, checkA11y }) => {
  await page.goto("/quiz");
  if (jsEnabled) await waitForHydration(page);
  await page.locator("#contest-list a", { hasText: "安全生产月知识竞赛（演示）" }).click();
  await expect(page).toHaveURL(/\/quiz\/contest\/\d+$/);
  const contestUrl = page.url();
  if (jsEnabled) await waitForHydration(page);
  await checkA11y();
  const nickname = jsEnabled ? "端到端甲" : "端到端乙";
  await page.fill("#join-nickname", nickname);
  await page.click("#join-form button[type=submit]");
  await expect(page.locator("#contestant-code")).toBeVisible();
  const code = (await page.locator("#contestant-code strong").textContent()) ?? "";
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  if (jsEnabled) await waitForHydration(page);
  await page.click("#start-attempt");
  await expect(page).toHaveURL(/\/quiz\/attempt\/[0-9a-f]{32}$/);
  const attemptUrl = page.url();
  const token = attemptUrl.split("/").pop()!;
  if (jsEnabled) {
    await waitForHydration(page);
    // Marks this document: it must survive answering and moving between questions.
    await page.evaluate(() => ((window as unknown as Record<string, number>).swSamePage = 1));
  }
  await expect(page.locator("#question-stem")).toContainText("1. ");
  await checkA11y();
  const before = (await page.locator("#time-left").textContent()) ?? "";

  // Question 1: with JavaScript it is saved as soon as it is given.
  await answerShown(page);
  if (jsEnabled) await expect(page.locator("#saved")).toHaveText(zh.qc_saved);
  await page.click("#go-next");
  await expect(page).toHaveURL(/\?q=2$/);
  await expect(page.locator("#question-stem")).toContainText("2. ");
  await expect(navButton(page, 1)).toHaveClass(/answered/);
  if (jsEnabled) {
    expect(await page.evaluate(() => (window as unknown as Record<string, number>).swSamePage)).toBe(1);
  }

  // A reload loses nothing and does not restart the clock.
  await page.reload();
  if (jsEnabled) await waitForHydration(page);
  await expect(navButton(page, 1)).toHaveClass(/answered/);
  const after = (await page.locator("#time-left").textContent()) ?? "";
  expect(after <= before, `${after} after ${before}`).toBeTruthy();

  // A second tab continues the same attempt and answers question 3.
  const tab2 = await context.newPage();
  await tab2.goto(contestUrl);
  if (jsEnabled) await waitForHydration(tab2);
  await expect(tab2.locator("#start-attempt")).toHaveText(zh.qc_continue);
  await tab2.click("#start-attempt");
  await expect(tab2).toHaveURL(attemptUrl);
  if (jsEnabled) await waitForHydration(tab2);
  await navButton(tab2, 3).click();
  await expect(tab2).toHaveURL(/\?q=3$/);
  await answerShown(tab2);
  if (jsEnabled) await expect(tab2.locator("#saved")).toBeVisible();
  else {
    await tab2.click("#go-next");
    await expect(tab2).toHaveURL(/\?q=4$/);
  }
  await tab2.close();
  await page.reload();
  if (jsEnabled) await waitForHydration(page);
  await expect(navButton(page, 3)).toHaveClass(/answered/);

  // Hand in: the result and the review.
  await page.click("#go-submit");
  await expect(page).toHaveURL(/\/result$/);
  await expect(page.locator("#result-score")).toContainText("/ 35");
  await expect(page.locator("#review li")).toHaveCount(6);
  await checkA11y();
  await lateAnswer(page, token);
  await page.goto(attemptUrl);
  await expect(page.locator("#attempt-closed")).toHaveText(zh.qc_attempt_over);

  // The contestant code brings the contestant back in another browser.
  const other = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled, locale: "zh-CN" });
  const phone = await other.newPage();
  await phone.goto(contestUrl);
  if (jsEnabled) await waitForHydration(phone);
  await phone.fill("#resume-code", code.toLowerCase());
  await phone.click("#resume-form button[type=submit]");
  await expect(phone.locator("#contest-nickname")).toHaveText(nickname);
  await expect(phone.locator("#my-attempts tbody tr")).toHaveCount(1);
  await other.close();
});

/** "2026-11-30T22:00" in China time, `minutes` from now. */
function chinaMinute(minutes: number): string {
  return new Date(Date.now() + 8 * 3600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

test("an employees' contest: set up, the deadline closes the attempt, rankings by enterprise and town", async ({ browser, baseURL, jsEnabled }) => {
  test.setTimeout(150_000);
  const admin = await signIn(browser, baseURL!, jsEnabled, trainer, /\/staff$/);
  await admin.click('a[href="/staff/contests"]');
  await expect(admin).toHaveURL(/\/staff\/contests$/);
  if (jsEnabled) await waitForHydration(admin);
  const title = jsEnabled ? "端到端职工竞赛（JS）" : "端到端职工竞赛";
  const fill = async (opens: number, closes: number) => {
    await admin.fill("#c-new-title", title);
    await admin.fill("#c-new-opens", chinaMinute(opens));
    await admin.fill("#c-new-closes", chinaMinute(closes));
    await admin.fill("#c-new-limit", "1");
    await admin.fill("#c-new-per-day", "1");
    await admin.fill("#c-new-total", "1");
    await admin.selectOption("#c-new-audience", "employees");
    await admin.selectOption("#c-new-pool0-kind", "single");
    await admin.fill("#c-new-pool0-count", "2");
    await admin.fill("#c-new-pool0-points", "5");
    await admin.click(".contest-new button[type=submit]");
  };
  // A window that ends before it starts is refused with the reason.
  await fill(60, -60);
  await expect(admin.locator("#closes-errors")).toHaveText(zh.err_window_order);
  // Without JavaScript the refused form comes back empty: filled again.
  if (jsEnabled) await waitForHydration(admin);
  await fill(-60, 60);
  const item = admin.locator("#contest-admin-list li", { hasText: title });
  await expect(item).toBeVisible();
  const id = await item.getAttribute("data-id");
  await admin.context().close();

  // The employee joins, starts, answers one question and leaves the rest to the clock.
  const page = await signIn(browser, baseURL!, jsEnabled, worker, /\/account$/);
  await page.goto(`/quiz/contest/${id}`);
  if (jsEnabled) await waitForHydration(page);
  await page.click("#join-form button[type=submit]");
  await expect(page.locator("#contest-nickname")).toHaveText("端到端职工");
  if (jsEnabled) await waitForHydration(page);
  await page.click("#start-attempt");
  await expect(page).toHaveURL(/\/quiz\/attempt\/[0-9a-f]{32}$/);
  const token = page.url().split("/").pop()!;
  if (jsEnabled) await waitForHydration(page);
  await answerShown(page);
  if (jsEnabled) {
    await expect(page.locator("#saved")).toBeVisible();
    // At zero the page goes to the result by itself; the server closed the attempt.
    await expect(page).toHaveURL(/\/result$/, { timeout: 75_000 });
  } else {
    await page.click("#go-next");
    await page.waitForTimeout(61_000);
    await page.reload();
    await expect(page.locator("#attempt-closed")).toBeVisible();
    await page.click("#see-result");
  }
  await expect(page.locator("#result-expired")).toHaveText(zh.qc_expired_note);
  await lateAnswer(page, token);

  // Rankings by enterprise and by town/street, with the participation rate.
  for (const by of ["enterprise", "town"]) {
    await page.goto(`/quiz/contest/${id}/ranking?by=${by}&sort=participation`);
    if (jsEnabled) await waitForHydration(page);
    const rows = page.locator("#ranking tbody tr");
    await expect(rows).toHaveCount(1);
    await expect(rows.first().locator("td").nth(2)).toHaveText("1");
  }
  await expect(page.locator("#ranking tbody tr td").nth(5)).toHaveText(/%$/);
  await page.context().close();

  // The administrator's statistics of the contest.
  const admin2 = await signIn(browser, baseURL!, jsEnabled, trainer, /\/staff$/);
  await admin2.goto(`/staff/contests/${id}`);
  if (jsEnabled) await waitForHydration(admin2);
  await expect(admin2.locator("#stats-finished")).toHaveText("1");
  await expect(admin2.locator("#stats-questions tbody tr")).not.toHaveCount(0);
  await admin2.context().close();
});
