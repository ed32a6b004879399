import { test, expect, zh, waitForHydration, signIn } from "./fixtures";

const trainer = {
  username: process.env.SW_E2E_TRAINER ?? "e2e.trainer",
  password: process.env.SW_E2E_TRAINER_PASSWORD ?? "",
};


test("the training administrator keeps the question bank", async ({ browser, baseURL, jsEnabled }) => {
  const page = await signIn(browser, baseURL!, jsEnabled, trainer);
  await page.click('a[href="/staff/questions"]');
  await expect(page).toHaveURL(/\/staff\/questions$/);
  if (jsEnabled) await waitForHydration(page);
  const stem = jsEnabled ? "动火作业前必须办理什么手续？（JS）" : "动火作业前必须办理什么手续？";
  // A multiple-choice question with one answer is refused with the reason.
  await page.selectOption("#q-new-kind", "multiple");
  await page.fill("#q-new-stem", stem);
  await page.fill("#q-new-options", "动火作业许可证\n口头报告班长\n无需手续");
  await page.fill("#q-new-answer", "A");
  await page.check("#q-new-tag-WHP");
  await page.click("#q-new-kind ~ button[type=submit]");
  await expect(page.locator("#answer-errors")).toHaveText(zh.err_answer_two_options);
  // As a single-choice question it is stored.
  await page.goto("/staff/questions");
  if (jsEnabled) await waitForHydration(page);
  await page.selectOption("#q-new-kind", "single");
  await page.fill("#q-new-stem", stem);
  await page.fill("#q-new-options", "动火作业许可证\n口头报告班长\n无需手续");
  await page.fill("#q-new-answer", "a");
  await page.fill("#q-new-explanation", "动火作业实行作业许可管理。");
  await page.check("#q-new-tag-WHP");
  await page.click("#q-new-kind ~ button[type=submit]");
  const item = page.locator("#question-list li.question", { hasText: stem });
  await expect(item).toBeVisible();
  // Found by a word of its stem; edited, which makes version 2 with a history.
  await page.goto("/staff/questions?q=" + encodeURIComponent("动火"));
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#question-list li.question").filter({ hasNotText: "动火" })).toHaveCount(0);
  const row = page.locator("#question-list li.question", { hasText: stem });
  await row.locator("summary").first().click();
  const id = await row.getAttribute("data-id");
  await page.fill(`#q-${id}-explanation`, "动火作业实行作业许可管理（修订）。");
  await page.click(`#q-${id}-kind ~ button[type=submit]`);
  await expect(page.locator(`#question-list li.question[data-id="${id}"] summary .hint`)).toContainText("v2");
  await page.goto(`/staff/questions?history=${id}`);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#question-history tbody tr")).toHaveCount(2);
});

test("anyone practises: a question, then the answer and its explanation", async ({ page, jsEnabled, checkA11y }) => {
  await page.goto("/quiz");
  if (jsEnabled) await waitForHydration(page);
  await page.click("#quiz-practice-start");
  await expect(page).toHaveURL(/\/quiz\/practice$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#practice-stem")).toBeVisible();
  await checkA11y();
  // One sector with one demo question: the right answer.
  await page.selectOption("#practice-tag", "GM");
  await page.click("#practice-sector button[type=submit]");
  await expect(page.locator("#practice-stem")).toHaveText("我国安全生产工作坚持的方针是什么？");
  if (jsEnabled) await waitForHydration(page);
  await page.check("#pick-A");
  await page.click("#practice-form button[type=submit]");
  await expect(page.locator("#practice-verdict")).toHaveText(zh.qp_correct);
  await expect(page.locator("#practice-answer")).toContainText("安全第一、预防为主、综合治理");
  // A wrong answer shows the right one and why.
  await page.goto("/quiz/practice?tag=DLJT");
  if (jsEnabled) await waitForHydration(page);
  await page.check("#pick-false");
  await page.click("#practice-form button[type=submit]");
  await expect(page.locator("#practice-verdict")).toHaveText(zh.qp_wrong);
  await expect(page.locator("#practice-answer")).toContainText(zh.qp_true);
  await expect(page.locator("#practice-explanation")).toContainText("紧急避险");
  await page.click("#practice-next");
  await expect(page).toHaveURL(/\/quiz\/practice\?tag=DLJT$/);
  await expect(page.locator("#practice-form")).toBeVisible();
});
