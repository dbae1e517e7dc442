/**
 * Unit tests of the console's pure conversions (node's built-in test runner, no extra packages).
 * Run with `jlpm test:unit`: it compiles src/formats/ and src/snippets.ts to CommonJS first.
 */
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { test } = require('node:test');

const csvFormat = require('../lib/unit/formats/csv.js');
const examples = require('../lib/unit/formats/examples.js');
const pt = require('../lib/unit/formats/predictionTable.js');
const rf = require('../lib/unit/formats/requestFormats.js');
const sn = require('../lib/unit/snippets.js');

const split = JSON.stringify({
  dataframe_split: {
    columns: ['a', 'b'],
    data: [
      [1.5, 'x'],
      [2, 'y,z']
    ]
  },
  params: { scale: 2 }
});

test('dataframe_split converts to every format and back without loss', () => {
  const data = rf.parseBody(split, 'dataframe_split');
  assert.deepEqual(data.table, {
    columns: ['a', 'b'],
    rows: [
      [1.5, 'x'],
      [2, 'y,z']
    ]
  });
  assert.deepEqual(data.params, { scale: 2 });
  for (const format of ['dataframe_records', 'instances', 'inputs']) {
    const text = rf.convertBody(split, 'dataframe_split', format);
    assert.ok(format in JSON.parse(text), `${format} key present`);
    assert.deepEqual(
      rf.parseBody(text, format),
      data,
      `round trip through ${format}`
    );
  }
  assert.deepEqual(
    JSON.parse(rf.convertBody(split, 'dataframe_split', 'inputs')).inputs,
    {
      a: [1.5, 2],
      b: ['x', 'y,z']
    }
  );
  assert.deepEqual(
    JSON.parse(rf.convertBody(split, 'dataframe_split', 'dataframe_records'))
      .dataframe_records,
    [
      { a: 1.5, b: 'x' },
      { a: 2, b: 'y,z' }
    ]
  );
});

test('CSV quotes what needs quoting, parses numbers, and drops params', () => {
  const csv = rf.convertBody(split, 'dataframe_split', 'csv');
  assert.equal(csv, 'a,b\n1.5,x\n2,"y,z"\n');
  const back = rf.parseBody(csv, 'csv');
  assert.deepEqual(back.table, {
    columns: ['a', 'b'],
    rows: [
      [1.5, 'x'],
      [2, 'y,z']
    ]
  });
  assert.equal(back.params, null);
  assert.deepEqual(csvFormat.parseCsv('s,n\n"07",\n"say ""hi""",-1e3\n').rows, [
    ['07', null],
    ['say "hi"', -1000]
  ]);
});

test('bad bodies get messages that say what is wrong', () => {
  assert.throws(
    () => rf.parseBody('{not json', 'dataframe_split'),
    /not valid JSON/
  );
  assert.throws(
    () => rf.parseBody(split, 'inputs'),
    /uses "dataframe_split", not "inputs"/
  );
  assert.throws(
    () => csvFormat.parseCsv('a,b\n1\n'),
    /row 2 has 1 fields, the header has 2/
  );
  assert.throws(() => csvFormat.parseCsv('a\n"open\n'), /unclosed quote/);
  const tensor = JSON.stringify({
    inputs: [
      [1, 2],
      [3, 4]
    ]
  });
  assert.deepEqual(rf.parseBody(tensor, 'inputs').raw, [
    [1, 2],
    [3, 4]
  ]);
  assert.throws(
    () => rf.convertBody(tensor, 'inputs', 'csv'),
    /Tensor input cannot be written as CSV/
  );
  assert.deepEqual(JSON.parse(rf.convertBody(tensor, 'inputs', 'instances')), {
    instances: [
      [1, 2],
      [3, 4]
    ]
  });
});

