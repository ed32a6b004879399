import { test, expect, zh, en, waitForHydration, signIn, axe, axeWithoutApp } from "./fixtures";
import { Page } from "@playwright/test";
import { promises as fs } from "fs";
import { execFileSync } from "child_process";

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

test("a manager imports employees, records a session and attendance (ticked and from a sign-in sheet), corrects the session, sees compliance change and issues a certificate that is printed, checked and revoked", async ({ browser, baseURL, jsEnabled }) => {
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
  await sheet.locator("button[type=submit]").click();
  await expect(page.locator("#attendance-saved")).toHaveText(zh.tr_attendance_saved);
  await expect(page.locator("#attendee-count")).toHaveText("1");

  // 林二 from a sign-in sheet, added to the ticks: a line naming nobody here stops the whole
  // sheet, with its line and reason; then the clean sheet.
  if (jsEnabled) await waitForHydration(page);
  const sheetFile = (text: string) => ({ name: "sign-in.csv", mimeType: "text/csv", buffer: Buffer.from(text) });
  await page.setInputFiles("#sign-in-file", sheetFile("姓名,联系方式\r\n林二,13900000000\r\n无名氏,\r\n"));
  await page.click("#sign-in-form button[type=submit]");
  await expect(page.locator("#sign-in-errors tbody tr")).toHaveCount(1);
  await expect(page.locator("#sign-in-errors tbody td").first()).toHaveText("3");
  await expect(page.locator("#sign-in-errors")).toContainText(zh.err_employee_not_found);
  await expect(page.locator("#sign-in-report")).toContainText(zh.tr_sign_in_nothing);
  await expect(page.locator("#attendee-count")).toHaveText("1");
  if (jsEnabled) await waitForHydration(page);
  await a11y(page, jsEnabled);
  await page.setInputFiles("#sign-in-file", sheetFile("姓名,联系方式\r\n林二,13900000000\r\n"));
  await page.click("#sign-in-form button[type=submit]");
  await expect(page.locator("#sign-in-done")).toContainText(zh.tr_sign_in_done);
  await expect(page.locator("#sign-in-count")).toHaveText("1");
  await expect(page.locator("#attendee-count")).toHaveText("2");
  await expect(sheet.locator("label", { hasText: "林二" }).locator("input")).toBeChecked();
  await expect(sheet.locator("label", { hasText: "陈一" }).locator("input")).toBeChecked();

  // A mistake in the session is corrected on its page: the attendees' hours follow it. A day after
  // today is refused once people have attended.
  if (jsEnabled) await waitForHydration(page);
  const edit = page.locator("#session-edit-form");
  await expect(edit.locator("#ses-hours")).toHaveValue("8");
  await edit.locator("#ses-hours").fill("4");
  await edit.locator("#ses-day").fill(new Date(Date.now() + 8 * 3600_000 + 30 * 86400_000).toISOString().slice(0, 10));
  await edit.locator("button[type=submit]").click();
  await expect(page.locator("#session-edit-form")).toContainText(zh.err_session_attended_future);
  await expect(page.locator("#session-hours")).toHaveText("8");
  if (jsEnabled) await waitForHydration(page);
  await page.locator("#session-edit-form #ses-hours").fill("4");
  await page.locator("#session-edit-form #ses-day").fill(chinaToday());
  await page.locator("#session-edit-form button[type=submit]").click();
  await expect(page.locator("#session-hours")).toHaveText("4");
  await open(page, "/training/enterprise/compliance", jsEnabled);
  await expect(page.locator("#compliance-share")).toContainText("0% (0 / 3)");
  await open(page, sessionPath, jsEnabled);
  await page.locator("#session-edit-form #ses-hours").fill("8");
  await page.locator("#session-edit-form button[type=submit]").click();
  await expect(page.locator("#session-hours")).toHaveText("8");
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
  // The same year for another learning record store: xAPI 2.0 statements, one per attendee.
  const [xapi] = await Promise.all([page.waitForEvent("download"), page.click("#compliance-xapi")]);
  expect(xapi.suggestedFilename()).toMatch(/^training-xapi-\d{4}\.json$/);
  const statements = JSON.parse((await fs.readFile(await xapi.path())).toString("utf8"));
  const attended = statements.filter((s: any) => s.verb.id === "http://adlnet.gov/expapi/verbs/attended" && s.object.definition.name["zh-CN"] === "年度安全生产再培训");
  expect(attended.map((s: any) => s.actor.name).sort()).toEqual(["林二", "陈一"].sort());
  expect(attended[0].version).toBe("2.0.0");
  expect(attended[0].result.duration).toBe("PT360M");
  // The records themselves: a line per person and training, the session's two attendees at 8 学时.
  const [records] = await Promise.all([page.waitForEvent("download"), page.click("#compliance-records-csv")]);
  expect(records.suggestedFilename()).toMatch(/^training-records-\d{4}\.csv$/);
  const recordLines = (await fs.readFile(await records.path())).toString("utf8").split(/\r?\n/);
  expect(recordLines[0]).toContain("培训形式");
  const sessionLines = recordLines.filter((l) => l.includes(",集中培训,年度安全生产再培训,"));
  expect(sessionLines.map((l) => l.split(",")[5]).sort()).toEqual(["林二", "陈一"].sort());
  expect(sessionLines[0]).toContain(",8,360");

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
  const [workbook2] = await Promise.all([admin.waitForEvent("download"), admin.click("#district-records-xlsx")]);
  expect(workbook2.suggestedFilename()).toMatch(/^district-training-records-\d{4}\.xlsx$/);
  expect((await fs.readFile(await workbook2.path())).subarray(0, 2).toString()).toBe("PK");
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

// A 1×1 PNG: the lesson's image (re-encoded by the server on upload).
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");

function sqlite(statement: string): string {
  return execFileSync("sqlite3", [process.env.SW_E2E_DB ?? "", statement]).toString().trim();
}

test("the training administrator writes a course; an employee completes it in the network classroom and sees the hours", async ({ browser, baseURL, jsEnabled }) => {
  const title = `危化品安全网课${jsEnabled ? "甲" : "乙"}${Date.now() % 100000}`;
  const staff = jsEnabled ? staff1 : staff2;

  // The employee's hours before (the session of the test above counts).
  const own = await signIn(browser, baseURL!, jsEnabled, staff, /\/account$/);
  await open(own, "/training/me", jsEnabled);
  const before = Number((await own.locator("#my-done").textContent()) ?? "NaN");
  expect(before).toBeGreaterThanOrEqual(0);

  // The course, with two lessons whose minimum times (30 + 20 minutes) cover its one 学时 (45).
  const admin = await signIn(browser, baseURL!, jsEnabled, trainer);
  if (jsEnabled) await waitForHydration(admin);
  await admin.click("#courses-link");
  await expect(admin).toHaveURL(/\/staff\/training\/courses$/);
  if (jsEnabled) await waitForHydration(admin);
  await a11y(admin, jsEnabled);
  await admin.fill("#course-title", title);
  await admin.fill("#course-hours", "1");
  await admin.click("#course-form button[type=submit]");
  await expect(admin).toHaveURL(/\/staff\/training\/courses\/\d+$/);
  const course = admin.url().split("/").pop()!;
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("#course-name")).toHaveText(title);
  await expect(admin.locator("#publish-problem")).toHaveText(zh.err_course_no_lessons);
  const lesson = async (name: string, minutes: string, right: string, wrong: string) => {
    await admin.fill("#lesson-title", name);
    await admin.fill("#lesson-body", `${name}：第一段。\n\n第二段。`);
    await admin.fill("#lesson-minutes", minutes);
    await admin.fill("#q1-prompt", `${name}的要点是？`);
    await admin.fill("#q1-a", wrong);
    await admin.fill("#q1-b", right);
    await admin.check("#q1-ok-b");
    await admin.click("#lesson-form button[type=submit]");
  };
  await lesson("储存要求", "30", "专用仓库", "办公室");
  await expect(admin.locator("#lessons > li")).toHaveCount(1);
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("#publish-problem")).toHaveText(zh.err_course_time_short);
  await admin.click("#publish-form button[type=submit]");
  await expect(admin.locator("#publish-form")).toContainText(zh.err_course_time_short);
  await expect(admin.locator("#course-state")).toHaveText(zh.cl_draft);
  if (jsEnabled) await waitForHydration(admin);
  await lesson("使用要求", "20", "阅读安全技术说明书", "直接使用");
  await expect(admin.locator("#lessons > li")).toHaveCount(2);
  await expect(admin.locator("#lesson-minutes")).toHaveValue("");
  if (jsEnabled) await waitForHydration(admin);

  // The lesson file: a file that is not what it claims is refused, the image is kept.
  const first = admin.locator("#lessons > li").first();
  await first.locator("input[type=file]").setInputFiles({ name: "slide.png", mimeType: "image/png", buffer: Buffer.from("not a picture") });
  await first.locator(".file-form button[type=submit]").click();
  await expect(admin.locator("#file-error")).toHaveText(zh.err_file_type_not_allowed);
  await expect(admin.locator("#lessons > li").first().locator(".lesson-file-none")).toHaveCount(1);
  if (jsEnabled) await waitForHydration(admin);
  await admin.locator("#lessons > li").first().locator("input[type=file]").setInputFiles({ name: "slide.png", mimeType: "image/png", buffer: PNG });
  await admin.locator("#lessons > li").first().locator(".file-form button[type=submit]").click();
  await expect(admin.locator("#file-saved")).toHaveText(zh.cl_file_saved);
  await expect(admin.locator("#lessons > li").first().locator("a.lesson-file")).toContainText("image/png");
  if (jsEnabled) await waitForHydration(admin);
  await admin.click("#publish-form button[type=submit]");
  await expect(admin.locator("#course-state")).toHaveText(zh.cl_published);
  await a11y(admin, jsEnabled);
  await admin.context().close();

  // The employee finds it in the classroom and opens the first lesson.
  await open(own, "/account", jsEnabled);
  await own.click("#classroom-link");
  await expect(own).toHaveURL(/\/training\/courses$/);
  if (jsEnabled) await waitForHydration(own);
  await a11y(own, jsEnabled);
  await own.locator("#classroom li", { hasText: title }).locator("h2 a").click();
  await expect(own).toHaveURL(new RegExp(`/training/courses/${course}$`));
  if (jsEnabled) await waitForHydration(own);
  await expect(own.locator("#course-lessons li")).toHaveCount(2);
  await a11y(own, jsEnabled);
  await own.locator("#course-lessons li").first().locator("a").click();
  await expect(own).toHaveURL(/\/training\/lessons\/\d+$/);
  if (jsEnabled) await waitForHydration(own);
  await expect(own.locator("#lesson-body p")).toHaveCount(2);
  await expect(own.locator("#lesson-image")).toBeVisible();
  const image = await own.request.get((await own.locator("#lesson-image").getAttribute("src")) ?? "");
  expect(image.status()).toBe(200);
  expect(image.headers()["content-type"]).toBe("image/png");
  await expect(own.locator("#lesson-left")).toHaveText("30");
  await a11y(own, jsEnabled);
  const lessonUrl = own.url();
  // Opening the page is not studying it.
  await own.check("#a0-1");
  await own.click("#check-form button[type=submit]");
  await expect(own.locator("#check-form")).toContainText(zh.err_lesson_too_soon);

  // The second lesson is opened too; then the time passes (moved back in the database rather
  // than waited for).
  await open(own, `/training/courses/${course}`, jsEnabled);
  await own.locator("#course-lessons li").nth(1).locator("a").click();
  await expect(own.locator("#lesson-left")).toHaveText("20");
  sqlite(`update training_lesson_progress set opened_at = opened_at - 3600 where lesson_id in (select id from training_lessons where course_id = ${course})`);
  await open(own, lessonUrl, jsEnabled);
  await expect(own.locator("#lesson-left")).toHaveCount(0);
  await own.check("#a0-0");
  await own.click("#check-form button[type=submit]");
  await expect(own.locator("#check-form")).toContainText(zh.err_check_failed);
  if (jsEnabled) await waitForHydration(own);
  await own.check("#a0-1");
  await own.click("#check-form button[type=submit]");
  await expect(own).toHaveURL(new RegExp(`/training/courses/${course}$`));
  await expect(own.locator("#course-lessons li").first()).toHaveAttribute("data-step", "passed");
  if (jsEnabled) await waitForHydration(own);
  await own.locator("#course-lessons li").nth(1).locator("a").click();
  await expect(own).toHaveURL(/\/training\/lessons\/\d+$/);
  if (jsEnabled) await waitForHydration(own);
  await own.check("#a0-1");
  await own.click("#check-form button[type=submit]");
  await expect(own).toHaveURL(new RegExp(`/training/courses/${course}\\?completed=1$`));
  await expect(own.locator("#course-completed")).toHaveText(zh.cl_just_completed);
  await expect(own.locator("#course-done")).toHaveText(chinaToday());

  // The hours are in the record, with the course and its certificate.
  await open(own, "/training/me", jsEnabled);
  await expect(own.locator("#my-done")).toHaveText(String(before + 1));
  await expect(own.locator("#my-courses")).toContainText(title);
  await expect(own.locator("#my-certificates")).toContainText(title);
  await a11y(own, jsEnabled);

  // In English.
  await own.goto("/lang/en");
  await open(own, `/training/courses/${course}`, jsEnabled);
  await expect(own.locator("h1")).toHaveText(en.cl_title);
  await expect(own.locator("#course-lessons li").first()).toContainText(en.cl_step_passed);
  await a11y(own, jsEnabled);
  await own.goto("/lang/zh-CN");
  await own.context().close();
});

