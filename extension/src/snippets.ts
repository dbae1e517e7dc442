/**
 * "Copy as curl" and "Copy as Python (requests)" for a console request (pure string building).
 *
 * The snippets read the Jupyter token from the environment variable `JUPYTER_TOKEN` instead of
 * embedding the user's token in text that ends up on the clipboard.
 */

export interface ISnippetRequest {
  /** Absolute URL of `servers/<id>/invocations`. */
  url: string;
  contentType: string;
  body: string;
}

/** Quote a string for a POSIX shell (single quotes; embedded ones closed and escaped). */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A Python string literal (JSON string syntax is valid Python). */
export function pythonString(text: string): string {
  return JSON.stringify(text);
}

/** Compact JSON bodies onto one line; leave CSV and invalid JSON as written. */
function compactBody(request: ISnippetRequest): string {
  if (request.contentType !== 'application/json') {
    return request.body;
  }
  try {
    return JSON.stringify(JSON.parse(request.body));
  } catch {
    return request.body;
  }
}

export function curlSnippet(request: ISnippetRequest): string {
  return [
    `curl -sS -X POST ${shellQuote(request.url)} \\`,
    `  -H "Authorization: token $JUPYTER_TOKEN" \\`,
    `  -H ${shellQuote(`Content-Type: ${request.contentType}`)} \\`,
    `  --data-binary ${shellQuote(compactBody(request))}`
  ].join('\n');
}

export function pythonSnippet(request: ISnippetRequest): string {
  return [
    'import os',
    '',
    'import requests',
    '',
    'response = requests.post(',
    `    ${pythonString(request.url)},`,
    '    headers={',
    '        "Authorization": f"token {os.environ[\'JUPYTER_TOKEN\']}",',
    `        "Content-Type": ${pythonString(request.contentType)},`,
    '    },',
    `    data=${pythonString(compactBody(request))},`,
    '    timeout=60,',
    ')',
    'print(response.status_code, response.json())',
    ''
  ].join('\n');
}
