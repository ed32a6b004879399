import { test, expect, zh, en, waitForHydration, signIn, axe, axeWithoutApp } from "./fixtures";
import { Page } from "@playwright/test";
import { promises as fs } from "fs";

// One enterprise safety manager per browser project, each of their own enterprise, so the
// compliance figures of one run do not depend on the other.
const manager1 = { username: process.env.SW_E2E_MANAGER1 ?? "e2e.manager1", password: process.env.SW_E2E_MANAGER1_PASSWORD ?? "" };
const manager2 = { username: process.env.SW_E2E_MANAGER2 ?? "e2e.manager2", password: process.env.SW_E2E_MANAGER2_PASSWORD ?? "" };
// An employee account in each of those enterprises, linked to a record by its manager.
const staff1 = { username: process.env.SW_E2E_STAFF1 ?? "e2e.staff1", password: process.env.SW_E2E_STAFF1_PASSWORD ?? "" };
// The training administrator (the district overview).
const trainer = { username: process.env.SW_E2E_TRAINER ?? "e2e.trainer", password: process.env.SW_E2E_TRAINER_PASSWORD ?? "" };
const staff2 = { username: process.env.SW_E2E_STAFF2 ?? "e2e.staff2", password: process.env.SW_E2E_STAFF2_PASSWORD ?? "" };

async function a11y(page: Page, js: boolean): Promise<void> {
  if (js) await axe(page);
  else await axeWithoutApp(page.context(), page.url());
}

async function open(page: Page, path: string, js: boolean): Promise<void> {
  await page.goto(path);
  if (js) await waitForHydration(page);
}

