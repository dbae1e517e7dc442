/**
 * Saves the fixture models into the test server's root with the project's own `servebook.save`
 * (real MLflow-format models), using the project virtualenv's Python. The returned function is the
 * global teardown: it removes the server root.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

module.exports = async function globalSetup() {
  const venv =
    process.env.SERVEBOOK_VENV || path.resolve(__dirname, '..', '..', '.venv');
  const root = process.env.SERVEBOOK_UI_ROOT;
  execFileSync(
    path.join(venv, 'bin', 'python'),
    [path.join(__dirname, 'fixtures', 'make_model.py'), root],
    { stdio: 'inherit', timeout: 60 * 1000 }
  );
  return async () => {
    fs.rmSync(root, { recursive: true, force: true });
  };
};