test("the training administrator records disaster information officers and their training; the three-level coverage follows", async ({ browser, baseURL, jsEnabled }) => {
  // One village/community per browser project (the database is shared by both runs).
  const unit = jsEnabled ? "village:JD01-S01" : "village:XZ01-C02";
  const name = `信息员${jsEnabled ? "甲" : "乙"}${Date.now() % 100000}`;
  const admin = await signIn(browser, baseURL!, jsEnabled, trainer);
  if (jsEnabled) await waitForHydration(admin);
  await admin.click("#officers-link");
  await expect(admin).toHaveURL(/\/staff\/training\/officers$/);
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("h1")).toHaveText(zh.io_title);
  const missing = admin.locator(`#coverage-missing li[data-unit="${unit}"]`);
  await expect(missing).toHaveAttribute("data-state", "NoOfficer");
  await expect(admin.locator("#coverage-full")).toHaveAttribute("data-full", "false");
  await a11y(admin, jsEnabled);

  // An appointment dated tomorrow is refused with its reason; then recorded.
  const tomorrow = new Date(Date.now() + 8 * 3600_000 + 86400_000).toISOString().slice(0, 10);
  const fill = async (day: string) => {
    await admin.fill("#officer-name", name);
    await admin.selectOption("#officer-unit", unit);
    await admin.fill("#officer-contact", "0551-12345678");
    await admin.fill("#officer-appointed", day);
    await admin.click("#officer-form button[type=submit]");
  };
  await fill(tomorrow);
  await expect(admin.locator("#officer-form")).toContainText(zh.err_date_in_future);
  if (jsEnabled) await waitForHydration(admin);
  await fill("2024-05-01");
  await expect(admin.locator("#officer-added")).toHaveText(zh.io_added);
  await expect(missing).toHaveAttribute("data-state", "Untrained");
  await expect(missing).toContainText(name);
  const row = admin.locator("#officers tr", { hasText: name });
  await expect(row.locator(".officer-state")).toHaveText(zh.io_untrained_year);
  if (jsEnabled) await waitForHydration(admin);

  // A training today, and the officer ticked on its sheet.
  await admin.fill("#otraining-title", `灾情报送业务培训${name}`);
  await admin.fill("#otraining-hours", "2");
  await admin.fill("#otraining-held", chinaToday());
  await admin.fill("#otraining-trainer", "区应急管理局");
  await admin.click("#officer-training-form button[type=submit]");
  await expect(admin).toHaveURL(/\/staff\/training\/officers\/trainings\/\d+$/);
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("#otraining-count")).toHaveText("0");
  await a11y(admin, jsEnabled);
  await admin.locator("#officer-attendance-form label", { hasText: name }).locator("input").check();
  await admin.click("#officer-attendance-form button[type=submit]");
  await expect(admin.locator("#otraining-saved")).toHaveText(zh.tr_attendance_saved);
  await expect(admin.locator("#otraining-count")).toHaveText("1");

  // The unit is covered now.
  await open(admin, "/staff/training/officers", jsEnabled);
  await expect(admin.locator("#officers tr", { hasText: name }).locator(".officer-state")).toHaveText(zh.io_trained_year);
  await expect(missing).toHaveCount(0);
  await admin.locator("#officers tr", { hasText: name }).locator("a").click();
  await expect(admin).toHaveURL(/\/staff\/training\/officers\/\d+$/);
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("#officer-attended li")).toHaveCount(1);
  await a11y(admin, jsEnabled);

  // In English.
  await admin.goto("/lang/en");
  await open(admin, "/staff/training/officers", jsEnabled);
  await expect(admin.locator("h1")).toHaveText(en.io_title);
  await expect(admin.locator("#officers tr", { hasText: name }).locator(".officer-state")).toHaveText(en.io_trained_year);
  await a11y(admin, jsEnabled);
  await admin.goto("/lang/zh-CN");
  await admin.context().close();
});

