import { test, expect, zh, admin, waitForHydration, signIn } from "./fixtures";
import { Browser, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";

/**
 * The whole staff workflow in the browser: anonymous report → intake accepts and routes →
 * the department verifies with a fine, records the rectification and replies → the reporter
 * reads the reply → one reward officer decides, a second approves → the reporter claims with the
 * code → payment recorded; then the audit chain verifies, a tampered row is detected, and the
 * repaired chain verifies again. Runs with JavaScript off and hydrated.
 */
const db = process.env.SW_E2E_DB ?? "";
const account = (name: string) => ({
  username: process.env[`SW_E2E_${name}`] ?? "",
  password: process.env[`SW_E2E_${name}_PASSWORD`] ?? "",
});
const intake = account("INTAKE");
const handler = account("HANDLER");
const reward1 = account("REWARD1");
const reward2 = account("REWARD2");

function sqlite(statement: string): string {
  return execFileSync("sqlite3", [db, statement]).toString().trim();
}

async function staff(browser: Browser, baseURL: string, js: boolean, who: { username: string; password: string }): Promise<Page> {
  return signIn(browser, baseURL, js, who);
}

async function openStaffCase(page: Page, number: string, js: boolean) {
  await page.goto(`/staff/reports/${number}`);
  if (js) await waitForHydration(page);
  await expect(page.locator("#workflow")).toBeVisible();
}

async function submitOp(page: Page, op: string) {
  await page.locator(`#op-${op} button[type=submit]`).click();
}

test("from report to paid reward, with the audit chain checked", async ({ page, browser, baseURL, jsEnabled, visit }) => {
  test.setTimeout(120_000);
  // 1. An anonymous report.
  await visit("/report/new");
  await page.selectOption("#report_type", "major_hazard");
  await page.selectOption("#sector", "WHP");
  await page.selectOption("#town", "XZ01");
  await page.fill("#unit_name", "临湖精细化工");
  await page.fill("#address", "临湖镇工业园 12 号");
  await page.fill("#description", "储罐区可燃气体报警器被关闭，夜间在罐区动火作业，没有作业票。");
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/report\/receipt$/, { timeout: 30_000 });
  const number = (await page.locator("#case-number").textContent())!.trim();
  const code = (await page.locator("#access-code").textContent())!.trim();

  // 2. Intake accepts, then routes as the table suggests.
  const desk = await staff(browser, baseURL!, jsEnabled, intake);
  await desk.goto("/staff/reports?status=submitted");
  await expect(desk.locator(`tr[data-case="${number}"]`)).toBeVisible();
  await openStaffCase(desk, number, jsEnabled);
  await desk.fill("#accept-text", "已受理，将转有关部门核查。");
  await submitOp(desk, "accept");
  await expect(desk.locator("#op-route")).toBeVisible();
  await expect(desk.locator("#route-suggestion")).toContainText("区应急管理局");
  await expect(desk.locator("#route-lead")).toHaveValue("YJJ");
  await submitOp(desk, "route");
  await expect(desk.locator("#workflow-lead")).toHaveText("区应急管理局");
  await expect(desk.locator("#case-history")).toContainText(zh.op_route);

  // 3. The department: an illegal fine is refused, then verification, rectification, reply.
  const dept = await staff(browser, baseURL!, jsEnabled, handler);
  await openStaffCase(dept, number, jsEnabled);
  await dept.selectOption("#verify-code", "true");
  await dept.check("#action-administrative_penalty");
  await dept.check("#action-order_rectification");
  await dept.fill("#verify-amount", "-200");
  await dept.fill("#verify-text", "现场检查：报警器关闭属实，罐区动火未办理作业票。");
  await submitOp(dept, "verify");
  await expect(dept.locator("#verify-amount-errors")).toHaveText(zh.err_amount_negative);
  if (!jsEnabled) {
    // Without JavaScript the page was reloaded: fill the form again.
    await dept.selectOption("#verify-code", "true");
    await dept.check("#action-administrative_penalty");
    await dept.check("#action-order_rectification");
    await dept.fill("#verify-text", "现场检查：报警器关闭属实，罐区动火未办理作业票。");
  }
  await dept.fill("#verify-amount", "200000");
  await submitOp(dept, "verify");
  await expect(dept.locator("#workflow-verification")).toHaveText(zh.vr_true);
  await expect(dept.locator("#workflow-fine")).toHaveText("200,000.00");
  await dept.fill("#rectify-responsible", "王厂长");
  await dept.fill("#rectify-measures", "恢复可燃气体报警器；动火作业一律办票并专人监护");
  await dept.fill("#rectify-funds", "5 万元");
  const due = new Date(Date.now() + 20 * 86400_000).toISOString().slice(0, 10);
  await dept.fill("#rectify-date", due);
  await dept.fill("#rectify-contingency", "罐区火灾爆炸应急处置方案");
  await submitOp(dept, "rectify");
  await expect(dept.locator("#rectification")).toContainText("王厂长");
  await dept.fill("#rectify_done-text", "复查：报警器已恢复运行，附现场照片。");
  await submitOp(dept, "rectify_done");
  await expect(dept.locator("#rectification-done")).toContainText("报警器已恢复运行");
  await dept.selectOption("#reply-code", "yes");
  await submitOp(dept, "reply");
  await expect(dept.locator("#no-actions")).toBeVisible();

  // 4. The reporter reads the reply.
  await page.goto("/lookup");
  await page.fill("#case_number", number);
  await page.fill("#access_code", code);
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/lookup\/case$/);
  await expect(page.locator("#case-status")).toHaveText(zh.st_replied);
  await expect(page.locator("#case-reply")).toContainText("核查结论：属实");
  await expect(page.locator("#case-reply")).toContainText("罚款 200000.00 元");

  // 5. Reward: one officer decides (the amount the rules suggest), a second approves.
  const r1 = await staff(browser, baseURL!, jsEnabled, reward1);
  await openStaffCase(r1, number, jsEnabled);
  await expect(r1.locator("#reward-suggested")).toContainText("30,000.00");
  await r1.selectOption("#reward_decide-code", "eligible");
  await expect(r1.locator("#reward_decide-amount")).toHaveValue("30000");
  await r1.fill("#reward_decide-text", "首位举报，核查属实并已处罚。");
  await submitOp(r1, "reward_decide");
  await expect(r1.locator("#reward-decision")).toContainText(zh.rd_eligible);
  await expect(r1.locator("#op-reward_approve")).toHaveCount(0);
  const r2 = await staff(browser, baseURL!, jsEnabled, reward2);
  await openStaffCase(r2, number, jsEnabled);
  await submitOp(r2, "reward_approve");
  await expect(r2.locator("#reward-approved-by")).not.toBeEmpty();
  await expect(r2.locator("#workflow-reward")).toContainText("30,000.00");

  // 6. The reporter claims with the code.
  await page.reload();
  await expect(page.locator("#reward-status")).toContainText("¥30,000.00");
  await page.fill("#claim_code", code);
  await page.fill("#payee_name", "匿名领奖人");
  await page.fill("#id_number", "11010519491231002X");
  await page.fill("#bank", "徽商银行");
  await page.fill("#account", "6222 0000 1111 2222");
  await page.getByRole("button", { name: zh.case_claim_submit, exact: true }).click();
  await expect(page.locator("#reward-status")).toHaveAttribute("data-status", "claimed");

  // 7. Payment recorded; the reporter sees it.
  await openStaffCase(r2, number, jsEnabled);
  await r2.fill("#reward_pay-text", "PAY-2026-0001");
  await submitOp(r2, "reward_pay");
  await expect(r2.locator("#workflow-reward")).toContainText(zh.rw_paid);
  await page.reload();
  await expect(page.locator("#reward-status")).toHaveAttribute("data-status", "paid");

  // 8. The audit chain verifies; a tampered row is detected; repaired, it verifies again.
  const boss = await staff(browser, baseURL!, jsEnabled, admin);
  await boss.goto(`/admin/audit?case_number=${number}`);
  await expect(boss.locator("#chain-status")).toHaveAttribute("data-ok", "true");
  await expect(boss.locator("#audit-table")).toContainText(zh.op_reward_pay);
  const seq = sqlite(`select a.seq from audit_log a join reports r on r.id = a.report_id where r.case_number = '${number}' and a.action = 'accept'`);
  const original = sqlite(`select details from audit_log where seq = ${seq}`);
  sqlite(`drop trigger audit_log_no_update; update audit_log set details = '{"due_at":0}' where seq = ${seq};`);
  await boss.reload();
  await expect(boss.locator("#chain-status")).toHaveAttribute("data-ok", "false");
  await expect(boss.locator("#chain-status")).toContainText(`#${seq}`);
  sqlite(
    `update audit_log set details = '${original.replace(/'/g, "''")}' where seq = ${seq}; ` +
      "create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'audit_log is append-only'); end;",
  );
  await boss.reload();
  await expect(boss.locator("#chain-status")).toHaveAttribute("data-ok", "true");
});

