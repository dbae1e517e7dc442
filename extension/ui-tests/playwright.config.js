/**
 * Playwright configuration for the servebook browser tests.
 *
 * Runs Debian's chromium (never a downloaded browser) against a real `jupyter lab` from the project
 * virtualenv, with token auth on, on a loopback port. The fixture model is saved by global-setup.js.
 */
const os = require('os');
const path = require('path');

const baseConfig = require('@jupyterlab/galata/lib/playwright-config');

const { execFileSync } = require('child_process');

const venv =
  process.env.SERVEBOOK_VENV || path.resolve(__dirname, '..', '..', '.venv');

/**
 * Two free loopback ports, chosen once by the main process and exported, so the workers (which load this
 * file again) use the same ones. The ports are released just before Jupyter binds them: a small race,
 * acceptable for a test harness, and far less likely to collide than fixed numbers.
 */
function freePorts() {
  const script =
    'import socket\n' +
    'socks = [socket.socket() for _ in range(2)]\n' +
    'for s in socks: s.bind(("127.0.0.1", 0))\n' +
    'print(" ".join(str(s.getsockname()[1]) for s in socks))';
  return execFileSync(path.join(venv, 'bin', 'python'), ['-c', script])
    .toString()
    .trim()
    .split(' ');
}
if (!process.env.SERVEBOOK_UI_PORT || !process.env.SERVEBOOK_UI_BARE_PORT) {
  [process.env.SERVEBOOK_UI_PORT, process.env.SERVEBOOK_UI_BARE_PORT] =
    freePorts();
}
const port = process.env.SERVEBOOK_UI_PORT;
// A second server without the server extension, for the "extension missing" report.
const barePort = process.env.SERVEBOOK_UI_BARE_PORT;
process.env.SERVEBOOK_UI_BARE_URL = `http://127.0.0.1:${barePort}`;
const token = process.env.SERVEBOOK_UI_TOKEN || 'servebook-ui-test';
// One server root per run; exported so the global setup and the workers see the same value.
process.env.SERVEBOOK_UI_ROOT =
  process.env.SERVEBOOK_UI_ROOT ||
  path.join(os.tmpdir(), `servebook-ui-${port}-${process.pid}`);
const chromium = process.env.SERVEBOOK_CHROMIUM || '/usr/bin/chromium';

module.exports = {
  ...baseConfig,
  testDir: './tests',
  outputDir: './test-results',
  globalSetup: require.resolve('./global-setup.js'),
  timeout: 120 * 1000,
  expect: { timeout: 30 * 1000 },
  retries: 0,
  workers: 1,
  reporter: [['list'], ['./summary-reporter.js']],
  use: {
    ...baseConfig.use,
    baseURL: `http://127.0.0.1:${port}`,
    extraHTTPHeaders: { Authorization: `token ${token}` },
    trace: 'off',
    video: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    }
  },
  webServer: [
    {
      command: `${path.join(venv, 'bin', 'jupyter')} lab --config jupyter_server_test_config.py`,
      url: `http://127.0.0.1:${port}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: false,
      env: {
        ...process.env,
        SERVEBOOK_UI_PORT: port,
        SERVEBOOK_UI_TOKEN: token,
        JUPYTER_PLATFORM_DIRS: '1'
      }
    },
    {
      command: `${path.join(venv, 'bin', 'jupyter')} lab --config jupyter_server_test_config.py`,
      url: `http://127.0.0.1:${barePort}/lab`,
      timeout: 120 * 1000,
      reuseExistingServer: false,
      env: {
        ...process.env,
        SERVEBOOK_UI_PORT: barePort,
        SERVEBOOK_UI_TOKEN: token,
        SERVEBOOK_UI_WITHOUT_EXTENSION: '1',
        JUPYTER_PLATFORM_DIRS: '1'
      }
    }
  ]
};
