import { test, expect, zh, en } from "./fixtures";

test("home page in Chinese by default, then English, remembered", async ({ page, visit }) => {
  await visit("/");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.home_title);
  const nav = page.getByRole("navigation", { name: zh.nav_label });
  for (const key of ["nav_report", "nav_lookup", "nav_quiz", "nav_training", "nav_login"]) {
    await expect(nav.getByRole("link", { name: zh[key], exact: true })).toBeVisible();
  }

  await page.getByRole("link", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(en.home_title);

  // The choice is remembered on the next visit.
  await visit("/report");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(en.report_title);

  await page.getByRole("link", { name: "中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.report_title);
});

test("the four public entry points", async ({ page, visit }) => {
  const pages: [string, string][] = [
    ["/report", zh.report_title],
    ["/lookup", zh.lookup_title],
    ["/quiz", zh.quiz_title],
    ["/training", zh.training_title],
  ];
  for (const [path, title] of pages) {
    await visit(path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
    await expect(page.getByRole("navigation", { name: zh.nav_label }).locator('[aria-current="page"]')).toHaveAttribute("href", path);
  }
});

test("unknown address shows the 404 page", async ({ page, checkA11y }) => {
  const resp = await page.goto("/no-such-page");
  expect(resp?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.not_found_title);
  await checkA11y();
  await page.getByRole("link", { name: zh.back_home }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(zh.home_title);
});