test("dashboard, routing table and holiday calendar", async ({ browser, baseURL, jsEnabled }) => {
  const desk = await staff(browser, baseURL!, jsEnabled, intake);
  await desk.goto("/staff/dashboard");
  await expect(desk.locator("#chart-status svg")).toBeVisible();
  await expect(desk.locator("#chart-sector")).toContainText("危险化学品");
  const boss = await staff(browser, baseURL!, jsEnabled, admin);
  await boss.goto("/admin/routing");
  if (jsEnabled) await waitForHydration(boss);
  await expect(boss.locator('#routing-table tr[data-sector="JZ"]')).toContainText("区住房和城乡建设局");
  // A rule without a lead department is refused with a message.
  await boss.selectOption("#rule-sector", "JZ");
  await boss.click("#routing-form button[type=submit]");
  await expect(boss.locator("#lead-errors")).toHaveText(zh.err_sector_needs_department);
  await boss.goto("/admin/calendar");
  if (jsEnabled) await waitForHydration(boss);
  await expect(boss.locator('#holiday-table tr[data-day="2026-10-10"]')).toContainText(zh.wf_day_work);
  await boss.fill("#holiday-day", "2026-12-02");
  await boss.selectOption("#holiday-kind", "work");
  await boss.fill("#holiday-name", "测试调休");
  await boss.click("#holiday-form button[type=submit]");
  await expect(boss.locator("#kind-errors")).toHaveText(zh.err_workday_on_weekday);
});

