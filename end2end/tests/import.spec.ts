import { test, expect, zh, waitForHydration, signIn } from "./fixtures";

const trainer = {
  username: process.env.SW_E2E_TRAINER ?? "e2e.trainer",
  password: process.env.SW_E2E_TRAINER_PASSWORD ?? "",
};


test("the training administrator imports a bank: line errors first, then a clean file", async ({ browser, baseURL, jsEnabled }) => {
  const page = await signIn(browser, baseURL!, jsEnabled, trainer);
  await page.goto("/staff/questions");
  if (jsEnabled) await waitForHydration(page);
  await page.click("#bank-import");
  await expect(page).toHaveURL(/\/staff\/questions\/import$/);
  if (jsEnabled) await waitForHydration(page);
  const mark = jsEnabled ? "（JS）" : "";
  const bad = [
    "题型,题干,选项A,选项B,选项C,答案,领域",
    `单选,受限空间作业前应先做什么？${mark},通风检测,直接进入,无需准备,A,FC`,
    `单选,=HYPERLINK("http://example.com"),甲,乙,丙,A,FC`,
    `单选,氧气瓶与乙炔瓶的间距至少是多少？${mark},1米,3米,5米,D,FC`,
  ].join("\n");
  await page.setInputFiles("#import-file", { name: "bank.csv", mimeType: "text/csv", buffer: Buffer.from(bad, "utf8") });
  await page.click("#import-form button[type=submit]");
  await expect(page.locator("#import-errors tbody tr")).toHaveCount(2);
  await expect(page.locator("#import-errors tbody tr").nth(0)).toContainText("3");
  await expect(page.locator("#import-errors tbody tr").nth(0)).toContainText(zh.err_formula_in_cell);
  await expect(page.locator("#import-errors tbody tr").nth(1)).toContainText(zh.err_answer_one_option);
  await expect(page.locator("#import-imported")).toHaveText("0");
  // Corrected: every line comes in.
  const good = [
    "题型,题干,选项A,选项B,选项C,答案,领域",
    `单选,受限空间作业前应先做什么？${mark},通风检测,直接进入,无需准备,A,FC`,
    `单选,氧气瓶与乙炔瓶的间距至少是多少？${mark},1米,3米,5米,C,FC`,
    `判断,动火作业必须办理作业许可。${mark},,,,对,WHP`,
  ].join("\n");
  if (jsEnabled) await waitForHydration(page);
  await page.setInputFiles("#import-file", { name: "bank.csv", mimeType: "text/csv", buffer: Buffer.from(good, "utf8") });
  await page.click("#import-form button[type=submit]");
  await expect(page.locator("#import-imported")).toHaveText("3");
  await expect(page.locator("#import-errors")).toHaveCount(0);
  await page.goto("/staff/questions?q=" + encodeURIComponent("氧气瓶"));
  await expect(page.locator("#question-list li.question", { hasText: `氧气瓶与乙炔瓶的间距至少是多少？${mark}` })).toBeVisible();
  // The export downloads the bank.
  const [download] = await Promise.all([page.waitForEvent("download"), page.goto("/staff/questions/import").then(() => page.click("#export-csv"))]);
  expect(download.suggestedFilename()).toBe("questions.csv");
  await page.context().close();
});
