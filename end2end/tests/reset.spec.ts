// Reset: asks first, removes the stored settings (password included), shows the defaults;
// harmless when repeated; Cancel changes nothing.
import { expect, test, type Page } from '@playwright/test';
import {
  getSettings,
  gotoConsole,
  postfixEnv,
  reloadConsole,
  resetViaApi,
  saveViaApi,
  startTlsForm,
} from './support';

test.beforeEach(async ({ request }) => {
  await resetViaApi(request);
});

async function openResetDialog(page: Page) {
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  const dialog = page.locator('#reset-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('including any stored password');
  return dialog;
}

async function expectDefaults(page: Page) {
  await expect(page.locator('#server_name')).toHaveValue('');
  await expect(page.locator('#port')).toHaveValue('25');
  await expect(page.locator('#timeout')).toHaveValue('30');
  await expect(page.locator('#security')).toHaveValue('none');
  await expect(page.locator('#user_name')).toHaveValue('');
  await expect(page.locator('#from_address')).toHaveValue('');
  await expect(page.locator('#ca_certificate')).toHaveValue('');
  await expect(page.locator('[data-testid=password-state]')).toContainText('No password is stored');
}

test('Reset removes the settings after confirmation and shows the defaults', async ({ page, request }) => {
  await saveViaApi(request, startTlsForm());
  await gotoConsole(page);
  await expect(page.locator('#port')).toHaveValue(String(postfixEnv().startTlsPort));
  await expect(page.locator('[data-testid=password-state]')).toContainText('A password is stored');

  const dialog = await openResetDialog(page);
  await dialog.getByRole('button', { name: 'Reset settings' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.banner.success')).toContainText('SMTP settings removed');
  await expectDefaults(page);
  await expect(page.locator('.saved-at')).toContainText('Not configured');
  expect(await getSettings(request)).toBeNull();

  // The defaults are what the server renders too.
  await reloadConsole(page);
  await expectDefaults(page);

  // Again, with nothing stored: still a success, still nothing stored.
  const again = await openResetDialog(page);
  await again.getByRole('button', { name: 'Reset settings' }).click();
  await expect(again).toHaveCount(0);
  await expect(page.locator('.banner.success')).toBeVisible();
  await expect(page.locator('.banner.error')).toHaveCount(0);
  await expectDefaults(page);
  expect(await getSettings(request)).toBeNull();
});

test('Reset right after a reset on the same page is harmless', async ({ page, request }) => {
  await saveViaApi(request, startTlsForm());
  await gotoConsole(page);
  for (let round = 0; round < 2; round++) {
    const dialog = await openResetDialog(page);
    await dialog.getByRole('button', { name: 'Reset settings' }).click();
    await expect(dialog).toHaveCount(0);
    const expected = round === 0 ? 'SMTP settings removed' : 'Nothing was saved';
    await expect(page.locator('.banner.success')).toContainText(expected);
    await expectDefaults(page);
  }
  expect(await getSettings(request)).toBeNull();
});

test('Cancel leaves the settings intact', async ({ page, request }) => {
  await saveViaApi(request, startTlsForm());
  const before = await getSettings(request);
  await gotoConsole(page);

  const dialog = await openResetDialog(page);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.banner')).toHaveCount(0);
  await expect(page.locator('#port')).toHaveValue(String(postfixEnv().startTlsPort));
  expect(await getSettings(request)).toEqual(before);

  // The × button also closes without resetting.
  const again = await openResetDialog(page);
  await again.getByRole('button', { name: 'Close' }).click();
  await expect(again).toHaveCount(0);
  expect(await getSettings(request)).toEqual(before);

  await reloadConsole(page);
  await expect(page.locator('#port')).toHaveValue(String(postfixEnv().startTlsPort));
  await expect(page.locator('[data-testid=password-state]')).toContainText('A password is stored');
});

test('after a reset the page can save new settings', async ({ page, request }) => {
  const env = postfixEnv();
  await saveViaApi(request, startTlsForm());
  await gotoConsole(page);
  const dialog = await openResetDialog(page);
  await dialog.getByRole('button', { name: 'Reset settings' }).click();
  await expect(dialog).toHaveCount(0);

  await page.locator('#server_name').fill(env.host);
  await page.locator('#port').fill(String(env.plainPort));
  await page.locator('#from_address').fill('alerts@console.test');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('.banner.success')).toContainText('Saved');
  const stored = await getSettings(request);
  expect(stored.port).toBe(env.plainPort);
  expect(stored.password_stored).toBe(false);
});