async function fileReport(page: Page, visit: (p: string) => Promise<void>, address: string, description: string) {
  await visit("/report/new");
  await page.selectOption("#report_type", "general_hazard");
  await page.selectOption("#sector", "GM");
  await page.selectOption("#town", "JD02");
  await page.fill("#unit_name", `东城五金制品厂（${address}）`);
  await page.fill("#address", address);
  await page.fill("#description", description);
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/report\/receipt$/, { timeout: 30_000 });
  const number = (await page.locator("#case-number").textContent())!.trim();
  const code = (await page.locator("#access-code").textContent())!.trim();
  return { number, code };
}

test("related reports merged: one handling, one joint reply", async ({ page, browser, baseURL, jsEnabled, visit }) => {
  test.setTimeout(120_000);
  // Each run (JavaScript off / on) uses its own address, so "earlier reports at the same place" are its own.
  const address = `东城街道工业路 ${jsEnabled ? 5 : 3} 号`;
  const first = await fileReport(page, visit, address, "抛光车间粉尘很大，除尘器长期不开，地面积尘很厚。");
  const second = await fileReport(page, visit, address, "同一家五金厂：车间安全出口被成品堆满，锁着门上班。");
  const desk = await staff(browser, baseURL!, jsEnabled, intake);
  await openStaffCase(desk, first.number, jsEnabled);
  await submitOp(desk, "accept");
  await expect(desk.locator("#op-route")).toBeVisible();
  await submitOp(desk, "route");
  await expect(desk.locator("#workflow-lead")).toHaveText("区应急管理局");
  // The later report joins the earlier one; the form offers the earlier case first.
  await openStaffCase(desk, second.number, jsEnabled);
  await expect(desk.locator("#merge-other_case")).toHaveValue(first.number);
  await desk.fill("#merge-text", "您反映的问题与先前举报涉及同一单位，并案核查、统一答复。");
  await submitOp(desk, "merge");
  await expect(desk.locator("#workflow-merged-into")).toHaveText(first.number);
  await desk.goto(`/staff/reports?q=${second.number}`);
  await expect(desk.locator(`tr[data-case="${second.number}"] .badge.merged`)).toContainText(first.number);
  await openStaffCase(desk, first.number, jsEnabled);
  await expect(desk.locator("#workflow-merged")).toContainText(second.number);

  // The department handles the earlier case once; the merged case itself offers no actions.
  const dept = await staff(browser, baseURL!, jsEnabled, handler);
  await openStaffCase(dept, second.number, jsEnabled);
  await expect(dept.locator("#no-actions")).toBeVisible();
  await openStaffCase(dept, first.number, jsEnabled);
  await dept.selectOption("#verify-code", "partly_true");
  await dept.check("#action-order_rectification");
  await dept.fill("#verify-text", "除尘器未开启属实，已责令整改；安全出口已清理。");
  await submitOp(dept, "verify");
  await expect(dept.locator("#workflow-verification")).toHaveText(zh.vr_partly_true);
  await dept.selectOption("#reply-code", "no");
  await submitOp(dept, "reply");
  await expect(dept.locator("#no-actions")).toBeVisible();

  // The second reporter reads the joint reply, and the timeline says the case was merged.
  await page.goto("/lookup");
  await page.fill("#case_number", second.number);
  await page.fill("#access_code", second.code);
  await page.click("button[type=submit]");
  await expect(page).toHaveURL(/\/lookup\/case$/);
  await expect(page.locator("#case-status")).toHaveText(zh.st_replied);
  await expect(page.locator("#case-reply")).toContainText("核查结论：部分属实");
  await expect(page.locator("#case-reply")).toContainText("并案");
  await expect(page.locator(".timeline")).toContainText(zh.st_merged);
  await expect(page.locator(".timeline")).toContainText("区应急管理局");
});

