// Shared helpers of the integration suites: the Gradlens API, waiting for conditions, editing and saving
// model files, reading lenses and diagnostics, and requests to the runner (screenshots, granting trust).
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GradlensApi } from '../../../extension/api';

export const EXTENSION_ID = 'gradlens.gradlens';

export async function gradlens(): Promise<GradlensApi> {
  const extension = vscode.extensions.getExtension<GradlensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
  return extension.isActive ? extension.exports : await extension.activate();
}

/** The workspace folder holding the copied examples (the first root). */
export function examplesRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri;
}

export function exampleUri(relative: string): vscode.Uri {
  return vscode.Uri.joinPath(examplesRoot(), relative);
}

/** A measurement worth reading in the runner's output (mocha's report goes there too). */
export function note(text: string): void {
  console.log(text);
  if (process.env.GRADLENS_E2E_RESULTS) appendFileSync(process.env.GRADLENS_E2E_RESULTS, `      ${text}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `probe` returns a truthy value; fails with `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 60_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(everyMs);
  }
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** CodeLens titles of a document, in order, as VS Code's own provider command returns them. */
export async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  // The command needs the document loaded in the workbench.
  await vscode.workspace.openTextDocument(uri);
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses.map((l) => l.command?.title ?? '').filter((t) => t);
}

export function gradlensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'gradlens');
}

/** Replaces the first occurrence of `search` in a document (through the editor, like a user). */
export async function replaceText(uri: vscode.Uri, search: string, replacement: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const offset = document.getText().indexOf(search);
  assert.ok(offset >= 0, `'${search}' is not in ${uri.fsPath}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(document.positionAt(offset), document.positionAt(offset + search.length)), replacement);
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
}

export async function save(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  // A save can be refused while the workbench is still syncing a file the test just wrote to disk: retry a
  // few times while the document is still dirty.
  for (let attempt = 1; ; attempt++) {
    if (await document.save()) return;
    if (!document.isDirty) return;
    assert.ok(attempt < 5, `saving ${uri.fsPath} failed`);
    await sleep(200 * attempt);
  }
}

/** A save that changes nothing visible (a newline at the end), as saving an unchanged file fires no event. */
export async function touchAndSave(uri: vscode.Uri): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, document.lineAt(document.lineCount - 1).range.end, '\n');
  assert.ok(await vscode.workspace.applyEdit(edit), 'the edit was not applied');
  await save(uri);
}

/** Writes a new model file into the examples root and returns its uri. */
export async function writeModelFile(relative: string, text: string): Promise<vscode.Uri> {
  const uri = exampleUri(relative);
  // Through VS Code's file service, so an open editor of the file follows the new content at once.
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
  await waitFor(`${relative} to show its new content`, async () => (await vscode.workspace.openTextDocument(uri)).getText() === text, 10_000);
  return uri;
}

/** The position of `search` in a document (0-based line and character). */
export async function positionOf(uri: vscode.Uri, search: string): Promise<vscode.Position> {
  const document = await vscode.workspace.openTextDocument(uri);
  const offset = document.getText().indexOf(search);
  assert.ok(offset >= 0, `'${search}' is not in ${uri.fsPath}`);
  return document.positionAt(offset);
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('gradlens').update(key, value, vscode.ConfigurationTarget.Global);
}

/** Whether the runner (test/integration/run.mjs) is driving this host, so browser-side requests work. */
export function runnerAvailable(): boolean {
  return !!process.env.GRADLENS_E2E_SIGNALS;
}

let requestCounter = 0;

/** Asks the runner for something only the browser side can do, and waits for its reply. */
export async function askRunner(action: string, details: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  const dir = process.env.GRADLENS_E2E_SIGNALS;
  assert.ok(dir, 'not driven by test/integration/run.mjs');
  const id = `${Date.now()}-${++requestCounter}`;
  writeFileSync(join(dir, `${id}.request.json`), JSON.stringify({ action, ...details }));
  const replyPath = join(dir, `${id}.reply.json`);
  const reply = await waitFor(
    `the runner's reply to '${action}'`,
    () => existsSync(replyPath) && (JSON.parse(readFileSync(replyPath, 'utf8')) as Record<string, unknown>),
    timeoutMs,
    100,
  );
  assert.ok(reply.ok, `runner could not ${action}: ${String(reply.error)}`);
  return reply;
}

/** Measures how late a timer fires while something runs: a blocked extension host shows up here. */
export async function eventLoopLag(samples = 10, intervalMs = 20): Promise<number> {
  let worst = 0;
  for (let i = 0; i < samples; i++) {
    const start = Date.now();
    await sleep(intervalMs);
    worst = Math.max(worst, Date.now() - start - intervalMs);
  }
  return worst;
}
