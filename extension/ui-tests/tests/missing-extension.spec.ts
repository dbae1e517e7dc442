/**
 * The panel against a real Jupyter server whose servebook server extension is switched off:
 * JupyterLab still starts, and the panel says what is wrong and which commands fix it.
 */
import { expect, test } from '@jupyterlab/galata';

test.use({ baseURL: process.env.SERVEBOOK_UI_BARE_URL });

test('a missing server extension is reported with the command that fixes it', async ({
  page
}) => {
  await page.sidebar.openTab('sb-panel');
  const problem = page.locator('#sb-panel .sb-extension-problem');
  await expect(problem).toBeVisible();
  await expect(problem).toContainText(
    'The servebook server extension did not answer'
  );
  await expect(problem).toContainText('pip install servebook');
  await expect(problem).toContainText('jupyter server extension list');
  // The rest of JupyterLab is unaffected: the file browser works.
  await page.sidebar.openTab('filebrowser');
  await expect(page.locator('.jp-DirListing-content')).toBeVisible();
});