/** A unified social credit code: `stem` (17 characters) and its check character (GB 32100). */
function creditCode(stem: string): string {
  const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...stem].reduce((acc, c, i) => acc + chars.indexOf(c) * weights[i], 0);
  return stem + chars[(31 - (sum % 31)) % 31];
}

test("the training administrator registers an enterprise and keeps its safety manager's account", async ({ browser, baseURL, jsEnabled }) => {
  const tail = String(Date.now() % 10000).padStart(4, "0");
  const code = creditCode(`91340100MA2T${jsEnabled ? "H" : "N"}${tail}`);
  const wrong = code.slice(0, 17) + (code.endsWith("0") ? "1" : "0");
  const company = `端到端培训企业${jsEnabled ? "丙" : "丁"}${tail}`;
  const manager = { username: `e2e.mgr${jsEnabled ? "h" : "n"}${tail}`, password: `e2e-manager-${tail}-pw` };
  const admin = await signIn(browser, baseURL!, jsEnabled, trainer);
  if (jsEnabled) await waitForHydration(admin);
  await admin.click("#enterprises-link");
  await expect(admin).toHaveURL(/\/staff\/training\/enterprises$/);
  if (jsEnabled) await waitForHydration(admin);
  await a11y(admin, jsEnabled);
  await admin.fill("#enterprise-search", "精细化工");
  await admin.click("form[role=search] button[type=submit]");
  await expect(admin.locator('#enterprise-table tr[data-code="91340100MA2NL0H014"]')).toBeVisible();
  await expect(admin.locator("#enterprise-table tbody tr")).toHaveCount(1);
  if (jsEnabled) await waitForHydration(admin);

  // A mistyped credit code is refused with the reason; then the enterprise is registered.
  const register = async (credit: string) => {
    await admin.fill("#ent-new-code", credit);
    await admin.fill("#ent-new-name", company);
    await admin.selectOption("#ent-new-town", "XZ02");
    await admin.selectOption("#ent-new-sector", "WHP");
    await admin.fill("#ent-new-employees", "30");
    await admin.check("#ent-new-high-risk");
    await admin.click("#enterprise-new button[type=submit]");
  };
  await register(wrong);
  await expect(admin.locator("#credit_code-errors")).toHaveText(zh.err_credit_code_invalid);
  if (jsEnabled) await waitForHydration(admin);
  await register(code);
  await expect(admin).toHaveURL(new RegExp(`/staff/training/enterprises/${code}\\?saved=1$`));
  if (jsEnabled) await waitForHydration(admin);
  await expect(admin.locator("#enterprise-name")).toHaveText(company);
  await expect(admin.locator("#managers-none")).toHaveText(zh.te_managers_none);

  // Its safety manager's account (a name already taken is refused, with the reason).
  const create = async (username: string) => {
    await admin.fill("#manager-username", username);
    await admin.fill("#manager-display", "端到端安全员");
    await admin.fill("#manager-password", manager.password);
    await admin.click("#manager-form button[type=submit]");
  };
  await create(trainer.username);
  await expect(admin.locator("#manager-form")).toContainText(zh.err_username_taken);
  if (jsEnabled) await waitForHydration(admin);
  await create(manager.username);
  await expect(admin.locator("#enterprise-notice")).toHaveText(zh.te_created);
  const account = admin.locator(`#managers li[data-username="${manager.username}"]`);
  await expect(account).toHaveAttribute("data-active", "true");
  await a11y(admin, jsEnabled);

  // The manager signs in and keeps their enterprise's records.
  const own = await signIn(browser, baseURL!, jsEnabled, manager, /\/account$/);
  await open(own, "/training/enterprise", jsEnabled);
  await expect(own.locator("h1")).toHaveText(zh.tr_title);
  await expect(own.locator("main")).toContainText(company);

  // Disabled: their next page refuses them; enabled again for the record.
  if (jsEnabled) await waitForHydration(admin);
  await account.locator(".manager-toggle button").click();
  await expect(account).toHaveAttribute("data-active", "false");
  await own.goto("/training/enterprise");
  await expect(own.locator("main")).toContainText(zh.err_unauthorized);
  await own.context().close();
  if (jsEnabled) await waitForHydration(admin);
  await account.locator(".manager-toggle button").click();
  await expect(account).toHaveAttribute("data-active", "true");

  // In English.
  await admin.goto("/lang/en");
  await open(admin, `/staff/training/enterprises/${code}`, jsEnabled);
  await expect(admin.locator("h1")).toHaveText(en.te_title);
  await expect(account.locator(".manager-state")).toHaveText(en.te_active);
  await admin.goto("/lang/zh-CN");
  await admin.context().close();
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

/** `minutes` from now, in China time, as a datetime-local input takes it. */
function chinaMinute(minutes: number): string {
  return new Date(Date.now() + 8 * 3600_000 + minutes * 60_000).toISOString().slice(0, 16);
}

// After the manager's test, which links an employee record to each project's staff account.
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
  await a11y(own, jsEnabled);

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