test("departments and towns are edited by the admin", async ({ browser, baseURL, jsEnabled }) => {
  const boss = await staff(browser, baseURL!, jsEnabled, admin);
  const code = jsEnabled ? "SWJ-JS" : "SWJ";
  await boss.goto("/admin/organisation");
  if (jsEnabled) await waitForHydration(boss);
  await expect(boss.locator('#department-list .org-row[data-code="AJZ-XZ01"]')).toBeVisible();
  // A new department.
  await boss.fill("#dept-new-code", code);
  await boss.fill("#dept-new-zh", "区水务局");
  await boss.fill("#dept-new-en", "District Water Affairs Bureau");
  await boss.click("#department-new button[type=submit]");
  await expect(boss.locator(`#department-list .org-row[data-code="${code}"]`)).toBeVisible();
  // Retiring a department the routing table still uses is refused with a message.
  await boss.uncheck("#dept-ZJJ-active");
  await boss.click('#department-list .org-row[data-code="ZJJ"] button[type=submit]');
  await expect(boss.locator("#active-errors")).toHaveText(zh.err_department_in_routing);
  // A town renamed.
  await boss.goto("/admin/organisation");
  if (jsEnabled) await waitForHydration(boss);
  await boss.fill("#town-JD03-zh", jsEnabled ? "西城街道（JS）" : "西城街道");
  await boss.click('#town-list .org-row[data-code="JD03"] button[type=submit]');
  await expect(boss.locator("#town-JD03-zh")).toHaveValue(jsEnabled ? "西城街道（JS）" : "西城街道");
  // A new department's code must be well formed.
  await boss.fill("#dept-new-code", "水务");
  await boss.fill("#dept-new-zh", "区水务局");
  await boss.fill("#dept-new-en", "District Water Affairs Bureau");
  await boss.click("#department-new button[type=submit]");
  await expect(boss.locator("#code-errors")).toHaveText(zh.err_code_invalid);
});

test("villages, communities and enterprises are kept by the admin", async ({ browser, baseURL, jsEnabled }) => {
  const boss = await staff(browser, baseURL!, jsEnabled, admin);
  const village = jsEnabled ? "XZ02-C02" : "XZ02-C01";
  const credit = jsEnabled ? "91340100MA2NE0W03A" : "91340100MA2NE0W027";
  await boss.goto("/admin/organisation");
  if (jsEnabled) await waitForHydration(boss);
  await expect(boss.locator('#village-list .org-row[data-code="XZ01-C01"]')).toBeVisible();
  // A new village under 双河镇.
  await boss.fill("#village-new-code", village);
  await boss.fill("#village-new-zh", "青山村");
  await boss.fill("#village-new-en", "Qingshan Village");
  await boss.selectOption("#village-new-town", "XZ02");
  await boss.selectOption("#village-new-kind", "village");
  await boss.click("#village-new button[type=submit]");
  await expect(boss.locator(`#village-list .org-row[data-code="${village}"]`)).toBeVisible();
  // An enterprise with a mistyped credit code is refused with the reason, then added.
  if (jsEnabled) await waitForHydration(boss);
  await boss.fill("#ent-new-code", credit.slice(0, 17) + "0");
  await boss.fill("#ent-new-name", "双河机械制造有限公司");
  await boss.selectOption("#ent-new-town", "XZ02");
  await boss.selectOption("#ent-new-village", village);
  await boss.selectOption("#ent-new-sector", "GM");
  await boss.fill("#ent-new-employees", "85");
  await boss.click("#enterprise-new button[type=submit]");
  await expect(boss.locator("#credit_code-errors")).toHaveText(zh.err_credit_code_invalid);
  await boss.goto("/admin/organisation#enterprises");
  if (jsEnabled) await waitForHydration(boss);
  await boss.fill("#ent-new-code", credit);
  await boss.fill("#ent-new-name", "双河机械制造有限公司");
  await boss.selectOption("#ent-new-town", "XZ02");
  await boss.selectOption("#ent-new-village", village);
  await boss.selectOption("#ent-new-sector", "GM");
  await boss.fill("#ent-new-employees", "85");
  await boss.click("#enterprise-new button[type=submit]");
  const row = boss.locator(`#enterprise-list .org-row[data-code="${credit}"]`);
  await expect(row).toBeVisible();
  await expect(boss.locator(`#ent-${credit}-employees`)).toHaveValue("85");
  await expect(boss.locator(`#ent-${credit}-village`)).toHaveValue(village);
  // The village now counts it, so it cannot be retired.
  await boss.uncheck(`#village-${village}-active`);
  await boss.click(`#village-list .org-row[data-code="${village}"] button[type=submit]`);
  await expect(boss.locator("#active-errors")).toHaveText(zh.err_village_has_enterprises);
});