test('the initial body comes from the serving example, else from the signature', () => {
  const signature = {
    inputs: {
      kind: 'columns',
      columns: [
        { name: 'x', type: 'double', required: true, shape: null },
        { name: 'tags', type: 'array<string>', required: true, shape: null }
      ]
    },
    outputs: null,
    params: [{ name: 'k', type: 'long', default: 3, shape: null }]
  };
  const example = { dataframe_records: [{ x: 1 }] };
  const fromExample = examples.initialRequest(example, signature);
  assert.equal(fromExample.format, 'dataframe_records');
  assert.deepEqual(JSON.parse(fromExample.text), {
    dataframe_records: [{ x: 1 }],
    params: { k: 3 }
  });

  const generated = examples.initialRequest(null, signature);
  assert.equal(generated.format, 'dataframe_split');
  assert.deepEqual(JSON.parse(generated.text), {
    dataframe_split: { columns: ['x', 'tags'], data: [[1.5, ['text']]] },
    params: { k: 3 }
  });

  const tensors = examples.initialRequest(null, {
    inputs: {
      kind: 'tensors',
      columns: [{ name: null, type: 'float32', required: true, shape: [-1, 2] }]
    },
    outputs: null,
    params: []
  });
  assert.deepEqual(JSON.parse(tensors.text), { inputs: [[1.5, 1.5]] });
});

test('predictions become a table whatever their shape', () => {
  assert.deepEqual(pt.predictionsTable({ predictions: [7, 10.5] }), {
    columns: ['prediction'],
    rows: [[7], [10.5]]
  });
  assert.deepEqual(
    pt.predictionsTable({ predictions: [{ label: 1, p: 0.5 }] }),
    {
      columns: ['label', 'p'],
      rows: [[1, 0.5]]
    }
  );
  assert.deepEqual(
    pt.predictionsTable({ predictions: { a: [1, 2], b: [3, 4] } }),
    {
      columns: ['a', 'b'],
      rows: [
        [1, 3],
        [2, 4]
      ]
    }
  );
  assert.deepEqual(pt.predictionsTable({ predictions: [[1, 2]] }).columns, [
    '0',
    '1'
  ]);
});

test('snippets quote the body for the shell and for Python, and read the token from the environment', () => {
  const request = {
    url: 'http://127.0.0.1:8888/servebook/servers/abc/invocations',
    contentType: 'application/json',
    body: '{\n  "inputs": {"name": ["O\'Brien"]}\n}'
  };
  const curl = sn.curlSnippet(request);
  assert.match(curl, /\$JUPYTER_TOKEN/);
  assert.doesNotMatch(curl, /token [0-9a-f]{16,}/);
  // The shell really receives the compacted body unchanged.
  const echoed = execFileSync('sh', [
    '-c',
    `printf %s ${sn.shellQuote('{"inputs":{"name":["O\'Brien"]}}')}`
  ]);
  assert.equal(echoed.toString(), '{"inputs":{"name":["O\'Brien"]}}');
  assert.match(
    curl,
    /--data-binary '\{"inputs":\{"name":\["O'\\''Brien"\]\}\}'$/
  );

  const python = sn.pythonSnippet(request);
  assert.match(python, /os\.environ\['JUPYTER_TOKEN'\]/);
  assert.match(
    python,
    /data="\{\\"inputs\\":\{\\"name\\":\[\\"O'Brien\\"\]\}\}",/
  );
  assert.match(python, /"Content-Type": "application\/json"/);
  // The Python literal really is the compacted body.
  const literal = sn.pythonString('{"inputs":{"name":["O\'Brien"]}}\n\u00e9');
  const parsed = execFileSync('python3', [
    '-c',
    'import ast, sys; sys.stdout.write(ast.literal_eval(sys.argv[1]))',
    literal
  ]);
  assert.equal(
    parsed.toString('utf8'),
    '{"inputs":{"name":["O\'Brien"]}}\n\u00e9'
  );
});

test('the frontend reports the same version as the npm package and the Python package', () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const tokens = require('../lib/unit/tokens.js');
  const npmVersion = require('../package.json').version;
  const pyVersion = /__version__ = "([^"]+)"/.exec(
    fs.readFileSync(
      path.join(
        __dirname,
        '..',
        '..',
        'kernel_helpers',
        'servebook',
        '_version.py'
      ),
      'utf8'
    )
  )[1];
  assert.equal(tokens.FRONTEND_VERSION, npmVersion);
  assert.equal(npmVersion, pyVersion);
});
