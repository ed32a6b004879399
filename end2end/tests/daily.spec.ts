import { test, expect, zh, en, waitForHydration, signIn, axe, axeWithoutApp } from "./fixtures";
import { Page } from "@playwright/test";

const trainer = {
  username: process.env.SW_E2E_TRAINER ?? "e2e.trainer",
  password: process.env.SW_E2E_TRAINER_PASSWORD ?? "",
};
// One employee per browser project: a day's questions are answered once.
const daily1 = { username: process.env.SW_E2E_DAILY1 ?? "e2e.daily1", password: process.env.SW_E2E_DAILY1_PASSWORD ?? "" };
const daily2 = { username: process.env.SW_E2E_DAILY2 ?? "e2e.daily2", password: process.env.SW_E2E_DAILY2_PASSWORD ?? "" };

/** axe on a signed-in page, with or without the app's scripts as the project runs. */
async function a11y(page: Page, js: boolean): Promise<void> {
  if (js) await axe(page);
  else await axeWithoutApp(page.context(), page.url());
}

test("an employee answers the daily challenge and keeps a streak", async ({ browser, baseURL, jsEnabled }) => {
  const page = await signIn(browser, baseURL!, jsEnabled, jsEnabled ? daily1 : daily2, /\/account$/);
  await page.goto("/quiz");
  if (jsEnabled) await waitForHydration(page);
  await page.click("#quiz-daily-start");
  await expect(page).toHaveURL(/\/quiz\/daily$/);
  if (jsEnabled) await waitForHydration(page);
  const questions = page.locator("#daily-questions li.daily-question");
  await expect(questions).toHaveCount(5);
  await expect(page.locator("#daily-progress")).toHaveText(/^\d \/ 5$/);
  await a11y(page, jsEnabled);
  // Answer each open question (a retried run finds some answered already): the verdict, the
  // right answer and the explanation come back at once, and the form is gone.
  for (let i = 0; i < 5; i++) {
    const q = questions.nth(i);
    if ((await q.locator("form").count()) === 0) continue;
    const text = q.locator('input[type="text"]');
    if ((await text.count()) > 0) await text.fill("通风");
    else await q.locator('input[name^="picks"]').first().check();
    await q.locator("button[type=submit]").click();
    await expect(questions.nth(i).locator(".daily-verdict")).toBeVisible();
    await expect(questions.nth(i).locator("form")).toHaveCount(0);
    await expect(page.locator("#daily-progress")).toHaveText(`${i + 1} / 5`);
    if (jsEnabled) await waitForHydration(page);
  }
  await expect(page.locator("#daily-done")).toHaveText(zh.qd_done);
  await expect(page.locator("#daily-streak")).toHaveText(`1 ${zh.qd_days}`);
  await expect(page.locator("#daily-strip li.done")).toHaveCount(1);
  // The same questions on a reload; each links to an error report from the daily challenge.
  await page.reload();
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#daily-questions form")).toHaveCount(0);
  await questions.first().locator("a.feedback-link").click();
  await expect(page).toHaveURL(/\/quiz\/feedback\?q=\d+&v=\d+&from=daily$/);
  await expect(page.locator("#feedback-form")).toBeVisible();
});

test("the daily challenge needs an employee's account", async ({ page, visit }) => {
  await visit("/quiz/daily");
  await expect(page.locator("main")).toContainText(zh.err_unauthorized);
});