/** Today in China (the server's calendar), as a date input takes it. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

test("a manager imports employees, records a session and attendance, sees compliance change and issues a certificate that is printed, checked and revoked", async ({ browser, baseURL, jsEnabled }) => {
  const page = await signIn(browser, baseURL!, jsEnabled, jsEnabled ? manager1 : manager2, /\/account$/);
  const staff = jsEnabled ? staff1 : staff2;
  const enterprise = jsEnabled ? "端到端企业甲" : "端到端企业乙";
  if (jsEnabled) await waitForHydration(page);
  await page.click("#training-link");
  await expect(page).toHaveURL(/\/training\/enterprise$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#employees-none")).toHaveText(zh.tr_employees_none);
  await a11y(page, jsEnabled);

  // One employee by the form: a date in the future is refused with its reason, nothing stored.
  await page.fill("#emp-name", "陈一");
  await page.selectOption("#emp-category", "other");
  await page.fill("#emp-hired", "2099-01-01");
  await page.click("#employee-form button[type=submit]");
  await expect(page.locator("#employee-form")).toContainText(zh.err_date_in_future);
  await expect(page.locator("#employees tbody tr")).toHaveCount(0);
  // Without JavaScript the refused form comes back empty: fill it again.
  await page.fill("#emp-name", "陈一");
  await page.selectOption("#emp-category", "other");
  await page.fill("#emp-hired", "2020-01-01");
  await page.fill("#emp-account", staff.username);
  await page.click("#employee-form button[type=submit]");
  await expect(page.locator("#employees tbody tr")).toHaveCount(1);
  if (jsEnabled) await waitForHydration(page);

  // Two more from a file: a bad line stops the import, with its line and reason; then the good
  // lines on request.
  const csv = "姓名,人员类别,上岗日期,联系方式\r\n林二,其他从业人员,2021/4/1,13900000000\r\n吴三,其他从业人员,2021-04-01,\r\n郑四,老板,2021-04-01,\r\n";
  await page.setInputFiles("#import-file", { name: "employees.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.click("#import-form button[type=submit]");
  await expect(page.locator("#import-errors")).toContainText("4");
  await expect(page.locator("#import-errors")).toContainText(zh.tr_category);
  await expect(page.locator("#import-imported")).toHaveText("0");
  await expect(page.locator("#employees tbody tr")).toHaveCount(1);
  if (jsEnabled) await waitForHydration(page);
  await page.setInputFiles("#import-file", { name: "employees.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.check("#import-good-only");
  await page.click("#import-form button[type=submit]");
  await expect(page.locator("#import-imported")).toHaveText("2");
  await expect(page.locator("#employees tbody tr")).toHaveCount(3);
  await expect(page.locator("#employees")).toContainText("林二");
  if (jsEnabled) await waitForHydration(page);

  // Nobody has this year's hours yet.
  await page.click('nav.tabs a[href="/training/enterprise/compliance"]');
  await expect(page).toHaveURL(/\/training\/enterprise\/compliance$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#compliance-share")).toContainText("0% (0 / 3)");
  await a11y(page, jsEnabled);

  // A session today, 8 学时 (an ordinary worker's yearly hours), attended by two of the three.
  await open(page, "/training/enterprise/sessions", jsEnabled);
  await expect(page.locator("#sessions-none")).toHaveText(zh.tr_sessions_none);
  await page.fill("#ses-title", "年度安全生产再培训");
  await page.selectOption("#ses-audience", "all");
  await page.selectOption("#ses-phase", "refresher");
  await page.fill("#ses-hours", "8");
  await page.fill("#ses-day", chinaToday());
  await page.fill("#ses-trainer", "区应急管理局 李老师");
  await page.click("#session-form button[type=submit]");
  await expect(page).toHaveURL(/\/training\/enterprise\/sessions\/\d+$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#session-title")).toHaveText("年度安全生产再培训");
  const sessionPath = new URL(page.url()).pathname;
  await a11y(page, jsEnabled);
  const sheet = page.locator("#attendance-form");
  await sheet.locator("label", { hasText: "陈一" }).locator("input").check();
  await sheet.locator("label", { hasText: "林二" }).locator("input").check();
  await sheet.locator("button[type=submit]").click();
  await expect(page.locator("#attendance-saved")).toHaveText(zh.tr_attendance_saved);
  await expect(page.locator("#attendee-count")).toHaveText("2");

  await open(page, "/training/enterprise/compliance", jsEnabled);
  await expect(page.locator("#compliance-share")).toContainText("66% (2 / 3)");
  const row = (name: string) => page.locator("#compliance tbody tr", { hasText: name });
  await expect(row("陈一")).toContainText(zh.tr_state_met);
  await expect(row("吴三")).toContainText(zh.tr_state_open);
  await expect(row("吴三").locator("td.done")).toHaveText("0");
  const [workbook] = await Promise.all([page.waitForEvent("download"), page.click("#compliance-xlsx")]);
  expect(workbook.suggestedFilename()).toMatch(/^training-compliance-\d{4}\.xlsx$/);
  expect((await fs.readFile(await workbook.path())).subarray(0, 2).toString()).toBe("PK");

  // The training administrator's district overview follows: this enterprise (no town recorded)
  // is among those behind, at 2 of 3.
  const admin = await signIn(browser, baseURL!, jsEnabled, trainer);
  if (jsEnabled) await waitForHydration(admin);
  await admin.click("#district-link");
  await expect(admin).toHaveURL(/\/staff\/training$/);
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("h1")).toHaveText(zh.tr_district_title);
  const behind = admin.locator("#district-behind tbody tr", { hasText: enterprise });
  await expect(behind).toContainText("66%");
  await expect(behind.locator("td").nth(2)).toHaveText("3");
  await expect(admin.locator("#district-towns")).toContainText(zh.tr_unplaced);
  await a11y(admin, jsEnabled);
  // The district's file: a line per employee, this enterprise's attendee among them as met.
  const [file] = await Promise.all([admin.waitForEvent("download"), admin.click("#district-csv")]);
  expect(file.suggestedFilename()).toMatch(/^district-training-compliance-\d{4}\.csv$/);
  const lines = (await fs.readFile(await file.path())).toString("utf8").split(/\r?\n/);
  expect(lines[0]).toContain("统一社会信用代码");
  const chen = lines.filter((l) => l.includes(enterprise) && l.includes(",陈一,"));
  expect(chen).toHaveLength(1);
  expect(chen[0]).toContain("已完成");
  await admin.goto("/lang/en");
  await open(admin, "/staff/training", jsEnabled);
  await expect(admin.locator("h1")).toHaveText(en.tr_district_title);
  await expect(admin.locator("#district-towns")).toContainText(en.tr_unplaced);
  await a11y(admin, jsEnabled);
  await admin.goto("/lang/zh-CN");
  await admin.context().close();

  // Certificates for the attendees: an A4 page with a QR code; printed without the page around it.
  await open(page, sessionPath, jsEnabled);
  await page.click("#issue-certificates button[type=submit]");
  await expect(page).toHaveURL(/\/training\/enterprise\/certificates$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#issued-certificates li")).toHaveCount(2);
  await a11y(page, jsEnabled);
  await page.locator("#issued-certificates li", { hasText: "陈一" }).locator("a").click();
  await expect(page).toHaveURL(/\/certificates\/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  if (jsEnabled) await waitForHydration(page);
  await expect(page.locator("#cert-holder")).toHaveText("陈一");
  await expect(page.locator("#certificate svg")).toHaveCount(1);
  await a11y(page, jsEnabled);
  await page.emulateMedia({ media: "print" });
  await expect(page.locator("#cert-manage")).toBeHidden();
  await expect(page.locator("#certificate")).toBeVisible();
  await page.emulateMedia({ media: "screen" });
  const verifyUrl = (await page.locator("#verify-url").textContent()) ?? "";
  expect(verifyUrl).toMatch(/\/verify\?code=[A-Z0-9-]{19}$/);

  // Anyone checks it from the QR code's address, without signing in.
  const publicCtx = await browser.newContext({ baseURL, javaScriptEnabled: jsEnabled, locale: "zh-CN" });
  const visitor = await publicCtx.newPage();
  await open(visitor, verifyUrl, jsEnabled);
  await expect(visitor.locator("#cert-standing")).toContainText(zh.cert_valid);
  await expect(visitor.locator("#cert-holder")).toHaveText("陈一");
  await a11y(visitor, jsEnabled);

  // The employee sees the hours and the certificate in their own record.
  const own = await signIn(browser, baseURL!, jsEnabled, staff, /\/account$/);
  if (jsEnabled) await waitForHydration(own);
  await own.click("#my-training-link");
  await expect(own).toHaveURL(/\/training\/me$/);
  if (jsEnabled) await waitForHydration(own);
  await expect(own.locator("#my-done")).toHaveText("8");
  await expect(own.locator("#my-state")).toHaveText(zh.tr_state_met);
  await expect(own.locator("#my-certificates li")).toHaveCount(1);
  await a11y(own, jsEnabled);
  await own.context().close();

  // Revoked by the manager: the public check says so.
  await page.fill("#revoke-reason", "培训记录有误");
  await page.click("#revoke-form button[type=submit]");
  await expect(page.locator("#cert-standing")).toContainText(zh.cert_revoked);
  await open(visitor, verifyUrl, jsEnabled);
  await expect(visitor.locator("#cert-standing")).toContainText(zh.cert_revoked);
  await publicCtx.close();

  // In English.
  await page.goto("/lang/en");
  await open(page, "/training/enterprise/compliance", jsEnabled);
  await expect(page.locator("h1")).toHaveText(en.tr_title);
  await expect(row("陈一")).toContainText(en.tr_state_met);
  await a11y(page, jsEnabled);
  await page.goto("/lang/zh-CN");
  await page.context().close();
});

test("the training pages refuse visitors and employees", async ({ page, visit, browser, baseURL, jsEnabled }) => {
  await visit("/training/enterprise");
  await expect(page.locator("main")).toContainText(zh.err_unauthorized);
  const worker = { username: process.env.SW_E2E_WORKER ?? "e2e.worker", password: process.env.SW_E2E_WORKER_PASSWORD ?? "" };
  const employee = await signIn(browser, baseURL!, jsEnabled, worker, /\/account$/);
  await expect(employee.locator("h1")).toHaveText(zh.account_title);
  await expect(employee.locator("#training-link")).toHaveCount(0);
  await open(employee, "/training/enterprise/compliance", jsEnabled);
  await expect(employee.locator("main")).toContainText(zh.err_forbidden);
  await employee.context().close();
});
