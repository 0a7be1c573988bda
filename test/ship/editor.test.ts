// Editor support: `mxlint schema homeserver` given to yaml-language-server (the npm package, as
// editors run it: JSON-RPC over stdio), on a homeserver.yaml with a misspelt key. The language
// server must flag the unknown key and the misspelt one, and show a rule's advice on hover.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlint, ROOT } from '../cli/run.js';
import { NODE24 } from './shell.js';

/** A minimal LSP client: Content-Length framed JSON-RPC, answers the server's configuration requests. */
class LanguageClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private pending = new Map<number, (result: any) => void>();
  private listeners: Array<(message: any) => void> = [];
  constructor(private server: ChildProcessWithoutNullStreams, private settings: Record<string, unknown>) {
    server.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
  }
  private send(message: object) {
    const body = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.server.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  private receive(chunk: Buffer) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, header).toString())![1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString());
      this.buffer = this.buffer.subarray(header + 4 + length);
      if (message.id !== undefined && message.method) {
        // A request from the server: its configuration, or anything else answered with null.
        const result = message.method === 'workspace/configuration' ? message.params.items.map((item: { section?: string }) => (item.section ? this.settings[item.section] : this.settings)) : null;
        this.send({ id: message.id, result });
      } else if (message.id !== undefined) this.pending.get(message.id)?.(message.result);
      else this.listeners.forEach((listener) => listener(message));
    }
  }
  request(method: string, params: object): Promise<any> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise((resolve) => this.pending.set(id, resolve));
  }
  notify(method: string, params: object) { this.send({ method, params }); }
  waitFor(method: string, accept: (params: any) => boolean): Promise<any> {
    return new Promise((resolve) => this.listeners.push((message) => { if (message.method === method && accept(message.params)) resolve(message.params); }));
  }
}

describe('mxlint schema homeserver in yaml-language-server', () => {
  const work = mkdtempSync(join(tmpdir(), 'mxlint-editor-'));
  const schemaFile = join(work, 'homeserver.schema.json');
  const document = join(work, 'homeserver.yaml');
  const uri = pathToFileURL(document).href;
  const text = readFileSync(join(ROOT, 'test/ship/fixtures/editor-homeserver.yaml'), 'utf8');
  let server: ChildProcessWithoutNullStreams;
  let client: LanguageClient;

  beforeAll(async () => {
    const schema = mxlint(['schema', 'homeserver']);
    expect(schema.code).toBe(0);
    writeFileSync(schemaFile, schema.stdout);
    writeFileSync(document, text);
    // What an editor's settings say (VS Code: "yaml.schemas"); YAML 1.1, as Synapse reads it.
    // The policy schema is the file the package ships (package.json files and exports).
    const policySchema = pathToFileURL(join(ROOT, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports['./policy.schema.json'])).href;
    // docs/schemastore.md's settings, as written (a path relative to the workspace).
    const documented = JSON.parse(/```json\n([\s\S]*?)```/.exec(readFileSync(join(ROOT, 'docs/schemastore.md'), 'utf8'))![1]);
    const settings = { yaml: { validate: true, hover: true, yamlVersion: documented['yaml.yamlVersion'], schemas: { ...documented['yaml.schemas'], [policySchema]: ['.mxlint.yaml'] } } };
    server = spawn(NODE24, [join(ROOT, 'node_modules/yaml-language-server/bin/yaml-language-server'), '--stdio'], { cwd: work });
    client = new LanguageClient(server, settings);
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(work).href, capabilities: { workspace: { configuration: true }, textDocument: { hover: { contentFormat: ['plaintext'] }, publishDiagnostics: {} } } });
    client.notify('initialized', {});
    client.notify('workspace/didChangeConfiguration', { settings });
  }, 30_000);
  afterAll(() => {
    server?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  it('flags the unknown key and the misspelt one, and shows the rule advice on hover', async () => {
    const diagnosed = client.waitFor('textDocument/publishDiagnostics', (params) => params.uri === uri && params.diagnostics.length > 0);
    client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const { diagnostics } = await diagnosed;
    const lines = text.split('\n');
    const at = (key: string) => lines.findIndex((line) => line.trimStart().startsWith(`${key}:`));
    const unknown = diagnostics.find((diagnostic: any) => /presense/.test(diagnostic.message));
    expect(unknown).toMatchObject({ range: { start: { line: at('presense') } } });
    expect(unknown.message).toMatch(/not allowed/i);
    const misspelt = diagnostics.find((diagnostic: any) => diagnostic.range.start.line === at('alias_creation'));
    expect(misspelt.message).toContain('use alias_creation_rules');
    // No complaint about what is right.
    expect(diagnostics.filter((diagnostic: any) => ![at('presense'), at('alias_creation')].includes(diagnostic.range.start.line))).toEqual([]);

    const line = at('max_lifetime');
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line].indexOf('max_lifetime') + 2 } });
    const contents = JSON.stringify(hover.contents);
    expect(contents).toContain('mxlint retention-max-lifetime: Messages are deleted after at most 6 months');
    expect(contents).toContain('not 6m, which is six minutes');
  }, 30_000);

  it('flags a mistake in .mxlint.yaml with the policy schema the package ships', async () => {
    const policyUri = pathToFileURL(join(work, '.mxlint.yaml')).href;
    const policyText = 'useCases: [chatons]\nignores:\n  - rule: admin-contact\n';
    const diagnosed = client.waitFor('textDocument/publishDiagnostics', (params) => params.uri === policyUri && params.diagnostics.length > 0);
    client.notify('textDocument/didOpen', { textDocument: { uri: policyUri, languageId: 'yaml', version: 1, text: policyText } });
    const { diagnostics } = await diagnosed;
    expect(diagnostics).toEqual([expect.objectContaining({ message: expect.stringMatching(/ignores.*not allowed/i), range: expect.objectContaining({ start: expect.objectContaining({ line: 1 }) }) })]);
  }, 30_000);
});

describe('docs/schemastore.md', () => {
  const doc = readFileSync(join(ROOT, 'docs/schemastore.md'), 'utf8');
  const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]));

  it("drafts a SchemaStore entry matching the policy file's names and the path the package ships", async () => {
    const { POLICY_FILE_NAMES } = await import('../../src/policy/find.js');
    const entry = blocks.find((block) => block.fileMatch);
    expect(entry.fileMatch).toEqual(POLICY_FILE_NAMES);
    const shipped = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports['./policy.schema.json'].replace(/^\.\//, '');
    expect(entry.url).toBe(`https://unpkg.com/mxlint/${shipped}`);
  });

  it('writes the schema where its editor settings (used by the test above) look for it', () => {
    expect(Object.keys(blocks[0]['yaml.schemas'])).toEqual(['./homeserver.schema.json']);
    expect(doc).toContain('```sh\nmxlint schema homeserver > homeserver.schema.json\n```');
  });
});