test("an error reported in a practice question reaches the bank's review, in Chinese and English", async ({ page, browser, baseURL, jsEnabled, checkA11y }) => {
  await page.goto("/quiz/practice?tag=GM");
  if (jsEnabled) await waitForHydration(page);
  await page.check("#pick-A");
  await page.click("#practice-form button[type=submit]");
  await expect(page.locator("#practice-verdict")).toHaveText(zh.qp_correct);
  if (jsEnabled) await waitForHydration(page);
  await page.locator("#practice-result a.feedback-link").click();
  await expect(page).toHaveURL(/\/quiz\/feedback\?q=\d+&v=\d+&from=practice$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#feedback-question")).toContainText("我国安全生产工作坚持的方针是什么？");
  await checkA11y();
  // "Something else" needs a comment: refused by the server with the reason, nothing stored.
  await page.check("#reason-other");
  await page.click("#feedback-form button[type=submit]");
  await expect(page.locator("#feedback-form")).toContainText(zh.err_required);
  const comment = jsEnabled ? "选项 C 的表述已过时（JS）" : "选项 C 的表述已过时";
  await page.check("#reason-options");
  await page.fill("#feedback-comment", comment);
  await page.click("#feedback-form button[type=submit]");
  await expect(page.locator("#feedback-sent")).toHaveText(zh.qf_sent);

  // The training administrator finds it among the open reports, with the answer, and fixes it.
  const staff = await signIn(browser, baseURL!, jsEnabled, trainer);
  await staff.goto("/staff/questions");
  if (jsEnabled) await waitForHydration(staff);
  await staff.click("#bank-feedback");
  await expect(staff).toHaveURL(/\/staff\/questions\/feedback$/);
  if (jsEnabled) await waitForHydration(staff);
  const item = staff.locator("#feedback-list li.feedback", { hasText: comment });
  await expect(item).toContainText(zh.qf_reason_options);
  await expect(item).toContainText(zh.qf_origin_practice);
  await a11y(staff, jsEnabled);
  // Its question opens in the bank, its form unfolded.
  const bankHref = await item.locator('a[href^="/staff/questions?id="]').getAttribute("href");
  const note = jsEnabled ? "已修改选项（JS）" : "已修改选项";
  await item.locator('input[name="note"]').fill(note);
  await item.locator('button[value="fixed"]').click();
  await expect(staff.locator("#feedback-list li.feedback", { hasText: comment })).toHaveCount(0);
  await staff.goto("/staff/questions/feedback?status=fixed");
  if (jsEnabled) await waitForHydration(staff);
  await expect(staff.locator("#feedback-list li.feedback", { hasText: comment })).toContainText(note);
  await staff.goto(bankHref!);
  if (jsEnabled) await waitForHydration(staff);
  await expect(staff.locator("#question-list li.question")).toHaveCount(1);
  await expect(staff.locator("#question-list li.question details")).toHaveAttribute("open", "");

  // The same pages in English.
  await staff.goto("/lang/en");
  await staff.goto("/staff/questions/feedback?status=fixed");
  if (jsEnabled) await waitForHydration(staff);
  await expect(staff.locator("h1")).toHaveText(en.qf_review_title);
  await expect(staff.locator("#feedback-list li.feedback", { hasText: comment })).toContainText(en.qf_reason_options);
  await a11y(staff, jsEnabled);
  await staff.goto("/lang/zh-CN");
  await staff.context().close();
});

test("axe on the quiz's staff pages (bank, error reports, contests, statistics, import) and the ranking, in both languages", async ({ browser, baseURL, jsEnabled }) => {
  const staff = await signIn(browser, baseURL!, jsEnabled, trainer);
  await staff.goto("/quiz");
  const link = staff.locator("#contest-list a", { hasText: "安全生产月知识竞赛（演示）" });
  const contest = (await link.getAttribute("href"))!.split("/").pop();
  const pages = [
    "/staff/questions",
    "/staff/questions/feedback",
    "/staff/contests",
    `/staff/contests/${contest}`,
    `/quiz/contest/${contest}/ranking`,
    "/staff/questions/import",
    "/quiz",
    "/quiz/practice",
  ];
  for (const lang of ["zh-CN", "en"]) {
    await staff.goto(`/lang/${lang}`);
    for (const path of pages) {
      await staff.goto(path);
      if (jsEnabled) await waitForHydration(staff);
      await expect(staff.locator("html")).toHaveAttribute("lang", lang);
      await a11y(staff, jsEnabled);
    }
  }
  await staff.goto("/lang/zh-CN");
  await staff.context().close();
});
